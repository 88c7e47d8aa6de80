package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// The types below are the Parquet schema as it was published while a row
// type mirrored the article in the package: testdata/parquet-before was
// written with them. The tests read every export with them, by column
// name, so that the schema derived from the article keeps every column,
// type and nesting that readers rely on.

// parquetRow is an exported article as published before: the article's
// whole structure, with the JSON names, timestamps as UTC microseconds and
// lists as LIST columns of strings or of groups.
type parquetRow struct {
	SchemaVersion int32           `parquet:"schema_version"`
	ID            string          `parquet:"id"`
	URL           string          `parquet:"url"`
	CanonicalURL  string          `parquet:"canonical_url"`
	Site          string          `parquet:"site,dict"`
	SourceName    string          `parquet:"source_name,dict"`
	Title         string          `parquet:"title"`
	Authors       []string        `parquet:"authors,list"`
	PublishedAt   *time.Time      `parquet:"published_at,optional,timestamp(microsecond:utc)"`
	ModifiedAt    *time.Time      `parquet:"modified_at,optional,timestamp(microsecond:utc)"`
	Language      string          `parquet:"language,dict"`
	Section       string          `parquet:"section,dict"`
	Description   string          `parquet:"description"`
	ImageURL      string          `parquet:"image_url"`
	WordCount     int32           `parquet:"word_count"`
	People        []string        `parquet:"people,list"`
	Places        []string        `parquet:"places,list"`
	Organizations []string        `parquet:"organizations,list"`
	StoryID       string          `parquet:"story_id"`
	FetchedAt     time.Time       `parquet:"fetched_at,timestamp(microsecond:utc)"`
	Paywalled     bool            `parquet:"paywalled"`
	Entities      []parquetEntity `parquet:"entities,list"`
	Figures       []parquetFigure `parquet:"figures,list"`
	Removed       []parquetRemove `parquet:"removed,list"`
	Body          string          `parquet:"body"`

	Events []parquetEvent `parquet:"events,list"`
}

// parquetEvent is a withdrawal event; absent roles are empty groups
// (text "", start and end 0), since Parquet has no null group in a list
// element without making every field optional.
type parquetEvent struct {
	Type            string       `parquet:"type,dict"`
	Kind            string       `parquet:"kind,dict"`
	Status          string       `parquet:"status,dict"`
	Actor           *parquetRole `parquet:"actor,optional"`
	What            *parquetRole `parquet:"what,optional"`
	From            *parquetRole `parquet:"from,optional"`
	Sentence        string       `parquet:"sentence"`
	Start           int64        `parquet:"start"`
	End             int64        `parquet:"end"`
	Trigger         string       `parquet:"trigger"`
	TriggerStart    int64        `parquet:"trigger_start"`
	TriggerEnd      int64        `parquet:"trigger_end"`
	Cues            []string     `parquet:"cues,list"`
	NewAnnouncement bool         `parquet:"new_announcement"`
}

type parquetRole struct {
	Text      string `parquet:"text"`
	Canonical string `parquet:"canonical"`
	Country   string `parquet:"country,dict"`
	Start     int64  `parquet:"start"`
	End       int64  `parquet:"end"`
}

type parquetEntity struct {
	Text      string `parquet:"text"`
	Type      string `parquet:"type,dict"`
	Canonical string `parquet:"canonical"`
	Country   string `parquet:"country,dict"`
	Start     int64  `parquet:"start"`
	End       int64  `parquet:"end"`
}

type parquetFigure struct {
	Text      string  `parquet:"text"`
	Kind      string  `parquet:"kind,dict"`
	Value     float64 `parquet:"value"`
	Unit      string  `parquet:"unit"`
	Qualifier string  `parquet:"qualifier"`
	Date      string  `parquet:"date"`
	Start     int64   `parquet:"start"`
	End       int64   `parquet:"end"`
}

type parquetRemove struct {
	Text   string `parquet:"text"`
	Reason string `parquet:"reason,dict"`
}

// beforeArticles are the articles of testdata/parquet-before, in its
// order.
func beforeArticles() []*article.Article { return append(sampleArticles(4), eventArticles()...) }

// openParquet opens a Parquet file for its metadata.
func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pf
}

