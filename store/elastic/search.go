package elastic

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// SearchTimeout bounds every search, facet and timeline request: it is
// the request's own timeout, after which Elasticsearch stops searching
// (an answer that timed out is an error, never partial results), and the
// deadline of the HTTP call.
const SearchTimeout = 10 * time.Second

// bounded returns ctx with SearchTimeout as its deadline, unless it has
// an earlier one.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, SearchTimeout)
}

// The analysed fields (see AnalysedFields): free text is matched there,
// never in title and body, whose analyzer differs by distribution.
const (
	termsTitle = "search_title"
	termsBody  = "search_body"
	wordsTitle = "search_title_words"
	wordsBody  = "search_body_words"
	keysField  = "search_keys"
	// eventActorsField holds the distinct values the article's events'
	// actors count under in the event_actors facet (mapping version 4).
	eventActorsField = "search_event_actors"
	// searchEventsField holds the article's events as the event filters
	// match them (mapping version 6, searchEventsMapping).
	searchEventsField = "search_events"
)

// nameFields are the keyword fields of the name filters, by entity type.
var nameFields = map[string]string{article.Person: "people", article.Place: "places", article.Organization: "organizations"}

// foldedNameFields hold the same names as nameFields, each as the words
// query.NameWords makes of it (mapping version 5), by entity type: what
// the name filters match, so that case and accents are folded as in the
// embedded store and the alert matcher.
var foldedNameFields = map[string]string{article.Person: "search_people", article.Place: "search_places", article.Organization: "search_organizations"}

// anyOf matches when any clause matches.
func anyOf(clauses []map[string]any) map[string]any {
	return map[string]any{"bool": map[string]any{"should": clauses, "minimum_should_match": 1}}
}

// render translates one node of a parsed query; now resolves relative
// dates.
type render struct{ now time.Time }

