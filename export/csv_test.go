package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

func TestJoinSplitList(t *testing.T) {
	tests := []struct {
		items []string
		cell  string
	}{
		{[]string{}, ""},
		{[]string{"NATO"}, "NATO"},
		{[]string{"Anna Müller", "Jean Dupont"}, "Anna Müller; Jean Dupont"},
		{[]string{"a;b", `c\d`, "e; f"}, `a\;b; c\\d; e\; f`},
		{[]string{"trailing\\"}, `trailing\\`},
	}
	for _, tt := range tests {
		if got := JoinList(tt.items); got != tt.cell {
			t.Errorf("JoinList(%q) = %q, want %q", tt.items, got, tt.cell)
		}
		if got := SplitList(tt.cell); !slices.Equal(got, tt.items) {
			t.Errorf("SplitList(%q) = %q, want %q", tt.cell, got, tt.items)
		}
	}
}

// readCSV parses a CSV export with encoding/csv and checks its header.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvColumns) {
		t.Fatalf("no header row %q in %q", csvColumns, recs)
	}
	return recs[1:]
}

// checkCSVRecord compares one CSV record field by field with the article.
func checkCSVRecord(t *testing.T, rec []string, a *article.Article) {
	t.Helper()
	col := func(name string) string { return rec[slices.Index(csvColumns, name)] }
	strs := map[string]string{
		"id": a.ID, "url": a.URL, "canonical_url": a.CanonicalURL, "site": a.Site, "source_name": a.SourceName,
		"title": a.Title, "language": a.Language, "section": a.Section, "description": a.Description,
		"image_url": a.ImageURL, "story_id": a.StoryID, "body": a.Body,
		"word_count": strconv.Itoa(a.WordCount), "paywalled": strconv.FormatBool(a.Paywalled),
	}
	for name, want := range strs {
		if got := col(name); got != want {
			t.Errorf("%s: %s = %q, want %q", a.ID, name, got, want)
		}
	}
	lists := map[string][]string{"authors": a.Authors, "people": a.People, "places": a.Places, "organizations": a.Organizations}
	for name, want := range lists {
		if got := SplitList(col(name)); !slices.Equal(got, want) {
			t.Errorf("%s: %s = %q, want %q", a.ID, name, got, want)
		}
	}
	times := map[string]*time.Time{"published_at": a.PublishedAt, "modified_at": a.ModifiedAt, "fetched_at": &a.FetchedAt}
	for name, want := range times {
		cell := col(name)
		if want == nil {
			if cell != "" {
				t.Errorf("%s: %s = %q, want empty", a.ID, name, cell)
			}
			continue
		}
		got, err := time.Parse(time.RFC3339Nano, cell)
		if err != nil || !got.Equal(*want) {
			t.Errorf("%s: %s = %q (%v), want %v", a.ID, name, cell, err, want)
		}
	}
	var ents []article.Entity
	var figs []article.Figure
	if err := json.Unmarshal([]byte(col("entities_json")), &ents); err != nil || !slices.Equal(ents, a.Entities) {
		t.Errorf("%s: entities_json = %s (%v), want %v", a.ID, col("entities_json"), err, a.Entities)
	}
	if err := json.Unmarshal([]byte(col("figures_json")), &figs); err != nil || !slices.Equal(figs, a.Figures) {
		t.Errorf("%s: figures_json = %s (%v), want %v", a.ID, col("figures_json"), err, a.Figures)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"no articles", 0},
		{"one bare and one full", 2},
		{"many", 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := sampleArticles(tt.n)
			path := filepath.Join(t.TempDir(), "out.csv")
			w, after, err := Open(CSV, path, Options{})
			if err != nil || after != "" {
				t.Fatalf("Open = %q, %v", after, err)
			}
			writeAll(t, w, as)
			data, _ := os.ReadFile(path)
			recs := readCSV(t, data)
			if len(recs) != len(as) {
				t.Fatalf("%d records, want %d", len(recs), len(as))
			}
			for i, rec := range recs {
				checkCSVRecord(t, rec, as[i])
			}
		})
	}
}

func TestCSVResumeAfterTornRecord(t *testing.T) {
	as := sampleArticles(6)
	dir := t.TempDir()
	fullPath := filepath.Join(dir, "full.csv")
	w, _, err := Open(CSV, fullPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, as)
	full, _ := os.ReadFile(fullPath)

	// Record boundaries, found the way resume must: with encoding/csv.
	r := csv.NewReader(bytes.NewReader(full))
	var ends []int64
	for {
		if _, err := r.Read(); err != nil {
			break
		}
		ends = append(ends, r.InputOffset())
	}
	header, third := ends[0], ends[3] // third complete record ends at ends[3]
	// A cut inside the fourth record's body, between its quoted newlines.
	inQuoted := third + int64(bytes.Index(full[third:], []byte("Second line")))

	tests := []struct {
		name     string
		cut      int64
		wantLast string
	}{
		{"empty file", 0, ""},
		{"torn header", header - 5, ""},
		{"header only", header, ""},
		{"torn inside a quoted multi-line field", inQuoted, as[2].ID},
		{"torn just before the record's newline", ends[4] - 1, as[2].ID},
		{"cut on a record boundary", ends[4], as[3].ID},
		{"nothing torn", int64(len(full)), as[5].ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.csv")
			if err := os.WriteFile(path, full[:tt.cut], 0o644); err != nil {
				t.Fatal(err)
			}
			w, last, err := Open(CSV, path, Options{Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			if last != tt.wantLast {
				t.Errorf("resume after %q, want %q", last, tt.wantLast)
			}
			writeAll(t, w, following(as, last))
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, full) {
				t.Errorf("resumed export differs from an uninterrupted one (%d vs %d bytes)", len(got), len(full))
			}
		})
	}
}
