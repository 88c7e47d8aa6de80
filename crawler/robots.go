package crawler

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// robotsCheck is disallowed for a URL about to be fetched; fetched says
// whether robots.txt was requested on the way.
func (c *Crawler) robotsCheck(ctx context.Context, u *url.URL) (bool, error) {
	if c.opts.IgnoreRobots {
		return false, nil
	}
	host := strings.ToLower(u.Host)
	_, fetched := c.robots.get(ctx, u.Scheme, host)
	if fetched {
		c.gate.pause(host, time.Now().Add(c.delayFor(host)))
	}
	return fetched, c.disallowed(ctx, u)
}

// robotsWait puts a URL whose host's robots.txt is unreachable back in the
// queue, due when robots.txt may be fetched again, and keeps the whole host
// waiting as long. It is not a failed attempt of the URL, which was never
// requested. The URL fails with the reason once the host has been
// unreachable for RobotsMaxWait or, in a crawl with Once, once robots.txt
// has failed Retries+1 times like a page would: a one-off crawl of a site
// that is down should end, not wait a day.
func (c *Crawler) robotsWait(e frontier.Entry, ur errRobotsUnreachable, now time.Time) {
	if d := now.Sub(ur.since); d >= c.opts.RobotsMaxWait || c.opts.Once && ur.failures > c.opts.Retries {
		c.failFinal(e, "", frontier.Outcome{FetchedAt: now}, "robots.txt unreachable, giving up",
			fmt.Sprintf("%s (for %v)", ur.reason, d.Round(time.Second)))
		return
	}
	c.gate.pause(frontier.Host(e.URL), ur.retry)
	// The store keeps milliseconds: round up, so that the URL does not
	// fall due just before the rules expire and wait again at once.
	next := ur.retry.Truncate(time.Millisecond).Add(time.Millisecond)
	c.Stats.Retried.Add(1)
	c.log.Info("robots.txt unreachable, URL waits", "url", e.URL, "reason", ur.reason, "until", next.Format(time.RFC3339))
	c.settle(e.URL, "", frontier.Outcome{State: frontier.Pending, NextAt: next, FetchedAt: now})
}
