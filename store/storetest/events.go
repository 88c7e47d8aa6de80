package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Actor returns an event role for the words text of body (their first
// occurrence), with its canonical name and country.
func Actor(body, text, canonical, country string) *article.Role {
	at := strings.Index(body, text)
	if at < 0 {
		panic(fmt.Sprintf("actor %q is not in %q", text, body))
	}
	return &article.Role{Text: text, Canonical: canonical, Country: country, Start: at, End: at + len(text)}
}

// Event returns a withdrawal event of body whose sentence holds the
// trigger word, with its kind, status, news flag and actor (nil for
// none).
func Event(body, trigger, kind, status string, isNew bool, actor *article.Role) article.Event {
	at := strings.Index(body, trigger)
	if at < 0 {
		panic(fmt.Sprintf("trigger %q is not in %q", trigger, body))
	}
	start := strings.LastIndex(body[:at], ". ") + 1
	if start > 0 {
		start++ // past the space
	}
	end := strings.Index(body[at:], ".")
	if end < 0 {
		end = len(body)
	} else {
		end += at + 1
	}
	return article.Event{Type: query.EventWithdrawal, Kind: kind, Status: status, NewAnnouncement: isNew, Actor: actor,
		Sentence: body[start:end], Start: start, End: end, Trigger: trigger, TriggerStart: at, TriggerEnd: at + len(trigger)}
}

// eventDocs are articles with events for the event filters' corners: two
// events in one article, actors with and without a canonical name or a
// country, names with accents and hyphens and one without the accents it
// could have, news and background, and an article about a cash withdrawal
// with none.
func eventDocs() []*article.Article {
	mk := func(path, body string, evs func(body string) []article.Event) *article.Article {
		a := Mk(path, "events.example.com", "Events "+path, body, T0)
		a.Events = evs(body)
		return a
	}
	return []*article.Article{
		mk("/russia", "Russia will withdraw its troops from the border. Washington withdrew its ambassador in 2019.", func(b string) []article.Event {
			troops := Event(b, "withdraw", "military", "announced", true, Actor(b, "Russia", "Russia", "RU"))
			troops.What = Actor(b, "its troops", "", "")
			troops.From = Actor(b, "the border", "", "")
			return []article.Event{troops, Event(b, "withdrew", "diplomatic", "historical", false, Actor(b, "Washington", "United States", "US"))}
		}),
		mk("/us", "American forces withdrew from the base and troops went home.", func(b string) []article.Event {
			// Two actors that name no entity, of one country: the
			// article counts once under it.
			return []article.Event{Event(b, "withdrew", "military", "completed", true, Actor(b, "American forces", "", "US")),
				Event(b, "went home", "military", "completed", true, Actor(b, "troops", "", "US"))}
		}),
		mk("/football", "Manchester United pulled out of the tournament.", func(b string) []article.Event {
			return []article.Event{Event(b, "pulled out", "sports", "announced", true, Actor(b, "Manchester United", "Manchester United", ""))}
		}),
		mk("/demand", "Leaders called on Russia to withdraw its forces.", func(b string) []article.Event {
			return []article.Event{Event(b, "withdraw", "military", "demanded", false, Actor(b, "Russia", "Russia", "RU"))}
		}),
		mk("/cash", "A cash withdrawal of $200 was made at the bank.", func(string) []article.Event { return nil }),
		mk("/deal", "Ukraine's government refused to withdraw from the agreement.", func(b string) []article.Event {
			return []article.Event{
				Event(b, "withdraw", "agreement", "refused", false, Actor(b, "Ukraine's government", "Ukraine", "UA")),
				{Type: "other", Kind: "other", Status: "announced", NewAnnouncement: true, Sentence: b, End: len(b), Trigger: "refused",
					TriggerStart: strings.Index(b, "refused"), TriggerEnd: strings.Index(b, "refused") + len("refused")},
			}
		}),
		mk("/turkey", "Turkey's president will withdraw troops from Idlib, Recep Tayyip Erdoğan said.", func(b string) []article.Event {
			// Named by the canonical name alone.
			return []article.Event{Event(b, "withdraw", "military", "announced", true, Actor(b, "Turkey's president", "Recep Tayyip Erdoğan", "TR"))}
		}),
		mk("/syria", "Bashar al-Assad withdrew his forces from Daraa. Jose Mourinho pulled out of the shortlist.", func(b string) []article.Event {
			return []article.Event{Event(b, "withdrew", "military", "completed", true, Actor(b, "Bashar al-Assad", "Bashar al-Assad", "SY")),
				Event(b, "pulled out", "sports", "announced", true, Actor(b, "Jose Mourinho", "Jose Mourinho", ""))}
		}),
	}
}

// testEvents checks the event filters and facets on eventDocs: each
// query finds exactly the articles wanted, and the matcher agrees.
func testEvents(t *testing.T, o Options, m Matcher) {
	docs := eventDocs()
	s := o.Open(t)
	Put(t, s, docs...)
	ctx := context.Background()
	now := time.Now()
	tests := []struct{ q, want string }{
		{`event:withdrawal`, "/russia /us /football /demand /deal /turkey /syria"},
		{`event:new-withdrawal`, "/russia /us /football /turkey /syria"},
		{`-event:withdrawal`, "/cash"},
		{`event.kind:military`, "/russia /us /demand /turkey /syria"},
		{`event.kind:military event.actor:Russia`, "/russia /demand"},
		{`event.kind:military event.actor:US`, "/us"}, // /russia: the US's withdrawal is diplomatic
		{`event.kind:military AND event.actor:Washington`, ""},
		{`event:new-withdrawal event.actor:Russia`, "/russia"},
		{`event.kind:diplomatic event.status:announced`, ""},
		{`event.kind:(military OR sports) event.status:announced`, "/russia /football /turkey /syria"},
		{`event.kind:military OR event.status:refused`, "/russia /us /demand /deal /turkey /syria"},
		{`event.actor:"united states"`, "/russia /us"},
		{`event.actor:washington`, "/russia"},
		{`event.actor:AMERICAN`, "/us"},
		{`event.actor:"american forces"`, "/us"},
		{`event.actor:"forces american"`, ""},
		{`event.actor:manch`, ""},
		{`event.actor:"Manchester United"`, "/football"},
		{`event.actor:ua`, "/deal"},
		{`event.actor:ukraine's`, "/deal"},
		// Names compared as the name filters compare them: whole words,
		// split at spaces and hyphens, case and accents folded.
		{`event.actor:erdogan`, "/turkey"},
		{`event.actor:ERDOĞAN`, "/turkey"},
		{`event.actor:"recep tayyip erdogan"`, "/turkey"},
		{`event.actor:"turkey's president"`, "/turkey"},
		{`event.actor:erdog`, ""},
		{`event.actor:"tayyip recep"`, ""},
		{`event.actor:assad`, "/syria"},
		{`event.actor:"al-Assad"`, "/syria"},
		{`event.actor:"bashar al assad"`, "/syria"},
		{`event.actor:"al-assad's"`, ""},
		{`event.actor:"José Mourinho"`, "/syria"},
		{`event.actor:assad event.kind:sports`, ""}, // two events
		{`event.actor:mourinho event.kind:sports`, "/syria"},
		{`event.actor:"-"`, ""}, // no word at all
		{`NOT event.kind:sports`, "/russia /us /demand /cash /deal /turkey"},
		{`event:withdrawal -event.actor:Russia`, "/us /football /deal /turkey /syria"},
		{`troops event.kind:military`, "/russia /us /turkey"},
		{`event.status:refused OR -event:withdrawal`, "/cash /deal"},
		{`event.actor:"Manchester United" event.kind:sports -event.status:historical`, "/football"},
		{`cash -event:new-withdrawal`, "/cash"},
		{`(event.kind:military event.actor:Russia) OR event.kind:agreement`, "/russia /demand /deal"},
	}
	byID := map[string]string{}
	for _, a := range docs {
		byID[a.ID] = strings.TrimPrefix(a.URL, "https://events.example.com")
	}
	paths := func(ids []string) string {
		var out []string
		for _, a := range docs {
			if slices.Contains(ids, a.ID) {
				out = append(out, byID[a.ID])
			}
		}
		return strings.Join(out, " ")
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		var matched []string
		for _, a := range docs {
			if m(a)(q, now) {
				matched = append(matched, a.ID)
			}
		}
		if got := paths(matched); got != tt.want {
			t.Errorf("the matcher: %s matches %q, want %q", tt.q, got, tt.want)
		}
		hits, err := s.Search(ctx, q, 100)
		if err != nil {
			t.Fatalf("search %s: %v", tt.q, err)
		}
		var found []string
		for _, h := range hits {
			found = append(found, h.ID)
		}
		if got := paths(found); got != tt.want || len(found) != len(matched) {
			t.Errorf("search %s finds %q, want %q", tt.q, got, tt.want)
		}
	}

	render := func(cs []query.Count) string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s=%d", c.Value, c.Count))
		}
		return strings.Join(out, ", ")
	}
	facetTests := []struct {
		q             string
		n             int
		kinds, actors string
	}{
		// /us counts under United States by its actors' country.
		{``, 10, "military=5, sports=2, agreement=1, diplomatic=1, other=1",
			"Russia=2, United States=2, Bashar al-Assad=1, Jose Mourinho=1, Manchester United=1, Recep Tayyip Erdoğan=1, Ukraine=1"},
		{``, 1, "military=5", "Russia=2"},
		{`event.kind:military`, 10, "military=5, diplomatic=1, sports=1", "Russia=2, United States=2, Bashar al-Assad=1, Jose Mourinho=1, Recep Tayyip Erdoğan=1"},
		{`event:new-withdrawal -event.kind:sports`, 10, "military=3, diplomatic=1", "United States=2, Recep Tayyip Erdoğan=1, Russia=1"},
		{`event.actor:"United States"`, 10, "military=2, diplomatic=1", "United States=2, Russia=1"},
		{`cash`, 10, "", ""},
	}
	for _, tt := range facetTests {
		f, err := s.Facets(ctx, query.MustParse(tt.q), tt.n)
		if err != nil {
			t.Fatalf("facets %q: %v", tt.q, err)
		}
		if got := render(f.EventKinds); got != tt.kinds {
			t.Errorf("facets %q top %d event kinds = %s, want %s", tt.q, tt.n, got, tt.kinds)
		}
		if got := render(f.EventActors); got != tt.actors {
			t.Errorf("facets %q top %d event actors = %s, want %s", tt.q, tt.n, got, tt.actors)
		}
		if f.EventKinds == nil || f.EventActors == nil {
			t.Errorf("facets %q: nil event facets (want empty lists, [] in JSON)", tt.q)
		}
	}
}

