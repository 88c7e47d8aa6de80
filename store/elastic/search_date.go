package elastic

import (
	"context"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// SearchByDate returns up to limit articles matching q in date order,
// whatever their relevance: newest first, or oldest first when oldest is
// set, by published date, undated articles last either way, ties by id;
// only those that sort after after. With stories set, one hit per story:
// its first copy in that order, whose Copies counts the story's matching
// articles, and only the stories whose first copy sorts after after (a
// story with a copy at or before it was on an earlier page). The embedded
// store answers alike.
//
// The key is a range filter on the sort fields, as search_after would
// apply it, so that a deep page costs what the first does. published_at
// is indexed to the millisecond: articles published in the same
// millisecond are ordered by id.
func (s *Store) SearchByDate(ctx context.Context, q query.Query, oldest, stories bool, after query.After, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	base := buildQuery(q, false, time.Now())
	hits, err := s.byDate(ctx, q, base, oldest, stories, after, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	copies := map[string]int{}
	if stories {
		var ids []string
		for _, h := range hits {
			if h.StoryID != "" {
				ids = append(ids, h.StoryID)
			}
		}
		if copies, err = s.storyCounts(ctx, base, ids, nil); err != nil {
			return nil, fmt.Errorf("search %q: %w", q.String(), err)
		}
	}
	for i := range hits {
		hits[i].Copies = 1
		if stories && hits[i].StoryID != "" {
			hits[i].Copies = copies[hits[i].StoryID]
		}
	}
	return hits, nil
}

// byDate reads the matches of base after start in date order, a request
// at a time, until it has limit of them (stories, when stories is set).
func (s *Store) byDate(ctx context.Context, q query.Query, base map[string]any, oldest, stories bool, start query.After, limit int) ([]query.Hit, error) {
	order := "desc"
	if oldest {
		order = "asc"
	}
	size := limit
	if stories {
		size = max(3*limit, 30) // copies of stories already listed are passed over
	}
	seen := map[string]bool{}
	var out []query.Hit
	for pos := start; len(out) < limit; {
		filter := []any{base}
		if pos.ID != "" {
			filter = append(filter, afterKey(pos, oldest))
		}
		page, err := s.search(ctx, q, map[string]any{
			"size": size, "query": map[string]any{"bool": map[string]any{"filter": filter}},
			"sort": []any{
				map[string]any{"published_at": map[string]any{"order": order, "missing": "_last"}},
				map[string]any{"id": "asc"},
			},
			"track_total_hits": false,
			"timeout":          searchTimeout,
			"_source":          hitSource,
		})
		if err != nil {
			return nil, err
		}
		if stories && start.ID != "" {
			var fresh []string
			for _, h := range page {
				if h.StoryID != "" && !seen[h.StoryID] {
					fresh = append(fresh, h.StoryID)
				}
			}
			// The stories with a copy up to the key were listed before.
			earlier, err := s.storyCounts(ctx, base, fresh, upToKey(start, oldest))
			if err != nil {
				return nil, err
			}
			for st := range earlier {
				seen[st] = true
			}
		}
		for _, h := range page {
			if stories && h.StoryID != "" {
				if seen[h.StoryID] {
					continue
				}
				seen[h.StoryID] = true
			}
			out = append(out, h.Hit)
			if len(out) == limit {
				break
			}
		}
		if len(page) < size {
			break
		}
		last := page[len(page)-1]
		pos = query.After{Date: last.PublishedAt, ID: last.ID}
	}
	return out, nil
}

// publishedAt renders a key's date as published_at holds it: to the
// millisecond.
func publishedAt(t time.Time) map[string]any {
	return map[string]any{"gte": t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z"), "format": "strict_date_optional_time"}
}

// dateRange is a range filter on published_at with op (lt, gt, …) against
// t, to the millisecond.
func dateRange(op string, t time.Time) map[string]any {
	r := publishedAt(t)
	r[op] = r["gte"]
	if op != "gte" {
		delete(r, "gte")
	}
	return map[string]any{"range": map[string]any{"published_at": r}}
}

var undated = map[string]any{"bool": map[string]any{"must_not": []any{map[string]any{"exists": map[string]any{"field": "published_at"}}}}}

func sameDate(t time.Time) map[string]any {
	r := publishedAt(t)
	r["lte"] = r["gte"]
	return map[string]any{"range": map[string]any{"published_at": r}}
}

func idRange(op, id string) map[string]any {
	return map[string]any{"range": map[string]any{"id": map[string]any{op: id}}}
}

// afterKey matches the articles that sort after a in date order.
func afterKey(a query.After, oldest bool) map[string]any {
	if a.Date == nil {
		return map[string]any{"bool": map[string]any{"filter": []any{undated, idRange("gt", a.ID)}}}
	}
	beyond := "lt"
	if oldest {
		beyond = "gt"
	}
	return anyOf([]map[string]any{
		dateRange(beyond, *a.Date),
		{"bool": map[string]any{"filter": []any{sameDate(*a.Date), idRange("gt", a.ID)}}},
		undated,
	})
}

// upToKey matches the articles that sort at or before a in date order.
func upToKey(a query.After, oldest bool) map[string]any {
	if a.Date == nil {
		return anyOf([]map[string]any{
			{"exists": map[string]any{"field": "published_at"}},
			{"bool": map[string]any{"filter": []any{undated, idRange("lte", a.ID)}}},
		})
	}
	before := "gt"
	if oldest {
		before = "lt"
	}
	return anyOf([]map[string]any{
		dateRange(before, *a.Date),
		{"bool": map[string]any{"filter": []any{sameDate(*a.Date), idRange("lte", a.ID)}}},
	})
}

// storyCounts counts the articles matching base, and also extra unless it
// is nil, of each of the stories ids; stories without any are left out.
func (s *Store) storyCounts(ctx context.Context, base map[string]any, ids []string, extra map[string]any) (map[string]int, error) {
	counts := map[string]int{}
	if len(ids) == 0 {
		return counts, nil
	}
	filter := []any{base, map[string]any{"terms": map[string]any{"story_id": ids}}}
	if extra != nil {
		filter = append(filter, extra)
	}
	req := map[string]any{
		"size": 0, "track_total_hits": false, "timeout": searchTimeout,
		"query": map[string]any{"bool": map[string]any{"filter": filter}},
		"aggs":  map[string]any{"stories": map[string]any{"terms": map[string]any{"field": "story_id", "size": len(ids)}}},
	}
	var res struct {
		Aggregations struct {
			Stories termBuckets `json:"stories"`
		} `json:"aggregations"`
	}
	if err := s.aggregate(ctx, req, &res); err != nil {
		return nil, err
	}
	for _, b := range res.Aggregations.Stories.Buckets {
		counts[b.Key] = b.DocCount
	}
	return counts, nil
}
