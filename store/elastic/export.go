package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/internal/rawjson"
	"github.com/wirewatch/wirewatch/store/scan"
)

// Export tuning, from a sweep of --slices 1, 2, 4, 8 by --page-size 250,
// 500, 1000, 2000 on the project's 2-core node (20,000 articles of 15 KB,
// export/bench): 2 to 4 slices of 250 to 1000 articles were all within 10%
// of the best (4.3 s), 1 slice or pages of 2000 slower. 4 x 500 holds as
// many articles in flight as 2 x 1000 and leaves room for bigger nodes.
const (
	// DefaultExportSlices is how many ranges of ids an export reads in
	// parallel.
	DefaultExportSlices = 4
	// DefaultExportPage is how many articles one export request reads.
	DefaultExportPage = 500
)

// pitKeepAlive is how long the point in time stays open between two
// requests of a slice.
const pitKeepAlive = "5m"

// ExportTuning overrides the page size (articles per request), the HTTP
// response compression and the number of ranges of Export, for benchmarks
// and tests; zero page means DefaultExportPage.
type ExportTuning struct {
	Page       int
	NoCompress bool
	// Ranges, when not zero, fixes how many ranges the ids are divided
	// into instead of deriving it from the count and the page size.
	Ranges int
}

// ExportWith returns a view of s whose Export uses t.
func (s *Store) ExportWith(t ExportTuning) *Exporter { return &Exporter{s: s, t: t} }

// Exporter is a store with export tuning; see ExportWith.
type Exporter struct {
	s *Store
	t ExportTuning
}

// Export implements export.Source with DefaultExportPage and compressed
// responses.
func (s *Store) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	return s.ExportWith(ExportTuning{}).Export(ctx, r, fn)
}

// ExportCount implements export.Source.
func (s *Store) ExportCount(ctx context.Context, r scan.Request) (int, error) {
	req := map[string]any{"query": exportQuery(r, "", "", "")}
	_, body, err := s.do(ctx, esapi.CountRequest{Index: []string{s.names.Alias}, Body: jsonBody(req)})
	if err != nil {
		return 0, fmt.Errorf("export count: %w", err)
	}
	var c struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return 0, fmt.Errorf("export count: %w", err)
	}
	return c.Count, nil
}

// ExportCount implements export.Source.
func (x *Exporter) ExportCount(ctx context.Context, r scan.Request) (int, error) {
	return x.s.ExportCount(ctx, r)
}

// exportQuery is the query of slice [lo, hi) after the id after: r's
// query and fetch-time bounds, with the slice as a range on id. Slices are
// ranges of ids rather than Elasticsearch's own slices so that they are
// the same in every point in time: a resumed export, in a new point in
// time, reads each slice on from its recorded id.
func exportQuery(r scan.Request, lo, hi, after string) map[string]any {
	filter := []any{buildQuery(r.Query, false, time.Now())}
	ids := map[string]any{}
	// One lower bound: Elasticsearch keeps only one of gt and gte.
	switch {
	case after != "" && after >= lo:
		ids["gt"] = after
	case lo != "":
		ids["gte"] = lo
	}
	if hi != "" {
		ids["lt"] = hi
	}
	if len(ids) > 0 {
		filter = append(filter, map[string]any{"range": map[string]any{"id": ids}})
	}
	const ms = "2006-01-02T15:04:05.000Z"
	fetched := map[string]any{}
	if !r.FetchedSince.IsZero() {
		fetched["gte"] = r.FetchedSince.UTC().Format(ms)
	}
	if !r.FetchedUntil.IsZero() {
		// Inclusive at millisecond precision: the whole millisecond of
		// the bound. fetched_at holds nanoseconds, so "lte" the bound's
		// millisecond would leave out an article fetched later in it,
		// which the embedded store exports.
		fetched["lt"] = r.FetchedUntil.Truncate(time.Millisecond).Add(time.Millisecond).UTC().Format(ms)
	}
	if len(fetched) > 0 {
		filter = append(filter, map[string]any{"range": map[string]any{"fetched_at": fetched}})
	}
	return map[string]any{"bool": map[string]any{"filter": filter}}
}

