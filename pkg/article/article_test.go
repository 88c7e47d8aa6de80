package article

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sample() *Article {
	a := New("https://www.example.com/news/a?utm_source=x", "https://www.example.com/news/a", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	a.Title = "Russia supports withdrawal"
	a.Body = "Sergey Lavrov met Najla Mangoush in Moscow.\n\nAt least 20,000 foreign fighters remain."
	a.Entities = []Entity{{Text: "Sergey Lavrov", Type: Person, Canonical: "Sergey Lavrov", Start: 0, End: 13}}
	fig := "At least 20,000 foreign fighters"
	start := strings.Index(a.Body, fig)
	a.Figures = []Figure{{Text: fig, Kind: Quantity, Value: 20000, Unit: "fighters", Qualifier: "at least", Start: start, End: start + len(fig)}}
	return a
}

func TestIDIsSHA256PrefixOfCanonicalURL(t *testing.T) {
	// The first 16 bytes of sha256("https://example.com/"), computed independently.
	if got := ID("https://example.com/"); got != "0f115db062b7c0dd030b16878c99dea5" {
		t.Errorf("ID = %s", got)
	}
	if a := sample(); a.Site != "example.com" || a.ID != ID("https://www.example.com/news/a") {
		t.Errorf("New: site %q id %q", a.Site, a.ID)
	}
}

func TestRoundTrip(t *testing.T) {
	a := sample()
	b, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"schema_version":1`, `"people":[]`, `"removed":[]`, `"word_count":13`, `"canonical_url":"https://www.example.com/news/a"`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("JSON lacks %s: %s", field, b)
		}
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != a.ID || back.Body != a.Body || len(back.Figures) != 1 || back.Figures[0].Value != 20000 {
		t.Errorf("round trip changed the article: %+v", back)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		breakA func(*Article)
		want   string
	}{
		{"wrong id", func(a *Article) { a.ID = "abc" }, "id does not match"},
		{"relative canonical", func(a *Article) { a.CanonicalURL = "/news/a"; a.ID = ID(a.CanonicalURL) }, "not an absolute http(s) URL"},
		{"entity outside body", func(a *Article) { a.Entities[0].End = 1000 }, "outside body"},
		{"entity text differs", func(a *Article) { a.Entities[0].Text = "Lavrov" }, "not \"Lavrov\""},
		{"no fetch time", func(a *Article) { a.FetchedAt = time.Time{} }, "fetched_at"},
		{"invalid utf-8", func(a *Article) { a.Title = "\xff" }, "UTF-8"},
		{"future schema", func(a *Article) { a.SchemaVersion = 2 }, "unsupported schema_version"},
	}
	for _, tt := range tests {
		a := sample()
		tt.breakA(a)
		err := a.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate = %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestUnmarshalRejectsUnknownSchema(t *testing.T) {
	for _, doc := range []string{`{"schema_version":2,"id":"x"}`, `{"id":"x"}`, `{"schema_version":"1"}`, `not json`} {
		_, err := Unmarshal([]byte(doc))
		if err == nil {
			t.Errorf("Unmarshal(%s) accepted it", doc)
		}
		if strings.Contains(doc, `:2`) && !errors.Is(err, ErrSchemaVersion) {
			t.Errorf("Unmarshal(%s) = %v, want ErrSchemaVersion", doc, err)
		}
	}
}

func TestWordCount(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"latin by fields", "The council voted — 7 to 2 — on Tuesday.", 10},
		{"hyphens and apostrophes stay inside a word", "state-owned company's U.S. unit", 4},
		{"chinese, a word per character", "秦皇岛、承德等市演出。", 9},
		{"japanese kana and kanji", "法律ができて、親が", 8},
		{"mixed scripts", "iPhone 15を買った", 6},
		{"fullwidth space", "東京　大阪", 4},
		{"korean by spaces", "서울 시장이 발표했다", 3},
	}
	for _, tt := range tests {
		if got := WordCount(tt.in); got != tt.want {
			t.Errorf("%s: WordCount(%q) = %d, want %d", tt.name, tt.in, got, tt.want)
		}
	}
}
