package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/temoto/robotstxt"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/pkg/urlcanon"
)

// fetch fetches one entry and settles it or hands it on.
func (c *Crawler) fetch(ctx context.Context, e frontier.Entry) {
	defer c.Stats.InFlight.Add(-1)
	host := hostOf(e.URL)
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
	c.gate.pause(hostOf(e.URL), ur.retry)
	// The store keeps milliseconds: round up, so that the URL does not
	// fall due just before the rules expire and wait again at once.
	next := ur.retry.Truncate(time.Millisecond).Add(time.Millisecond)
	c.Stats.Retried.Add(1)
	c.log.Info("robots.txt unreachable, URL waits", "url", e.URL, "reason", ur.reason, "until", next.Format(time.RFC3339))
	c.settle(e.URL, "", frontier.Outcome{State: frontier.Pending, NextAt: next, FetchedAt: now})
}

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

// transient reports whether a failed fetch is worth retrying: timeouts,
// connection failures, 429 and 5xx. Redirect loops, bad bodies (broken
// gzip), robots.txt refusals and 4xx are final.
func transient(res *result) bool {
	switch {
	case res.status == http.StatusTooManyRequests, res.status >= 500:
		return true
	case res.err != nil && res.status == 0:
		if errors.Is(res.err, errRedirectLoop) || errors.Is(res.err, errTooManyRedirects) {
			return false
		}
		var ue *url.Error
		if errors.As(res.err, &ue) {
			return true // the request itself failed: timeout, refused, reset
		}
		var ne net.Error
		return errors.As(res.err, &ne)
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date,
// capped at a day.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 24*time.Hour)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// backoff is exponential from base with jitter in [d/2, d], capped at 5
// minutes.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 16)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// failReason describes a failed fetch for the frontier's error column.
func failReason(res *result) string {
	switch {
	case errors.Is(res.err, errRedirectLoop):
		return "redirect loop"
	case errors.Is(res.err, errTooManyRedirects):
		return "too many redirects"
	case res.status >= 300:
		return fmt.Sprintf("HTTP %d", res.status)
	case res.err != nil:
		var ue *url.Error
		if errors.As(res.err, &ue) && ue.Timeout() {
			return "timeout"
		}
		return res.err.Error()
	}
	return "no response"
}

func (c *Crawler) fail(ctx context.Context, e frontier.Entry, res *result, now time.Time) {
	reason := failReason(res)
	host := hostOf(e.URL)
	out := frontier.Outcome{State: frontier.Failed, Status: res.status, Error: reason, FetchedAt: now}
	ra := retryAfter(res.header, now)
	if res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable {
		// The host is overloaded or rationing us: pause all of it.
		c.gate.pause(host, now.Add(max(ra, backoff(c.opts.RetryWait, e.Attempts))))
	}
	if transient(res) && e.Attempts < c.opts.Retries {
		wait := max(backoff(c.opts.RetryWait, e.Attempts), ra)
		out.State, out.NextAt = frontier.Pending, now.Add(wait)
		c.Stats.Retried.Add(1)
		c.log.Info("fetch failed, will retry", "url", e.URL, "reason", reason, "attempt", e.Attempts+1, "in", wait.Round(time.Millisecond))
		c.settle(e.URL, "", out)
		return
	}
	c.failFinal(e, "", out, "fetch failed", reason)
}

// failFinal records a URL as failed for good; msg is the log message.
func (c *Crawler) failFinal(e frontier.Entry, kind frontier.Kind, out frontier.Outcome, msg, reason string) {
	out.State, out.Error, out.NextAt = frontier.Failed, reason, time.Time{}
	c.Stats.Failed.Add(1)
	c.metrics.failed(hostOf(e.URL))
	c.log.Warn(msg, "url", e.URL, "reason", reason, "attempts", e.Attempts+1)
	c.settle(e.URL, kind, out)
}

func (c *Crawler) settle(u string, kind frontier.Kind, o frontier.Outcome) {
	if err := c.writer.settle(frontier.Settled{URL: u, Kind: kind, Outcome: o}); err != nil {
		c.log.Error("cannot record fetch outcome", "url", u, "err", err)
	}
}

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
		return e.Seed || e.Depth < c.maxDepth(hostOf(e.URL))
	}
	return e.Seed
}

