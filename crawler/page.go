package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// page handles an HTML response: discover its links, and clean it into an
// article if it is one.
func (c *Crawler) page(ctx context.Context, e frontier.Entry, res *result, out frontier.Outcome, now time.Time) {
	body, err := toUTF8(res.header.Get("Content-Type"), res.body)
	if err != nil {
		c.failFinal(e, "", out, "cannot decode page", err.Error())
		return
	}
	p := clean.Page{URL: res.final, HTML: body, FetchedAt: now, HintTitle: e.HintTitle, HintPublished: e.HintPublished}
	r, err := c.cleaner.Clean(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		c.failFinal(e, "", out, "cannot clean page", "clean: "+err.Error())
		return
	}
	// Any page of a site, article or not, may be the one that makes its
	// learned layer ready for the site's first articles; they are cleaned
	// again once this page is handled.
	defer c.reclean(ctx, r.Article.Site, r.Article.ID, r.SitePages)
	// Links come from the cleaner's parse of the page: one parse per page.
	scan := scanResult(r)
	fresh, links := 0, 0
	if e.Depth < c.maxDepth(frontier.Host(e.URL)) {
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
	// Read before the article goes on the bus, where later stages own it.
	first, site := firstPage{id: a.ID, page: p, body: a.Body}, a.Site
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
	c.keepFirst(ctx, site, r.SitePages, first, now)
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
