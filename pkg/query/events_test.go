package query

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// TestParseEvents checks how event filters are read and grouped: the
// tree's Explain shows which filters one event must satisfy together,
// and printing and parsing again gives the same tree.
func TestParseEvents(t *testing.T) {
	tests := []struct{ in, printed, explain string }{
		{`event:withdrawal`, `event:withdrawal`, "EVENTS (one event matching all 1 below)\n  FILTER event = \"withdrawal\"\n"},
		{`EVENT:New-Withdrawal`, `event:new-withdrawal`, "EVENTS (one event matching all 1 below)\n  FILTER event = \"new-withdrawal\"\n"},
		{`event.kind:military event.actor:Russia`, `event.kind:military event.actor:Russia`,
			"EVENTS (one event matching all 2 below)\n  FILTER event.kind = \"military\"\n  FILTER event.actor = \"Russia\"\n"},
		{`troops event.kind:MILITARY AND event.status:announced -event.actor:"united  states"`,
			`troops (event.kind:military event.status:announced) -event.actor:"united states"`,
			"AND\n  TEXT word \"troops\" in title or body, terms troop\n  EVENTS (one event matching all 2 below)\n    FILTER event.kind = \"military\"\n    FILTER event.status = \"announced\"\n  NOT\n    EVENTS (one event matching all 1 below)\n      FILTER event.actor = \"united states\"\n"},
		{`event.kind:(military OR diplomatic) event.actor:RU`, `(event.kind:military OR event.kind:diplomatic) event.actor:RU`,
			"EVENTS (one event matching all 2 below)\n  OR\n    FILTER event.kind = \"military\"\n    FILTER event.kind = \"diplomatic\"\n  FILTER event.actor = \"RU\"\n"},
		{`event.kind:sports OR event.actor:Russia`, `event.kind:sports OR event.actor:Russia`,
			"EVENTS (one event matching all 1 below)\n  OR\n    FILTER event.kind = \"sports\"\n    FILTER event.actor = \"Russia\"\n"},
		{`NOT event.kind:sports`, `-event.kind:sports`, "NOT\n  EVENTS (one event matching all 1 below)\n    FILTER event.kind = \"sports\"\n"},
		{`event.kind:military AND event.kind:sports`, `event.kind:military AND event.kind:sports`,
			"EVENTS (one event matching all 2 below)\n  FILTER event.kind = \"military\"\n  FILTER event.kind = \"sports\"\n"},
		{`NOT (event.kind:military event.actor:RU)`, `NOT (event.kind:military event.actor:RU)`,
			"NOT\n  EVENTS (one event matching all 2 below)\n    FILTER event.kind = \"military\"\n    FILTER event.actor = \"RU\"\n"},
		{`(event:withdrawal OR troops) event.kind:military`, `(event:withdrawal OR troops) event.kind:military`,
			"AND\n  OR\n    EVENTS (one event matching all 1 below)\n      FILTER event = \"withdrawal\"\n    TEXT word \"troops\" in title or body, terms troop\n  EVENTS (one event matching all 1 below)\n    FILTER event.kind = \"military\"\n"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.printed {
			t.Errorf("Parse(%q) prints %q, want %q", tt.in, got, tt.printed)
		}
		if got := q.Explain(); got != tt.explain {
			t.Errorf("Parse(%q).Explain() =\n%s\nwant\n%s", tt.in, got, tt.explain)
		}
		again, err := Parse(q.String())
		if err != nil || again.Explain() != q.Explain() {
			t.Errorf("Parse(%q) again: %v\n%s\nwant\n%s", q.String(), err, again.Explain(), q.Explain())
		}
	}
}

// TestParseEventErrors checks that a bad event value is refused with its
// column and the values allowed.
func TestParseEventErrors(t *testing.T) {
	tests := []struct {
		in     string
		column int
		msg    string
	}{
		{`troops event.kind:navy`, 19, `event.kind: unknown value "navy" (known: military, diplomatic, agreement, political, business, sports, other)`},
		{`event.status:rumoured`, 14, `event.status: unknown value "rumoured" (known: announced, completed, demanded, supported, refused, historical, hypothetical)`},
		{`event:cash`, 7, `event: unknown value "cash" (known: withdrawal, new-withdrawal)`},
		{`event.actor:Rus*`, 13, `event.actor: takes no wildcards`},
		{`event.actor:`, 13, `empty field value`},
		{`event.colour:red`, 1, `unknown field "event.colour"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var perr *Error
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) = %v, want an *Error", tt.in, err)
			continue
		}
		if perr.Offset+1 != tt.column || !strings.Contains(perr.Msg, tt.msg) {
			t.Errorf("Parse(%q) = %v, want column %d and %q", tt.in, err, tt.column, tt.msg)
		}
	}
}

// TestEventValues checks the values listed for each closed event field:
// each one parses, and changing the list returned changes nothing else.
func TestEventValues(t *testing.T) {
	want := map[string]string{
		"event":        "withdrawal new-withdrawal",
		"event.kind":   "military diplomatic agreement political business sports other",
		"event.status": "announced completed demanded supported refused historical hypothetical",
	}
	for field, w := range want {
		values, ok := EventValues(field)
		if !ok || strings.Join(values, " ") != w {
			t.Errorf("EventValues(%q) = %v, %v; want %s", field, values, ok, w)
		}
		for _, v := range values {
			if _, err := Parse(field + ":" + v); err != nil {
				t.Errorf("%s:%s: %v", field, v, err)
			}
		}
		values[0] = "changed"
		if again, _ := EventValues(field); again[0] == "changed" {
			t.Errorf("EventValues(%q) hands out the parser's own list", field)
		}
	}
	for _, field := range []string{"event.actor", "person", "event.colour"} {
		if values, ok := EventValues(field); ok || values != nil {
			t.Errorf("EventValues(%q) = %v, %v; want none", field, values, ok)
		}
	}
}

func TestActorCountry(t *testing.T) {
	for in, want := range map[string]string{
		"RU": "RU", "ru": "RU", "Russia": "RU", "russia": "RU", "United States": "US", "U.S.": "US",
		"Lavrov": "", "XX": "", "Russian": "", "": "",
	} {
		if got := ActorCountry(in); got != want {
			t.Errorf("ActorCountry(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestActorNameMatch checks that an actor's name is compared as the name
// filters compare names: whole words, split at spaces and hyphens, case
// and accents folded.
func TestActorNameMatch(t *testing.T) {
	tests := []struct {
		name, want string
		match      bool
	}{
		{"Russia", "russia", true},
		{"Russia's defence ministry", "DEFENCE MINISTRY", true},
		{"Russia's defence ministry", "russia", false}, // "russia's" is one word
		{"Recep Tayyip Erdoğan", "erdogan", true},
		{"Recep Tayyip Erdoğan", "Erdoğan", true},
		{"Recep Tayyip Erdoğan", "recep tayyip erdogan", true},
		{"Recep Tayyip Erdoğan", "erdog", false},
		{"Recep Tayyip Erdoğan", "tayyip recep", false},
		{"Erdogan", "Erdoğan", true},
		{"Bashar al-Assad", "assad", true},
		{"Bashar al-Assad", "al-Assad", true},
		{"Bashar al-Assad", "bashar al assad", true},
		{"Bashar al‐Assad", "Assad", true}, // U+2010 hyphen
		{"Bashar al-Assad", "al-assad's", false},
		{"São Paulo state government", "sao paulo", true},
		{"Αθήνα", "ΑΘΗΝΑ", true},
		{"Manchester United", "manch", false},
		{"Manchester  United", "manchester united", true},
		{"", "russia", false},
		{"Russia", "", false},
		{"Foo - Bar", "-", false}, // no word to look for
		{"-", "-", false},
	}
	for _, tt := range tests {
		if got := ActorNameMatch(tt.name, tt.want); got != tt.match {
			t.Errorf("ActorNameMatch(%q, %q) = %v, want %v", tt.name, tt.want, got, tt.match)
		}
	}
}

// TestMatchEvent checks the meaning of each event filter on one event.
func TestMatchEvent(t *testing.T) {
	russia := article.Event{Type: "withdrawal", Kind: "military", Status: "announced", NewAnnouncement: true,
		Actor: &article.Role{Text: "Russia's defence ministry", Canonical: "Ministry of Defence of Russia", Country: "RU"}}
	noActor := article.Event{Type: "withdrawal", Kind: "sports", Status: "historical"}
	tests := []struct {
		q         string
		ev        *article.Event
		want      bool
		explained string
	}{
		{`event:withdrawal`, &russia, true, ""},
		{`event:new-withdrawal`, &russia, true, ""},
		{`event:new-withdrawal`, &noActor, false, "not news"},
		{`event.kind:military`, &russia, true, ""},
		{`event.kind:sports`, &russia, false, ""},
		{`event.status:announced`, &russia, true, ""},
		{`event.actor:russia`, &russia, true, "a word of the canonical name"},
		{`event.actor:"defence ministry"`, &russia, true, "words of the text"},
		{`event.actor:"DEFENCE MINISTRY OF"`, &russia, false, "not consecutive whole words"},
		{`event.actor:defen`, &russia, false, "not a whole word"},
		{`event.actor:RU`, &russia, true, "the country code"},
		{`event.actor:"Russian Federation"`, &russia, true, "another name of Russia"},
		{`event.actor:Ukraine`, &russia, false, "another country"},
		{`event.actor:ru`, &noActor, false, "no actor"},
		{`event.kind:(sports OR military) event.status:historical`, &noActor, true, ""},
		{`event.kind:(sports OR military) event.status:historical`, &russia, false, ""},
	}
	for _, tt := range tests {
		q := MustParse(tt.q)
		if q.Root.Op != Events {
			t.Fatalf("%s: root %v, want EVENTS", tt.q, q.Root.Op)
		}
		got := MatchEvent(q.Root, tt.ev)
		if got != tt.want {
			t.Errorf("%s on %+v = %v, want %v (%s)", tt.q, *tt.ev, got, tt.want, tt.explained)
		}
	}
}

// MatchedEvents lists the events the query's event filters are about:
// those of a negated filter, or of a query without event filters, are
// not.
func TestMatchedEvents(t *testing.T) {
	evs := []article.Event{
		{Type: "withdrawal", Kind: "military", Status: "historical", Actor: &article.Role{Text: "Russia", Country: "RU"}},
		{Type: "withdrawal", Kind: "military", Status: "announced", NewAnnouncement: true, Actor: &article.Role{Text: "France", Country: "FR"}},
		{Type: "withdrawal", Kind: "sports", Status: "completed", NewAnnouncement: true},
	}
	tests := []struct {
		q    string
		want []int
	}{
		{`event:withdrawal`, []int{0, 1, 2}},
		{`event:new-withdrawal`, []int{1, 2}},
		{`event.kind:military event:new-withdrawal`, []int{1}},
		{`event.actor:Russia OR event.kind:sports`, []int{0, 2}},
		{`(troops event.actor:France) OR (title:cup event.kind:sports)`, []int{1, 2}},
		{`event.kind:military -title:cup`, []int{0, 1}},
		{`-event.kind:sports`, nil},
		{`troops`, nil},
		{`event.kind:diplomatic`, nil},
	}
	for _, tt := range tests {
		if got := MatchedEvents(MustParse(tt.q), evs); !slices.Equal(got, tt.want) {
			t.Errorf("MatchedEvents(%s) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := MatchedEvents(Query{}, evs); got != nil {
		t.Errorf("empty query: %v, want none", got)
	}
}

// Event filters ANDed together hold for one event; a negated one is
// about the whole article.
func ExampleParse_events() {
	q, err := Parse(`event.kind:military event.actor:Russia -event.status:historical`)
	if err != nil {
		panic(err)
	}
	fmt.Print(q.Explain())
	_, err = Parse(`event.kind:navy`)
	fmt.Println(err)
	// Output:
	// AND
	//   EVENTS (one event matching all 2 below)
	//     FILTER event.kind = "military"
	//     FILTER event.actor = "Russia"
	//   NOT
	//     EVENTS (one event matching all 1 below)
	//       FILTER event.status = "historical"
	// bad query at column 12: event.kind: unknown value "navy" (known: military, diplomatic, agreement, political, business, sports, other)
}

// An actor counts in the facet under the entity it names, else under its
// country, and the value counted is one that event.actor: finds it by, so
// that clicking a facet value filters the articles it counted.
func TestEventFacetActor(t *testing.T) {
	tests := []struct {
		name  string
		actor *article.Role
		want  string
	}{
		{"no actor", nil, ""},
		{"an entity", &article.Role{Text: "Moscow", Canonical: "Moscow", Country: "RU"}, "Moscow"},
		{"a country's body", &article.Role{Text: "Russia's defence ministry", Country: "RU"}, "Russia"},
		{"a demonym's troops", &article.Role{Text: "all U.S. troops", Country: "US"}, "United States"},
		{"no entity", &article.Role{Text: "the government"}, ""},
		{"an unknown code", &article.Role{Text: "the Ruritanian army", Country: "QQ"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &article.Event{Type: "withdrawal", Kind: "military", Status: "announced", Actor: tt.actor}
			got := EventFacetActor(e)
			if got != tt.want {
				t.Fatalf("EventFacetActor = %q, want %q", got, tt.want)
			}
			if got == "" {
				return
			}
			q := MustParse(fmt.Sprintf("event.actor:%q", got))
			if len(MatchedEvents(q, []article.Event{*e})) != 1 {
				t.Errorf("%s does not match the event it counts", q)
			}
		})
	}
}
