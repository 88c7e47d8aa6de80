package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// transient reports whether a failed fetch is worth retrying.
func transient(res result) bool {
	switch {
	case res.status == http.StatusTooManyRequests, res.status >= 500:
		return true
	case res.status == 0 && res.err != nil:
		var ue *url.Error
		if errors.As(res.err, &ue) {
			return ue.Timeout() || !strings.Contains(ue.Error(), "stopped after") // redirect loops are final
		}
		return !strings.Contains(res.err.Error(), "robots.txt") && !strings.Contains(res.err.Error(), "Forbidden domain")
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff is exponential with full jitter, from 1s, capped at 5 minutes.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 8)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Crawler) fail(ctx context.Context, e frontier.Entry, res result, now time.Time) {
	reason := ""
	switch {
	case res.err != nil && res.status >= 400:
		reason = fmt.Sprintf("HTTP %d", res.status)
	case res.err != nil:
		reason = res.err.Error()
	default:
		reason = fmt.Sprintf("HTTP %d", res.status)
	}
	out := frontier.Outcome{State: frontier.Failed, Status: res.status, Error: reason, FetchedAt: now}
	if transient(res) && e.Attempts <= c.opts.Retries {
		wait := max(backoff(e.Attempts), retryAfter(res.header, now))
		out.State, out.NextAt = frontier.Pending, now.Add(wait)
		c.log.Info("fetch failed, will retry", "url", e.URL, "reason", reason, "attempt", e.Attempts, "in", wait.Round(time.Millisecond))
	} else {
		c.Stats.Failed.Add(1)
		c.log.Warn("fetch failed", "url", e.URL, "reason", reason, "attempts", e.Attempts)
	}
	c.settle(ctx, e, "", out)
}

func (c *Crawler) settle(ctx context.Context, e frontier.Entry, kind frontier.Kind, o frontier.Outcome) {
	if err := c.frontier.Settle(context.WithoutCancel(ctx), e.URL, kind, o); err != nil {
		c.log.Error("cannot record fetch outcome", "url", e.URL, "err", err)
	}
}

// repoll schedules the next poll of a feed, sitemap or hub that a seed
// named; in Once mode, and for everything else, the URL is done.
func (c *Crawler) repoll(e frontier.Entry, o frontier.Outcome, now time.Time) frontier.Outcome {
	if !c.opts.Once && e.Seed {
		o.State, o.NextAt = frontier.Pending, now.Add(c.opts.Repoll)
	}
	return o
}

// allowed reports whether a discovered URL may be queued.
func (c *Crawler) allowed(u string) bool {
	p, err := url.Parse(u)
	if err != nil || !c.hosts[strings.ToLower(p.Host)] {
		return false
	}
	for _, re := range c.opts.Exclude {
		if re.MatchString(u) {
			return false
		}
	}
	if len(c.opts.Include) == 0 {
		return true
	}
	for _, re := range c.opts.Include {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

// discovered queues what a feed or sitemap listed. Entries of feeds and
// sitemaps a seed named are followed wherever they point (a site's feed
// may live on a CDN host); links found on pages stay on allowed hosts.
func (c *Crawler) discovered(ctx context.Context, e frontier.Entry, kind frontier.Kind, entries []frontier.Entry, perr error, out frontier.Outcome, now time.Time) {
	if perr != nil {
		out.State, out.Error = frontier.Failed, perr.Error()
		c.Stats.Failed.Add(1)
		c.log.Warn("broken "+string(kind), "url", e.URL, "err", perr)
		c.settle(ctx, e, kind, out)
		return
	}
	for i := range entries {
		u, err := url.Parse(entries[i].URL)
		if err == nil {
			c.hosts[strings.ToLower(u.Host)] = c.hosts[strings.ToLower(u.Host)] || e.Seed
		}
		entries[i].NextAt = now
	}
	c.add(ctx, entries)
	c.settle(ctx, e, kind, c.repoll(e, out, now))
}

func (c *Crawler) add(ctx context.Context, entries []frontier.Entry) {
	if len(entries) == 0 {
		return
	}
	n, err := c.frontier.AddURLs(ctx, entries)
	if err != nil {
		c.log.Error("cannot queue discovered URLs", "err", err)
		return
	}
	c.Stats.Found.Add(int64(n))
}

// page handles an HTML response: discover its links, and clean it into an
// article if it is one.
func (c *Crawler) page(ctx context.Context, e frontier.Entry, res result, out frontier.Outcome, now time.Time) {
	body, err := toUTF8(res.header.Get("Content-Type"), res.body)
	if err != nil {
		out.State, out.Error = frontier.Failed, err.Error()
		c.Stats.Failed.Add(1)
		c.settle(ctx, e, "", out)
		return
	}
	if e.Depth < c.opts.MaxDepth {
		links, feeds := pageLinks(res.final, body)
		var entries []frontier.Entry
		for _, l := range links {
			if c.allowed(l) {
				entries = append(entries, frontier.Entry{URL: l, Kind: GuessKind(l), Depth: e.Depth + 1, NextAt: now})
			}
		}
		for _, f := range feeds {
			if c.allowed(f) {
				entries = append(entries, frontier.Entry{URL: f, Kind: frontier.Feed, Depth: e.Depth + 1, NextAt: now})
			}
		}
		c.add(ctx, entries)
	}
	r, err := c.cleaner.Clean(ctx, clean.Page{URL: res.final, HTML: body, FetchedAt: now, HintTitle: e.HintTitle, HintPublished: e.HintPublished})
	if err != nil {
		out.State, out.Error = frontier.Failed, "clean: "+err.Error()
		c.Stats.Failed.Add(1)
		c.log.Warn("cannot clean page", "url", e.URL, "err", err)
		c.settle(ctx, e, "", out)
		return
	}
	if !r.IsArticle {
		c.Stats.Skipped.Add(1)
		c.log.Debug("not an article", "url", e.URL, "reason", r.Reason)
		c.settle(ctx, e, frontier.Hub, c.repoll(e, out, now))
		return
	}
	a := r.Article
	a.Normalize()
	url, status := e.URL, res.status
	ack := bus.Once(func(ctx context.Context, err error) error {
		o := frontier.Outcome{State: frontier.Done, Status: status, ArticleID: a.ID, FetchedAt: now,
			ETag: out.ETag, LastModified: out.LastModified}
		if err != nil {
			o.State, o.Error = frontier.Failed, err.Error()
			c.Stats.Failed.Add(1)
		} else {
			c.Stats.Completed.Add(1)
		}
		if serr := c.frontier.Settle(context.WithoutCancel(ctx), url, frontier.Article, o); serr != nil {
			return serr
		}
		return nil
	})
	if err := c.out.Write(ctx, bus.Message{Article: a, Ack: ack}); err != nil {
		if ctx.Err() == nil {
			c.log.Error("cannot hand article on", "url", e.URL, "err", err)
		}
		return // stays in flight; fetched again after a restart
	}
	c.Stats.Articles.Add(1)
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
