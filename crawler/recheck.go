package crawler

import (
	"context"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// maxClockSkew is how far ahead of the crawler's clock a listed modified
// time may be and still count. A feed whose time zone is wrong gives times
// hours ahead, which would be later than every fetch and queue its
// articles on every poll; a few minutes allow for a site's clock.
const maxClockSkew = 5 * time.Minute

// rechecker is the optional frontier method that queues again the
// articles a listing says changed since their last fetch.
type rechecker interface {
	Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error)
}

// recheck queues again the articles among a feed's or sitemap's entries
// that changed since they were fetched (see Options.RecheckMin). Re-checks
// do not count as fresh URLs for the listing's re-poll schedule: a
// sitemap that stamps every URL with the current time would otherwise be
// polled at RepollMin for ever.
func (c *Crawler) recheck(ctx context.Context, entries []frontier.Entry, now time.Time) {
	rc, ok := c.frontier.(rechecker)
	if !ok || c.opts.RecheckMax == 0 { // zero: re-checks are off
		return
	}
	var listed []frontier.Entry
	for _, e := range entries {
		switch {
		case e.Modified == nil || e.Kind != frontier.Article:
		case e.Modified.After(now.Add(maxClockSkew)):
			c.log.Debug("modified time in the future ignored", "url", e.URL, "modified", e.Modified.Format(time.RFC3339))
		default:
			listed = append(listed, e)
		}
	}
	if len(listed) == 0 {
		return
	}
	n, err := rc.Recheck(ctx, listed, frontier.RecheckPolicy{Now: now, MinInterval: c.opts.RecheckMin, Max: c.opts.RecheckMax})
	if err != nil {
		c.log.Error("cannot queue changed articles again", "err", err)
	}
	if n > 0 {
		c.Stats.Rechecked.Add(int64(n))
		c.log.Debug("changed articles queued again", "n", n)
		c.writer.notify()
	}
}
