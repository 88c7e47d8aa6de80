package alert

import (
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// TestMatchEvents checks the event filters on an article with two
// events: filters ANDed must hold for one event, negation is about the
// article.
func TestMatchEvents(t *testing.T) {
	a := article.New("https://example.com/a", "", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	a.Title, a.Body = "Withdrawals", "Russia pulled its troops out in 2019. The United States announced it will withdraw its ambassador."
	a.Events = []article.Event{
		{Type: "withdrawal", Kind: "military", Status: "historical",
			Actor: &article.Role{Text: "Russia", Canonical: "Russia", Country: "RU"}},
		{Type: "withdrawal", Kind: "diplomatic", Status: "announced", NewAnnouncement: true,
			Actor: &article.Role{Text: "The United States", Canonical: "United States", Country: "US"}},
	}
	none := article.New("https://example.com/b", "", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	none.Title, none.Body = "Cash", "A cash withdrawal of $200."
	tests := []struct {
		q         string
		a, b      bool // matches a, matches none
		explained string
	}{
		{`event:withdrawal`, true, false, ""},
		{`event:new-withdrawal`, true, false, "the diplomatic one is news"},
		{`event:new-withdrawal event.kind:military`, false, false, "the military one is not news"},
		{`event:new-withdrawal event.kind:diplomatic`, true, false, ""},
		{`event.kind:military event.actor:Russia`, true, false, "one event"},
		{`event.kind:military event.actor:US`, false, false, "two events: not the same one"},
		{`event.kind:military AND event.actor:"united states"`, false, false, "AND is the same"},
		{`event.kind:military OR event.actor:US`, true, false, ""},
		{`(event.kind:military) (event.actor:US)`, false, false, "parentheses do not split the group"},
		{`event.kind:military -event.actor:US`, false, false, "no event at all by the US"},
		{`event.kind:military -event.actor:Ukraine`, true, false, ""},
		{`-event:withdrawal`, false, true, ""},
		{`NOT event.kind:sports troops`, true, false, ""},
		{`cash -event:withdrawal`, false, true, ""},
		{`event.status:historical event.actor:RU`, true, false, "country code"},
	}
	if _, err := NewMatcher(query.MustParse(`event:new-withdrawal`)); err != nil {
		t.Errorf("an alert on event:new-withdrawal: %v", err)
	}
	if _, err := NewMatcher(query.MustParse(`-event:withdrawal`)); err == nil {
		t.Error("an alert on -event:withdrawal alone was accepted")
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if got := Eval(q, NewDoc(a), now); got != tt.a {
			t.Errorf("%s on the two events = %v, want %v (%s)", tt.q, got, tt.a, tt.explained)
		}
		if got := Eval(q, NewDoc(none), now); got != tt.b {
			t.Errorf("%s on no events = %v, want %v", tt.q, got, tt.b)
		}
	}
}
