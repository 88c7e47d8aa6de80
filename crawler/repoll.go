package crawler

import (
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// polled reports whether e is re-polled for new URLs rather than done once
// fetched: seeds, feeds, sitemaps, robots.txt seeds, and hubs whose links
// are still followed (shallower than the host's MaxDepth). Section pages
// found from a front page are where a site lists new articles, often
// sooner and more completely than its feeds; hubs at the depth limit
// would yield no links, so polling them would be requests for nothing.
func (c *Crawler) polled(e frontier.Entry) bool {
	if c.opts.Once {
		return false
	}
	switch e.Kind {
	case frontier.Feed, frontier.Sitemap, frontier.Robots:
		return true
	case frontier.Hub:
		return e.Seed || e.Depth < c.maxDepth(frontier.Host(e.URL))
	}
	return e.Seed
}

// minHubLinks is how many followable links make a page that is not an
// article a hub, when neither the cleaner nor the URL shape said so.
const minHubLinks = 10

// hubReason is articleVerdict's reason for a section-shaped page.
const hubReason = "section-shaped URL without article metadata"

// listReason is articleVerdict's reason for a page whose JSON-LD declares
// a list of items and no article.
const listReason = "JSON-LD item list without article markup"

// productReason is articleVerdict's reason for a shop's grid of products
// (productGrid).
const productReason = "grid of products"

// isHub reports whether a page that is not an article (for the given
// reason) is a hub, polled again for new links: the cleaner or the URL
// shape says so, or it is link-rich (or was a hub before) and not an
// article-like page that failed (an error page, a paywall stub, a
// gallery), which would never list new articles.
func isHub(e frontier.Entry, why string, links int) bool {
	switch why {
	case "hub page", hubReason, listReason, productReason:
		return true
	case "error page", "paywall stub", "gallery":
		return false
	}
	return e.Kind == frontier.Hub || links >= minHubLinks
}

// repoll schedules the next poll of a URL that is polled: sooner when the
// poll found fresh URLs, later when it did not, within [RepollMin,
// RepollMax]. Anything else is done.
func (c *Crawler) repoll(e frontier.Entry, o frontier.Outcome, fresh int, now time.Time) frontier.Outcome {
	if !c.polled(e) {
		return o
	}
	iv := e.Interval
	if iv <= 0 {
		iv = c.opts.Repoll
	} else if fresh > 0 {
		iv /= 2
	} else {
		iv += iv / 2
	}
	iv = min(max(iv, c.opts.RepollMin), c.opts.RepollMax)
	o.State, o.NextAt, o.Interval = frontier.Pending, now.Add(iv), iv
	return o
}
