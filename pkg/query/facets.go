package query

import (
	"fmt"
	"time"
)

// Count is a value and how many matching articles have it.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets are the most frequent tagged names, sites, event kinds and
// event actors among all the
// articles matching a query, most frequent first, ties by value.
//
// Facets and timelines count matching articles, every syndicated copy
// included, not stories: the counts are then exact in every store (a
// distinct count of stories is approximate in Elasticsearch), and an
// article has one date where the copies of a story may fall on several.
type Facets struct {
	People []Count `json:"people"`
	Places []Count `json:"places"`
	Orgs   []Count `json:"organizations"`
	Sites  []Count `json:"sites"`
	// EventKinds counts the articles by the kinds of their events,
	// EventActors by their events' actors (EventFacetActor: the canonical
	// name, else the actor's country; an actor that tells neither is not
	// counted).
	EventKinds  []Count `json:"event_kinds"`
	EventActors []Count `json:"event_actors"`
}

// Interval is the period of a timeline. Periods are calendar periods in
// UTC; a week starts on Monday (ISO 8601).
type Interval string

// The intervals a timeline can have.
const (
	Hour  Interval = "hour"
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// ParseInterval reads "hour", "day", "week" or "month".
func ParseInterval(s string) (Interval, error) {
	switch i := Interval(s); i {
	case Hour, Day, Week, Month:
		return i, nil
	}
	return "", fmt.Errorf("interval %q: want hour, day, week or month", s)
}

// Start returns the start of the period that holds t.
func (i Interval) Start(t time.Time) time.Time {
	t = t.UTC()
	if i == Hour {
		return t.Truncate(time.Hour)
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch i {
	case Week:
		// Weekday counts from Sunday; step back to Monday.
		return day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	case Month:
		return day.AddDate(0, 0, 1-day.Day())
	}
	return day
}

// Next returns the start of the period after the one starting at start.
func (i Interval) Next(start time.Time) time.Time {
	switch i {
	case Hour:
		return start.Add(time.Hour)
	case Week:
		return start.AddDate(0, 0, 7)
	case Month:
		return start.AddDate(0, 1, 0)
	}
	return start.AddDate(0, 0, 1)
}

// Bucket is one period of a timeline: how many matching articles are
// dated in it (published, else fetched, as for since: and until:).
type Bucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}

// FillGaps returns buckets, sorted by start and without empty periods, with
// the empty periods between the first and the last added as zero counts,
// so that a timeline has one entry per period.
func FillGaps(buckets []Bucket, i Interval) []Bucket {
	if len(buckets) == 0 {
		return buckets
	}
	var out []Bucket
	next := buckets[0].Start
	for _, b := range buckets {
		for next.Before(b.Start) {
			out = append(out, Bucket{Start: next})
			next = i.Next(next)
		}
		out = append(out, b)
		next = i.Next(b.Start)
	}
	return out
}
