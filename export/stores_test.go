package export_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// stores holds the same articles, and the same corrupt document, in the
// embedded store and in Elasticsearch.
type stores struct {
	sqlite  *sqlite.Store
	es      *elastic.Store
	ids     []string // of the valid articles, sorted
	corrupt string   // id of the corrupt document
	t0      time.Time
}

// n is the number of valid articles: many pages of the small pages below.
const n = 240

func openStores(t *testing.T) *stores {
	t.Helper()
	ctx := context.Background()
	cfg := elastictest.Config(t)
	es := elastictest.Open(t, cfg)
	dir := t.TempDir()
	lite, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	s := &stores{sqlite: lite, es: es, t0: time.Date(2025, 2, 3, 4, 5, 6, 789000000, time.UTC)}
	for i := range n {
		a := article.New(fmt.Sprintf("https://news.example.org/world/%d", i), "", s.t0.Add(time.Duration(i)*time.Hour))
		a.Title = fmt.Sprintf(`Talks in Zürich, "round %d"; again`, i)
		a.Body = fmt.Sprintf("Olaf Scholz spoke in Zürich, \"briefly\".\nHe said %d things.", i)
		a.Entities = []article.Entity{{Text: "Olaf Scholz", Type: article.Person, Canonical: "Olaf Scholz", Start: 0, End: 11}}
		a.People, a.Authors = []string{"Olaf Scholz"}, []string{"Anna Müller"}
		if i%3 == 0 {
			pub := a.FetchedAt.Add(-time.Hour)
			a.PublishedAt = &pub
		}
		for _, st := range []interface {
			Put(context.Context, *article.Article) error
		}{lite, es} {
			if err := st.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		s.ids = append(s.ids, a.ID)
	}
	slices.Sort(s.ids)

	// A document whose id does not match its URL, as the issue found one,
	// stored behind the stores' backs.
	bad := article.New("https://news.example.org/world/bad", "", s.t0)
	bad.Body = "a corrupt one"
	doc, err := article.Marshal(bad)
	if err != nil {
		t.Fatal(err)
	}
	s.corrupt = s.ids[n/2][:8] + strings.Repeat("0", 24) // in the middle of the ids
	doc = bytes.Replace(doc, []byte(bad.ID), []byte(s.corrupt), 1)
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO articles (id, url, canonical_url, site, fetched_at, doc) VALUES (?, ?, ?, ?, ?, ?)`,
		s.corrupt, bad.URL, bad.CanonicalURL, bad.Site, bad.FetchedAt.Format(time.RFC3339Nano), string(doc)); err != nil {
		t.Fatal(err)
	}
	res, err := esapi.IndexRequest{Index: es.Names().Alias, DocumentID: s.corrupt, Body: bytes.NewReader(doc)}.Do(ctx, es.Client())
	if err != nil || res.IsError() {
		t.Fatalf("index corrupt document: %v %v", err, res)
	}
	res.Body.Close()
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// sources are the two stores as export sources, Elasticsearch with small
// pages and several ranges read at once, so that a test reads many ranges
// of several pages.
func (s *stores) sources() map[string]export.Source {
	return map[string]export.Source{"sqlite": s.sqlite, "elasticsearch": s.es.ExportWith(elastic.ExportTuning{Page: 7})}
}

type rejectLine struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Doc    string `json:"doc"`
}

func readRejects(t *testing.T, path string) []rejectLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []rejectLine
	for line := range bytes.Lines(b) {
		var r rejectLine
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("rejects line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// TestExportStoresAgree exports the same articles from both stores in
// every format, whole and narrow: the outputs are equal byte for byte,
// every valid article is in them in id order, and the corrupt document is
// in the rejects file of each instead.
func TestExportStoresAgree(t *testing.T) {
	s := openStores(t)
	ctx := context.Background()
	tests := []struct {
		format string
		fields []string
		rows   int
	}{
		{format: export.JSONL},
		{format: export.CSV},
		{format: export.Parquet, rows: 50},
		{format: export.CSV, fields: []string{"title", "id", "people", "entities_json", "word_count"}},
		{format: export.JSONL, fields: []string{"id", "title", "published_at", "entities"}},
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+strings.Join(tt.fields, ","), func(t *testing.T) {
			var first []byte
			for _, name := range []string{"sqlite", "elasticsearch"} {
				out := filepath.Join(t.TempDir(), "out."+tt.format)
				p, err := export.Run(ctx, s.sources()[name], export.Job{Format: tt.format, Path: out, Fields: tt.fields, RowsPerFile: tt.rows, Slices: 3})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				wantRejected := int64(1)
				if tt.fields != nil {
					wantRejected = 0 // narrow exports only check that documents decode
				}
				if p.Exported != int64(n)+1-wantRejected || p.Rejected != wantRejected || p.Total != n+1 {
					t.Errorf("%s: %+v, want %d exported and %d rejected of %d", name, p, n+1-wantRejected, wantRejected, n+1)
				}
				if wantRejected == 1 {
					rej := readRejects(t, export.RejectsPath(out))
					if len(rej) != 1 || rej[0].ID != s.corrupt || !strings.Contains(rej[0].Reason, "id does not match canonical_url") || !strings.Contains(rej[0].Doc, "a corrupt one") {
						t.Errorf("%s: rejects %+v, want the corrupt document with its reason", name, rej)
					}
				}
				got := exportOutput(t, out)
				if first == nil {
					first = got
					if tt.format == export.JSONL && tt.fields == nil {
						checkJSONL(t, got, s.ids)
					}
					continue
				}
				if !bytes.Equal(got, first) {
					t.Errorf("%s export differs from the embedded store's (%d bytes vs %d)", name, len(got), len(first))
				}
			}
		})
	}
}

// checkJSONL checks that b holds the articles with ids, in that order.
func checkJSONL(t *testing.T, b []byte, ids []string) {
	t.Helper()
	var got []string
	for line := range bytes.Lines(b) {
		a, err := article.Unmarshal(line)
		if err != nil {
			t.Fatalf("line %d: %v", len(got)+1, err)
		}
		got = append(got, a.ID)
	}
	if !slices.Equal(got, ids) {
		t.Errorf("export holds %d articles, want the %d valid ones in id order", len(got), len(ids))
	}
}

// interrupt is a source whose export is cancelled after a number of
// pages, as a Ctrl-C or a lost connection would stop it.
type interrupt struct {
	export.Source
	pages  int
	cancel context.CancelFunc
}

func (s interrupt) Export(ctx context.Context, r export.Request, fn func(export.Page) error) error {
	seen := 0
	return s.Source.Export(ctx, r, func(p export.Page) error {
		if seen == s.pages {
			s.cancel()
			return context.Canceled
		}
		seen++
		return fn(p)
	})
}

// TestExportResumesMidRange interrupts Elasticsearch exports in the
// middle of a range of ids (pages of 7, ranges of about 48), leaves some
// bytes written after the last checkpoint as a crash would, and resumes:
// the result equals an uninterrupted export, without loss or duplicates.
func TestExportResumesMidRange(t *testing.T) {
	s := openStores(t)
	// Five ranges of about 48 articles, in pages of 7.
	src := s.es.ExportWith(elastic.ExportTuning{Page: 7, Ranges: 5})
	for _, format := range []string{export.JSONL, export.CSV, export.Parquet} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			whole := filepath.Join(dir, "whole."+format)
			job := export.Job{Format: format, Path: whole, Slices: 3, RowsPerFile: 40}
			if _, err := export.Run(context.Background(), src, job); err != nil {
				t.Fatal(err)
			}
			for _, stop := range []int{1, 5, 12} {
				out := filepath.Join(dir, fmt.Sprintf("cut%d.%s", stop, format))
				job.Path = out
				ctx, cancel := context.WithCancel(context.Background())
				p, err := export.Run(ctx, interrupt{src, stop, cancel}, job)
				cancel()
				if !errors.Is(err, context.Canceled) || p.Exported == 0 || p.Exported >= n {
					t.Fatalf("stop after %d pages: %d exported, error %v; want an interrupted export", stop, p.Exported, err)
				}
				if format != export.Parquet {
					// Bytes past the last checkpoint: a torn write.
					f, _ := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
					f.WriteString(`{"id":"torn", "tit`)
					f.Close()
				}
				job.Resume = true
				p, err = export.Run(context.Background(), src, job)
				job.Resume = false
				if err != nil {
					t.Fatalf("resume after %d pages: %v", stop, err)
				}
				if p.Exported != n || p.Rejected != 1 {
					t.Errorf("resume after %d pages: %d exported and %d rejected in all, want %d and 1", stop, p.Exported, p.Rejected, n)
				}
				if format == export.Parquet {
					// An interrupted export completes the part it was
					// writing, so parts are cut elsewhere: compare rows.
					if got, want := parquetIDs(t, out), parquetIDs(t, whole); !slices.Equal(got, want) {
						t.Errorf("resume after %d pages: %d rows, want %d in the order of an uninterrupted export", stop, len(got), len(want))
					}
				} else if got, want := exportOutput(t, out), exportOutput(t, whole); !bytes.Equal(got, want) {
					i := 0
					for i < min(len(got), len(want)) && got[i] == want[i] {
						i++
					}
					t.Errorf("resume after %d pages: the export differs from an uninterrupted one at byte %d: %q vs %q", stop, i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
				}
				if rej := readRejects(t, export.RejectsPath(out)); len(rej) != 1 {
					t.Errorf("resume after %d pages: %d rejects, want the corrupt document once", stop, len(rej))
				}
			}
		})
	}
}