// topFields splits a schema's text into the text of each top-level field
// (its line and those of its nested fields), sorted: what a reader finds
// by column name, whatever the order of the columns.
func topFields(schema string) []string {
	var fields []string
	for line := range strings.Lines(schema) {
		switch {
		case strings.HasPrefix(line, "message ") || line == "}" || line == "}\n":
		case strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "\t\t") && !strings.HasPrefix(line, "\t}"):
			fields = append(fields, line)
		case len(fields) > 0:
			fields[len(fields)-1] += line
		}
	}
	slices.Sort(fields)
	return fields
}

// encodings returns the encodings of every column chunk of the file's
// first row group, by column path.
func encodings(pf *parquet.File) map[string]string {
	out := map[string]string{}
	for _, c := range pf.Metadata().RowGroups[0].Columns {
		out[strings.Join(c.MetaData.PathInSchema, ".")] = fmt.Sprint(c.MetaData.Encoding)
	}
	return out
}

// TestParquetSchemaAsBefore writes the articles of testdata/parquet-before
// again: the schema derived from the article has the same columns, with
// the same names, physical and logical types, repetition, nesting and
// encodings (dictionary where it was) as the file written with the row
// type it replaced. Only the order of the top-level columns follows the
// article type now.
func TestParquetSchemaAsBefore(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(Parquet, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, beforeArticles())
	before := openParquet(t, filepath.Join("testdata", "parquet-before", partName(0)))
	now := openParquet(t, filepath.Join(dir, partName(0)))
	b, n := topFields(before.Schema().String()), topFields(now.Schema().String())
	if len(b) != 26 {
		t.Fatalf("the file written before has %d top-level columns, want 26:\n%s", len(b), before.Schema())
	}
	if !slices.Equal(b, n) {
		t.Errorf("schema changed:\nbefore %s\nnow    %s", before.Schema(), now.Schema())
	}
	paths := func(pf *parquet.File) []string {
		var out []string
		for _, c := range pf.Schema().Columns() {
			out = append(out, strings.Join(c, "."))
		}
		slices.Sort(out)
		return out
	}
	if b, n := paths(before), paths(now); !slices.Equal(b, n) {
		t.Errorf("leaf columns %q, want %q", n, b)
	}
	if be, ne := encodings(before), encodings(now); !maps.Equal(be, ne) {
		t.Errorf("column encodings changed:\nbefore %v\nnow    %v", be, ne)
	}
	if before.Schema().Name() != now.Schema().Name() {
		t.Errorf("schema name %q, want %q", now.Schema().Name(), before.Schema().Name())
	}
}

// readArticles reads a Parquet export's part into articles with the
// schema derived from the article type.
func readArticles(t *testing.T, path string) []article.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	opts := []parquet.ReaderOption{parquetSchema}
	for _, tag := range parquetTags {
		opts = append(opts, tag)
	}
	r := parquet.NewGenericReader[article.Article](pf, opts...)
	defer r.Close()
	out := make([]article.Article, r.NumRows())
	if n, err := r.Read(out); n != len(out) {
		t.Fatalf("%s: read %d of %d rows: %v", path, n, len(out), err)
	}
	return out
}

// TestParquetReadsExportWrittenBefore reads testdata/parquet-before, and
// the same articles exported now, with the schema derived from the
// article: a program reading exports into article.Article by the columns'
// names reads older and newer exports as the same articles (times to the
// microsecond, in UTC).
func TestParquetReadsExportWrittenBefore(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(Parquet, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := beforeArticles()
	writeAll(t, w, want)
	for _, path := range []string{filepath.Join("testdata", "parquet-before", partName(0)), filepath.Join(dir, partName(0))} {
		got := readArticles(t, path)
		if len(got) != len(want) {
			t.Fatalf("%s: %d articles, want %d", path, len(got), len(want))
		}
		for i := range got {
			g := got[i]
			g.Normalize()
			gj, _ := json.Marshal(comparable(&g))
			wj, _ := json.Marshal(comparable(want[i]))
			if !bytes.Equal(gj, wj) {
				t.Errorf("%s, article %d:\n got %s\nwant %s", path, i, gj, wj)
			}
		}
	}
}
