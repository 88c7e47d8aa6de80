// Package frontier defines the crawl-state records that the crawler keeps in
// a store: which URLs are known, what they are, and what happened when they
// were fetched. It holds data types only; the crawler defines the interface
// it needs and each store implements it.
package frontier

import "time"

// Kind says what a URL is expected to be, which decides what the crawler
// does with its response.
type Kind string

// Kinds of URL.
const (
	// Page is a URL whose kind is not known yet: an article or a hub,
	// decided after fetching.
	Page Kind = "page"
	// Article is a URL that a feed or sitemap announced as an article.
	Article Kind = "article"
	// Feed is an RSS, Atom or RDF feed.
	Feed Kind = "feed"
	// Sitemap is a sitemap or sitemap index.
	Sitemap Kind = "sitemap"
	// Hub is a page found, once fetched, to link to articles rather than be
	// one: a front or section page. Hubs are polled again for new links.
	Hub Kind = "hub"
)

// State is where a URL is in its life.
type State string

// States of a URL.
const (
	Pending  State = "pending"
	InFlight State = "inflight"
	Done     State = "done"
	Failed   State = "failed"
)

// Entry is one URL in the frontier.
type Entry struct {
	URL           string // canonical form, the primary key
	Kind          Kind
	Depth         int // link hops from a seed
	Seed          bool
	HintTitle     string     // what a feed or sitemap said
	HintPublished *time.Time // likewise
	// Validators for conditional requests, kept from the last fetch.
	ETag         string
	LastModified string
	Attempts     int
	State        State
	NextAt       time.Time // when a pending URL becomes due
}

// Outcome is what a fetch of an entry ended with.
type Outcome struct {
	State        State // Done or Failed, or Pending to retry or re-poll at NextAt
	Status       int
	Error        string
	ArticleID    string
	ETag         string
	LastModified string
	NextAt       time.Time
	FetchedAt    time.Time
}

// Stats counts a frontier's URLs by state.
type Stats struct {
	Pending, InFlight, Done, Failed int
	// NextDue is when the earliest pending URL becomes due (zero if none).
	NextDue time.Time
}
