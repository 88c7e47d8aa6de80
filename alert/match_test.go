package alert

import (
	"errors"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

func testArticle() *article.Article {
	return &article.Article{
		ID:    "a1",
		Site:  "news.apnews.com",
		Title: "Libya announces withdrawal of foreign fighters",
		Body: "TRIPOLI — Libya's government said on Monday that the withdrawal of foreign fighters, " +
			"mercenaries and militias would begin next week. Taxes and casualties were not discussed.\n\n" +
			"Foreign ministers met in Tripoli. The crisis at the Café Riche continued.",
		People:        []string{"Najla Mangoush"},
		Places:        []string{"Libya", "Tripoli"},
		Organizations: []string{"United Nations"},
		Entities: []article.Entity{
			{Text: "Lavrov", Type: article.Person, Canonical: "Sergey Lavrov"},
			{Text: "UN", Type: article.Organization, Canonical: "United Nations"},
		},
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		q    string
		want bool
	}{
		{"withdrawal", true},
		{"WITHDRAWAL libya", true},
		{"withdrawal syria", false},                 // all terms must occur
		{`"foreign fighters"`, true},                // phrase
		{`"fighters foreign"`, false},               // phrase order
		{`"fighters mercenaries"`, true},            // punctuation between words does not break a phrase
		{`"week foreign"`, false},                   // title and body are separate fields
		{`"not discussed foreign ministers"`, true}, // paragraphs do not break one either (as in FTS5)
		{"fighter", true},                           // plural folding, both ways
		{"withdrawals", true},
		{"casualty tax", true},
		{"militia", true},
		{"crisis", true},
		{"cafe", true},     // diacritics removed
		{"withdraw", true}, // one stemmer everywhere: withdrawal, withdraw
		{"withdrawing", true},
		{"Libya OR Syria", true},
		{"Syria OR Iraq", false},
		{"(Syria OR Tripoli) AND NOT mercenaries", false},
		{"(Syria OR Tripoli) NOT (Syria OR Iraq)", true},
		{`"fighters foreign"~0`, true},    // any order
		{`"withdrawal militias"~5`, true}, // five words between
		{`"withdrawal militias"~4`, false},
		{`"militias withdrawal fighters"~4`, true},
		{`"militias withdrawal fighters"~3`, false},
		{"withdr*", true},
		{"mercen* -militia*", false},
		{"title:withdrawal", true},
		{"title:mercenaries", false},
		{"title:(mercenaries OR fighters)", true},
		{"-person:Lavrov libya", false},
		{"libya until:now", true}, // undated and never fetched: the zero time
		{"libya since:now-1000w", false},
		{"libya -syria", true},
		{"libya -mercenaries", false},
		{"libya -syria -tripoli", false}, // any negated term excludes
		{"-syria place:Libya", true},
		{"person:Mangoush", true},             // whole word inside the canonical name
		{"person:mangou", false},              // not a part of a word
		{`person:"najla mangoush"`, true},     // the whole name, any case
		{"person:Lavrov", true},               // entity canonical names count too
		{"person:Lavrov person:Nobody", true}, // any value of one field
		{"person:Nobody", false},
		{"place:tripoli", true},
		{`org:"United Nations" withdrawal`, true},
		{"org:Nations place:Syria", false}, // every field must match
		{"site:apnews.com", true},          // subdomain
		{"site:www.news.apnews.com", true},
		{"site:news.apnews.com", true},
		{"site:pnews.com", false},
		{"site:bbc.co.uk site:apnews.com", true},
	}
	a := testArticle()
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		m, err := NewMatcher(q)
		if err != nil {
			t.Fatalf("NewMatcher(%q): %v", tt.q, err)
		}
		if got := m.Match(a); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestMatchDates(t *testing.T) {
	pub := time.Date(2024, 5, 31, 23, 30, 0, 0, time.UTC)
	published := testArticle()
	published.PublishedAt = &pub
	published.FetchedAt = pub.Add(48 * time.Hour) // the published time decides, not this
	undated := testArticle()
	undated.FetchedAt = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		q                  string
		published, undated bool
	}{
		{"libya since:2024-05-31", true, true},
		{"libya until:2024-05-31", true, false}, // the whole day, up to its last instant
		{"libya since:2024-06-01", false, true}, // undated: the fetch time
		{"libya until:2024-05-31T23:00:00Z", false, false},
		{"libya since:2024-05-31T23:30:00Z until:2024-05-31T23:30:00Z", true, false},
		{"place:Libya since:2024-05-01 until:2024-06-30", true, true},
		{"syria since:2024-05-01", false, false}, // dates do not replace the other conditions
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		m, err := NewMatcher(q)
		if err != nil {
			t.Fatalf("NewMatcher(%q): %v", tt.q, err)
		}
		if got := m.Match(published); got != tt.published {
			t.Errorf("Match(%q) of a published article = %v, want %v", tt.q, got, tt.published)
		}
		if got := m.Match(undated); got != tt.undated {
			t.Errorf("Match(%q) of an undated article = %v, want %v", tt.q, got, tt.undated)
		}
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q     string
		empty bool
	}{
		{"", true},
		{"   ", true},
		{"since:2024-05-01", true},
		{"since:2024-05-01 until:2024-05-31", true},
		{"until:2024-13-01", false},
		{`"unterminated`, false},
		{"-only", true},
		{"NOT a NOT b since:2024-05-01", true},
		{"writer:x", false},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.q)
		if err == nil {
			t.Errorf("ParseQuery(%q) accepted", tt.q)
			continue
		}
		if got := errors.Is(err, ErrEmptyQuery); got != tt.empty {
			t.Errorf("ParseQuery(%q) = %v; empty-query error %v, want %v", tt.q, err, got, tt.empty)
		}
	}
	if _, err := ParseQuery(`withdrawal "foreign fighters" place:Libya`); err != nil {
		t.Errorf("valid query rejected: %v", err)
	}
}
