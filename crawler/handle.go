package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// fetch fetches one entry and settles it or hands it on.
func (c *Crawler) fetch(ctx context.Context, e frontier.Entry) {
	defer c.Stats.InFlight.Add(-1)
	host := frontier.Host(e.URL)
	defer c.gate.release(host)
	u, err := url.Parse(e.URL)
	if err != nil {
		c.settle(e.URL, "", frontier.Outcome{State: frontier.Failed, Error: "bad URL: " + err.Error(), FetchedAt: time.Now()})
		return
	}
	if fetched, err := c.robotsCheck(ctx, u); err != nil {
		if ctx.Err() != nil {
			return
		}
		var unreachable errRobotsUnreachable
		if errors.As(err, &unreachable) {
			c.robotsWait(e, unreachable, time.Now())
			return
		}
		c.Stats.Refused.Add(1)
		c.Stats.Robots.Add(1)
		c.log.Info("not fetched", "url", e.URL, "reason", err)
		c.settle(e.URL, "", frontier.Outcome{State: frontier.Failed, Error: err.Error(), FetchedAt: time.Now()})
		return
	} else if fetched {
		c.waitHost(ctx, host)
	}
	res := c.get(ctx, e)
	if ctx.Err() != nil {
		return // left in flight; recovered on the next start
	}
	now := time.Now()
	if res.status > 0 {
		c.metrics.fetched(host, len(res.body), res.elapsed)
	}
	if len(res.hops) > 0 {
		// Every URL of the chain but the last redirected: settle them as
		// such; the last carries on as the entry.
		chain := append([]string{e.URL}, res.hops...)
		for _, h := range chain[:len(chain)-1] {
			c.settle(h, frontier.Redirect, frontier.Outcome{State: frontier.Done, Status: http.StatusFound, FetchedAt: now})
		}
		e.URL = chain[len(chain)-1]
		e.ETag, e.LastModified, e.Attempts = "", "", 0
	}
	var known errKnownTarget
	var queued errQueuedTarget
	var robots errRobots
	var unreachable errRobotsUnreachable
	switch {
	case errors.As(res.err, &known):
		c.Stats.Refused.Add(1)
		c.log.Debug("redirect to a known URL", "url", e.URL, "target", known.target)
		c.settle(e.URL, frontier.Redirect, frontier.Outcome{State: frontier.Done, Status: res.status, Error: known.Error(), FetchedAt: now})
		return
	case errors.As(res.err, &queued):
		c.log.Debug("redirect to another host queued", "url", e.URL, "target", queued.target)
		c.settle(e.URL, frontier.Redirect, frontier.Outcome{State: frontier.Done, Status: res.status, FetchedAt: now})
		return
	case errors.As(res.err, &unreachable):
		c.robotsWait(e, unreachable, now)
		return
	case errors.As(res.err, &robots):
		c.Stats.Refused.Add(1)
		c.Stats.Robots.Add(1)
		c.settle(e.URL, "", frontier.Outcome{State: frontier.Failed, Error: robots.Error(), FetchedAt: now})
		return
	case res.err != nil || res.status == 0 || (res.status >= 300 && res.status != http.StatusNotModified):
		c.fail(ctx, e, res, now)
		return
	}
	c.Stats.Fetched.Add(1)
	c.Stats.Bytes.Add(int64(len(res.body)))
	out := frontier.Outcome{State: frontier.Done, Status: res.status, FetchedAt: now,
		ETag: res.header.Get("ETag"), LastModified: res.header.Get("Last-Modified")}
	if res.status == http.StatusNotModified {
		c.settle(e.URL, "", c.repoll(e, out, 0, now))
		return
	}
	if res.tooBig {
		c.failFinal(e, "", out, "page too large", fmt.Sprintf("body larger than the %d-byte limit", c.opts.MaxBytes))
		return
	}
	if e.Kind == frontier.Robots {
		c.robotsSeed(ctx, e, res, out, now)
		return
	}
	switch sniff(res.header.Get("Content-Type"), res.body) {
	case docFeed:
		entries, err := feedEntries(res.final, res.body, e.Depth+1)
		c.discovered(ctx, e, frontier.Feed, entries, err, out, now)
	case docSitemap:
		entries, err := sitemapEntries(res.final, res.body, e.Depth+1)
		c.discovered(ctx, e, frontier.Sitemap, entries, err, out, now)
	case docHTML:
		c.page(ctx, e, res, out, now)
	default:
		c.failFinal(e, "", out, "not a page, feed or sitemap", fmt.Sprintf("unsupported content type %q", res.header.Get("Content-Type")))
	}
}

func (c *Crawler) settle(u string, kind frontier.Kind, o frontier.Outcome) {
	if err := c.writer.settle(frontier.Settled{URL: u, Kind: kind, Outcome: o}); err != nil {
		c.log.Error("cannot record fetch outcome", "url", u, "err", err)
	}
}
