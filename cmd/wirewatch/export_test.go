package main

import (
	"bytes"
	"context"
	"encoding/csv"
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
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// seedTricky stores n articles whose text has quotes, commas, newlines and
// non-ASCII letters, some without lists or times, and returns them in id
// order, as export writes them.
func seedTricky(t *testing.T, dir string, n int) []*article.Article {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fetched := time.Date(2025, 3, 4, 5, 6, 7, 891000000, time.UTC)
	var as []*article.Article
	for i := range n {
		a := article.New(fmt.Sprintf("https://example.org/world/%d", i), "", fetched)
		a.Title = fmt.Sprintf(`Kyiv talks, "round %d" – Zürich`, i)
		a.Body = fmt.Sprintf("Olaf Scholz spoke in Zürich, \"briefly\".\nHe said %d things.", i)
		if i%2 == 0 {
			a.Authors = []string{"Anna Müller", "Jean Dupont"}
			a.People = []string{"Olaf Scholz"}
			a.Entities = []article.Entity{{Text: "Olaf Scholz", Type: article.Person, Canonical: "Olaf Scholz", Start: 0, End: 11}}
			pub := fetched.Add(-time.Hour)
			a.PublishedAt = &pub
		}
		if err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	slices.SortFunc(as, func(x, y *article.Article) int { return strings.Compare(x.ID, y.ID) })
	return as
}

// exportRow is what a researcher's own program might read from the
// Parquet export: a few columns by name.
type exportRow struct {
	ID          string     `parquet:"id"`
	Title       string     `parquet:"title"`
	Body        string     `parquet:"body"`
	Authors     []string   `parquet:"authors,list"`
	PublishedAt *time.Time `parquet:"published_at,optional,timestamp(microsecond)"`
	FetchedAt   time.Time  `parquet:"fetched_at,timestamp(microsecond)"`
	Entities    []struct {
		Text  string `parquet:"text"`
		Start int64  `parquet:"start"`
	} `parquet:"entities,list"`
}

func readCSVExport(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], export.CSVColumns()) {
		t.Fatalf("%s: no header row", path)
	}
	return recs[1:]
}

func readParquetExport(t *testing.T, dir string) []exportRow {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(parts)
	var rows []exportRow
	for _, p := range parts {
		rs, err := parquet.ReadFile[exportRow](p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		rows = append(rows, rs...)
	}
	return rows
}

func TestExportCSVAndParquet(t *testing.T) {
	dir := t.TempDir()
	want := seedTricky(t, dir, 5)
	tests := []struct {
		format string
		out    string
		args   []string
		check  func(t *testing.T, out string)
	}{
		{"csv", filepath.Join(dir, "out.csv"), nil, func(t *testing.T, out string) {
			recs := readCSVExport(t, out)
			if len(recs) != len(want) {
				t.Fatalf("%d records, want %d", len(recs), len(want))
			}
			col := func(rec []string, name string) string { return rec[slices.Index(export.CSVColumns(), name)] }
			for i, rec := range recs {
				a := want[i]
				if col(rec, "id") != a.ID || col(rec, "title") != a.Title || col(rec, "body") != a.Body {
					t.Errorf("record %d: id %q title %q body %q, want %q %q %q", i, col(rec, "id"), col(rec, "title"), col(rec, "body"), a.ID, a.Title, a.Body)
				}
				if got := export.SplitList(col(rec, "authors")); !slices.Equal(got, a.Authors) {
					t.Errorf("record %d: authors %q, want %q", i, got, a.Authors)
				}
				if a.PublishedAt == nil && col(rec, "published_at") != "" {
					t.Errorf("record %d: published_at %q, want empty", i, col(rec, "published_at"))
				}
			}
		}},
		{"parquet", filepath.Join(dir, "pq"), []string{"--parquet-rows-per-file", "2"}, func(t *testing.T, out string) {
			parts, _ := filepath.Glob(filepath.Join(out, "*"))
			if len(parts) != 3 {
				t.Errorf("parts %q, want 3 of at most 2 articles", parts)
			}
			rows := readParquetExport(t, out)
			if len(rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(rows), len(want))
			}
			for i, r := range rows {
				a := want[i]
				if r.ID != a.ID || r.Title != a.Title || r.Body != a.Body || !slices.Equal(r.Authors, a.Authors) ||
					!r.FetchedAt.Equal(a.FetchedAt) || (r.PublishedAt == nil) != (a.PublishedAt == nil) ||
					len(r.Entities) != len(a.Entities) {
					t.Errorf("row %d = %+v, want article %+v", i, r, a)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			args := append([]string{"export", "--data", dir, "--format", tt.format, "--out", tt.out}, tt.args...)
			code, _, stderr := runCLI(t, args...)
			if code != 0 || !strings.Contains(stderr, fmt.Sprintf("exported %d articles", len(want))) {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			tt.check(t, tt.out)
		})
	}
	t.Run("csv to standard output", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "export", "--data", dir, "--format", "csv", "--query", "Scholz", "--out", "-")
		recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if code != 0 || err != nil || len(recs) != len(want)+1 {
			t.Errorf("exit %d, %d rows (%v), want header and %d\n%s", code, len(recs), err, len(want), stderr)
		}
	})
}

func TestExportResumeCSVAndParquet(t *testing.T) {
	dir := t.TempDir()
	want := seedTricky(t, dir, 7)
	t.Run("csv after a torn record", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out.csv")
		if code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "csv", "--out", out); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		full, _ := os.ReadFile(out)
		// Cut inside the quoted, multi-line body of the fifth record.
		cut := bytes.Index(full, []byte(want[4].ID)) + len(want[4].ID) + 200
		cut += bytes.Index(full[cut:], []byte("\n")) + 2
		if err := os.WriteFile(out, full[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "csv", "--out", out, "--resume")
		if code != 0 || !strings.Contains(stderr, "exported 3 articles") {
			t.Fatalf("resume: exit %d, want 3 articles exported\n%s", code, stderr)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, full) {
			t.Errorf("resumed CSV differs from an uninterrupted export")
		}
	})
	t.Run("parquet after a crash mid-part", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "pq")
		args := []string{"export", "--data", dir, "--format", "parquet", "--out", out, "--parquet-rows-per-file", "3"}
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		// Keep the first part; leave the second as a torn temp file.
		second := filepath.Join(out, "part-00001.parquet")
		b, _ := os.ReadFile(second)
		os.WriteFile(second+".tmp", b[:len(b)/2], 0o644)
		os.Remove(second)
		os.Remove(filepath.Join(out, "part-00002.parquet"))
		code, _, stderr := runCLI(t, append(args, "--resume")...)
		if code != 0 || !strings.Contains(stderr, "exported 4 articles") {
			t.Fatalf("resume: exit %d, want 4 articles exported\n%s", code, stderr)
		}
		if _, err := os.Stat(second + ".tmp"); !os.IsNotExist(err) {
			t.Errorf("torn part still there: %v", err)
		}
		rows := readParquetExport(t, out)
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		var wantIDs []string
		for _, a := range want {
			wantIDs = append(wantIDs, a.ID)
		}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("ids after resume %q, want %q", ids, wantIDs)
		}
	})
}

