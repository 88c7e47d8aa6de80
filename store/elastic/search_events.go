package elastic

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// events renders an Events node: a nested query (one event must satisfy
// every kid, as in the embedded store and the matcher) on the events as
// this mapping version indexes them for the filters (searchEventsField).
// A document indexed before mapping version 6 has none there, and is
// matched on its events as it was then, until written again.
func (r render) events(n *query.Node) map[string]any {
	nested := func(path string, older bool) map[string]any {
		var filter []map[string]any
		for _, k := range n.Kids {
			filter = append(filter, event(k, path, older))
		}
		return map[string]any{"nested": map[string]any{"path": path, "query": map[string]any{"bool": map[string]any{"filter": filter}}}}
	}
	hasSearchEvents := map[string]any{"nested": map[string]any{"path": searchEventsField, "query": map[string]any{"match_all": map[string]any{}}}}
	return anyOf([]map[string]any{
		nested(searchEventsField, false),
		{"bool": map[string]any{"must_not": hasSearchEvents, "filter": nested("events", true)}},
	})
}

// event renders a kid of an Events node on one event under path, as
// query.MatchEvent decides it: on searchEventsField, or on events as a
// document indexed before mapping version 6 holds them (older), where
// actor names are matched as they were then (olderWholeWords).
func event(n *query.Node, path string, older bool) map[string]any {
	switch n.Op {
	case query.And:
		var filter []map[string]any
		for _, k := range n.Kids {
			filter = append(filter, event(k, path, older))
		}
		return map[string]any{"bool": map[string]any{"filter": filter}}
	case query.Or:
		var should []map[string]any
		for _, k := range n.Kids {
			should = append(should, event(k, path, older))
		}
		return anyOf(should)
	case query.Filter:
		term := func(field string, v any) map[string]any {
			return map[string]any{"term": map[string]any{path + "." + field: v}}
		}
		switch n.Field {
		case "event":
			if n.Value == query.EventNewWithdrawal {
				return map[string]any{"bool": map[string]any{"filter": []any{
					term("type", query.EventWithdrawal), term("new_announcement", true)}}}
			}
			return term("type", query.EventWithdrawal)
		case "event.kind":
			return term("kind", n.Value)
		case "event.status":
			return term("status", n.Value)
		case "event.actor":
			var or []map[string]any
			switch w := actorName(n.Value); {
			case w == "":
				// A value without words names no actor (query.ActorNameMatch).
			case older:
				for _, f := range []string{"events.actor.canonical", "events.actor.text"} {
					or = append(or, olderWholeWords(f, n.Value)...)
				}
			default:
				// Both sides padded: whole words.
				or = append(or, map[string]any{"wildcard": map[string]any{path + ".actor.names": map[string]any{"value": "*" + escapeWildcard(w) + "*"}}})
			}
			if c := query.ActorCountry(n.Value); c != "" {
				or = append(or, term("actor.country", c))
			}
			if len(or) == 0 {
				return matchNone
			}
			return anyOf(or)
		}
	}
	return matchNone
}

// olderWholeWords are the clauses under which the keyword field equals
// want ignoring case or holds it as whole words split at spaces: equal,
// or starting with "want ", ending with " want" or holding " want ", all
// ignoring case. That is how event.actor: matched before mapping version
// 6 (case folded, not accents; words split at spaces only), which a
// document indexed before it is matched by until written again.
func olderWholeWords(field, want string) []map[string]any {
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
// events (a terms aggregation inside the nested events, eventTerms) and
// by their events' actors (actorAggs), n of each.
func (s *Store) eventFacets(ctx context.Context, q query.Query, n int, f *query.Facets) error {
	aggs := actorAggs(n, "")
	aggs["events"] = map[string]any{
		"nested": map[string]any{"path": "events"},
		"aggs":   map[string]any{"kinds": eventTerms("events.kind", n)},
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false, "query": buildQuery(q, false, time.Now()), "timeout": searchTimeout,
		"aggs": aggs,
	}
	var res struct {
		Aggregations struct {
			actorResult
			Events struct {
				Kinds eventBuckets `json:"kinds"`
			} `json:"events"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return err
	}
	f.EventKinds, f.EventActors = res.Aggregations.Events.Kinds.counts(), res.Aggregations.counts(n)
	return nil
}

// actorAggs counts articles by the values their events' actors count
// under in the event_actors facet (query.EventFacetActor), n of them,
// only those matching include (a Lucene regular expression) when it is
// not "". An article indexed by this mapping version holds those values
// in eventActorsField, counted by a plain terms aggregation; one indexed
// before holds none there, and is counted by its events' canonical names
// as it was then, until it is indexed again. The two sets of articles
// are disjoint, so actorResult can add their counts.
func actorAggs(n int, include string) map[string]any {
	has := map[string]any{"exists": map[string]any{"field": eventActorsField}}
	current := map[string]any{
		"field": eventActorsField, "size": n,
		"order": []any{map[string]any{"_count": "desc"}, map[string]any{"_key": "asc"}},
	}
	older := eventTerms("events.actor.canonical", n)
	if include != "" {
		current["include"] = include
		older["terms"].(map[string]any)["include"] = include
	}
	return map[string]any{
		"actors": map[string]any{
			"filter": has,
			"aggs":   map[string]any{"values": map[string]any{"terms": current}},
		},
		"older_actors": map[string]any{
			"filter": map[string]any{"bool": map[string]any{"must_not": has}},
			"aggs": map[string]any{"events": map[string]any{
				"nested": map[string]any{"path": "events"},
				"aggs":   map[string]any{"actors": older},
			}},
		},
	}
}

// actorResult decodes the aggregations of actorAggs.
type actorResult struct {
	Actors struct {
		Values termBuckets `json:"values"`
	} `json:"actors"`
	Older struct {
		Events struct {
			Actors eventBuckets `json:"actors"`
		} `json:"events"`
	} `json:"older_actors"`
}

// counts adds the two sets' counts per value and keeps the n highest,
// ties by value, [] for none. While an index holds articles of both
// kinds, a value outside the top n of each set is missed even if their
// sum would place it in the top n.
func (r actorResult) counts(n int) []query.Count {
	sum := map[string]int{}
	for _, c := range append(r.Actors.Values.counts(), r.Older.Events.Actors.counts()...) {
		sum[c.Value] += c.Count
	}
	out := make([]query.Count, 0, len(sum))
	for v, c := range sum {
		out = append(out, query.Count{Value: v, Count: c})
	}
	slices.SortFunc(out, func(a, b query.Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(n, len(out))]
}

// suggestActors returns up to n event actors (the values the
// event_actors facet counts, actorAggs) matching include, a Lucene
// regular expression, with the number of articles having each, most
// first.
func (s *Store) suggestActors(ctx context.Context, include string, n int) ([]query.Count, error) {
	req := map[string]any{"size": 0, "track_total_hits": false, "aggs": actorAggs(n, include)}
	var res struct {
		Aggregations actorResult `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, err
	}
	return res.Aggregations.counts(n), nil
}
