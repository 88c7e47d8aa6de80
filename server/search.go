package server

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// searchResponse is the answer of GET /api/v1/search.
type searchResponse struct {
	// Total counts every matching article, copies included.
	Total      int         `json:"total"`
	Hits       []query.Hit `json:"hits"`
	NextCursor string      `json:"next_cursor,omitempty"`
	Facets     *facets     `json:"facets,omitempty"`
	Interval   string      `json:"interval,omitempty"`
	Timeline   []bucket    `json:"timeline,omitempty"`
}

// facets are query.Facets plus languages.
type facets struct {
	People        []query.Count `json:"people"`
	Places        []query.Count `json:"places"`
	Organizations []query.Count `json:"organizations"`
	Sites         []query.Count `json:"sites"`
	Languages     []query.Count `json:"languages"`
	EventKinds    []query.Count `json:"event_kinds"`
	EventActors   []query.Count `json:"event_actors"`
}

// bucket is one period of a timeline: the matching articles in it, all the
// articles stored in it, and their ratio.
type bucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
	All   int       `json:"all"`
	Share float64   `json:"share"`
}

// Sort orders.
const (
	sortRelevance = "relevance"
	sortNewest    = "newest"
	sortOldest    = "oldest"
)

// cursor is the opaque next_cursor. For a query without free text, whose
// relevance order is newest first, and for sort=newest and sort=oldest of
// any query, it is a keyset: the sort key (published date, or none, and id)
// of the last hit given out, and the next page starts after that key, so
// articles arriving between pages neither repeat nor skip a hit. Relevance
// ranks of free text cannot be resumed from a key (a new article changes
// the scores of the others), so there the cursor holds the store's
// snapshot (see Searcher.SearchAt), the offset of the next page within it,
// and the id of the last hit given out, which the next page looks for near
// the offset in case the ranking moved anyway (a snapshot the store
// dropped, an article revised in place).
type cursor struct {
	Offset int `json:"o,omitempty"`
	// Keyset is set for a keyset cursor; Date is nil for an undated hit.
	Keyset bool       `json:"k,omitempty"`
	Date   *time.Time `json:"d,omitempty"`
	ID     string     `json:"i,omitempty"`
	// Snap is the store's snapshot of the ranking (and of the first
	// MaxSorted matches that newest and oldest order, for free text);
	// Last is the id of the last hit of a relevance page.
	Snap string `json:"s,omitempty"`
	Last string `json:"l,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err == nil && c.Offset < 0 {
		err = fmt.Errorf("negative offset")
	}
	if err == nil && c.Keyset && (c.ID == "" || c.Offset != 0) {
		err = fmt.Errorf("keyset cursor without an id")
	}
	return c, err
}

// intParam reads an integer parameter in [lo, hi], def when absent.
func intParam(r *http.Request, name string, def, lo, hi int) (int, *problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// searchParams are the parameters search and export share.
func (s *Server) queryParam(r *http.Request) (query.Query, *problem) {
	v := r.URL.Query()
	q, p := parseQuery("q", v.Get("q"), s.limits.MaxQueryLen)
	if p != nil {
		return q, p
	}
	return narrow(q, v.Get("since"), v.Get("until"), s.limits.MaxQueryLen)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) *problem {
	q, p := s.queryParam(r)
	if p != nil {
		return p
	}
	v := r.URL.Query()
	limit, p := intParam(r, "limit", 20, 1, s.limits.MaxLimit)
	if p != nil {
		return p
	}
	facetSize, p := intParam(r, "facet_size", 10, 1, s.limits.MaxFacetSize)
	if p != nil {
		return p
	}
	cur, err := decodeCursor(v.Get("cursor"))
	if err != nil {
		return badParam("cursor", "not a cursor this server gave out")
	}
	order := cmp.Or(v.Get("sort"), sortRelevance)
	if order != sortRelevance && order != sortNewest && order != sortOldest {
		return badParam("sort", "sort must be relevance, newest or oldest")
	}
	all, p := boolParam(r, "all")
	if p != nil {
		return p
	}
	wantFacets, p := boolParam(r, "facets")
	if p != nil {
		return p
	}
	var iv query.Interval
	if t := v.Get("timeline"); t != "" {
		if iv, err = query.ParseInterval(t); err != nil {
			return badParam("timeline", "timeline must be hour, day, week or month")
		}
	}
	ctx, cancel := s.withTimeout(r)
	defer cancel()

	res := searchResponse{Hits: []query.Hit{}}
	if cur.Keyset && order == sortRelevance && rankedByRelevance(q) {
		return badParam("cursor", "this cursor pages sort=newest or sort=oldest, not relevance")
	}
	hits, next, err := s.page(ctx, q, all, order, cur, limit)
	if err != nil {
		return s.internal(r, err)
	}
	res.Hits = hits
	if next != nil {
		res.NextCursor = encodeCursor(*next)
	}
	// The key is the parsed query, so that spellings of one query share
	// their counts.
	key := q.String() + "\x00" + strconv.Itoa(facetSize) + "\x00" + string(iv)
	if res.Total, err = cached(s, "total"+key, func() (int, error) { return s.opts.Store.Total(ctx, q) }); err != nil {
		return s.internal(r, err)
	}
	if wantFacets {
		f, err := cached(s, "facets"+key, func() (facets, error) { return s.facets(ctx, q, facetSize) })
		if err != nil {
			return s.internal(r, err)
		}
		res.Facets = &f
	}
	if iv != "" {
		tl, err := cached(s, "timeline"+key, func() ([]bucket, error) { return s.timeline(ctx, q, iv) })
		if err != nil {
			return s.internal(r, err)
		}
		res.Interval, res.Timeline = string(iv), tl
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// boolParam reads a flag parameter: 1/true or 0/false, false when absent.
func boolParam(r *http.Request, name string) (bool, *problem) {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, badParam(name, "%s must be 1 or 0", name)
}

// page returns limit hits after cur in the given order, and the cursor of
// the next page, nil when none follows. A query without free text is
// listed newest or oldest first by the store from the cursor's key (a
// seek, so deep pages cost what the first does); relevance is newest first
// there. A query with free text is ranked by relevance by the stores;
// newest and oldest first, it is the first Limits.MaxSorted matches by
// relevance, ordered here by date. Its later pages are read from the
// snapshot the first page took (see cursor). An offset cursor of older
// servers is resumed by reading from the start and skipping.
func (s *Server) page(ctx context.Context, q query.Query, all bool, order string, cur cursor, limit int) ([]query.Hit, *cursor, error) {
	ranked := rankedByRelevance(q)
	if !ranked && order != sortOldest && cur.Offset == 0 && !cur.Keyset {
		// The first page newest first: the stores' own order for a query
		// without free text, which their plain search reads fastest.
		hits, err := s.live(ctx, q, all, limit+1)
		if err != nil {
			return nil, nil, err
		}
		return s.paged(ctx, hits, limit, false, keysetAfter)
	}
	if !ranked && cur.Offset == 0 {
		var after query.After
		if cur.Keyset {
			after = query.After{Date: cur.Date, ID: cur.ID}
		}
		hits, err := s.opts.Store.SearchByDate(ctx, q, order == sortOldest, !all, after, limit+1)
		if err != nil {
			return nil, nil, err
		}
		return s.paged(ctx, hits, limit, false, keysetAfter)
	}
	snap := cur.Snap
	fetch := func(n int) ([]query.Hit, error) {
		if snap != "" {
			hits, err := s.opts.Store.SearchAt(ctx, snap, q, !all, n)
			if !errors.Is(err, query.ErrSnapshotExpired) {
				return hits, err
			}
			// Read live; the last id given out keeps the pages in step.
			s.log.Info("search snapshot expired; paging on without one", "err", err)
			snap = ""
		}
		return s.live(ctx, q, all, n)
	}
	if order == sortRelevance || (!ranked && order == sortNewest) {
		// The store's own order: relevance, or newest first for an offset
		// cursor of an older server.
		start, slack := cur.Offset, 0
		if cur.Last != "" {
			slack = resumeSlack
		}
		if start+limit+1+slack > maxOffset*s.limits.MaxSorted {
			// Each page reads every hit before it: a deeper one is refused
			// the work, as it always was (a cursor can be made up), and
			// Elasticsearch would refuse to read past 10,000 hits anyway.
			return []query.Hit{}, nil, nil
		}
		hits, err := fetch(start + limit + 1 + slack)
		if err != nil {
			return nil, nil, err
		}
		if cur.Last != "" {
			lo, hi := max(0, start-1-resumeSlack), min(len(hits), start+resumeSlack)
			if i := slices.IndexFunc(hits[lo:hi], func(h query.Hit) bool { return h.ID == cur.Last }); i >= 0 {
				start = lo + i + 1
			}
		}
		hits = hits[min(start, len(hits)):]
		return s.paged(ctx, hits, limit, ranked, func(last query.Hit) cursor {
			return cursor{Offset: start + limit, Last: last.ID, Snap: snap}
		})
	}
	// Free text by date: the first MaxSorted matches by relevance, sorted
	// here even though no store orders them so.
	hits, err := fetch(s.limits.MaxSorted)
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(hits, func(a, b query.Hit) int {
		return byDate(order, a.PublishedAt, a.ID, b.PublishedAt, b.ID)
	})
	start := cur.Offset
	if cur.Keyset {
		start, _ = slices.BinarySearchFunc(hits, cur, func(h query.Hit, c cursor) int {
			// Hits equal to the key were given out: count them before it.
			return cmp.Or(byDate(order, h.PublishedAt, h.ID, c.Date, c.ID), -1)
		})
	}
	hits = hits[min(start, len(hits)):]
	return s.paged(ctx, hits, limit, true, func(last query.Hit) cursor {
		c := keysetAfter(last)
		c.Snap = snap
		return c
	})
}

// keysetAfter is the keyset cursor of the page that follows last.
func keysetAfter(last query.Hit) cursor {
	return cursor{Keyset: true, Date: last.PublishedAt, ID: last.ID}
}

// live is the stores' search of q as it is now: one hit per story unless
// all.
func (s *Server) live(ctx context.Context, q query.Query, all bool, n int) ([]query.Hit, error) {
	if all {
		return s.opts.Store.Search(ctx, q, n)
	}
	return s.opts.Store.SearchStories(ctx, q, n)
}

// maxOffset bounds how deep, in MaxSorted, a relevance page may reach.
const maxOffset = 10

// resumeSlack is how far from its offset a relevance page looks for the
// last hit given out, and how many more hits it reads to do so.
const resumeSlack = 10

// paged cuts hits (read one past limit, or more) to a page, and when more
// follow gives the next page's cursor, made by next from the page's last
// hit. With snapshot set (a free-text ranking) the cursor holds a
// snapshot: the first page takes one, only then, so that a search of one
// page costs the store nothing more. A store that cannot take one (too
// many open on Elasticsearch) pages on without.
func (s *Server) paged(ctx context.Context, hits []query.Hit, limit int, snapshot bool, next func(query.Hit) cursor) ([]query.Hit, *cursor, error) {
	if len(hits) <= limit {
		return append([]query.Hit{}, hits...), nil, nil
	}
	hits = hits[:limit]
	c := next(hits[len(hits)-1])
	if snapshot && c.Snap == "" {
		snap, err := s.opts.Store.Snapshot(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, err
			}
			s.log.Warn("search snapshot; the next page is read live", "err", err)
		}
		c.Snap = snap
	}
	return hits, &c, nil
}

// byDate compares two hits by date in order (newest or oldest), undated
// hits last either way, then by id.
func byDate(order string, ad *time.Time, aid string, bd *time.Time, bid string) int {
	switch {
	case ad == nil && bd == nil:
		return cmp.Compare(aid, bid)
	case ad == nil:
		return 1
	case bd == nil:
		return -1
	}
	c := ad.Compare(*bd)
	if order == sortNewest {
		c = -c
	}
	return cmp.Or(c, cmp.Compare(aid, bid))
}

// facets counts the top values of every facet.
func (s *Server) facets(ctx context.Context, q query.Query, n int) (facets, error) {
	f, err := s.opts.Store.Facets(ctx, q, n)
	if err != nil {
		return facets{}, err
	}
	langs, err := s.opts.Store.Languages(ctx, q, n)
	if err != nil {
		return facets{}, err
	}
	// An empty facet is [], not null, from either store: the answers are
	// the same bytes.
	orEmpty := func(c []query.Count) []query.Count {
		if c == nil {
			return []query.Count{}
		}
		return c
	}
	return facets{People: orEmpty(f.People), Places: orEmpty(f.Places), Organizations: orEmpty(f.Orgs), Sites: orEmpty(f.Sites),
		Languages: orEmpty(langs), EventKinds: orEmpty(f.EventKinds), EventActors: orEmpty(f.EventActors)}, nil
}

// timeline counts q's matches per period with each period's share of all
// the articles stored in it, one entry per period from the first match to
// the last.
func (s *Server) timeline(ctx context.Context, q query.Query, iv query.Interval) ([]bucket, error) {
	counts, err := s.opts.Store.Timeline(ctx, q, iv)
	if err != nil {
		return nil, err
	}
	allIn, err := s.allPerPeriod(ctx, q, iv)
	if err != nil {
		return nil, err
	}
	out := []bucket{}
	for _, b := range query.FillGaps(counts, iv) {
		out = append(out, newBucket(b.Start, b.Count, allIn[b.Start]))
	}
	return out, nil
}

func newBucket(start time.Time, n, all int) bucket {
	b := bucket{Start: start, Count: n, All: all}
	if all > 0 {
		b.Share = float64(n) / float64(all)
	}
	return b
}

// allPerPeriod counts all the articles per period within q's dates. The
// count is cached for Options.ShareCache: it reads every article in the
// range, and it is the same for every query of the range.
func (s *Server) allPerPeriod(ctx context.Context, q query.Query, iv query.Interval) (map[time.Time]int, error) {
	key := shareKey{iv: iv, dates: dateBounds(q).String()}
	now := s.now()
	s.mu.Lock()
	e, ok := s.shares[key]
	s.mu.Unlock()
	if ok && now.Sub(e.at) < s.opts.ShareCache {
		return e.buckets, nil
	}
	all, err := s.opts.Store.Timeline(ctx, dateBounds(q), iv)
	if err != nil {
		return nil, err
	}
	m := make(map[time.Time]int, len(all))
	for _, b := range all {
		m[b.Start] = b.Count
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.shares {
		if now.Sub(v.at) >= s.opts.ShareCache {
			delete(s.shares, k)
		}
	}
	s.shares[key] = shareEntry{at: now, buckets: m}
	return m, nil
}

// compareRequest is the body of POST /api/v1/compare.
type compareRequest struct {
	Queries []struct {
		Name string `json:"name"`
		Q    string `json:"q"`
	} `json:"queries"`
	Interval string `json:"interval"`
	Since    string `json:"since"`
	Until    string `json:"until"`
}

// compareResponse gives one series per query on shared periods.
type compareResponse struct {
	Interval string          `json:"interval"`
	Periods  []time.Time     `json:"periods"`
	All      []int           `json:"all"`
	Series   []compareSeries `json:"series"`
}

type compareSeries struct {
	Name   string    `json:"name"`
	Q      string    `json:"q"`
	Total  int       `json:"total"`
	Counts []int     `json:"counts"`
	Shares []float64 `json:"shares"`
}

// maxCompared is how many queries one comparison holds, as many as the
// page draws in distinct colours.
const maxCompared = 4

func (s *Server) compare(w http.ResponseWriter, r *http.Request) *problem {
	var req compareRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return badParam("body", "the body must be JSON {queries:[{name,q}], interval, since, until}: %v", err)
	}
	if len(req.Queries) == 0 || len(req.Queries) > maxCompared {
		return badParam("queries", "give from 1 to %d queries", maxCompared)
	}
	iv, err := query.ParseInterval(cmp.Or(req.Interval, "day"))
	if err != nil {
		return badParam("interval", "interval must be hour, day, week or month")
	}
	ctx, cancel := s.withTimeout(r)
	defer cancel()
	type result struct {
		q      query.Query
		counts map[time.Time]int
	}
	var results []result
	starts := map[time.Time]bool{}
	var bounds query.Query
	for i, cq := range req.Queries {
		param := fmt.Sprintf("queries[%d].q", i)
		q, p := parseQuery(param, cq.Q, s.limits.MaxQueryLen)
		if p != nil {
			return p
		}
		if q, p = narrow(q, req.Since, req.Until, s.limits.MaxQueryLen); p != nil {
			return p
		}
		if i == 0 {
			bounds = dateBounds(q)
		}
		tl, err := s.opts.Store.Timeline(ctx, q, iv)
		if err != nil {
			return s.internal(r, err)
		}
		m := map[time.Time]int{}
		for _, b := range tl {
			m[b.Start] = b.Count
			starts[b.Start] = true
		}
		results = append(results, result{q, m})
	}
	allIn, err := s.allPerPeriod(ctx, bounds, iv)
	if err != nil {
		return s.internal(r, err)
	}
	res := compareResponse{Interval: string(iv), Periods: periods(starts, iv), All: []int{}, Series: []compareSeries{}}
	for _, p := range res.Periods {
		res.All = append(res.All, allIn[p])
	}
	for i, rq := range results {
		se := compareSeries{Name: req.Queries[i].Name, Q: req.Queries[i].Q, Counts: []int{}, Shares: []float64{}}
		for _, p := range res.Periods {
			b := newBucket(p, rq.counts[p], allIn[p])
			se.Total += b.Count
			se.Counts = append(se.Counts, b.Count)
			se.Shares = append(se.Shares, b.Share)
		}
		res.Series = append(res.Series, se)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// periods lists every period from the earliest start to the latest.
func periods(starts map[time.Time]bool, iv query.Interval) []time.Time {
	out := []time.Time{}
	if len(starts) == 0 {
		return out
	}
	var first, last time.Time
	for t := range starts {
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	for t := first; !t.After(last); t = iv.Next(t) {
		out = append(out, t)
	}
	return out
}

// writeJSON sends v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
