package indexer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// esDo sends req and returns the body, or an error for a non-2xx answer.
func esDo(ctx context.Context, s *elastic.Store, req esapi.Request) ([]byte, error) {
	res, err := req.Do(ctx, s.Client())
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.IsError() {
		return b, fmt.Errorf("%s: %s", res.Status(), b)
	}
	return b, err
}

var (
	exOnce sync.Once
	ex     *extractor.Extractor
	exErr  error
)

func sharedExtractor(t *testing.T) *extractor.Extractor {
	t.Helper()
	exOnce.Do(func() { ex, exErr = extractor.New(extractor.Options{Figures: figures.Extract}) })
	if exErr != nil {
		t.Fatal(exErr)
	}
	return ex
}

// crawlInto crawls site once with a fresh frontier and runs extract and the
// bulk sink into st. edit, when set, changes each article after tagging.
func crawlInto(t *testing.T, site *demosite.Site, st *elastic.Store, edit func(*article.Article)) indexer.BulkStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	front, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer front.Close()
	seeds, err := crawler.ParseSeeds([]string{site.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cleanT, tagged := bus.NewMemory(16), bus.NewMemory(16)
	cr := crawler.New(sqlfrontier.New(front), clean.New(clean.Options{Stats: clean.NewSQLiteStats(front), Logger: log}), cleanT,
		crawler.Options{Once: true, PerHost: 4, MaxDepth: 1, Logger: log})
	tag := sharedExtractor(t).Tag
	extract := &stage.Stage{Name: "extract", In: cleanT, Out: tagged, Workers: 2, Logger: log,
		Proc: stage.ProcessorFunc(func(ctx context.Context, a *article.Article) error {
			if err := tag(ctx, a); err != nil {
				return err
			}
			if edit != nil {
				edit(a)
			}
			return nil
		})}
	sink := indexer.NewBulk(st, indexer.BulkConfig{FlushInterval: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	errs := make(chan error, 3)
	go func() { errs <- cr.Run(ctx, seeds); cleanT.Close() }()
	go func() { errs <- extract.Run(ctx); tagged.Close() }()
	go func() { errs <- sink.Run(ctx, tagged) }()
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("pipeline: %v", err)
		}
	}
	if err := st.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return sink.Stats()
}

// TestBulkDemoSiteIntoElasticsearch runs the demo site through crawler,
// extractor and the bulk sink into the real node: one document per
// article, a re-crawl with changed text replaces each in place with a
// higher version, and the index mapping is the template's.
func TestBulkDemoSiteIntoElasticsearch(t *testing.T) {
	cfg := elastictest.Config(t)
	st := elastictest.Open(t, cfg)
	site, err := demosite.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	ctx := context.Background()

	stats := crawlInto(t, site, st, nil)
	truth := site.Truth()
	n, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(truth) || stats.Indexed != uint64(n) || stats.Failed != 0 {
		t.Fatalf("count %d after %+v, want %d distinct articles", n, stats, len(truth))
	}
	before := map[string]int64{}
	var ids []string
	if err := st.Scan(ctx, parse(t, ""), "", func(a *article.Article) error {
		ids = append(ids, a.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if before[id], err = st.StoredVersion(ctx, id); err != nil {
			t.Fatal(err)
		}
	}

	// Re-crawl: the pages now say something new.
	const marker = "Correction appended by the re-crawl test."
	crawlInto(t, site, st, func(a *article.Article) { a.Body += "\n\n" + marker })
	if n2, _ := st.Count(ctx); n2 != n {
		t.Errorf("count after re-crawl %d, want %d: a re-crawl must update in place", n2, n)
	}
	hits, err := st.Search(ctx, parse(t, `"correction appended by the re-crawl test"`), 1000)
	if err != nil || len(hits) != n {
		t.Errorf("re-crawled text found in %d articles (%v), want %d", len(hits), err, n)
	}
	for _, id := range ids {
		v, err := st.StoredVersion(ctx, id)
		if err != nil || v <= before[id] {
			t.Errorf("article %s: version %d after re-crawl, was %d (%v)", id, v, before[id], err)
		}
		a, err := st.Get(ctx, id)
		if err != nil || !strings.HasSuffix(a.Body, marker) {
			t.Errorf("article %s not updated: %v", id, err)
		}
	}

	// The index carries the template's mapping.
	body, err := esDo(ctx, st, esapi.IndicesGetMappingRequest{Index: []string{st.Names().Alias}})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]struct {
		Mappings map[string]any `json:"mappings"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	idx, ok := got[st.Names().Index]
	if !ok || len(got) != 1 {
		t.Fatalf("alias %s resolves to %v, want only %s", st.Names().Alias, got, st.Names().Index)
	}
	var want map[string]any
	b, _ := json.Marshal(elastic.Mapping("standard"))
	json.Unmarshal(b, &want)
	if !reflect.DeepEqual(normalizeMapping(idx.Mappings), normalizeMapping(want)) {
		g, _ := json.MarshalIndent(idx.Mappings, "", " ")
		t.Errorf("index mapping differs from the template's:\n%s", g)
	}
}

// normalizeMapping makes a mapping comparable with what Elasticsearch
// returns: it drops "type": "object" (implied for properties) and renders
// scalars as strings (ES echoes numbers and booleans as given or as
// strings, depending on the parameter).
func normalizeMapping(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k == "type" && x == "object" {
				continue
			}
			out[k] = normalizeMapping(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalizeMapping(x)
		}
		return out
	default:
		return fmt.Sprint(v)
	}
}
