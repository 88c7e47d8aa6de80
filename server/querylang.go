package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

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
func rankedByRelevance(q query.Query) bool { return q.Ranked() }

// and is the query matching both q's conjuncts and extra.
func and(q query.Query, extra ...*query.Node) query.Query {
	kids := append(append([]*query.Node(nil), q.Conjuncts()...), extra...)
	switch len(kids) {
	case 0:
		return query.Query{}
	case 1:
		return query.Query{Root: kids[0]}
	}
	return query.Query{Root: &query.Node{Op: query.And, Kids: kids}}
}

// dateBounds is q with only its date bounds: the articles a timeline's
// shares are taken of.
func dateBounds(q query.Query) query.Query {
	var dates []*query.Node
	for _, n := range q.Conjuncts() {
		if n.Op == query.Date {
			dates = append(dates, n)
		}
	}
	return and(query.Query{}, dates...)
}

// narrow adds the since and until parameters (values as since: and until:
// take them in the query language) to q's own bounds; both apply, so the
// tighter wins.
func narrow(q query.Query, since, until string, maxLen int) (query.Query, *problem) {
	var bounds []*query.Node
	for _, b := range []struct{ name, v string }{{"since", since}, {"until", until}} {
		if b.v == "" {
			continue
		}
		d, p := parseQuery(b.name, b.name+":"+b.v, maxLen)
		if p != nil || d.Root == nil || d.Root.Op != query.Date {
			return q, badParam(b.name, "%q is not a date (want 2024-05-31, an RFC 3339 time, today or now-7d)", b.v)
		}
		bounds = append(bounds, d.Root)
	}
	q = and(q, bounds...)
	now := time.Now()
	var from, to time.Time
	for _, n := range dateBounds(q).Conjuncts() {
		switch b := n.Bound(now); n.Field {
		case "since":
			if b.After(from) {
				from = b
			}
		case "until":
			if to.IsZero() || b.Before(to) {
				to = b
			}
		}
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		return q, badParam("since", "since is after until")
	}
	return q, nil
}