func (r render) node(n *query.Node) map[string]any {
	switch n.Op {
	case query.And:
		var must, not []map[string]any
		for _, k := range n.Kids {
			if k.Op == query.Not {
				not = append(not, r.node(k.Kids[0]))
			} else {
				must = append(must, r.node(k))
			}
		}
		b := map[string]any{}
		if len(must) > 0 {
			b["must"] = must
		}
		if len(not) > 0 {
			b["must_not"] = not
		}
		return map[string]any{"bool": b}
	case query.Or:
		var should []map[string]any
		for _, k := range n.Kids {
			should = append(should, r.node(k))
		}
		return anyOf(should)
	case query.Not:
		return map[string]any{"bool": map[string]any{"must_not": []any{r.node(n.Kids[0])}}}
	case query.Text:
		// The query text is the analysed terms, which the whitespace
		// analyzer splits back into the same terms.
		fields := []string{termsTitle + "^5", termsBody}
		if n.Field == "title" {
			fields = []string{termsTitle}
		}
		return map[string]any{"multi_match": map[string]any{"query": strings.Join(n.Terms, " "), "type": "phrase", "fields": fields}}
	case query.Near:
		fields := []string{termsTitle, termsBody}
		if n.Field == "title" {
			fields = fields[:1]
		}
		var or []map[string]any
		for _, f := range fields {
			var clauses []any
			for _, t := range n.Terms {
				clauses = append(clauses, map[string]any{"span_term": map[string]any{f: t}})
			}
			or = append(or, map[string]any{"span_near": map[string]any{"clauses": clauses, "slop": n.Slop, "in_order": false}})
		}
		return anyOf(or)
	case query.Prefix:
		fields := []string{wordsTitle, wordsBody}
		if n.Field == "title" {
			fields = fields[:1]
		}
		var or []map[string]any
		for _, f := range fields {
			or = append(or, map[string]any{"prefix": map[string]any{f: map[string]any{"value": n.Terms[0]}}})
		}
		return anyOf(or)
	case query.Filter:
		return r.filter(n)
	case query.Events:
		return r.events(n)
	case query.Date:
		b := n.Bound(r.now)
		if n.Field == "since" {
			return dateFilter(b, time.Time{})
		}
		return dateFilter(time.Time{}, b)
	case query.Figure:
		must := []any{map[string]any{"term": map[string]any{"figures.kind": n.Field}}}
		ops := map[string]string{">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
		if op, ok := ops[n.Cmp]; ok {
			must = append(must, map[string]any{"range": map[string]any{"figures.value": map[string]any{op: n.Number}}})
		} else if n.Cmp == "=" {
			must = append(must, map[string]any{"term": map[string]any{"figures.value": n.Number}})
		}
		return map[string]any{"nested": map[string]any{"path": "figures", "query": map[string]any{"bool": map[string]any{"filter": must}}}}
	}
	return matchNone
}

var matchNone = map[string]any{"match_none": map[string]any{}}

// filter translates a field filter.
func (r render) filter(n *query.Node) map[string]any {
	f, ok := query.FieldNamed(n.Field)
	if !ok {
		return matchNone
	}
	switch f.Kind {
	case query.NameField:
		// A tagged name holding the value as whole words, case and
		// accents folded: a phrase of the folded words in one name (the
		// gap between the values of an array keeps a phrase inside one).
		// A document indexed before mapping version 5 has no folded
		// names, and is matched as it was then, until written again.
		folded := foldedNameFields[f.Entity]
		return anyOf([]map[string]any{
			{"match_phrase": map[string]any{folded: strings.Join(query.NameWords(n.Value), " ")}},
			{"bool": map[string]any{
				"must_not": map[string]any{"exists": map[string]any{"field": folded}},
				"filter":   map[string]any{"match_phrase": map[string]any{nameFields[f.Entity] + ".words": n.Value}},
			}},
		})
	case query.HostField:
		return anyOf([]map[string]any{
			{"term": map[string]any{"site": n.Value}},
			{"wildcard": map[string]any{"site": map[string]any{"value": "*." + escapeWildcard(n.Value)}}},
		})
	case query.KeyField, query.PhraseField:
		return map[string]any{"term": map[string]any{keysField: query.KeyOf(n.Field, n.Value)}}
	}
	return matchNone
}

// buildQuery translates q. With scoring, the free text of its top level
// ranks and the rest filters, as in the embedded store's bm25 over the
// top-level free text; without, everything filters (Scan, facets).
func buildQuery(q query.Query, scoring bool, now time.Time) map[string]any {
	r := render{now: now}
	var must, filter, mustNot []map[string]any
	for _, n := range q.Conjuncts() {
		switch {
		case n.Op == query.Not:
			mustNot = append(mustNot, r.node(n.Kids[0]))
		case scoring && query.TextOnly(n):
			must = append(must, r.node(n))
		default:
			filter = append(filter, r.node(n))
		}
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

// dateFilter applies a since: or until: bound to the published time, or to the
// fetch time of an article without one (see package query).
func dateFilter(since, until time.Time) map[string]any {
	// Every digit of the fraction is written out: Elasticsearch fills
	// components missing from an lte bound with their maximum, which
	// would make until:…T12:00:00Z include 12:00:00.5.
	const layout = "2006-01-02T15:04:05.000000000Z"
	bounds := map[string]any{"format": "strict_date_optional_time_nanos"}
	if !since.IsZero() {
		bounds["gte"] = since.UTC().Format(layout)
	}
	if !until.IsZero() {
		bounds["lte"] = until.UTC().Format(layout)
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

// hitSource is the part of an article's _source a hit is read from. The
// body makes the snippet (query.Snippet), as in the embedded store; of the
// events only the fields of query.HitEvent are read.
var hitSource = []string{"id", "title", "url", "site", "published_at", "story_id", "body",
	"events.type", "events.kind", "events.status", "events.actor", "events.what", "events.from", "events.new_announcement"}

// searchBody is the request of Search.
func searchBody(q query.Query, limit int, now time.Time) map[string]any {
	body := map[string]any{
		"size":             limit,
		"query":            buildQuery(q, true, now),
		"track_total_hits": false,
		"timeout":          searchTimeout,
		"_source":          hitSource,
	}
	if q.Ranked() {
		body["sort"] = []any{"_score", map[string]any{"id": "asc"}}
	} else {
		body["sort"] = []any{
			map[string]any{"published_at": map[string]any{"order": "desc", "missing": "_last"}},
			map[string]any{"id": "asc"},
		}
	}
	return body
}

// searchTimeout is SearchTimeout as Elasticsearch writes a time.
var searchTimeout = fmt.Sprintf("%dms", SearchTimeout.Milliseconds())

// Search returns up to limit articles matching q: by relevance when q has
// free text at its top level (query.Query.Ranked), newest first
// otherwise, ties by id as in the embedded store.
func (s *Store) Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	return s.searchAll(ctx, "", q, limit)
}

// searchAll is Search, within the point in time pit when it is not "".
func (s *Store) searchAll(ctx context.Context, pit string, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	hits, err := s.search(ctx, q, withPIT(searchBody(q, limit, time.Now()), pit))
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
	return s.searchStories(ctx, "", q, limit)
}

// searchStories is SearchStories, within the point in time pit when it is
// not "".
func (s *Store) searchStories(ctx context.Context, pit string, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	now := time.Now()
	base := buildQuery(q, true, now)
	stories := searchBody(q, limit, now)
	stories["query"] = map[string]any{"bool": map[string]any{"must": []any{base}, "filter": []any{hasStory}}}
	stories["collapse"] = map[string]any{"field": "story_id", "inner_hits": map[string]any{"name": "copies", "size": 0}}
	grouped, err := s.search(ctx, q, withPIT(stories, pit))
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	singles := searchBody(q, limit, now)
	singles["query"] = map[string]any{"bool": map[string]any{"must": []any{base}, "must_not": []any{hasStory}}}
	alone, err := s.search(ctx, q, withPIT(singles, pit))
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	for i := range alone {
		alone[i].Copies = 1
	}
	byText := q.Ranked()
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

// snapshotKeepAlive is how long a search snapshot (a point in time) is
// kept after its last use: a reader who takes longer than that over a
// page starts again from a new one.
const snapshotKeepAlive = "10m"

// Snapshot returns a token for the index as it is now: searches within it
// (SearchAt) see neither the articles stored later nor later revisions,
// so that the pages of one ranking do not shift as articles arrive. It is
// an Elasticsearch point in time, kept for snapshotKeepAlive after its
// last use and then dropped by the node (SearchAt then fails with
// query.ErrSnapshotExpired).
func (s *Store) Snapshot(ctx context.Context) (string, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	_, body, err := s.do(ctx, esapi.OpenPointInTimeRequest{Index: []string{s.names.Alias}, KeepAlive: snapshotKeepAlive})
	if err != nil {
		return "", fmt.Errorf("search snapshot: %w", err)
	}
	var pit struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &pit); err != nil || pit.ID == "" {
		return "", fmt.Errorf("search snapshot: unexpected answer %.200s", body)
	}
	return pit.ID, nil
}

// SearchAt is Search (stories false) or SearchStories (stories true)
// within a snapshot from Snapshot.
func (s *Store) SearchAt(ctx context.Context, snapshot string, q query.Query, stories bool, limit int) ([]query.Hit, error) {
	if snapshot == "" {
		return nil, fmt.Errorf("search %q: no snapshot", q.String())
	}
	if stories {
		return s.searchStories(ctx, snapshot, q, limit)
	}
	return s.searchAll(ctx, snapshot, q, limit)
}

// withPIT makes a search body read the point in time pit, if not "".
func withPIT(body map[string]any, pit string) map[string]any {
	if pit != "" {
		body["pit"] = map[string]any{"id": pit, "keep_alive": snapshotKeepAlive}
	}
	return body
}

// rankedHit is a hit with the score it was ranked by.
type rankedHit struct {
	query.Hit
	score float64
}

// search runs a search request for q built by searchBody and decodes its
// hits, with the copies counted by a collapse's inner hits, if any.
func (s *Store) search(ctx context.Context, q query.Query, req map[string]any) ([]rankedHit, error) {
	sr := esapi.SearchRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)}
	if _, ok := req["pit"]; ok {
		sr.Index = nil // a point in time names its indices
	}
	_, body, err := s.do(ctx, sr)
	var e *esError
	if errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusBadRequest) && req["pit"] != nil {
		// Gone, or never given out (a cursor made up by a client): the
		// query itself was checked before it got here.
		return nil, fmt.Errorf("%w: %w", query.ErrSnapshotExpired, err)
	}
	if err != nil {
		return nil, err
	}
	if err := timedOut(body); err != nil {
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
		hit.Snippet = query.Snippet(q, h.Source.Body)
		hit.Copies = h.InnerHits.Copies.Hits.Total.Value
		hits = append(hits, hit)
	}
	return hits, nil
}

// timedOut returns an error for an answer that ran out of time, whose
// results would be partial.
func timedOut(body []byte) error {
	var res struct {
		TimedOut bool `json:"timed_out"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return err
	}
	if res.TimedOut {
		return fmt.Errorf("the query took longer than %s and was stopped", SearchTimeout)
	}
	return nil
}

// scanPage is how many articles Scan fetches per request.
const scanPage = 500

// Scan calls fn for every article matching q whose id sorts after after
// ("" for all), in id order, so an interrupted export resumes from the last
// id written. Pages follow each other with search_after on id.
func (s *Store) Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error {
	base := buildQuery(q, false, time.Now())
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
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()), "timeout": searchTimeout,
		"aggs": map[string]any{
			"people": terms("people"), "places": terms("places"), "organizations": terms("organizations"), "sites": terms("site"),
		},
	}
	var res struct {
		Aggregations map[string]termBuckets `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return query.Facets{}, fmt.Errorf("facets %q: %w", q.String(), err)
	}
	counts := func(name string) []query.Count { return res.Aggregations[name].counts() }
	f := query.Facets{People: counts("people"), Places: counts("places"), Orgs: counts("organizations"), Sites: counts("sites")}
	if err := s.eventFacets(ctx, q, n, &f); err != nil {
		return query.Facets{}, fmt.Errorf("facets %q: %w", q.String(), err)
	}
	return f, nil
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
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()), "timeout": searchTimeout,
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
	ctx, cancel := bounded(ctx)
	defer cancel()
	_, body, err := s.do(ctx, esapi.SearchRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)})
	if err != nil {
		return err
	}
	if err := timedOut(body); err != nil {
		return err
	}
	return json.Unmarshal(body, res)
}
