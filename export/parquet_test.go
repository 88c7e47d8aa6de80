package export

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// readParts reads every complete part in dir, in order, with parquet-go's
// own reader, and returns the part names with all rows.
func readParts(t *testing.T, dir string) ([]string, []parquetRow) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	var rows []parquetRow
	var parts []string
	for _, n := range names {
		parts = append(parts, filepath.Base(n))
		if !strings.HasSuffix(n, ".parquet") {
			continue
		}
		rs, err := parquet.ReadFile[parquetRow](n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		rows = append(rows, rs...)
	}
	return parts, rows
}

// fromParquetRow turns a row back into an article, the way a reader of the
// export would, so that rows can be compared field by field.
func fromParquetRow(r parquetRow) *article.Article {
	a := &article.Article{
		SchemaVersion: int(r.SchemaVersion), ID: r.ID, URL: r.URL, CanonicalURL: r.CanonicalURL, Site: r.Site,
		SourceName: r.SourceName, Title: r.Title, Authors: r.Authors, PublishedAt: r.PublishedAt, ModifiedAt: r.ModifiedAt,
		Language: r.Language, Section: r.Section, Description: r.Description, ImageURL: r.ImageURL, Body: r.Body,
		WordCount: int(r.WordCount), Paywalled: r.Paywalled, People: r.People, Places: r.Places,
		Organizations: r.Organizations, StoryID: r.StoryID, FetchedAt: r.FetchedAt,
	}
	for _, e := range r.Entities {
		a.Entities = append(a.Entities, article.Entity{Text: e.Text, Type: e.Type, Canonical: e.Canonical, Country: e.Country, Start: int(e.Start), End: int(e.End)})
	}
	for _, f := range r.Figures {
		a.Figures = append(a.Figures, article.Figure{Text: f.Text, Kind: f.Kind, Value: f.Value, Unit: f.Unit, Qualifier: f.Qualifier, Date: f.Date, Start: int(f.Start), End: int(f.End)})
	}
	for _, rm := range r.Removed {
		a.Removed = append(a.Removed, article.Removed{Text: rm.Text, Reason: rm.Reason})
	}
	a.Normalize()
	return a
}

// comparable returns a copy of a as Parquet keeps it: times in UTC to the
// microsecond.
func comparable(a *article.Article) article.Article {
	c := *a
	micro := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC().Truncate(time.Microsecond)
		return &u
	}
	c.PublishedAt, c.ModifiedAt = micro(a.PublishedAt), micro(a.ModifiedAt)
	c.FetchedAt = *micro(&a.FetchedAt)
	return c
}

func checkRows(t *testing.T, rows []parquetRow, as []*article.Article) {
	t.Helper()
	if len(rows) != len(as) {
		t.Fatalf("%d rows, want %d", len(rows), len(as))
	}
	for i, r := range rows {
		got, want := comparable(fromParquetRow(r)), comparable(as[i])
		gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
		for f := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(f).Interface(), wv.Field(f).Interface()) {
				t.Errorf("row %d (%s): %s = %v, want %v", i, want.ID, gv.Type().Field(f).Name, gv.Field(f).Interface(), wv.Field(f).Interface())
			}
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		perFile   int
		wantParts []string
	}{
		{"no articles", 0, 10, nil},
		{"one part", 3, 10, []string{"part-00000.parquet"}},
		{"split into parts", 5, 2, []string{"part-00000.parquet", "part-00001.parquet", "part-00002.parquet"}},
		{"exactly full parts", 4, 2, []string{"part-00000.parquet", "part-00001.parquet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := sampleArticles(tt.n)
			dir := filepath.Join(t.TempDir(), "out")
			w, after, err := Open(Parquet, dir, Options{RowsPerFile: tt.perFile})
			if err != nil || after != "" {
				t.Fatalf("Open = %q, %v", after, err)
			}
			writeAll(t, w, as)
			parts, rows := readParts(t, dir)
			if !slices.Equal(parts, tt.wantParts) {
				t.Errorf("parts %q, want %q", parts, tt.wantParts)
			}
			checkRows(t, rows, as)
		})
	}
}

// TestParquetSchema pins the column types that readers in other languages
// rely on.
func TestParquetSchema(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(Parquet, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, sampleArticles(1))
	f, err := os.Open(filepath.Join(dir, "part-00000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	schema := pf.Schema().String()
	for _, want := range []string{
		"required binary id (STRING);",
		"optional int64 published_at (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS));",
		"required int64 fetched_at (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS));",
		"required int32 word_count (INT(32,true));",
		"required boolean paywalled;",
		"required group authors (LIST) {",
		"required group entities (LIST) {",
		"required int64 start (INT(64,true));",
		"required double value;",
		"required group removed (LIST) {",
	} {
		if !strings.Contains(schema, want) {
			t.Errorf("schema lacks %q:\n%s", want, schema)
		}
	}
	if got := pf.Metadata().RowGroups[0].Columns[0].MetaData.Codec.String(); got != "ZSTD" {
		t.Errorf("codec %s, want ZSTD", got)
	}
}

func TestParquetResumeAfterCrash(t *testing.T) {
	as := sampleArticles(7)
	// A complete part and the start of the next, as a crash leaves them.
	whole := t.TempDir()
	w, _, err := Open(Parquet, whole, Options{RowsPerFile: 3})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, as)
	part0, _ := os.ReadFile(filepath.Join(whole, "part-00000.parquet"))
	part1, _ := os.ReadFile(filepath.Join(whole, "part-00001.parquet"))

	tests := []struct {
		name      string
		files     map[string][]byte
		wantAfter string
	}{
		{"empty directory", nil, ""},
		{"only a torn first part", map[string][]byte{"part-00000.parquet.tmp": part0[:len(part0)/2]}, ""},
		{"complete part and a torn one", map[string][]byte{
			"part-00000.parquet": part0, "part-00001.parquet.tmp": part1[:len(part1)-10],
			"notes.txt": []byte("not ours: kept"),
		}, as[2].ID},
		{"two complete parts", map[string][]byte{"part-00000.parquet": part0, "part-00001.parquet": part1}, as[5].ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, after, err := Open(Parquet, dir, Options{RowsPerFile: 3, Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			if after != tt.wantAfter {
				t.Errorf("resume after %q, want %q", after, tt.wantAfter)
			}
			for name := range tt.files {
				_, err := os.Stat(filepath.Join(dir, name))
				if strings.HasSuffix(name, tmpSuffix) != os.IsNotExist(err) {
					t.Errorf("%s: stat error %v; want torn parts gone and every other file kept", name, err)
				}
			}
			writeAll(t, w, following(as, after))
			_, rows := readParts(t, dir)
			checkRows(t, rows, as)
		})
	}
	t.Run("without resume, earlier parts are replaced", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "part-00007.parquet"), part1, 0o644)
		w, after, err := Open(Parquet, dir, Options{RowsPerFile: 3})
		if err != nil || after != "" {
			t.Fatalf("Open = %q, %v", after, err)
		}
		writeAll(t, w, as)
		_, rows := readParts(t, dir)
		checkRows(t, rows, as)
	})
	t.Run("a corrupt complete part is an error", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "part-00000.parquet"), part0[:100], 0o644)
		if w, _, err := Open(Parquet, dir, Options{Resume: true}); err == nil {
			w.Close()
			t.Fatal("resume over a corrupt part succeeded")
		} else if !strings.Contains(err.Error(), "part-00000.parquet") {
			t.Errorf("error %q does not name the part", err)
		}
	})
}
