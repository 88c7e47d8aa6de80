package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// The reads below serve the web page and HTTP API (package server), with
// the same answers as the embedded store's.

// StoryArticles returns up to limit articles of story storyID in id order.
func (s *Store) StoryArticles(ctx context.Context, storyID string, limit int) ([]*article.Article, error) {
	if storyID == "" {
		return nil, nil
	}
	req := map[string]any{
		"size": limit, "track_total_hits": false,
		"query": map[string]any{"term": map[string]any{"story_id": storyID}},
		"sort":  []any{map[string]any{"id": "asc"}},
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("story %s: %w", storyID, err)
	}
	var out []*article.Article
	for _, h := range res.Hits.Hits {
		a, err := article.Unmarshal(h.Source)
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", storyID, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Suggest returns up to n values of field ("person", "place", "org",
// "site" or "event.actor": the values the event_actors facet counts,
// query.EventFacetActor) that start with prefix, ignoring ASCII case,
// with the number of articles having each, most first, ties by value.
func (s *Store) Suggest(ctx context.Context, field, prefix string, n int) ([]query.Count, error) {
	name, ok := map[string]string{"person": "people", "place": "places", "org": "organizations", "site": "site"}[field]
	if !ok && field != "event.actor" {
		return nil, fmt.Errorf("suggest: unknown field %q", field)
	}
	// A terms aggregation's include is a Lucene regular expression with no
	// case-insensitive flag, so each ASCII letter becomes a class of both
	// cases, as SQLite's LIKE folds them.
	var re strings.Builder
	for _, r := range prefix {
		switch {
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			fmt.Fprintf(&re, "[%c%c]", unicode.ToLower(r), unicode.ToUpper(r))
		default:
			re.WriteString(luceneQuote(string(r)))
		}
	}
	re.WriteString(".*")
	if field == "event.actor" {
		counts, err := s.suggestActors(ctx, re.String(), n)
		if err != nil {
			return nil, fmt.Errorf("suggest %s %q: %w", field, prefix, err)
		}
		return counts, nil
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false,
		"aggs": map[string]any{"values": map[string]any{"terms": map[string]any{
			"field": name, "size": n, "include": re.String(),
			"order": []any{map[string]any{"_count": "desc"}, map[string]any{"_key": "asc"}},
		}}},
	}
	counts, err := s.termCounts(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", field, prefix, err)
	}
	return counts, nil
}

// luceneQuote escapes the characters Lucene's regular expressions treat
// specially.
func luceneQuote(s string) string {
	return regexp.MustCompile(`[.?+*|{}\[\]()"\\#@&<>~]`).ReplaceAllString(s, `\$0`)
}

// Languages returns the n most frequent languages among the articles
// matching q, most first, ties by value; articles without one are left out.
func (s *Store) Languages(ctx context.Context, q query.Query, n int) ([]query.Count, error) {
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()),
		"aggs": map[string]any{"values": map[string]any{"terms": map[string]any{
			"field": "language", "size": n, "exclude": []string{""},
			"order": []any{map[string]any{"_count": "desc"}, map[string]any{"_key": "asc"}},
		}}},
	}
	counts, err := s.termCounts(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("languages %q: %w", q.String(), err)
	}
	return counts, nil
}

// termCounts runs a request with one terms aggregation named values.
func (s *Store) termCounts(ctx context.Context, req map[string]any) ([]query.Count, error) {
	var res struct {
		Aggregations struct {
			Values termBuckets `json:"values"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, err
	}
	return res.Aggregations.Values.counts(), nil
}

// termBuckets decodes the buckets of a terms aggregation on a keyword
// field, each counting documents.
type termBuckets struct {
	Buckets []struct {
		Key      string `json:"key"`
		DocCount int    `json:"doc_count"`
	} `json:"buckets"`
}

// counts are the buckets as counts, in their order, [] for none.
func (b termBuckets) counts() []query.Count {
	out := []query.Count{}
	for _, x := range b.Buckets {
		out = append(out, query.Count{Value: x.Key, Count: x.DocCount})
	}
	return out
}

// Total returns the number of articles matching q, every copy counted.
func (s *Store) Total(ctx context.Context, q query.Query) (int, error) {
	_, body, err := s.do(ctx, esapi.CountRequest{Index: []string{s.names.Alias},
		Body: jsonBody(map[string]any{"query": buildQuery(q, false, time.Now())})})
	if err != nil {
		return 0, fmt.Errorf("count %q: %w", q.String(), err)
	}
	var c struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return 0, fmt.Errorf("count %q: %w", q.String(), err)
	}
	return c.Count, nil
}
