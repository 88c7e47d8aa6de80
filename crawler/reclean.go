package crawler

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Bounds of the first pages kept for re-cleaning (see firstPages).
const (
	// recleanAfter is how many pages of a site the cleaner's learned
	// layer must have observed before the site's first articles are
	// cleaned again. The layer removes a block seen on clean.Options
	// MinSeen pages (3 by default) and on a MinShare of the site's pages
	// (a tenth); eight observed pages leave room for the front and
	// section pages, which lack an article's closing blocks, among them.
	recleanAfter = 8
	// maxFirstSites bounds the sites with pages waiting; a new site's
	// pages are not kept while it is full.
	maxFirstSites = 1000
	// maxFirstBytes bounds the bytes kept: the pages' HTML, deflated, and
	// the bodies emitted. The 181 news pages of the demo corpus average
	// 227 KB of HTML, 53 KB deflated, so this holds about 1,200 pages.
	maxFirstBytes = 64 << 20
	// firstPagesAge is how long a site's pages wait for its learned layer
	// to become ready; a site that publishes too little to get there
	// releases them then.
	firstPagesAge = time.Hour
	// recleanStep is how much later than the first version a re-cleaned
	// version is stamped (see reclean).
	recleanStep = time.Millisecond
	// firstSweepEvery spaces the sweeps of the pages a frontier keeps
	// (see takeFirst).
	firstSweepEvery = time.Minute
)

// firstPages holds the article pages the crawler emitted while their
// site's learned layer had observed fewer than after pages: the fetched
// page, its HTML deflated, the article id and the body emitted. Deflating
// at the fastest level keeps a quarter of the bytes (4.3x less over the
// demo corpus) for about 2 ms a page, where cleaning a page takes about
// 7 ms (133 WCXB pages a second).
//
// It is bounded three ways, and safe for concurrent use: at most after-1
// pages a site (a page is kept only while the site's count is below
// after, and each observed page raises it), at most maxSites sites and
// maxBytes bytes; a site is released, its pages never cleaned again,
// maxAge after its first page was kept. When full, new pages are refused
// rather than older ones dropped: the sites kept longest are the nearest
// to ready, and dropping them for newer ones would let no site get there
// while many new sites are crawled at once.
type firstPages struct {
	after, maxSites, maxBytes int
	maxAge                    time.Duration

	mu    sync.Mutex
	sites map[string]*firstSite
	bytes int
}

// firstSite is one site's pages waiting for its learned layer.
type firstSite struct {
	since time.Time // when its first page was kept
	pages []firstPage
}

// firstPage is one article page waiting to be cleaned again.
type firstPage struct {
	id   string     // the article id emitted
	page clean.Page // as cleaned the first time, without its HTML
	html []byte     // the page's HTML, deflated
	body string     // the body emitted
}

func (p firstPage) size() int { return len(p.html) + len(p.body) + len(p.page.URL) }

