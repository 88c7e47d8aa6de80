package elastic

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// withAnalysed adds the analysed fields (AnalysedFields) of a to its JSON
// document doc: the stemmed terms and folded words of title and body, each
// space-separated, the key values of the search language, the values its
// events' actors count under in the facet, its folded names and its events
// as the event filters match them.
func withAnalysed(doc []byte, a *article.Article) ([]byte, error) {
	doc = bytes.TrimRight(doc, " \n\r\t")
	if len(doc) < 2 || doc[len(doc)-1] != '}' {
		return nil, errors.New("article JSON is not an object")
	}
	titleTerms, titleWords := query.TermsAndWords(a.Title)
	bodyTerms, bodyWords := query.TermsAndWords(a.Body)
	extra, err := json.Marshal(map[string]any{
		termsTitle:                             strings.Join(titleTerms, " "),
		termsBody:                              strings.Join(bodyTerms, " "),
		wordsTitle:                             strings.Join(titleWords, " "),
		wordsBody:                              strings.Join(bodyWords, " "),
		keysField:                              query.KeyValues(a),
		eventActorsField:                       eventActors(a),
		foldedNameFields[article.Person]:       foldedNames(a.People),
		foldedNameFields[article.Place]:        foldedNames(a.Places),
		foldedNameFields[article.Organization]: foldedNames(a.Organizations),
		searchEventsField:                      searchEvents(a.Events),
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(doc)+len(extra))
	out = append(out, doc[:len(doc)-1]...)
	if len(doc) > 2 {
		out = append(out, ',')
	}
	out = append(out, extra[1:]...)
	return out, nil
}

// foldedNames returns each name as its words, query.NameWords joined by
// spaces, which the name filters' phrases match.
func foldedNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if w := query.NameWords(n); len(w) > 0 {
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

// eventActors returns the distinct values a's events' actors count under
// in the event_actors facet, in the order of the events.
func eventActors(a *article.Article) []string {
	out := []string{}
	for i := range a.Events {
		if v := query.EventFacetActor(&a.Events[i]); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// searchEvent is an event as searchEventsMapping maps it.
type searchEvent struct {
	Type            string      `json:"type"`
	Kind            string      `json:"kind"`
	Status          string      `json:"status"`
	NewAnnouncement bool        `json:"new_announcement"`
	Actor           searchActor `json:"actor"`
}

// searchActor is an event's actor as searchEventsMapping maps it.
type searchActor struct {
	Names   []string `json:"names,omitempty"`
	Country string   `json:"country,omitempty"`
}

// searchEvents returns the events as the event filters match them, in
// their order.
func searchEvents(events []article.Event) []searchEvent {
	out := make([]searchEvent, 0, len(events))
	for _, e := range events {
		se := searchEvent{Type: e.Type, Kind: e.Kind, Status: e.Status, NewAnnouncement: e.NewAnnouncement}
		if e.Actor != nil {
			for _, n := range []string{e.Actor.Canonical, e.Actor.Text} {
				if p := actorName(n); p != "" && !slices.Contains(se.Actor.Names, p) {
					se.Actor.Names = append(se.Actor.Names, p)
				}
			}
			se.Actor.Country = e.Actor.Country
		}
		out = append(out, se)
	}
	return out
}

// actorName is an actor's name as searchEvents indexes it, and an
// event.actor: value as the filter looks for it: query.PaddedName, or ""
// for a name without words, which the filter never looks for (a value
// without words matches no name).
func actorName(name string) string {
	if p := query.PaddedName(name); strings.TrimSpace(p) != "" {
		return p
	}
	return ""
}
