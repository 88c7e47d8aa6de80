package elastic

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// textFields are searched by free text; the title weighs five times the
// body, as in the embedded store's ranking.
var textFields = []string{"title^5", "body"}

// textClause matches a word or phrase in title or body as a phrase, which
// for a single word is a plain term match; like the embedded store, user
// input is never read as query syntax.
func textClause(t query.Term) map[string]any {
	return map[string]any{"multi_match": map[string]any{"query": t.Text, "type": "phrase", "fields": textFields}}
}

// anyOf matches when any clause matches.
func anyOf(clauses []map[string]any) map[string]any {
	return map[string]any{"bool": map[string]any{"should": clauses, "minimum_should_match": 1}}
}

// nameFilter matches a tagged name equal to n case-insensitively or
// containing n as whole words.
func nameFilter(field string, names []string) map[string]any {
	var or []map[string]any
	for _, n := range names {
		or = append(or, map[string]any{"match_phrase": map[string]any{field + ".words": n}})
	}
	return anyOf(or)
}

// buildQuery translates q. With scoring, positive terms rank; without, they
// only filter (Scan).
func buildQuery(q query.Query, scoring bool) map[string]any {
	var must, filter, mustNot []map[string]any
	for _, t := range q.Terms {
		switch {
		case t.Not:
			mustNot = append(mustNot, textClause(t))
		case scoring:
			must = append(must, textClause(t))
		default:
			filter = append(filter, textClause(t))
		}
	}
	if len(q.People) > 0 {
		filter = append(filter, nameFilter("people", q.People))
	}
	if len(q.Places) > 0 {
		filter = append(filter, nameFilter("places", q.Places))
	}
	if len(q.Orgs) > 0 {
		filter = append(filter, nameFilter("organizations", q.Orgs))
	}
	if len(q.Sites) > 0 {
		var or []map[string]any
		for _, s := range q.Sites {
			s = strings.TrimPrefix(strings.ToLower(s), "www.")
			or = append(or,
				map[string]any{"term": map[string]any{"site": s}},
				map[string]any{"wildcard": map[string]any{"site": map[string]any{"value": "*." + escapeWildcard(s)}}})
		}
		filter = append(filter, anyOf(or))
	}
	if r := dateFilter(q); r != nil {
		filter = append(filter, r)
	}
	b := map[string]any{}
	if len(must) > 0 {
		b["must"] = must
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	if len(mustNot) > 0 {
		b["must_not"] = mustNot
	}
	if len(b) == 0 {
		return map[string]any{"match_all": map[string]any{}}
	}
	return map[string]any{"bool": b}
}

// dateFilter applies since: and until: to the published time, or to the
// fetch time of an article without one (see package query).
func dateFilter(q query.Query) map[string]any {
	if q.Since.IsZero() && q.Until.IsZero() {
		return nil
	}
	// Every digit of the fraction is written out: Elasticsearch fills
	// components missing from an lte bound with their maximum, which
	// would make until:…T12:00:00Z include 12:00:00.5.
	const layout = "2006-01-02T15:04:05.000000000Z"
	bounds := map[string]any{"format": "strict_date_optional_time_nanos"}
	if !q.Since.IsZero() {
		bounds["gte"] = q.Since.UTC().Format(layout)
	}
	if !q.Until.IsZero() {
		bounds["lte"] = q.Until.UTC().Format(layout)
	}
	return anyOf([]map[string]any{
		{"range": map[string]any{"published_at": bounds}},
		{"bool": map[string]any{
			"must_not": []any{map[string]any{"exists": map[string]any{"field": "published_at"}}},
			"filter":   []any{map[string]any{"range": map[string]any{"fetched_at": bounds}}},
		}},
	})
}

func escapeWildcard(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`).Replace(s)
}

func hasText(q query.Query) bool {
	for _, t := range q.Terms {
		if !t.Not {
			return true
		}
	}
	return false
}

// searchBody is the request of Search.
func searchBody(q query.Query, limit int) map[string]any {
	body := map[string]any{
		"size":             limit,
		"query":            buildQuery(q, true),
		"track_total_hits": false,
	}
	if hasText(q) {
		body["sort"] = []any{"_score", map[string]any{"id": "asc"}}
		body["_source"] = []string{"id", "title", "url", "site", "published_at", "story_id"}
		body["highlight"] = map[string]any{
			"pre_tags": []string{"["}, "post_tags": []string{"]"},
			"fields": map[string]any{"body": map[string]any{"fragment_size": 160, "number_of_fragments": 1}},
		}
	} else {
		body["sort"] = []any{
			map[string]any{"published_at": map[string]any{"order": "desc", "missing": "_last"}},
			map[string]any{"id": "asc"},
		}
		body["_source"] = []string{"id", "title", "url", "site", "published_at", "story_id", "body"}
	}
	return body
}

// Search returns up to limit articles matching q: by relevance when q has
// free text, newest first otherwise, ties by id as in the embedded store.
func (s *Store) Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	hits, err := s.search(ctx, searchBody(q, limit))
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	out := make([]query.Hit, len(hits))
	for i, h := range hits {
		out[i] = h.Hit
		out[i].Copies = 1
	}
	return out, nil
}

// hasStory matches articles with a story_id; the others are stories of
// their own.
var hasStory = map[string]any{"bool": map[string]any{
	"filter":   []any{map[string]any{"exists": map[string]any{"field": "story_id"}}},
	"must_not": []any{map[string]any{"term": map[string]any{"story_id": ""}}},
}}

// SearchStories is Search with one hit per story: the best-ranked matching
// copy, whose Copies counts the story's matching articles. limit counts
// stories, as in the embedded store.
//
// Articles with a story_id are collapsed on it, with an empty inner hit
// whose total is the number of copies. Articles without one cannot be
// collapsed with them (collapse would group them all under one missing
// value, and a runtime key needs a scripting module some distributions
// lack), so they are fetched by a second request and merged in rank order:
// the two requests share the query, so scores and dates compare.
func (s *Store) SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	base := buildQuery(q, true)
	stories := searchBody(q, limit)
	stories["query"] = map[string]any{"bool": map[string]any{"must": []any{base}, "filter": []any{hasStory}}}
	stories["collapse"] = map[string]any{"field": "story_id", "inner_hits": map[string]any{"name": "copies", "size": 0}}
	grouped, err := s.search(ctx, stories)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	singles := searchBody(q, limit)
	singles["query"] = map[string]any{"bool": map[string]any{"must": []any{base}, "must_not": []any{hasStory}}}
	alone, err := s.search(ctx, singles)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	for i := range alone {
		alone[i].Copies = 1
	}
	byText := hasText(q)
	merged := append(grouped, alone...)
	slices.SortStableFunc(merged, func(a, b rankedHit) int {
		if byText {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
		} else {
			switch {
			case a.PublishedAt == nil && b.PublishedAt != nil:
				return 1
			case a.PublishedAt != nil && b.PublishedAt == nil:
				return -1
			case a.PublishedAt != nil:
				if c := b.PublishedAt.Compare(*a.PublishedAt); c != 0 {
					return c
				}
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := make([]query.Hit, 0, min(limit, len(merged)))
	for _, h := range merged[:min(limit, len(merged))] {
		out = append(out, h.Hit)
	}
	return out, nil
}

// rankedHit is a hit with the score it was ranked by.
type rankedHit struct {
	query.Hit
	score float64
}

// search runs a search request built by searchBody and decodes its hits,
// with the copies counted by a collapse's inner hits, if any.
func (s *Store) search(ctx context.Context, req map[string]any) ([]rankedHit, error) {
	_, body, err := s.do(ctx, esapi.SearchRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)})
	if err != nil {
		return nil, err
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Score  *float64 `json:"_score"`
				Source struct {
					query.Hit
					Body string `json:"body"`
				} `json:"_source"`
				Highlight struct {
					Body []string `json:"body"`
				} `json:"highlight"`
				InnerHits struct {
					Copies struct {
						Hits struct {
							Total struct {
								Value int `json:"value"`
							} `json:"total"`
						} `json:"hits"`
					} `json:"copies"`
				} `json:"inner_hits"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, err
	}
	hits := make([]rankedHit, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		hit := rankedHit{Hit: h.Source.Hit}
		if h.Score != nil {
			hit.score = *h.Score
		}
		switch {
		case len(h.Highlight.Body) > 0:
			hit.Snippet = h.Highlight.Body[0]
		case h.Source.Body != "":
			hit.Snippet = truncate(h.Source.Body, 160)
		}
		hit.Snippet = strings.Join(strings.Fields(hit.Snippet), " ")
		hit.Copies = h.InnerHits.Copies.Hits.Total.Value
		hits = append(hits, hit)
	}
	return hits, nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// scanPage is how many articles Scan fetches per request.
const scanPage = 500

// Scan calls fn for every article matching q whose id sorts after after
// ("" for all), in id order, so an interrupted export resumes from the last
// id written. Pages follow each other with search_after on id.
func (s *Store) Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error {
	base := buildQuery(q, false)
	for {
		query := base
		if after != "" {
			query = map[string]any{"bool": map[string]any{"filter": []any{base,
				map[string]any{"range": map[string]any{"id": map[string]any{"gt": after}}}}}}
		}
		req := map[string]any{
			"size": scanPage, "query": query, "sort": []any{map[string]any{"id": "asc"}},
			"track_total_hits": false,
		}
		_, body, err := s.do(ctx, esapi.SearchRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)})
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		var res struct {
			Hits struct {
				Hits []struct {
					ID     string          `json:"_id"`
					Source json.RawMessage `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		for _, h := range res.Hits.Hits {
			a, err := article.Unmarshal(h.Source)
			if err != nil {
				return fmt.Errorf("scan %s: %w", h.ID, err)
			}
			if err := fn(a); err != nil {
				return err
			}
			after = a.ID
		}
		if len(res.Hits.Hits) < scanPage {
			return nil
		}
	}
}

// Facets returns the n most frequent people, places, organisations and
// sites among all the articles matching q (see query.Facets), by terms
// aggregations on the keyword fields. The index has one shard, so the
// counts and the top n are exact.
func (s *Store) Facets(ctx context.Context, q query.Query, n int) (query.Facets, error) {
	if n <= 0 {
		n = 10
	}
	terms := func(field string) map[string]any {
		return map[string]any{"terms": map[string]any{
			"field": field, "size": n,
			"order": []any{map[string]any{"_count": "desc"}, map[string]any{"_key": "asc"}},
		}}
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false),
		"aggs": map[string]any{
			"people": terms("people"), "places": terms("places"), "organizations": terms("organizations"), "sites": terms("site"),
		},
	}
	var res struct {
		Aggregations map[string]struct {
			Buckets []struct {
				Key      string `json:"key"`
				DocCount int    `json:"doc_count"`
			} `json:"buckets"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return query.Facets{}, fmt.Errorf("facets %q: %w", q.String(), err)
	}
	counts := func(name string) []query.Count {
		out := []query.Count{}
		for _, b := range res.Aggregations[name].Buckets {
			out = append(out, query.Count{Value: b.Key, Count: b.DocCount})
		}
		return out
	}
	return query.Facets{People: counts("people"), Places: counts("places"), Orgs: counts("organizations"), Sites: counts("sites")}, nil
}

// Timeline counts the articles matching q per period, by published time,
// else fetch time. Periods without articles are left out. Without a
// scripting module to pick the date per document, it takes two date
// histograms, of the published times and of the fetch times of undated
// articles, and adds them up.
func (s *Store) Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error) {
	switch iv {
	case query.Hour, query.Day, query.Week, query.Month:
	default:
		return nil, fmt.Errorf("timeline: unknown interval %q", iv)
	}
	histogram := func(field string) map[string]any {
		return map[string]any{"date_histogram": map[string]any{
			"field": field, "calendar_interval": string(iv), "time_zone": "UTC", "min_doc_count": 1,
		}}
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false),
		"aggs": map[string]any{
			"published": histogram("published_at"),
			"undated": map[string]any{
				"filter": map[string]any{"bool": map[string]any{"must_not": []any{map[string]any{"exists": map[string]any{"field": "published_at"}}}}},
				"aggs":   map[string]any{"fetched": histogram("fetched_at")},
			},
		},
	}
	type buckets struct {
		Buckets []struct {
			Key      int64 `json:"key"`
			DocCount int   `json:"doc_count"`
		} `json:"buckets"`
	}
	var res struct {
		Aggregations struct {
			Published buckets `json:"published"`
			Undated   struct {
				Fetched buckets `json:"fetched"`
			} `json:"undated"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("timeline %q: %w", q.String(), err)
	}
	sum := map[int64]int{}
	for _, b := range append(res.Aggregations.Published.Buckets, res.Aggregations.Undated.Fetched.Buckets...) {
		sum[b.Key] += b.DocCount
	}
	out := make([]query.Bucket, 0, len(sum))
	for key, n := range sum {
		out = append(out, query.Bucket{Start: time.UnixMilli(key).UTC(), Count: n})
	}
	slices.SortFunc(out, func(a, b query.Bucket) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// aggregate runs a search request and decodes its answer into res.
func (s *Store) aggregate(ctx context.Context, req map[string]any, res any) error {
	_, body, err := s.do(ctx, esapi.SearchRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)})
	if err != nil {
		return err
	}
	return json.Unmarshal(body, res)
}
