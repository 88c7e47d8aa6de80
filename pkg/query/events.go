package query

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// Event filters match the withdrawal events the extractor tags in an
// article (article.Event, see extractor/events):
//
//   - event:withdrawal: an event of type withdrawal;
//     event:new-withdrawal: one whose new_announcement is true, that is
//     news in this article (the condition an alert wants).
//   - event.kind:KIND: an event of that kind, one of EventKinds.
//   - event.status:STATUS: an event of that status, one of EventStatuses.
//   - event.actor:NAME: an event whose actor's canonical name or words
//     hold NAME as whole words, case and accents folded and split at
//     spaces and hyphens (NameWords), as person: compares names
//     (event.actor:erdogan finds "Recep Tayyip Erdoğan", event.actor:assad
//     "Bashar al-Assad"); when NAME is an ISO 3166-1 alpha-2 code or a
//     country's name (RU, ru, Russia), also an actor of that country.
//
// Event filters ANDed together (written one after another, or with AND)
// must hold for one and the same event: event.kind:military
// event.actor:Russia finds a military withdrawal by Russia, not an
// article with a military withdrawal by one country and a withdrawal of
// another kind by Russia. The parser groups them under an Events node.
// A negated event filter is about the article: -event.actor:Russia finds
// articles with no event whose actor is Russia, NOT event:withdrawal
// those with no withdrawal at all, and NOT (event.kind:military
// event.actor:Russia) those without a military withdrawal by Russia.
// Two conditions on different events are not expressible: event filters
// ANDed, even in separate parentheses, describe one event.

// The values of event:.
const (
	EventWithdrawal    = "withdrawal"
	EventNewWithdrawal = "new-withdrawal"
)

// EventKinds are the values of event.kind:, as the extractor's guideline
// names them.
var EventKinds = []string{"military", "diplomatic", "agreement", "political", "business", "sports", "other"}

// EventStatuses are the values of event.status:.
var EventStatuses = []string{"announced", "completed", "demanded", "supported", "refused", "historical", "hypothetical"}

// eventValues are the values a closed event field accepts.
var eventValues = map[string][]string{
	"event":        {EventWithdrawal, EventNewWithdrawal},
	"event.kind":   EventKinds,
	"event.status": EventStatuses,
}

// EventValues returns the values the closed event field named field
// accepts (event:, event.kind:, event.status:), in the order the language
// lists them, and false for any other field: the one list that the parser
// checks a value against and the server's completion offers.
func EventValues(field string) ([]string, bool) {
	v, ok := eventValues[field]
	return slices.Clone(v), ok
}

// eventLeaf makes the Filter node of an event field's value v written at
// at: closed fields take their values in any case and keep them lower
// case; event.actor: keeps the name as written, its spaces collapsed.
func (p *parser) eventLeaf(f Field, v string, at int) (*Node, error) {
	n := &Node{Op: Filter, Field: f.Name}
	if allowed, ok := eventValues[f.Name]; ok {
		n.Value = strings.ToLower(v)
		if !slices.Contains(allowed, n.Value) {
			return nil, p.errf(at, "%s: unknown value %q (known: %s)", f.Name, v, strings.Join(allowed, ", "))
		}
	} else {
		n.Value = strings.Join(strings.Fields(v), " ")
		if strings.ContainsRune(n.Value, '*') {
			return nil, p.errf(at, "%s: takes no wildcards; '*' is for free text and title:", f.Name)
		}
	}
	p.at[n] = at
	return n, nil
}

// IsEventFilter reports whether n is a filter on an event field.
func IsEventFilter(n *Node) bool {
	if n == nil || n.Op != Filter {
		return false
	}
	f, ok := FieldNamed(n.Field)
	return ok && f.Kind == EventField
}

// eventOnly reports whether n is event filters combined by AND and OR
// alone: what one event can satisfy.
func eventOnly(n *Node) bool {
	switch n.Op {
	case Filter:
		return IsEventFilter(n)
	case And, Or:
		for _, k := range n.Kids {
			if !eventOnly(k) {
				return false
			}
		}
		return true
	}
	return false
}

// groupEvents rewrites a parsed tree so that every event filter is inside
// an Events node: the event-only kids of an AND (not negated) become one
// Events node, which one event must satisfy; any other event-only subtree
// becomes an Events node of its own. A NOT stays outside: NOT over an
// Events node means no event satisfies it.
func groupEvents(n *Node) *Node {
	if n == nil {
		return nil
	}
	if eventOnly(n) {
		if n.Op == And {
			return &Node{Op: Events, Kids: n.Kids}
		}
		return &Node{Op: Events, Kids: []*Node{n}}
	}
	switch n.Op {
	case And:
		var kids, events []*Node
		at := -1
		for _, k := range n.Kids {
			if eventOnly(k) {
				if at < 0 {
					at = len(kids)
					kids = append(kids, nil)
				}
				events = append(events, k)
				continue
			}
			kids = append(kids, groupEvents(k))
		}
		if at >= 0 {
			kids[at] = &Node{Op: Events, Kids: events}
		}
		return &Node{Op: And, Kids: kids}
	case Or, Not:
		kids := make([]*Node, len(n.Kids))
		for i, k := range n.Kids {
			kids[i] = groupEvents(k)
		}
		return &Node{Op: n.Op, Kids: kids}
	}
	return n
}

