package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// problem is an RFC 9457 problem details object. Position and Query are
// extensions for a query that does not parse: the 1-based column of the
// mistake and the query as given, so the page can point at it.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Param    string `json:"param,omitempty"`
	Position int    `json:"position,omitempty"`
	Query    string `json:"query,omitempty"`
}

func (p *problem) Error() string { return p.Title + ": " + p.Detail }

// Problem types: relative URIs resolved against the API, documented in
// openapi.json.
const (
	typeBadQuery     = "/api/v1/problems/bad-query"
	typeBadParam     = "/api/v1/problems/bad-parameter"
	typeNotFound     = "/api/v1/problems/not-found"
	typeUnauthorized = "/api/v1/problems/unauthorized"
	typeTooLarge     = "/api/v1/problems/too-large"
	typeInternal     = "/api/v1/problems/internal"
	typeUnavailable  = "/api/v1/problems/unavailable"
)

func badParam(param, format string, args ...any) *problem {
	return &problem{Type: typeBadParam, Title: "Bad parameter", Status: http.StatusBadRequest, Param: param, Detail: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *problem {
	return &problem{Type: typeNotFound, Title: "Not found", Status: http.StatusNotFound, Detail: fmt.Sprintf(format, args...)}
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	if p.Instance == "" {
		p.Instance = r.URL.Path
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// parseQuery is the server's one call into the query language: it parses
// q (taken from parameter param) and turns a syntax error into a problem
// that carries the column of the mistake.
func parseQuery(param, q string, maxLen int) (query.Query, *problem) {
	if len(q) > maxLen {
		return query.Query{}, &problem{Type: typeBadQuery, Title: "Bad query", Status: http.StatusBadRequest, Param: param,
			Detail: fmt.Sprintf("the query is %d bytes long; at most %d are allowed", len(q), maxLen), Position: maxLen + 1, Query: q}
	}
	parsed, err := query.Parse(q)
	if err != nil {
		p := &problem{Type: typeBadQuery, Title: "Bad query", Status: http.StatusBadRequest, Param: param, Detail: err.Error(), Query: q, Position: 1}
		var qe *query.Error
		if errors.As(err, &qe) {
			p.Detail = qe.Msg
			p.Position = qe.Offset + 1
		}
		return query.Query{}, p
	}
	return parsed, nil
}

// rankedByRelevance reports whether the stores order q's hits by relevance
// (it has free text to rank) rather than newest first.
func rankedByRelevance(q query.Query) bool {
	for _, t := range q.Terms {
		if !t.Not {
			return true
		}
	}
	return false
}

// dateBounds is q with only its date bounds: the articles a timeline's
// shares are taken of.
func dateBounds(q query.Query) query.Query {
	return query.Query{Since: q.Since, Until: q.Until}
}

// narrow adds the since and until parameters (days or RFC 3339 times, as
// in the query language) to q's own bounds; the tighter bound wins.
func narrow(q query.Query, since, until string, maxLen int) (query.Query, *problem) {
	for _, b := range []struct{ name, v string }{{"since", since}, {"until", until}} {
		if b.v == "" {
			continue
		}
		if strings.ContainsAny(b.v, " \t\"") {
			return q, badParam(b.name, "%q is not a date (want 2024-05-31 or an RFC 3339 time)", b.v)
		}
		d, p := parseQuery(b.name, b.name+":"+b.v, maxLen)
		if p != nil {
			return q, badParam(b.name, "%q is not a date (want 2024-05-31 or an RFC 3339 time)", b.v)
		}
		if b.name == "since" && (q.Since.IsZero() || d.Since.After(q.Since)) {
			q.Since = d.Since
		}
		if b.name == "until" && (q.Until.IsZero() || d.Until.Before(q.Until)) {
			q.Until = d.Until
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return q, badParam("since", "since is after until")
	}
	return q, nil
}