// deflate compresses a page's HTML for keeping, at the fastest level.
func deflate(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// inflate restores what deflate compressed.
func inflate(b []byte) ([]byte, error) {
	return io.ReadAll(flate.NewReader(bytes.NewReader(b)))
}

func newFirstPages() *firstPages {
	return &firstPages{after: recleanAfter, maxSites: maxFirstSites, maxBytes: maxFirstBytes, maxAge: firstPagesAge,
		sites: map[string]*firstSite{}}
}

// add keeps p, an article of site emitted when the site's learned layer
// had observed sitePages pages, if that is fewer than after and there is
// room. A page of the same article kept before (an earlier fetch) is
// replaced. It reports whether p was kept, and the sites kept too long
// that it released on the way with how many pages they held.
func (f *firstPages) add(site string, sitePages int, p firstPage, now time.Time) (kept bool, released []string, pages int) {
	if site == "" || sitePages <= 0 || sitePages >= f.after {
		return false, nil, 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	released, pages = f.expire(now)
	s := f.sites[site]
	if s != nil {
		s.pages = slices.DeleteFunc(s.pages, func(q firstPage) bool {
			if q.id == p.id {
				f.bytes -= q.size()
				return true
			}
			return false
		})
	}
	switch {
	case f.bytes+p.size() > f.maxBytes,
		s == nil && len(f.sites) >= f.maxSites,
		s != nil && len(s.pages) >= f.after-1:
		return false, released, pages
	}
	if s == nil {
		s = &firstSite{since: now}
		f.sites[site] = s
	}
	s.pages = append(s.pages, p)
	f.bytes += p.size()
	return true, released, pages
}

// take removes and returns site's pages once its learned layer has
// observed sitePages >= after pages; nil before. The page of article
// skip, if kept, is dropped instead of returned: that article is being
// fetched again, and the newer fetch is cleaned with the ready layer.
// found reports whether the site had pages kept, returned or not.
func (f *firstPages) take(site string, sitePages int, skip string) (out []firstPage, found bool) {
	if sitePages < f.after {
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sites[site]
	if s == nil {
		return nil, false
	}
	delete(f.sites, site)
	for _, p := range s.pages {
		f.bytes -= p.size()
		if p.id != skip {
			out = append(out, p)
		}
	}
	return out, true
}

// expire releases the sites kept for maxAge or longer and returns them
// with how many pages they held. The caller holds mu.
func (f *firstPages) expire(now time.Time) (sites []string, pages int) {
	for site, s := range f.sites {
		if now.Sub(s.since) >= f.maxAge {
			for _, p := range s.pages {
				f.bytes -= p.size()
			}
			pages += len(s.pages)
			sites = append(sites, site)
			delete(f.sites, site)
		}
	}
	return sites, pages
}

// expireNow is expire for a caller that does not hold mu.
func (f *firstPages) expireNow(now time.Time) (sites []string, pages int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.expire(now)
}

// has reports whether the page of site's article id is kept.
func (f *firstPages) has(site, id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sites[site]
	return s != nil && slices.ContainsFunc(s.pages, func(p firstPage) bool { return p.id == id })
}

// usage reports the sites and bytes kept.
func (f *firstPages) usage() (sites, pages, bytes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sites {
		pages += len(s.pages)
	}
	return len(f.sites), pages, f.bytes
}

// firstPageMemory is the optional part of a Frontier that keeps the
// first pages of new sites (see firstPages) beyond the crawler's memory:
// across restarts (the SQLite store), and from one process of a crawl
// group to the next owner of the host (the group's frontier). The crawler
// keeps the pages it emits in memory as well and tells the frontier every
// change; when a site becomes ready it cleans again what either holds, so
// pages that another process kept, or that a restart read back, are not
// missed.
type firstPageMemory interface {
	// KeepFirstPage stores p, replacing a page of the same site and id.
	KeepFirstPage(ctx context.Context, p frontier.FirstPage) error
	// DropFirstPages deletes site's pages of the articles ids, or all of
	// the site's pages when no id is given, and returns them (site, id,
	// URL and time kept only).
	DropFirstPages(ctx context.Context, site string, ids ...string) ([]frontier.FirstPage, error)
	// DropFirstPagesBefore deletes the pages kept before t, of every
	// site, and returns them (site, id, URL and time kept only).
	DropFirstPagesBefore(ctx context.Context, t time.Time) ([]frontier.FirstPage, error)
	// FirstPages returns every page stored, in the order they were kept.
	FirstPages(ctx context.Context) ([]frontier.FirstPage, error)
	// FirstPagesOf returns site's pages, in the order they were kept.
	FirstPagesOf(ctx context.Context, site string) ([]frontier.FirstPage, error)
}

// firstMemory returns f's firstPageMemory, or nil if it has none.
func firstMemory(f Frontier) firstPageMemory {
	m, _ := f.(firstPageMemory)
	return m
}

// record is p as the frontier keeps it.
func (p firstPage) record(site string, kept time.Time) frontier.FirstPage {
	return frontier.FirstPage{Site: site, ID: p.id, Kept: kept, URL: p.page.URL, FetchedAt: p.page.FetchedAt,
		HintTitle: p.page.HintTitle, HintPublished: p.page.HintPublished, HTML: p.html, Body: p.body}
}

// firstPageOf is the page r records.
func firstPageOf(r frontier.FirstPage) firstPage {
	return firstPage{id: r.ID, html: r.HTML, body: r.Body, page: clean.Page{URL: r.URL, FetchedAt: r.FetchedAt,
		HintTitle: r.HintTitle, HintPublished: r.HintPublished}}
}

// keepFirst keeps an article page of site just emitted, cleaned when
// the site's learned layer had observed sitePages pages, for cleaning
// again if the layer was not ready yet (see the package doc).
func (c *Crawler) keepFirst(ctx context.Context, site string, sitePages int, p firstPage, now time.Time) {
	if site == "" || sitePages <= 0 || sitePages >= c.first.after {
		return // no learned layer, or it was ready
	}
	z, err := deflate(p.page.HTML)
	if err != nil {
		c.Stats.Unrecleaned.Add(1)
		c.log.Warn("cannot keep first page for re-cleaning", "url", p.page.URL, "err", err)
		return
	}
	p.html, p.page.HTML = z, nil
	c.firstMu.Lock()
	defer c.firstMu.Unlock()
	kept, releasedSites, released := c.first.add(site, sitePages, p, now)
	if released > 0 {
		c.Stats.Unrecleaned.Add(int64(released))
		c.log.Debug("first pages of sites not ready in time released", "pages", released)
	}
	if !kept {
		c.Stats.Unrecleaned.Add(1)
		c.log.Debug("first page not kept for re-cleaning: no room", "url", p.page.URL)
	}
	if c.firstMem == nil {
		return
	}
	for _, s := range releasedSites {
		c.forgetFirst(ctx, s)
	}
	if kept {
		err = c.firstMem.KeepFirstPage(ctx, p.record(site, now))
	} else {
		// An earlier fetch of the article may be stored; this one replaced it.
		_, err = c.firstMem.DropFirstPages(ctx, site, p.id)
	}
	if err != nil && ctx.Err() == nil {
		c.log.Warn("first page kept in memory only: a restart before its site is ready leaves it as emitted", "url", p.page.URL, "err", err)
	}
}

// forgetFirst deletes site's pages from the frontier's copy. The caller
// holds firstMu.
func (c *Crawler) forgetFirst(ctx context.Context, site string, ids ...string) {
	if _, err := c.firstMem.DropFirstPages(ctx, site, ids...); err != nil && ctx.Err() == nil {
		// Left behind, they are read back after a restart and cleaned
		// again once more: at worst a version emitted twice, which every
		// store keeps once.
		c.log.Warn("cannot forget first pages kept", "site", site, "err", err)
	}
}

// restoreFirst reads back the first pages the frontier kept when the
// crawler last stopped, within the bounds of firstPages (sites kept
// longer than firstPagesAge are released, as they would have been had
// the crawler run on), and deletes there what it does not take.
func (c *Crawler) restoreFirst(ctx context.Context, now time.Time) error {
	if c.firstMem == nil {
		return nil
	}
	recs, err := c.firstMem.FirstPages(ctx)
	if err != nil {
		return fmt.Errorf("restore first pages: %w", err)
	}
	if len(recs) == 0 {
		return nil
	}
	c.firstMu.Lock()
	defer c.firstMu.Unlock()
	unrecleaned := 0
	for _, r := range recs {
		// Added in the order they were kept, each as of its own time, so
		// that a site's wait starts with its first page as it did.
		kept, _, released := c.first.add(r.Site, 1, firstPageOf(r), r.Kept)
		unrecleaned += released
		if !kept {
			unrecleaned++
		}
	}
	_, released := c.first.expireNow(now)
	unrecleaned += released
	// What memory did not take goes from the frontier's copy too.
	drop := map[string][]string{}
	for _, r := range recs {
		if !c.first.has(r.Site, r.ID) {
			drop[r.Site] = append(drop[r.Site], r.ID)
		}
	}
	for site, ids := range drop {
		c.forgetFirst(ctx, site, ids...)
	}
	_, pages, _ := c.first.usage()
	c.Stats.Unrecleaned.Add(int64(unrecleaned))
	c.log.Info("first pages of new sites read back for cleaning again", "pages", pages, "released", unrecleaned)
	return nil
}

// takeFirst returns the first pages of site to clean again, once its
// learned layer has observed sitePages >= recleanAfter pages, and forgets
// them: those kept in memory and, with a frontier that keeps them, those
// it holds (read back after a restart, or kept by the host's previous
// owner in a crawl group), each once, without the page of article skip
// (fetched again now) or pages kept firstPagesAge or longer ago. It also
// sweeps the frontier's copy of pages kept too long, at most once every
// firstSweepEvery, so that pages of sites that never became ready do not
// stay there for ever.
func (c *Crawler) takeFirst(ctx context.Context, site, skip string, sitePages int, now time.Time) []firstPage {
	if sitePages < c.first.after {
		return nil
	}
	c.firstMu.Lock()
	defer c.firstMu.Unlock()
	pages, found := c.first.take(site, sitePages, skip)
	if c.firstMem == nil {
		return pages
	}
	if now.After(c.firstSweep) {
		c.firstSweep = now.Add(firstSweepEvery)
		if swept, err := c.firstMem.DropFirstPagesBefore(ctx, now.Add(-c.first.maxAge)); err != nil && ctx.Err() == nil {
			c.log.Warn("cannot sweep first pages kept too long", "err", err)
		} else if len(swept) > 0 {
			c.log.Debug("first pages of sites not ready in time swept", "pages", len(swept))
		}
	}
	recs, err := c.firstMem.FirstPagesOf(ctx, site)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("cannot read first pages kept", "site", site, "err", err)
		}
		return pages
	}
	for _, r := range recs {
		found = true
		if r.ID == skip || slices.ContainsFunc(pages, func(p firstPage) bool { return p.id == r.ID }) {
			continue
		}
		if now.Sub(r.Kept) >= c.first.maxAge {
			c.Stats.Unrecleaned.Add(1)
			continue
		}
		pages = append(pages, firstPageOf(r))
	}
	if found {
		c.forgetFirst(ctx, site)
	}
	return pages
}

// reclean cleans again the first pages of site once a page of it, article
// id, cleaned when its learned layer had observed sitePages pages, shows
// that the layer is ready, and emits a new version of each article
// whose body changed. A new version goes the way a changed re-fetch goes
// (the same id on the same topic), stamped recleanStep after the first
// version's fetch time: later than the version it corrects, so every
// store replaces that version and the story stage keeps its story_id and
// replaces its fingerprint, and earlier than any real re-fetch, so the
// text of an older fetch never overwrites a newer one. An article whose
// body did not change, or that is no longer an article, emits nothing.
func (c *Crawler) reclean(ctx context.Context, site, id string, sitePages int) {
	if ctx.Err() != nil {
		return
	}
	pages := c.takeFirst(ctx, site, id, sitePages, time.Now())
	for _, p := range pages {
		if ctx.Err() != nil {
			return
		}
		c.Stats.Recleaned.Add(1)
		html, err := inflate(p.html)
		if err != nil {
			c.log.Error("cannot clean first page again", "url", p.page.URL, "err", fmt.Errorf("inflate kept page: %w", err))
			continue
		}
		p.page.HTML = html
		again, err := c.cleaner.Clean(ctx, p.page)
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("cannot clean first page again", "url", p.page.URL, "err", err)
			}
			continue
		}
		a := again.Article
		if !again.IsArticle || a.ID != p.id || a.Body == p.body {
			continue
		}
		a.FetchedAt = a.FetchedAt.Add(recleanStep)
		a.Normalize()
		u := p.page.URL
		ack := bus.Once(func(ctx context.Context, err error) error {
			if err != nil && !errors.Is(err, bus.ErrRedeliver) {
				c.log.Warn("re-cleaned article failed downstream; the first version stays", "url", u, "err", err)
			}
			return nil
		})
		if err := c.out.Write(ctx, bus.Message{Article: a, Ack: ack}); err != nil {
			if ctx.Err() == nil {
				c.log.Error("cannot hand re-cleaned article on", "url", u, "err", err)
			}
			continue
		}
		c.Stats.Revised.Add(1)
		c.log.Debug("re-cleaned first page emitted as a new version", "url", u, "id", a.ID,
			"bytes_before", len(p.body), "bytes_after", len(a.Body))
	}
}
