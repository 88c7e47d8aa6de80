package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// sampleArticles returns n valid articles, in id order, whose text has the
// things that break naive writers: quotes, commas, newlines, semicolons,
// non-ASCII text, empty lists and missing times.
func sampleArticles(n int) []*article.Article {
	base := time.Date(2024, 11, 22, 9, 30, 15, 123456789, time.UTC)
	as := make([]*article.Article, 0, n)
	for i := range n {
		a := article.New(fmt.Sprintf("https://news.example.org/a/%d?x=1", i), "", base.Add(time.Duration(i)*time.Minute))
		a.Title = fmt.Sprintf(`Über "quotes", commas; and ünïcödé №%d`, i)
		lead := fmt.Sprintf("Sergey Lavrov met NATO officials in Tripoli, \"again\".\nSecond line, with 12%% more; %d.\n\tThird ☃ line.", i)
		a.Body = lead + strings.Repeat(" filler words to make a body", i%7)
		a.Description = "line one\nline two, \"quoted\""
		a.Authors = []string{"Anna Müller", `Jean "JJ" Dupont`, `Odd; Name\Here`}
		a.People = []string{"Sergey Lavrov"}
		a.Places = []string{"Tripoli"}
		a.Organizations = []string{"NATO"}
		a.Entities = []article.Entity{
			{Text: "Sergey Lavrov", Type: article.Person, Canonical: "Sergey Lavrov", Start: 0, End: 13},
			{Text: "Tripoli", Type: article.Place, Canonical: "Tripoli", Country: "LY", Start: strings.Index(lead, "Tripoli"), End: strings.Index(lead, "Tripoli") + 7},
		}
		a.Figures = []article.Figure{{Text: "12%", Kind: article.Percent, Value: 12.5, Unit: "%", Start: strings.Index(lead, "12%"), End: strings.Index(lead, "12%") + 3}}
		a.Removed = []article.Removed{{Text: "Subscribe, now!", Reason: "boilerplate"}}
		a.SourceName, a.Language, a.Section, a.StoryID = "Example News", "en", "world", "story-7"
		a.ImageURL = "https://news.example.org/i.jpg"
		pub := base.Add(-time.Hour).In(time.FixedZone("CET", 3600))
		a.PublishedAt = &pub
		a.Paywalled = i%2 == 1
		switch i % 3 {
		case 1: // bare: nil lists, nil times
			a.Authors, a.People, a.Places, a.Organizations = nil, nil, nil, nil
			a.Entities, a.Figures, a.Removed = nil, nil, nil
			a.PublishedAt, a.SourceName, a.Description = nil, "", ""
		case 2:
			mod := base.Add(time.Hour)
			a.ModifiedAt = &mod
		}
		a.Normalize()
		if err := a.Validate(); err != nil {
			panic(err)
		}
		as = append(as, a)
	}
	slices.SortFunc(as, func(x, y *article.Article) int { return strings.Compare(x.ID, y.ID) })
	return as
}

// writeAll writes as through w and closes it.
func writeAll(t testing.TB, w Writer, as []*article.Article) {
	t.Helper()
	for _, a := range as {
		if err := w.Write(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// after returns the articles whose ids sort after id, as Store.Scan would.
func following(as []*article.Article, id string) []*article.Article {
	i, _ := slices.BinarySearchFunc(as, id, func(a *article.Article, id string) int {
		if a.ID <= id {
			return -1
		}
		return 1
	})
	return as[i:]
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.csv")
	os.WriteFile(foreign, []byte("a,b,c\n1,2,3\n"), 0o644)
	tests := []struct {
		name   string
		format string
		path   string
		opts   Options
		want   string
	}{
		{"unknown format", "xlsx", filepath.Join(dir, "x"), Options{}, `unknown export format "xlsx": only jsonl, csv and parquet are supported`},
		{"empty format", "", filepath.Join(dir, "x"), Options{}, "unknown export format"},
		{"csv resume into a foreign file", CSV, foreign, Options{Resume: true}, "not this build's CSV columns"},
		{"negative rows per file", Parquet, filepath.Join(dir, "p"), Options{RowsPerFile: -1}, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _, err := Open(tt.format, tt.path, tt.opts)
			if err == nil {
				w.Close()
				t.Fatalf("Open succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := NewStream("parquet", os.Stdout); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("parquet stream: error %v, want one asking for a directory", err)
	}
	if _, err := NewStream("tsv", os.Stdout); !errors.Is(err, ErrFormat) {
		t.Errorf("tsv stream: error %v, want ErrFormat", err)
	}
}