func TestExportBadArguments(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"--format", "xlsx", "--out", "x"}, `unknown export format "xlsx": only jsonl, csv and parquet are supported`},
		{"parquet to standard output", []string{"--format", "parquet", "--out", "-"}, "give a directory for --out"},
		{"resume to standard output", []string{"--format", "csv", "--out", "-", "--resume"}, "--resume needs a file or directory"},
		{"no rows per file", []string{"--format", "parquet", "--out", filepath.Join(dir, "pq"), "--parquet-rows-per-file", "0"}, "at least 1"},
		{"fields of parquet", []string{"--format", "parquet", "--out", filepath.Join(dir, "pq"), "--fields", "id"}, "fields apply to csv and jsonl"},
		{"unknown field", []string{"--format", "csv", "--out", "-", "--fields", "id,colour"}, `unknown csv field "colour"`},
		{"bad since", []string{"--out", "-", "--since", "yesterday"}, `--since: "yesterday" is not a day`},
		{"since after until", []string{"--out", "-", "--since", "2025-02-01", "--until", "2025-01-01"}, "--since is after --until"},
		{"too many slices", []string{"--out", "-", "--slices", "1000"}, "--slices must be 1 to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"export", "--data", dir}, tt.args...)...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want failure mentioning %q", code, stderr, tt.want)
			}
		})
	}
}

// TestExportNarrowAndIncremental exports chosen CSV columns of the
// articles fetched in a window, and checks the summary line.
func TestExportNarrowAndIncremental(t *testing.T) {
	dir := t.TempDir()
	want := seedTricky(t, dir, 5) // all fetched at 2025-03-04T05:06:07.891Z
	out := filepath.Join(t.TempDir(), "narrow.csv")
	code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "csv", "--out", out, "--fields", "title,id",
		"--since", "2025-03-04", "--until", "2025-03-04T05:06:07.891Z")
	if code != 0 || !strings.Contains(stderr, "exported 5 articles") || !strings.Contains(stderr, "0 rejected") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 6 || !slices.Equal(recs[0], []string{"title", "id"}) {
		t.Fatalf("narrow CSV %q, %v; want a header of title,id and 5 records", recs, err)
	}
	for i, a := range want {
		if !slices.Equal(recs[i+1], []string{a.Title, a.ID}) {
			t.Errorf("record %d = %q, want %q", i+1, recs[i+1], []string{a.Title, a.ID})
		}
	}
	code, _, stderr = runCLI(t, "export", "--data", dir, "--out", out+".jsonl", "--since", "2025-03-05")
	if code != 0 || !strings.Contains(stderr, "exported 0 articles") {
		t.Errorf("export since the next day: exit %d\n%s", code, stderr)
	}
}

func TestExportProgressAndSummary(t *testing.T) {
	p := export.Progress{Total: 1000, Exported: 300, RunExported: 200, Rejected: 2, Bytes: 4e6, Elapsed: 2 * time.Second, RejectsPath: "out.jsonl.rejects.jsonl"}
	if got, want := progressLine(p), "exported 300/1000 articles, 100 articles/s, 2.0 MB/s, 2 rejected, ETA 7s"; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	if got, want := summary(p), "exported 200 articles (4.0 MB) in 2s: 100 articles/s, 2.0 MB/s; 300 in all; 2 rejected, listed in out.jsonl.rejects.jsonl"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}
