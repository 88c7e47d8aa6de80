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

// eventTerms is a terms aggregation on a field of the nested events whose
// buckets count articles, not events: a reverse_nested sub-aggregation
// per bucket, which also orders them, ties by value as in the embedded
// store.
func eventTerms(field string, n int) map[string]any {
	return map[string]any{
		"terms": map[string]any{
			"field": field, "size": n,
			"order": []any{map[string]any{"articles": "desc"}, map[string]any{"_key": "asc"}},
		},
		"aggs": map[string]any{"articles": map[string]any{"reverse_nested": map[string]any{}}},
	}
}

// eventBuckets decodes the buckets of an eventTerms aggregation.
type eventBuckets struct {
	Buckets []struct {
		Key      string `json:"key"`
		Articles struct {
			DocCount int `json:"doc_count"`
		} `json:"articles"`
	} `json:"buckets"`
}

// counts are the buckets as counts of articles, [] for none.
func (b eventBuckets) counts() []query.Count {
	out := []query.Count{}
	for _, x := range b.Buckets {
		out = append(out, query.Count{Value: x.Key, Count: x.Articles.DocCount})
	}
	return out
}

// eventFacets counts the articles matching q by the kinds of their
// events and by their events' actors (query.EventFacetActor: the
// canonical name), n of each: terms aggregations inside the nested
// events (eventTerms).
func (s *Store) eventFacets(ctx context.Context, q query.Query, n int, f *query.Facets) error {
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()), "timeout": searchTimeout,
		"aggs": map[string]any{"events": map[string]any{
			"nested": map[string]any{"path": "events"},
			"aggs":   map[string]any{"kinds": eventTerms("events.kind", n), "actors": eventTerms("events.actor.canonical", n)},
		}},
	}
	var res struct {
		Aggregations struct {
			Events struct {
				Kinds  eventBuckets `json:"kinds"`
				Actors eventBuckets `json:"actors"`
			} `json:"events"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return err
	}
	f.EventKinds, f.EventActors = res.Aggregations.Events.Kinds.counts(), res.Aggregations.Events.Actors.counts()
	return nil
}

// suggestActors returns up to n event actors (the canonical names the
// event_actors facet counts) matching include, a Lucene regular
// expression, with the number of articles having each, most first.
func (s *Store) suggestActors(ctx context.Context, include string, n int) ([]query.Count, error) {
	actors := eventTerms("events.actor.canonical", n)
	actors["terms"].(map[string]any)["include"] = include
	req := map[string]any{
		"size": 0, "track_total_hits": false,
		"aggs": map[string]any{"events": map[string]any{
			"nested": map[string]any{"path": "events"},
			"aggs":   map[string]any{"actors": actors},
		}},
	}
	var res struct {
		Aggregations struct {
			Events struct {
				Actors eventBuckets `json:"actors"`
			} `json:"events"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, err
	}
	return res.Aggregations.Events.Actors.counts(), nil
}