// minHubLinks is how many followable links make a page that is not an
// article a hub, when neither the cleaner nor the URL shape said so.
const minHubLinks = 10

// hubReason is articleVerdict's reason for a section-shaped page.
const hubReason = "section-shaped URL without article metadata"

// isHub reports whether a page that is not an article (for the given
// reason) is a hub, polled again for new links: the cleaner or the URL
// shape says so, or it is link-rich (or was a hub before) and not an
// article-like page that failed (an error page, a paywall stub, a
// gallery), which would never list new articles.
func isHub(e frontier.Entry, why string, links int) bool {
	switch why {
	case "hub page", hubReason:
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

// allowed reports why a discovered link may not be queued ("" if it may).
func (c *Crawler) allowed(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "bad URL"
	}
	host := strings.ToLower(p.Host)
	if !c.hostAllowed(host) {
		return "host not allowed"
	}
	include, exclude := c.opts.Include, c.opts.Exclude
	if s := c.site(host); s != nil {
		include = append(append([]*regexp.Regexp(nil), include...), s.include...)
		exclude = append(append([]*regexp.Regexp(nil), exclude...), s.exclude...)
	}
	for _, re := range exclude {
		if re.MatchString(u) {
			return "excluded"
		}
	}
	if len(include) > 0 {
		ok := false
		for _, re := range include {
			ok = ok || re.MatchString(u)
		}
		if !ok {
			return "not included"
		}
	}
	return c.traps.check(u)
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
	if !ok || c.opts.RecheckMax < 0 {
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

// add queues entries and returns how many were new.
func (c *Crawler) add(ctx context.Context, entries []frontier.Entry) int {
	if len(entries) == 0 {
		return 0
	}
	n, err := c.frontier.AddURLs(ctx, entries, c.pageLimit)
	if err != nil {
		c.log.Error("cannot queue discovered URLs", "err", err)
		return 0
	}
	c.Stats.Found.Add(int64(n))
	return n
}

// page handles an HTML response: discover its links, and clean it into an
// article if it is one.
func (c *Crawler) page(ctx context.Context, e frontier.Entry, res *result, out frontier.Outcome, now time.Time) {
	body, err := toUTF8(res.header.Get("Content-Type"), res.body)
	if err != nil {
		c.failFinal(e, "", out, "cannot decode page", err.Error())
		return
	}
	r, err := c.cleaner.Clean(ctx, clean.Page{URL: res.final, HTML: body, FetchedAt: now, HintTitle: e.HintTitle, HintPublished: e.HintPublished})
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		c.failFinal(e, "", out, "cannot clean page", "clean: "+err.Error())
		return
	}
	// Links come from the cleaner's parse of the page: one parse per page.
	scan := scanResult(r)
	fresh, links := 0, 0
	if e.Depth < c.maxDepth(hostOf(e.URL)) {
		var entries []frontier.Entry
		for _, l := range scan.links {
			l = stripSession(l)
			if why := c.allowed(l); why != "" {
				continue
			}
			entries = append(entries, frontier.Entry{URL: l, Kind: GuessKind(l), Depth: e.Depth + 1, NextAt: now})
		}
		for _, f := range scan.feeds {
			if c.allowed(f) == "" {
				entries = append(entries, frontier.Entry{URL: f, Kind: frontier.Feed, Depth: e.Depth + 1, NextAt: now})
			}
		}
		links = len(entries)
		entries = c.recent.fresh(entries)
		if c.polled(e) {
			fresh = c.add(ctx, entries) // the re-poll schedule needs the count now
		} else if err := c.writer.add(entries); err != nil {
			c.log.Error("cannot queue discovered URLs", "err", err)
		}
	}
	if ok, why := articleVerdict(e, res.final, r, scan); !ok {
		c.Stats.Skipped.Add(1)
		c.log.Debug("not an article", "url", e.URL, "reason", why)
		kind := frontier.Page
		if isHub(e, why, links) {
			kind = frontier.Hub
		}
		e.Kind = kind // polled as what it turned out to be
		c.settle(e.URL, kind, c.repoll(e, out, fresh, now))
		return
	}
	a := r.Article
	a.Normalize()
	canonical, marked := "", false // marked: canonical is in the emitting set
	if cu, err := urlcanon.Canonicalize(a.CanonicalURL); err == nil && cu != e.URL {
		canonical = cu
		// Another URL of this article was emitted already (in this run or
		// an earlier one): do not emit it twice. A re-check is a new
		// version of an article emitted before, under this URL or its
		// canonical one, so that is no reason to refuse it.
		if !e.Recheck {
			if st, ok, err := c.frontierState(ctx, cu); (err == nil && ok && st == frontier.Done) || !c.startEmitting(cu) {
				c.Stats.Refused.Add(1)
				c.log.Debug("article already emitted under its canonical URL", "url", e.URL, "canonical", cu)
				out.ArticleID = a.ID
				c.settle(e.URL, frontier.Article, out)
				return
			}
			marked = true
		}
	}
	u, status := e.URL, res.status
	ack := bus.Once(func(ctx context.Context, err error) error {
		if errors.Is(err, bus.ErrRedeliver) {
			// Handed back unprocessed: it stays in flight and is fetched
			// again after a restart, as when Write refuses it below.
			if canonical != "" {
				c.doneEmitting(canonical)
			}
			return nil
		}
		o := frontier.Outcome{State: frontier.Done, Status: status, ArticleID: a.ID, FetchedAt: now,
			ETag: out.ETag, LastModified: out.LastModified}
		if err != nil {
			o.State, o.Error = frontier.Failed, err.Error()
			c.Stats.Failed.Add(1)
		} else {
			c.Stats.Completed.Add(1)
		}
		if marked && err != nil {
			defer c.doneEmitting(canonical) // failed: another URL of it may try
		}
		if serr := c.writer.settle(frontier.Settled{URL: u, Kind: frontier.Article, Outcome: o}); serr != nil {
			return serr
		}
		if canonical != "" && err == nil {
			return c.writer.settle(frontier.Settled{URL: canonical, Kind: frontier.Article, Outcome: o})
		}
		return nil
	})
	if err := c.out.Write(ctx, bus.Message{Article: a, Ack: ack}); err != nil {
		if marked {
			c.doneEmitting(canonical)
		}
		if ctx.Err() == nil {
			c.log.Error("cannot hand article on", "url", e.URL, "err", err)
		}
		return // stays in flight; fetched again after a restart
	}
	c.Stats.Articles.Add(1)
}

// maxEmitting bounds the emitting set. Settled entries are dropped in bulk
// when it fills: by then the frontier's own Done state, written in batches a
// moment after the acknowledgement, answers for them.
const maxEmitting = 50_000

// startEmitting marks the article of canonical URL cu as emitted in this
// run; false means another URL of it already was.
func (c *Crawler) startEmitting(cu string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.emitting[cu] {
		return false
	}
	if len(c.emitting) >= maxEmitting {
		clear(c.emitting)
	}
	c.emitting[cu] = true
	return true
}

// doneEmitting forgets cu when its article failed or was never handed on,
// so that another URL of it may deliver it.
func (c *Crawler) doneEmitting(cu string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.emitting, cu)
}

// stateReader is the optional frontier lookup used to skip articles
// already emitted under their canonical URL.
type stateReader interface {
	State(ctx context.Context, url string) (frontier.State, bool, error)
}

func (c *Crawler) frontierState(ctx context.Context, u string) (frontier.State, bool, error) {
	if sr, ok := c.frontier.(stateReader); ok {
		return sr.State(ctx, u)
	}
	return "", false, nil
}

// toUTF8 converts an HTML body to UTF-8. colly has already converted bodies
// whose Content-Type names a charset; otherwise a BOM or a <meta> charset
// decides, then valid UTF-8 is kept as it is, and anything else is read as
// Windows-1252, the web's de facto default.
func toUTF8(contentType string, body []byte) ([]byte, error) {
	if strings.Contains(strings.ToLower(contentType), "charset=") {
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), nil
	}
	enc, name, certain := charset.DetermineEncoding(body, "text/html")
	if !certain && utf8.Valid(body) {
		return body, nil
	}
	if name == "utf-8" {
		return bytes.ToValidUTF8(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), []byte("\uFFFD")), nil
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", name, err)
	}
	return out, nil
}
