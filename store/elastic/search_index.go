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
// space-separated, the key values of the search language, and the values
// its events' actors count under in the facet.
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