// TestExportStrictAndFilters checks --strict and the fetch-time bounds and
// query on both stores.
func TestExportStrictAndFilters(t *testing.T) {
	s := openStores(t)
	ctx := context.Background()
	q, err := query.Parse(`"said 12"`)
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range s.sources() {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.jsonl")
			_, err := export.Run(ctx, src, export.Job{Format: export.JSONL, Path: out, Strict: true, Slices: 2})
			if !errors.Is(err, export.ErrStrict) || !strings.Contains(err.Error(), s.corrupt) {
				t.Errorf("strict export: error %v, want ErrStrict naming %s", err, s.corrupt)
			}
			// Fetched from hour 10 to hour 19, both included.
			req := export.Request{FetchedSince: s.t0.Add(10 * time.Hour), FetchedUntil: s.t0.Add(19 * time.Hour)}
			p, err := export.Run(ctx, src, export.Job{Format: export.JSONL, Path: out, Slices: 2, Request: req})
			if err != nil || p.Exported != 10 || p.Total != 10 {
				t.Errorf("since/until: %+v, %v; want 10 articles", p, err)
			}
			req.Query = q
			req.FetchedUntil = s.t0.Add(200 * time.Hour)
			p, err = export.Run(ctx, src, export.Job{Format: export.JSONL, Path: out, Slices: 2, Request: req})
			if err != nil || p.Exported != 1 {
				t.Errorf("query and since: %+v, %v; want the 1 article saying so", p, err)
			}
		})
	}
}
