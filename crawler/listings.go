package crawler

import (
	"context"
	"fmt"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// robotsSeed follows the Sitemap: lines of a robots.txt named as a seed.
func (c *Crawler) robotsSeed(ctx context.Context, e frontier.Entry, res *result, out frontier.Outcome, now time.Time) {
	data, err := robotstxt.FromStatusAndBytes(res.status, res.body)
	if err != nil {
		c.discovered(ctx, e, frontier.Robots, nil, fmt.Errorf("parse robots.txt: %w", err), out, now)
		return
	}
	var entries []frontier.Entry
	for _, sm := range data.Sitemaps {
		if u, err := urlcanon.Resolve(res.final, sm); err == nil {
			entries = append(entries, frontier.Entry{URL: u, Kind: frontier.Sitemap, Depth: e.Depth + 1})
		}
	}
	c.discovered(ctx, e, frontier.Robots, entries, nil, out, now)
}

// discovered queues what a feed, sitemap or robots.txt listed. Entries of
// feeds and sitemaps a seed named are followed wherever they point (a
// site's feed may live on a CDN host); links found on pages stay on allowed
// hosts.
func (c *Crawler) discovered(ctx context.Context, e frontier.Entry, kind frontier.Kind, entries []frontier.Entry, perr error, out frontier.Outcome, now time.Time) {
	if perr != nil {
		c.failFinal(e, kind, out, "broken "+string(kind), perr.Error())
		return
	}
	for i := range entries {
		if e.Seed {
			c.allowHost(entries[i].URL)
		}
		entries[i].NextAt = now
	}
	fresh := c.add(ctx, entries)
	c.recheck(ctx, entries, now)
	c.settle(e.URL, kind, c.repoll(e, out, fresh, now))
}