// testHitEvents checks that every way of searching gives each hit its
// article's events as query.HitEvent, in the article's order (actor, what
// and from included: /russia's first event has all three), and none to an article
// without events.
func testHitEvents(t *testing.T, o Options) {
	docs := eventDocs()
	s := o.Open(t)
	Put(t, s, docs...)
	ctx := context.Background()
	want := map[string]string{}
	for _, a := range docs {
		var evs []query.HitEvent
		for _, e := range a.Events {
			evs = append(evs, query.HitEvent{Type: e.Type, Kind: e.Kind, Status: e.Status, Actor: e.Actor, What: e.What, From: e.From, NewAnnouncement: e.NewAnnouncement})
		}
		b, err := json.Marshal(evs)
		if err != nil {
			t.Fatal(err)
		}
		want[a.ID] = string(b)
	}
	q := query.MustParse("site:events.example.com")
	searches := map[string]func() ([]query.Hit, error){
		"Search":        func() ([]query.Hit, error) { return s.Search(ctx, q, 100) },
		"SearchStories": func() ([]query.Hit, error) { return s.SearchStories(ctx, q, 100) },
		"SearchByDate":  func() ([]query.Hit, error) { return s.SearchByDate(ctx, q, true, false, query.After{}, 100) },
		"free text": func() ([]query.Hit, error) {
			return s.Search(ctx, query.MustParse("withdraw OR withdrew OR pulled OR cash"), 100)
		},
	}
	for name, search := range searches {
		hits, err := search()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(hits) != len(docs) {
			t.Errorf("%s: %d hits, want %d", name, len(hits), len(docs))
		}
		for _, h := range hits {
			b, err := json.Marshal(h.Events)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != want[h.ID] {
				t.Errorf("%s: hit %s has events %s, want %s", name, h.URL, b, want[h.ID])
			}
		}
	}
}
