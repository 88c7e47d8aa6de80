package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/scan"
	"github.com/wirewatch/wirewatch/store/sqlite/sqlitetest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// exportArticles is the number of valid articles of the export tests:
// several pages of an export that reads a few at a time, and a page and a
// bit of the interrupted exports' pieces.
const exportArticles = 150

// exportDocs returns the valid articles of the export tests, fetched an
// hour apart with a fraction of a second that millisecond bounds must
// handle, with text that breaks naive writers (quotes, commas, newlines,
// non-ASCII), with and without publication times, names and figures.
func exportDocs() []*article.Article {
	t0 := time.Date(2025, 2, 3, 4, 5, 6, 789123456, time.UTC)
	var docs []*article.Article
	for i := range exportArticles {
		site := "news.example.org"
		if i%4 == 0 {
			site = "wire.example.com"
		}
		body := fmt.Sprintf("Olaf Scholz spoke in Zürich, \"briefly\".\nHe said %d things; 12%% of them twice.", i)
		a := storetest.Mk(fmt.Sprintf("/world/%d", i), site, fmt.Sprintf(`Talks in Zürich, "round %d"; again`, i), body,
			t0.Add(time.Duration(i)*time.Hour),
			article.Entity{Type: article.Person, Canonical: "Olaf Scholz"}, article.Entity{Type: article.Place, Canonical: "Zürich", Country: "CH"})
		a.Authors = []string{"Anna Müller", `Jean "JJ" Dupont`}
		if i%3 == 0 {
			a.PublishedAt = nil
		}
		if i%5 == 0 {
			p := strings.Index(body, "12%")
			a.Figures = []article.Figure{{Text: "12%", Kind: article.Percent, Value: 12, Unit: "%", Start: p, End: p + 3}}
		}
		a.Language, a.Section = "de", "world"
		a.Normalize()
		docs = append(docs, a)
	}
	return docs
}

// memSource is the export source the stores are held to: the given
// documents, in id order, read a few at a time. It does not filter: a test
// gives it the documents a request selects.
type memSource struct{ docs []scan.Doc }

func newMemSource(t *testing.T, docs []*article.Article, raw ...storetest.Raw) memSource {
	t.Helper()
	var m memSource
	for _, a := range docs {
		b, err := article.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		m.docs = append(m.docs, scan.Doc{ID: a.ID, JSON: b})
	}
	for _, r := range raw {
		m.docs = append(m.docs, scan.Doc{ID: r.ID, JSON: r.JSON})
	}
	slices.SortFunc(m.docs, func(x, y scan.Doc) int { return strings.Compare(x.ID, y.ID) })
	return m
}

func (m memSource) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	i, _ := slices.BinarySearchFunc(m.docs, r.After, func(d scan.Doc, id string) int { return strings.Compare(d.ID, id) })
	if i < len(m.docs) && m.docs[i].ID == r.After {
		i++
	}
	for ; i < len(m.docs); i += 7 {
		if err := fn(scan.Page{Docs: m.docs[i:min(i+7, len(m.docs))]}); err != nil {
			return err
		}
	}
	return nil
}

func (m memSource) ExportCount(context.Context, scan.Request) (int, error) { return len(m.docs), nil }

// interrupted passes on a source's pages in pieces of five documents and
// cancels the export after a number of pieces, as a Ctrl-C or a lost
// connection would stop it, in the middle of a store's page.
type interrupted struct {
	export.Source
	pieces int
	cancel context.CancelFunc
}

func (s interrupted) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	seen := 0
	return s.Source.Export(ctx, r, func(p scan.Page) error {
		for i := 0; i < len(p.Docs); i += 5 {
			if seen == s.pieces {
				s.cancel()
				return context.Canceled
			}
			seen++
			if err := fn(scan.Page{Docs: p.Docs[i:min(i+5, len(p.Docs))]}); err != nil {
				return err
			}
		}
		return nil
	})
}

