// Package frontier defines the crawl-state records that the crawler keeps in
// a store: which URLs are known, what they are, and what happened when they
// were fetched. It holds data types only; the crawler defines the interface
// it needs and each store implements it.
package frontier

import (
	"net/url"
	"strings"
	"time"
)

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
	// Robots is a robots.txt named as a seed: its Sitemap: lines are
	// followed.
	Robots Kind = "robots"
	// Redirect is a URL that redirected elsewhere; the target is a URL of
	// its own in the frontier.
	Redirect Kind = "redirect"
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
	// Modified is when a feed (Atom <updated>, an RSS item's update date)
	// or sitemap (<lastmod>) says the page last changed; nil if it does
	// not say. It is not stored: it is compared with the URL's last fetch
	// when the listing is read (see RecheckPolicy).
	Modified *time.Time
	// Recheck is set on a claimed URL that was fetched and emitted as an
	// article before and is due again because a listing said it changed:
	// it is fetched conditionally, and its article is emitted as a new
	// version even if an earlier one went out under its canonical URL.
	Recheck bool
	// Validators for conditional requests, kept from the last fetch.
	ETag         string
	LastModified string
	Attempts     int
	State        State
	NextAt       time.Time // when a pending URL becomes due
	// Interval is the current re-poll interval of a feed, sitemap or hub
	// (zero until first polled); it adapts to how often new items appear.
	Interval time.Duration
	// Site carries a seed's per-site options to the crawler; it is not
	// stored (seeds are given again on every run).
	Site SiteOptions
}

// SiteOptions override crawl settings for the host of a seed. The zero
// value of a field means "use the crawler's default".
type SiteOptions struct {
	Delay    time.Duration // per-host delay floor
	MaxDepth int           // link hops from the seed
	MaxPages int           // URLs admitted to the frontier for the host
	Include  []string      // regexps a discovered URL must match (any)
	Exclude  []string      // regexps a discovered URL must not match
}

// IsZero reports whether o overrides nothing.
func (o SiteOptions) IsZero() bool {
	return o.Delay == 0 && o.MaxDepth == 0 && o.MaxPages == 0 && len(o.Include) == 0 && len(o.Exclude) == 0
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
	// Interval, when set, is the re-poll interval to remember for the URL.
	Interval time.Duration
}

// RecheckPolicy bounds re-checks of articles already fetched, which a feed
// or sitemap lists with a modified time later than the last fetch.
type RecheckPolicy struct {
	Now time.Time
	// MinInterval is the least time between two fetches of one URL: a
	// re-check falls due no sooner than that after the last fetch.
	MinInterval time.Duration
	// Max is how often one URL may be re-checked over its life in the
	// frontier, so that a site stamping every URL with the current time
	// cannot make the crawler fetch everything again forever.
	Max int
}

// Settled is one outcome to record, for stores that settle in batches.
type Settled struct {
	URL     string
	Kind    Kind // replaces the URL's kind when not empty
	Outcome Outcome
}

// Stats counts a frontier's URLs by state.
type Stats struct {
	Pending, InFlight, Done, Failed int
	// NextDue is when the earliest pending URL becomes due (zero if none).
	NextDue time.Time
}

// Outlook is what the crawler needs to know when it finds nothing due:
// whether anything is left at all, and when the next URL becomes due. It is
// cheap to compute on a frontier of any size, unlike Stats.
type Outlook struct {
	Pending, InFlight bool
	NextDue           time.Time // zero if nothing is pending
}

// RobotsFailure is a run of consecutive failed fetches of a host's
// robots.txt (unreachable in RFC 9309's terms), kept so that the run, and
// the back-off it earned, outlast a restart of the crawler.
type RobotsFailure struct {
	Failures int       `json:"failures"` // failed fetches in a row
	Since    time.Time `json:"since"`    // the first of them
	Retry    time.Time `json:"retry"`    // when robots.txt may be fetched again
	Reason   string    `json:"reason"`   // what went wrong the last time
}

// Record is everything a frontier knows about one URL: what a store holds
// and what a frontier shared by several crawler processes writes to its
// changelog, so that the process that takes the URL's host over can carry
// on where the last one stopped. Times are in UTC with millisecond
// precision, as stores keep them.
type Record struct {
	URL           string     `json:"url"`
	Host          string     `json:"host"`
	Kind          Kind       `json:"kind"`
	Depth         int        `json:"depth,omitempty"`
	Seed          bool       `json:"seed,omitempty"`
	State         State      `json:"state"`
	Attempts      int        `json:"attempts,omitempty"`
	NextAt        time.Time  `json:"next_at"`
	HintTitle     string     `json:"hint_title,omitempty"`
	HintPublished *time.Time `json:"hint_published,omitempty"`
	ETag          string     `json:"etag,omitempty"`
	LastModified  string     `json:"last_modified,omitempty"`
	Status        int        `json:"status,omitempty"`
	Error         string     `json:"error,omitempty"`
	ArticleID     string     `json:"article_id,omitempty"`
	FetchedAt     *time.Time `json:"fetched_at,omitempty"`
	// Interval is the adaptive re-poll interval of a feed, sitemap or hub
	// (zero: not polled yet).
	Interval time.Duration `json:"interval,omitempty"`
	// Rechecks counts the re-checks of an article, and RecheckModified is
	// the modified time that queued the last one (zero: none).
	Rechecks        int       `json:"rechecks,omitempty"`
	RecheckModified time.Time `json:"recheck_modified,omitzero"`
}

// HostRecord is what a frontier knows about one host as a whole.
type HostRecord struct {
	Host string `json:"host"`
	// URLs counts the URLs admitted for the host, which the per-site page
	// limit reads.
	URLs int `json:"urls,omitempty"`
	// Robots is the host's run of failed robots.txt fetches, if any.
	Robots *RobotsFailure `json:"robots,omitempty"`
	// NotBefore is the earliest time the next request to the host may
	// start, as the crawler that last requested it computed (its delay
	// floor or Crawl-delay after the request, or a Retry-After back-off).
	NotBefore time.Time `json:"not_before,omitzero"`
}

// RobotsFile is a host's robots.txt as the crawler last read it: the
// answer's status (a 4xx means no rules) and body, and when it was read,
// so that another crawler process can use the rules until they expire
// without asking the host again.
type RobotsFile struct {
	Status  int       `json:"status"`
	Body    string    `json:"body,omitempty"`
	Fetched time.Time `json:"fetched"`
}

// FirstPage is an article page of a new site that the crawler keeps to
// clean again once the site's learned layer has observed enough of its
// pages (see the crawler's package doc). A frontier that can keep it
// (the SQLite store can) lets the page outlast a restart.
type FirstPage struct {
	Site string    `json:"site"` // the article's site, as the cleaner names it
	ID   string    `json:"id"`   // the article id emitted
	Kept time.Time `json:"kept"` // when the crawler kept it; a site's oldest page starts its wait
	// URL, FetchedAt, HintTitle and HintPublished are the page as first
	// cleaned, so that cleaning it again sees the same input.
	URL           string     `json:"url"`
	FetchedAt     time.Time  `json:"fetched_at"`
	HintTitle     string     `json:"hint_title,omitempty"`
	HintPublished *time.Time `json:"hint_published,omitempty"`
	HTML          []byte     `json:"html"` // the page's HTML, deflated
	Body          string     `json:"body"` // the body emitted
}

// Host is the key under which the frontier and the crawler's politeness
// group a URL: its host with any port, in lower case ("" for a URL that
// does not parse). Every frontier and the crawler use this one function,
// so that a host's pace, counts and owner agree.
func Host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Host)
}
