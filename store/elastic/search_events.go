package elastic

import (
	"context"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// events renders an Events node: a nested query on the events (mapped
// nested, so that one event must satisfy every kid, as in the embedded
// store and the matcher).
func (r render) events(n *query.Node) map[string]any {
	var filter []map[string]any
	for _, k := range n.Kids {
		filter = append(filter, event(k))
	}
	return map[string]any{"nested": map[string]any{"path": "events", "query": map[string]any{"bool": map[string]any{"filter": filter}}}}
}

// event renders a kid of an Events node on one event, as query.MatchEvent
// decides it.
func event(n *query.Node) map[string]any {
	switch n.Op {
	case query.And:
		var filter []map[string]any
		for _, k := range n.Kids {
			filter = append(filter, event(k))
		}
		return map[string]any{"bool": map[string]any{"filter": filter}}
	case query.Or:
		var should []map[string]any
		for _, k := range n.Kids {
			should = append(should, event(k))
		}
		return anyOf(should)
	case query.Filter:
		term := func(field string, v any) map[string]any { return map[string]any{"term": map[string]any{field: v}} }
		switch n.Field {
		case "event":
			if n.Value == query.EventNewWithdrawal {
				return map[string]any{"bool": map[string]any{"filter": []any{
					term("events.type", query.EventWithdrawal), term("events.new_announcement", true)}}}
			}
			return term("events.type", query.EventWithdrawal)
		case "event.kind":
			return term("events.kind", n.Value)
		case "event.status":
			return term("events.status", n.Value)
		case "event.actor":
			var or []map[string]any
			for _, f := range []string{"events.actor.canonical", "events.actor.text"} {
				or = append(or, wholeWords(f, n.Value)...)
			}
			if c := query.ActorCountry(n.Value); c != "" {
				or = append(or, term("events.actor.country", c))
			}
			return anyOf(or)
		}
	}
	return matchNone
}

// wholeWords are the clauses under which the keyword field equals want
// ignoring case or holds it as whole words split at spaces: equal, or
// starting with "want ", ending with " want" or holding " want ", all
// ignoring case. That is query.ActorNameMatch exactly, where the words
// sub-field's standard analyzer would split at punctuation too.
func wholeWords(field, want string) []map[string]any {
	w := escapeWildcard(want)
	out := []map[string]any{{"term": map[string]any{field: map[string]any{"value": want, "case_insensitive": true}}}}
	for _, pattern := range []string{w + " *", "* " + w, "* " + w + " *"} {
		out = append(out, map[string]any{"wildcard": map[string]any{field: map[string]any{"value": pattern, "case_insensitive": true}}})
	}
	return out
}

// eventFacets counts the articles matching q by the kinds of their
// events and by their events' actors (query.EventFacetActor: the
// canonical name), n of each: terms aggregations inside the nested
// events, each bucket counting its articles by a reverse_nested one, and
// ordered by that count, ties by value as in the embedded store.
func (s *Store) eventFacets(ctx context.Context, q query.Query, n int, f *query.Facets) error {
	terms := func(field string) map[string]any {
		return map[string]any{
			"terms": map[string]any{
				"field": field, "size": n,
				"order": []any{map[string]any{"articles": "desc"}, map[string]any{"_key": "asc"}},
			},
			"aggs": map[string]any{"articles": map[string]any{"reverse_nested": map[string]any{}}},
		}
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()), "timeout": searchTimeout,
		"aggs": map[string]any{"events": map[string]any{
			"nested": map[string]any{"path": "events"},
			"aggs":   map[string]any{"kinds": terms("events.kind"), "actors": terms("events.actor.canonical")},
		}},
	}
	type buckets struct {
		Buckets []struct {
			Key      string `json:"key"`
			Articles struct {
				DocCount int `json:"doc_count"`
			} `json:"articles"`
		} `json:"buckets"`
	}
	var res struct {
		Aggregations struct {
			Events struct {
				Kinds  buckets `json:"kinds"`
				Actors buckets `json:"actors"`
			} `json:"events"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return err
	}
	counts := func(b buckets) []query.Count {
		out := []query.Count{}
		for _, x := range b.Buckets {
			out = append(out, query.Count{Value: x.Key, Count: x.Articles.DocCount})
		}
		return out
	}
	f.EventKinds, f.EventActors = counts(res.Aggregations.Events.Kinds), counts(res.Aggregations.Events.Actors)
	return nil
}
