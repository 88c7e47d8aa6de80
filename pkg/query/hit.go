package query

import (
	"errors"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Hit is one search result, the same from every store, so that output
// does not depend on which store answered. Its JSON form is what
// `wirewatch search --json` prints.
type Hit struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	Site        string     `json:"site"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// Snippet is a passage of the article around the matched words; its
	// exact text differs between stores.
	Snippet string `json:"snippet,omitempty"`
	// StoryID is the article's story ("" for an article stored before
	// story clustering, which is a story of its own).
	StoryID string `json:"story_id"`
	// Copies is how many matching articles the hit stands for: the
	// matching copies of its story from SearchStories, 1 from Search.
	Copies int `json:"copies"`
	// Events are the article's withdrawal events, cut to what a list of
	// results shows (HitEvent), in the article's order; absent when it
	// has none, so that a hit without events reads as it always did.
	Events []HitEvent `json:"events,omitempty"`
}

// HitEvent is an article.Event cut to what a result row needs to flag it:
// type, kind, status, whether it is news, and who withdraws what from
// where.
// Its fields are the event's own, under the same JSON names, so a client
// reads it as a partial article event; the sentence, offsets, trigger and
// cues stay with the whole article. Both stores decode it from the stored
// article JSON (unknown fields ignored), which keeps their hits identical.
type HitEvent struct {
	Type            string        `json:"type"`
	Kind            string        `json:"kind"`
	Status          string        `json:"status"`
	Actor           *article.Role `json:"actor,omitempty"`
	What            *article.Role `json:"what,omitempty"`
	From            *article.Role `json:"from,omitempty"`
	NewAnnouncement bool          `json:"new_announcement"`
}

// After is where a page of hits in date order starts: after the hit with
// this published date (nil for an undated hit) and id. The zero After
// starts at the first hit.
type After struct {
	Date *time.Time
	ID   string
}

// ErrSnapshotExpired is returned by a store's search within a snapshot
// (a point in time that keeps the pages of one ranking stable) that the
// store no longer keeps. A caller starts again from a new snapshot.
var ErrSnapshotExpired = errors.New("search snapshot expired")