// exportOutput reads an export: the file, or the part files of a
// directory one after the other.
func exportOutput(t *testing.T, path string) []byte {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	parts, err := filepath.Glob(filepath.Join(path, "part-*.parquet"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("%s: no parts (%v)", path, err)
	}
	slices.Sort(parts)
	var all []byte
	for _, p := range parts {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// exportRejects reads a rejects file as id: reason, in file order, and
// checks that each line holds the stored document.
func exportRejects(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range bytes.Lines(b) {
		var r struct{ ID, Reason, Doc string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("rejects line %q: %v", line, err)
		}
		if !strings.Contains(r.Doc, "corrupt") {
			t.Errorf("reject %s holds %q, want the stored document", r.ID, r.Doc)
		}
		out = append(out, r.ID+": "+r.Reason)
	}
	return out
}

// corruptDocs returns the documents the export tests store behind the
// store's back: one whose id does not match its URL (valid JSON, as the
// issue found one in Elasticsearch) and one cut short, which is not JSON
// at all. Their ids fall among the valid articles' ids.
func corruptDocs(t *testing.T, docs []*article.Article) []storetest.Raw {
	t.Helper()
	ids := make([]string, len(docs))
	for i, a := range docs {
		ids[i] = a.ID
	}
	slices.Sort(ids)
	var out []storetest.Raw
	for i, cut := range []bool{false, true} {
		a := article.New(fmt.Sprintf("https://news.example.org/world/corrupt-%d", i), "", docs[i].FetchedAt)
		a.Body = "a corrupt one"
		b, err := article.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		id := ids[(i+1)*len(ids)/3][:8] + strings.Repeat("0", 24)
		b = bytes.Replace(b, []byte(a.ID), []byte(id), 1)
		if cut {
			b = b[:bytes.Index(b, []byte("a corrupt one"))+len("a corrupt one")]
		}
		out = append(out, storetest.Raw{ID: id, URL: a.URL, FetchedAt: a.FetchedAt, JSON: b})
	}
	return out
}

// TestStoreConformance holds every store's export (the Source package
// export reads) to an in-memory list of the same documents in id order,
// with the conformance suite's store options (store/storetest), which
// store corrupt documents behind each store's back. Elasticsearch is
// skipped without WIREWATCH_TEST_ES.
func TestStoreConformance(t *testing.T) {
	for _, s := range []struct {
		name string
		o    storetest.Options
	}{
		{"SQLite", sqlitetest.Options()},
		{"Elasticsearch", elastictest.Options()},
	} {
		t.Run(s.name, func(t *testing.T) { testExport(t, s.o) })
	}
}

// testExport holds the store's export (the Source package export reads)
// to the behaviour of an in-memory list of the same documents in id order:
// the same bytes in every format, whole and narrow, the same articles for
// a query and for fetch-time bounds, the same rejects, --strict, and the
// same result after an interrupted export is resumed.
func testExport(t *testing.T, o storetest.Options) {
	ctx := context.Background()
	s := o.Open(t)
	docs := exportDocs()
	storetest.Put(t, s, docs...)
	var stored []storetest.Raw
	if o.PutRaw != nil {
		for _, r := range corruptDocs(t, docs) {
			if err := o.PutRaw(t, s, r); err != nil {
				t.Logf("the store cannot hold the corrupt document %s: %v", r.ID, err)
				continue
			}
			stored = append(stored, r)
		}
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	reasons := map[string]string{} // of the corrupt documents, from the in-memory export

	// run exports src to a new path and returns the output, rejects
	// and progress.
	run := func(t *testing.T, src export.Source, job export.Job) ([]byte, []string, export.Progress) {
		t.Helper()
		job.Path = filepath.Join(t.TempDir(), "out."+job.Format)
		if job.Slices == 0 {
			job.Slices = 3
		}
		p, err := export.Run(ctx, src, job)
		if err != nil {
			t.Fatalf("export %s %v: %v", job.Format, job.Fields, err)
		}
		return exportOutput(t, job.Path), exportRejects(t, export.RejectsPath(job.Path)), p
	}

	t.Run("Formats", func(t *testing.T) {
		want := newMemSource(t, docs, stored...)
		for _, tt := range []struct {
			format string
			fields []string
		}{
			{format: export.JSONL},
			{format: export.CSV},
			{format: export.Parquet},
			{format: export.CSV, fields: []string{"title", "id", "people", "entities_json", "published_at", "word_count"}},
			{format: export.JSONL, fields: []string{"id", "title", "published_at", "entities"}},
		} {
			job := export.Job{Format: tt.format, Fields: tt.fields, RowsPerFile: 40}
			wantOut, wantRej, wantP := run(t, want, job)
			gotOut, gotRej, gotP := run(t, s, job)
			name := tt.format + " " + strings.Join(tt.fields, ",")
			if !bytes.Equal(gotOut, wantOut) {
				t.Errorf("%s: the export (%d bytes) differs from the articles' own in id order (%d bytes)", name, len(gotOut), len(wantOut))
			}
			if !slices.Equal(gotRej, wantRej) {
				t.Errorf("%s: rejects %q, want %q", name, gotRej, wantRej)
			}
			if gotP.Exported != wantP.Exported || gotP.Rejected != wantP.Rejected || gotP.Total != len(docs)+len(stored) {
				t.Errorf("%s: %d exported and %d rejected of %d, want %d and %d of %d", name,
					gotP.Exported, gotP.Rejected, gotP.Total, wantP.Exported, wantP.Rejected, len(docs)+len(stored))
			}
			if tt.fields == nil {
				if wantP.Rejected != int64(len(stored)) {
					t.Errorf("%s: %d rejects of %d corrupt documents", name, wantP.Rejected, len(stored))
				}
				for _, r := range wantRej {
					id, reason, _ := strings.Cut(r, ": ")
					reasons[id] = reason
				}
			}
		}
		for _, r := range stored {
			if reasons[r.ID] == "" {
				t.Errorf("corrupt document %s is not rejected", r.ID)
			}
		}
	})

	t.Run("Strict", func(t *testing.T) {
		if len(stored) == 0 {
			t.Skip("no corrupt document stored (Options.PutRaw)")
		}
		out := filepath.Join(t.TempDir(), "out.jsonl")
		_, err := export.Run(ctx, s, export.Job{Format: export.JSONL, Path: out, Strict: true, Slices: 2})
		first := slices.MinFunc(stored, func(x, y storetest.Raw) int { return strings.Compare(x.ID, y.ID) })
		if !errors.Is(err, export.ErrStrict) || !strings.Contains(err.Error(), first.ID) {
			t.Errorf("strict export: error %v, want ErrStrict naming the first corrupt document %s", err, first.ID)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		since, until := docs[20].FetchedAt, docs[61].FetchedAt
		text, err := query.Parse(`"said 7" OR site:wire.example.com`)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			req  scan.Request
			keep func(a *article.Article) bool
		}{
			{"since-until", scan.Request{FetchedSince: since, FetchedUntil: until}, func(a *article.Article) bool {
				return !a.FetchedAt.Before(since) && !a.FetchedAt.After(until)
			}},
			{"since", scan.Request{FetchedSince: since.Add(time.Millisecond)}, func(a *article.Article) bool { return a.FetchedAt.After(since) }},
			{"until", scan.Request{FetchedUntil: until.Add(-time.Millisecond)}, func(a *article.Article) bool { return a.FetchedAt.Before(until) }},
			{"query", scan.Request{Query: text}, func(a *article.Article) bool {
				return a.Site == "wire.example.com" || strings.Contains(a.Body, "said 7 ")
			}},
			{"query-since", scan.Request{Query: text, FetchedSince: since}, func(a *article.Article) bool {
				return (a.Site == "wire.example.com" || strings.Contains(a.Body, "said 7 ")) && !a.FetchedAt.Before(since)
			}},
		} {
			var kept []*article.Article
			for _, a := range docs {
				if tt.keep(a) {
					kept = append(kept, a)
				}
			}
			var keptRaw []storetest.Raw
			for _, r := range stored {
				// What a store knows of a corrupt document: its
				// fetch time, site and text.
				if tt.keep(&article.Article{Site: "news.example.org", Body: "a corrupt one", FetchedAt: r.FetchedAt}) {
					keptRaw = append(keptRaw, r)
				}
			}
			for _, format := range []string{export.JSONL, export.CSV} {
				job := export.Job{Format: format, Request: tt.req}
				wantOut, wantRej, _ := run(t, newMemSource(t, kept, keptRaw...), job)
				gotOut, gotRej, p := run(t, s, job)
				if !bytes.Equal(gotOut, wantOut) || p.Exported != int64(len(kept)) {
					t.Errorf("%s %s: %d articles exported (%d bytes), want the %d it selects (%d bytes)", tt.name, format, p.Exported, len(gotOut), len(kept), len(wantOut))
				}
				if !slices.Equal(gotRej, wantRej) {
					t.Errorf("%s %s: rejects %q, want %q", tt.name, format, gotRej, wantRej)
				}
			}
		}
	})

	t.Run("Resume", func(t *testing.T) {
		want := newMemSource(t, docs, stored...)
		for _, format := range []string{export.JSONL, export.CSV, export.Parquet} {
			dir := t.TempDir()
			whole := filepath.Join(dir, "whole."+format)
			job := export.Job{Format: format, Path: whole, Slices: 3, RowsPerFile: 40}
			if _, err := export.Run(ctx, want, job); err != nil {
				t.Fatal(err)
			}
			for _, stop := range []int{1, 9, 23} {
				out := filepath.Join(dir, fmt.Sprintf("cut%d.%s", stop, format))
				job.Path = out
				cctx, cancel := context.WithCancel(ctx)
				p, err := export.Run(cctx, interrupted{s, stop, cancel}, job)
				cancel()
				if !errors.Is(err, context.Canceled) || p.Exported == 0 || p.Exported >= exportArticles {
					t.Fatalf("%s, stop after %d pieces: %d exported, error %v; want an interrupted export", format, stop, p.Exported, err)
				}
				if format != export.Parquet {
					// Bytes past the last checkpoint: a torn write.
					f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
					if err != nil {
						t.Fatal(err)
					}
					f.WriteString(`{"id":"torn", "tit`)
					f.Close()
				}
				job.Resume = true
				p, err = export.Run(ctx, s, job)
				job.Resume = false
				if err != nil {
					t.Fatalf("%s, resume after %d pieces: %v", format, stop, err)
				}
				if p.Exported != exportArticles || p.Rejected != int64(len(stored)) {
					t.Errorf("%s, resume after %d pieces: %d exported and %d rejected in all, want %d and %d", format, stop, p.Exported, p.Rejected, exportArticles, len(stored))
				}
				if format == export.Parquet {
					// An interrupted export completes the part it was
					// writing, so parts end elsewhere: compare the ids.
					if got, wantIDs := parquetIDs(t, out), parquetIDs(t, whole); !slices.Equal(got, wantIDs) {
						t.Errorf("%s, resume after %d pieces: %d rows, want the %d of an uninterrupted export in its order", format, stop, len(got), len(wantIDs))
					}
				} else if got, wantOut := exportOutput(t, out), exportOutput(t, whole); !bytes.Equal(got, wantOut) {
					i := 0
					for i < min(len(got), len(wantOut)) && got[i] == wantOut[i] {
						i++
					}
					t.Errorf("%s, resume after %d pieces: the export differs from an uninterrupted one at byte %d of %d", format, stop, i, len(wantOut))
				}
				if rej := exportRejects(t, export.RejectsPath(out)); len(rej) != len(stored) {
					t.Errorf("%s, resume after %d pieces: rejects %q, want each corrupt document once", format, stop, rej)
				}
			}
		}
	})
}

// parquetIDs reads the ids of a Parquet export, part after part.
func parquetIDs(t *testing.T, dir string) []string {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(parts)
	type row struct {
		ID string `parquet:"id"`
	}
	var ids []string
	for _, p := range parts {
		rows, err := parquet.ReadFile[row](p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
	}
	return ids
}