// MatchEvent reports whether the event e satisfies n: an Events node
// (every kid at once), or a kid of one, an event filter or an AND or OR of
// them. It is the meaning of the event filters, which the stores render
// and the conformance suite compares with theirs.
func MatchEvent(n *Node, e *article.Event) bool {
	switch n.Op {
	case And, Events:
		for _, k := range n.Kids {
			if !MatchEvent(k, e) {
				return false
			}
		}
		return true
	case Or:
		for _, k := range n.Kids {
			if MatchEvent(k, e) {
				return true
			}
		}
		return false
	case Filter:
		switch n.Field {
		case "event":
			return e.Type == EventWithdrawal && (n.Value == EventWithdrawal || e.NewAnnouncement)
		case "event.kind":
			return e.Kind == n.Value
		case "event.status":
			return e.Status == n.Value
		case "event.actor":
			if e.Actor == nil {
				return false
			}
			if ActorNameMatch(e.Actor.Canonical, n.Value) || ActorNameMatch(e.Actor.Text, n.Value) {
				return true
			}
			c := ActorCountry(n.Value)
			return c != "" && e.Actor.Country == c
		}
	}
	return false
}

// ActorNameMatch reports whether name, an actor's canonical name or
// words, holds want as whole words, as the name filters compare names:
// PaddedName(name) contains PaddedName(want), words being split at spaces
// and hyphens and folded for case and accents (NameWords). A want without
// words (only spaces and hyphens) matches no name.
func ActorNameMatch(name, want string) bool {
	w := PaddedName(want)
	return strings.TrimSpace(w) != "" && strings.Contains(PaddedName(name), w)
}

// countries is the gazetteer, loaded on the first event.actor: filter or
// facet value (some 13 ms) and read-only after.
var countries = sync.OnceValues(gazetteer.Load)

// ActorCountry returns the ISO 3166-1 alpha-2 code that an event.actor:
// value also stands for: the value itself when it is a code (any case),
// else the code of the country it names (Russia, "united states", U.S.);
// "" when it is neither.
func ActorCountry(v string) string {
	g, err := countries()
	if err != nil {
		return ""
	}
	up := strings.ToUpper(strings.TrimSpace(v))
	if len(up) == 2 {
		if _, ok := g.CountryName(up); ok {
			return up
		}
	}
	// The gazetteer folds case for text in capitals only.
	if e, ok := g.Lookup(up); ok && e.Kind == gazetteer.Country {
		return e.Country
	}
	return ""
}

// EventFacetActor is the value an event's actor counts under in the
// event_actors facet: its canonical name, the entity it names; else the
// name of its country ("Russia's defence ministry" and "all U.S. troops"
// under Russia and United States), which event.actor: with that name
// finds too, so that a facet value's count is what a click on it
// filters; "" (not counted) for an actor that tells neither ("the
// government").
func EventFacetActor(e *article.Event) string {
	if e.Actor == nil {
		return ""
	}
	if e.Actor.Canonical != "" || e.Actor.Country == "" {
		return e.Actor.Canonical
	}
	g, err := countries()
	if err != nil {
		return ""
	}
	name, _ := g.CountryName(e.Actor.Country)
	return name
}

// explainEvents is the line --explain writes for an Events node.
func explainEvents(n *Node) string {
	return fmt.Sprintf("EVENTS (one event matching all %d below)", len(n.Kids))
}

// MatchedEvents returns the indexes, in order, of the events of evs that
// satisfy an Events node of q that is not under a NOT: the events a search
// for them is about, which an alert carries so that its receiver sees who
// withdraws what from where without fetching the article. An event is
// listed if it satisfies any such node, also one in an OR branch the
// article did not match by; the caller checks the whole query first. A
// query without event filters matches no event.
func MatchedEvents(q Query, evs []article.Event) []int {
	var nodes []*Node
	var walk func(n *Node)
	walk = func(n *Node) {
		switch n.Op {
		case Not:
			return
		case Events:
			nodes = append(nodes, n)
			return
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	if q.Root != nil {
		walk(q.Root)
	}
	var out []int
	for i := range evs {
		for _, n := range nodes {
			if MatchEvent(n, &evs[i]) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}
