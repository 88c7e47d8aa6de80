package server

import (
	"context"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Searcher finds articles. Both stores implement it.
type Searcher interface {
	// Search returns up to limit matching articles, every copy of a story
	// listed: by relevance when q has free text, newest first otherwise.
	Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	// SearchStories is Search with one hit per story, whose Copies counts
	// the story's matching articles.
	SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	// Total counts the articles matching q, every copy counted.
	Total(ctx context.Context, q query.Query) (int, error)
	// SearchByDate returns up to limit matches of q in date order,
	// whatever their relevance: newest first, or oldest first when oldest
	// is set, by published date, undated articles last either way, ties
	// by id; only those that sort after after (query.After{} for the
	// first page). With stories set, one hit per story: its first copy in
	// that order, whose Copies counts the story's matching articles, and
	// only the stories whose first copy sorts after after. A page costs
	// about what the first does, however deep.
	SearchByDate(ctx context.Context, q query.Query, oldest, stories bool, after query.After, limit int) ([]query.Hit, error)
	// Snapshot returns a token for the store as it is now, for SearchAt.
	Snapshot(ctx context.Context) (string, error)
	// SearchAt is Search (stories false) or SearchStories (stories true)
	// over the store as it was at Snapshot: no article stored since is
	// listed, so that the pages of one ranking neither repeat nor skip a
	// hit as articles arrive. A store may drop a snapshot after a while;
	// SearchAt then fails with an error that wraps query.ErrSnapshotExpired.
	SearchAt(ctx context.Context, snapshot string, q query.Query, stories bool, limit int) ([]query.Hit, error)
}

// Counter counts all the articles matching a query, not a sample.
type Counter interface {
	// Facets returns the n most frequent people, places, organisations
	// and sites, most first, ties by value.
	Facets(ctx context.Context, q query.Query, n int) (query.Facets, error)
	// Languages returns the n most frequent languages, most first, ties
	// by value.
	Languages(ctx context.Context, q query.Query, n int) ([]query.Count, error)
	// Timeline counts matching articles per period of iv by published,
	// else fetched, date; empty periods are left out.
	Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error)
}

// Articles reads whole articles.
type Articles interface {
	// Get returns the article with id, or an error for which the
	// server's NotFound reports true.
	Get(ctx context.Context, id string) (*article.Article, error)
	// StoryArticles returns up to limit articles of a story in id order.
	StoryArticles(ctx context.Context, storyID string, limit int) ([]*article.Article, error)
	// Scan calls fn for every article matching q whose id sorts after
	// after, in id order, reading in pages so that memory stays constant.
	Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error
}

// Suggester completes names, sites and event actors for the query bar.
type Suggester interface {
	// Suggest returns up to n values of field ("person", "place", "org",
	// "site", or "event.actor": the canonical names the event_actors
	// facet counts) starting with prefix, ignoring ASCII case, with the
	// number of articles having each, most first.
	Suggest(ctx context.Context, field, prefix string, n int) ([]query.Count, error)
}

// Store is every read the server makes of the article store.
type Store interface {
	Searcher
	Counter
	Articles
	Suggester
}

// Alerts is the saved searches and the log of fired alerts.
type Alerts interface {
	// Add saves a search (its query already checked) and returns it with
	// its id and creation time.
	Add(ctx context.Context, s alert.Search) (alert.Search, error)
	// Remove deletes a saved search; an unknown id is an error for which
	// the server's NotFound reports true.
	Remove(ctx context.Context, id int64) error
	// Searches returns every saved search in id order.
	Searches(ctx context.Context) ([]alert.Search, error)
	// Fired returns up to limit alerts, newest first.
	Fired(ctx context.Context, limit int) ([]alert.Alert, error)
}

// clock is time.Now, replaceable in tests through Options.Now.
type clock func() time.Time