// Export implements export.Source. It opens a point in time on the index,
// divides the ids into ranges of about a page of matching articles each,
// and reads up to r.Parallel ranges at once, each with search_after in id
// order, while it passes the pages on range after range: the export is in
// id order, and a range read ahead waits, holding at most two pages, until
// the ranges before it are passed on. Documents are passed on as stored
// (_source), filtered to r.Fields when given.
func (x *Exporter) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	s := x.s
	size := x.t.Page
	if size <= 0 {
		size = DefaultExportPage
	}
	parallel := min(max(r.Parallel, 1), scan.MaxSlices)
	total, err := s.ExportCount(ctx, r)
	if err != nil {
		return err
	}
	// Ranges of about 80% of a page on average, so that most are read in
	// one request.
	ranges := min(max(1, total*5/(size*4)), scan.MaxRanges)
	if x.t.Ranges > 0 {
		ranges = min(x.t.Ranges, scan.MaxRanges)
	}

	_, body, err := s.do(ctx, esapi.OpenPointInTimeRequest{Index: []string{s.names.Alias}, KeepAlive: pitKeepAlive})
	if err != nil {
		return fmt.Errorf("export: open point in time: %w", err)
	}
	var pit struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &pit); err != nil || pit.ID == "" {
		return fmt.Errorf("export: open point in time: unexpected answer %.200s", body)
	}
	defer func() {
		// The point in time is closed even when ctx is done: it would
		// hold the index's segments until it expires.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, _, err := s.do(cctx, esapi.ClosePointInTimeRequest{Body: jsonBody(map[string]any{"id": pit.ID})}, http.StatusNotFound); err != nil {
			s.log.Warn("export: close point in time", "err", err)
		}
	}()

	// Skip the ranges wholly before r.After.
	first := 0
	for first < ranges-1 {
		if _, hi := scan.SliceRange(first, ranges); r.After < hi {
			break
		}
		first++
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chans := make([]chan scan.Page, ranges)
	for i := range chans {
		chans[i] = make(chan scan.Page, 1)
	}
	next := make(chan int)
	go func() {
		defer close(next)
		for i := first; i < ranges; i++ {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	errs := make(chan error, parallel)
	for range parallel {
		go func() {
			for i := range next {
				err := x.readRange(ctx, pit.ID, r, size, i, ranges, chans[i])
				close(chans[i])
				if err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
pass:
	for i := first; i < ranges; i++ {
		for {
			// A failed read cancels ctx, and the ranges after it are
			// never read, nor their channels closed.
			select {
			case p, ok := <-chans[i]:
				if !ok {
					continue pass
				}
				if err := fn(p); err != nil {
					return err
				}
			case <-ctx.Done():
				break pass
			}
		}
	}
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

// readRange reads range i of n, after r.After, into pages.
func (x *Exporter) readRange(ctx context.Context, pitID string, r scan.Request, size, i, n int, pages chan<- scan.Page) error {
	s := x.s
	lo, hi := scan.SliceRange(i, n)
	after := ""
	if r.After >= lo {
		after = r.After
	}
	req := map[string]any{
		"size":             size,
		"query":            exportQuery(r, lo, hi, after),
		"sort":             []any{map[string]any{"id": "asc"}},
		"track_total_hits": false,
		"pit":              map[string]any{"id": pitID, "keep_alive": pitKeepAlive},
	}
	if r.Fields != nil {
		req["_source"] = map[string]any{"includes": r.Fields}
	}
	var header http.Header
	if x.t.NoCompress {
		header = http.Header{"Accept-Encoding": []string{"identity"}}
	}
	for {
		_, body, err := s.do(ctx, esapi.SearchRequest{
			Body: jsonBody(req), Header: header,
		})
		if err != nil {
			return fmt.Errorf("export ids %s-%s: %w", lo, hi, err)
		}
		p, pitID, lastSort, err := parseHits(body)
		if err != nil {
			return fmt.Errorf("export ids %s-%s: %w", lo, hi, err)
		}
		if len(p.Docs) == 0 {
			return nil
		}
		select {
		case pages <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		if len(p.Docs) < size {
			return nil
		}
		// The next page follows the last hit's sort values (id and the
		// point in time's tiebreaker), with the newest point in time id.
		if pitID != "" {
			req["pit"] = map[string]any{"id": pitID, "keep_alive": pitKeepAlive}
		}
		req["search_after"] = json.RawMessage(lastSort)
	}
}

// parseHits reads a search answer without decoding the documents: the
// pages' JSON are slices of body, found by rawjson, which is several times
// faster than encoding/json on long articles. It returns the hits, the
// point in time id and the raw sort values of the last hit.
func parseHits(body []byte) (p scan.Page, pitID string, lastSort []byte, err error) {
	var hits []byte
	err = rawjson.Fields(body, func(key, value []byte) bool {
		switch string(key) {
		case "pit_id":
			json.Unmarshal(value, &pitID)
		case "hits":
			rawjson.Fields(value, func(key, value []byte) bool {
				if string(key) == "hits" {
					hits = value
					return false
				}
				return true
			}, nil)
		}
		return true
	}, nil)
	if err != nil {
		return p, "", nil, err
	}
	if hits == nil {
		return p, pitID, nil, nil
	}
	var herr error
	err = rawjson.Elements(hits, func(hit []byte) bool {
		var d scan.Doc
		herr = rawjson.Fields(hit, func(key, value []byte) bool {
			switch string(key) {
			case "_source":
				d.JSON = value
			case "sort":
				lastSort = value
				rawjson.Elements(value, func(v []byte) bool {
					if err := json.Unmarshal(v, &d.ID); err != nil {
						herr = fmt.Errorf("sort value %.40s: %w", v, err)
					}
					return false
				})
			}
			return true
		}, nil)
		p.Docs = append(p.Docs, d)
		return herr == nil
	})
	if err == nil {
		err = herr
	}
	return p, pitID, lastSort, err
}
