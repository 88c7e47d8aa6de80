// Package crawler is the first stage of the pipeline: it fetches pages with
// colly from a persistent frontier, follows feeds, sitemaps and links, hands
// each article page to the cleaning step (crawler/clean), and puts the clean
// article on the bus. Raw HTML never leaves this package.
//
// A URL is settled in the frontier only when the article it produced has
// been acknowledged downstream, so a crash at any point loses nothing: URLs
// in flight are fetched again on restart, and the article id (from the
// canonical URL) makes the second delivery replace the first.
//
// # Politeness
//
// robots.txt is obeyed unless IgnoreRobots is set, Crawl-delay included: the
// pause between two requests to one host is the larger of the delay floor
// (Options.Delay or a seed's delay=) and the host's Crawl-delay. A 429 or
// 503 answer with Retry-After pauses the whole host, not only the URL.
// Timeouts and 5xx answers are retried with exponential back-off and jitter,
// Options.Retries times, then recorded as failed with the reason.
//
// # Seed files
//
// A seed file lists one seed a line: an absolute URL of an article, a
// section or front page, a feed, a sitemap (index) or a robots.txt (whose
// Sitemap: lines become seeds), optionally followed by per-site options as
// key=value words that apply to every URL of the seed's host:
//
//	# site                              options
//	https://example.com/rss.xml         delay=2s max-depth=1
//	https://example.com/                max-pages=5000 include=^https://example\.com/news/
//	https://news.example.org/robots.txt exclude=/video/ exclude=\?page=
//
// Keys: delay (a Go duration; replaces the --delay floor for the host,
// Crawl-delay still applies), max-depth, max-pages (URLs admitted for the
// host, across runs), include and exclude (regexps over discovered URLs;
// repeatable). Values cannot contain spaces. Blank lines and lines starting
// with '#' are skipped.
//
// # Infinite URL spaces
//
// Links found on pages pass generic trap checks before they are queued:
// session-id parameters are dropped (so one page under many session ids is
// one URL), URLs longer than MaxURLLength, with more than 15 path segments or
// with a segment repeated three times are refused, and one path may have at
// most MaxQueryVariants distinct query strings with the same parameter
// names (calendars, facets). Together with the depth limit and the per-site
// page limit this bounds every URL space.
//
// # Hostile servers and addresses
//
// A body's limit (MaxBytes) counts decoded bytes: gzip, as
// Content-Encoding or as a .xml.gz sitemap, is decoded with the limit
// applied to its output, so a compressed bomb costs at most MaxBytes in
// memory and fails as too large. Redirects to other schemes (file:, ftp:,
// javascript:, data:) fail at once. The address policy (package
// netpolicy) refuses URLs whose hosts are, or resolve to, loopback,
// private, link-local (cloud metadata), unique-local or shared addresses,
// or are cloud metadata names, unless a seed's own host is in the same
// range or AllowPrivate is set: checked before the request and, binding,
// when the transport connects, on the address it connects to, so DNS
// rebinding does not get around it. Refusals are logged, recorded as the
// URL's failure and counted by reason (Crawler.AddressRefusals). With an
// HTTP proxy from the environment, the proxy connects on the crawler's
// behalf: the policy then sees only the proxy's address.
//
// # State and memory
//
// Everything per URL lives in the frontier (the store): state, validators
// for conditional requests (feeds, sitemaps, hubs and re-checked articles
// are fetched with If-None-Match / If-Modified-Since), the outcome, the
// adaptive re-poll interval and the re-checks of an article. A redirect target on the same host is claimed in the frontier
// before it is followed (one on another host is queued there instead), and
// an article's canonical URL is recorded when the article is
// acknowledged, so neither a URL nor a canonical article is fetched or
// emitted twice, in one run or across runs, except as a re-check (see
// below). The crawler's own maps are
// per host (politeness, robots.txt, metrics) or fixed-size caches (recent
// links, redirect hops across hosts), each
// with a hard bound, so memory does not grow with the frontier.
//
// # What colly does here
//
// colly fetches: its collector owns the HTTP client (user agent, body
// size limit, timeouts, charset decoding) and hands each answer to the
// callbacks that record it. The rest of what colly offers is not used,
// because each piece conflicts with a guarantee above: its in-memory
// visited set and queue would forget the crawl on restart and cannot be
// shared by several processes (the frontier is durable and atomic); its
// robots.txt handling ignores Crawl-delay and keeps every host's rules
// for ever (robotsCache bounds and refreshes them); its per-domain limits
// pace requests but not the 429/503 Retry-After pauses of a whole host
// (hostGate does both); and its link callbacks would parse a page a
// second time, where the cleaner's one DOM already yields the links.
//
// # Re-checking articles
//
// An article is fetched once, unless a feed or sitemap, polled again,
// lists it with a modified time (Atom <updated>, an RSS item's update
// date or else its publication date, sitemap <lastmod>) later than the
// last fetch: then it is queued
// again, fetched with the validators kept from that fetch, and, if the
// page changed, emitted again under the same article id, which replaces
// the older version downstream. A 304 settles it with nothing emitted.
// Options.RecheckMin spaces the fetches of one URL, Options.RecheckMax
// caps its re-checks, modified times in the future beyond maxClockSkew
// are ignored, and the frontier remembers the modified time it acted on,
// so neither an unchanged listing nor a restart fetches an article again.
//
// # Re-cleaning a new site's first pages
//
// The cleaner's learned layer removes the blocks a site repeats (a house
// blurb, a promotion no built-in rule knows) only once it has observed a
// few of the site's pages, so a new site's first articles go out with them.
// The crawler keeps the fetched HTML (deflated) of the articles it emits
// while their site's layer has observed fewer than recleanAfter (8) pages,
// and when a later page of the site (any page, article or not) is cleaned
// with at least that many observed, cleans them again. An article whose
// body changed is emitted again under the same id, as a changed re-fetch
// is, stamped one millisecond after the first version's fetch time, so that
// every store replaces the first version, the story keeps its story_id
// (which saved-search alerts are keyed on, so the story does not alert
// twice) and a real re-fetch, always later, still wins. An unchanged body
// emits nothing. Stats.Recleaned and Stats.Revised count both. Clean is
// given the page as it was first cleaned (URL, HTML, fetch time, hints),
// and the learned layer counts a page observed again only once.
//
// Holding a new site's pages back until its layer is ready was the other
// way; it would delay every new site's first articles, and their alerts,
// until the site's later pages are fetched: seconds to minutes on a busy
// site at one request a second, hours on one that publishes rarely. Here
// the first articles go out at once and are corrected within seconds; the
// price is that a story's alert may be fired by its first version, while
// it still carries the blurb (a search that matches only the blurb's words
// may alert once on it), and that a few articles of each new site are
// processed twice downstream.
//
// The pages are kept in memory and, when the Frontier can keep them, there
// too: the SQLite store of the run command keeps them in its file, so a
// restarted crawler reads them back and cleans them again once the site is
// ready, from its pages fetched after the restart (the learned layer's
// statistics are in the same file); a crawl group's frontier keeps them on
// its state topic with their host, so the host's next owner, after a
// hand-over, a kill or a restart, cleans them again (the site statistics
// move with the host too). A site's wait for its layer counts from its
// first page kept, across restarts and owners. At most maxFirstSites
// (1,000) sites and maxFirstBytes (64 MiB) are kept in memory; while full,
// a new site's first pages are not kept, and a site not ready within
// firstPagesAge (an hour) is released (Stats.Unrecleaned counts the pages
// never cleaned again), in the frontier too. Limits: a page emitted by a
// process killed before the frontier stored it is not cleaned again, nor,
// in a crawl group, a page whose record would be too large for the state
// topic (over 512 KiB, its HTML deflated).
package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/netpolicy"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Frontier is the persistent crawl state the crawler works from.
type Frontier interface {
	AddSeeds(ctx context.Context, seeds []frontier.Entry, now time.Time) error
	// AddURLs queues unknown URLs; limit gives each host's page limit.
	AddURLs(ctx context.Context, entries []frontier.Entry, limit func(host string) int) (int, error)
	Recover(ctx context.Context) (int, error)
	// Claim hands out due URLs, skipping the given hosts and taking at
	// most perHost URLs of one host.
	Claim(ctx context.Context, n int, now time.Time, skip []string, perHost int) ([]frontier.Entry, error)
	// ClaimURL claims a redirect target or canonical URL found on the way;
	// false means it is done or in flight already.
	ClaimURL(ctx context.Context, e frontier.Entry, now time.Time) (bool, error)
	// Apply queues entries, then records outcomes, in one transaction.
	Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(host string) int) (int, error)
	// Outlook is polled while idle; Frontier only for Snapshot.
	Outlook(ctx context.Context) (frontier.Outlook, error)
	Frontier(ctx context.Context) (frontier.Stats, error)
}

// keeper is the optional part of a Frontier that can take back URLs it
// handed out: one shared by several crawler processes loses hosts to
// other processes when the group rebalances, and a URL claimed but not
// started yet must then be left to the new owner.
type keeper interface {
	// Keep reports whether a claimed URL may still be fetched; false
	// means the frontier took it back and the crawler must drop it.
	Keep(url string) bool
}

// keep asks the frontier whether a claimed URL may still be fetched.
func (c *Crawler) keep(u string) bool {
	k, ok := c.frontier.(keeper)
	return !ok || k.Keep(u)
}

// Options configure a Crawler. DefaultOptions holds the defaults, defined
// there once: commands register their flags with those values.
//
// Where zero is a meaningful setting, zero means zero: MaxDepth 0 follows
// no links, Retries 0 never retries, MaxRedirects 0 follows no redirect,
// MaxPages 0 sets no page limit, RecheckMax 0 turns re-checks off, Delay 0
// does not pause (a negative value counts as zero for each of these). So
// a caller wanting the defaults starts from DefaultOptions. Every other
// field, where zero would be meaningless (no workers, no time to fetch, no
// byte accepted), takes its default when zero or negative.
type Options struct {
	// Once stops the crawl when nothing is left to fetch; otherwise seeds,
	// feeds, sitemaps and hubs (front and section pages within MaxDepth,
	// where new articles show up) are polled again on an adaptive schedule
	// that starts at Repoll and stays within [RepollMin, RepollMax].
	Once      bool
	Repoll    time.Duration // default 5m
	RepollMin time.Duration // default 1m
	RepollMax time.Duration // default 1h
	// UserAgent names wirewatch and a contact URL.
	UserAgent string
	// Delay is the least pause between requests to one host (default
	// 1s; zero: none); a longer robots.txt Crawl-delay wins.
	Delay time.Duration
	// Workers is the number of concurrent fetches overall (default 8);
	// PerHost caps them per host (default 1).
	Workers int
	PerHost int
	// Timeout bounds one request (default 30s).
	Timeout time.Duration
	// MaxBytes is the largest body accepted (default 10 MiB), counted
	// after any Content-Encoding is decoded; larger bodies are reported
	// as failures, never truncated.
	MaxBytes int
	// MaxDepth limits link hops from a seed (default 2; zero: links on
	// fetched pages are not followed). The entries of a seed feed or
	// sitemap are fetched whatever MaxDepth is, and count as one hop.
	MaxDepth int
	// MaxPages limits the URLs admitted to the frontier per host, across
	// runs (default 100,000; zero: no limit).
	MaxPages int
	// MaxURLLength refuses longer discovered URLs (default 512).
	MaxURLLength int
	// MaxQueryVariants bounds distinct query strings per path and set of
	// parameter names among discovered links (default 100).
	MaxQueryVariants int
	// MaxRedirects bounds a redirect chain (default 5; zero: a redirect
	// fails the URL).
	MaxRedirects int
	// Retries is how often a transient failure is retried (default 3;
	// zero: never).
	Retries int
	// RetryWait is the first retry's back-off (default 1s), doubled for
	// each further attempt, with jitter.
	RetryWait time.Duration
	// IgnoreRobots turns off robots.txt, for sites one owns.
	IgnoreRobots bool
	// RobotsMaxWait is how long a host's robots.txt may stay unreachable
	// (5xx answers, timeouts, connection errors) before the host's URLs
	// fail (default 24h). Until then they wait, and robots.txt is fetched
	// again with the back-off of RetryWait, at most 5 minutes apart.
	// RFC 9309 asks for complete disallow meanwhile and suggests 30 days
	// before a crawler may treat the file as missing; failing after a day
	// keeps a dead site from holding URLs forever without ever crawling
	// against its will. When the Frontier can record it (the SQLite store
	// can), the run of failures and its back-off outlast a restart, unless
	// the crawler was stopped for over an hour past the retry time. With
	// Once, robots.txt is tried Retries+1 times, like a page, before the
	// host's URLs fail, counting the tries of earlier runs: a run that
	// starts while the recorded back-off lasts, with the tries used up,
	// fails the host's URLs without a request.
	RobotsMaxWait time.Duration
	// RecheckMin is the least time between two fetches of one article
	// (default 15m). When a feed or sitemap lists an article already
	// fetched with a modified time later than that fetch, the article is
	// fetched again, conditionally, no sooner than RecheckMin after the
	// last fetch, and a changed page is emitted as a new version of the
	// article (same id). Modified times more than five minutes ahead of
	// the clock are ignored, and a modified time acted on once does not
	// queue the article again. Re-checks happen in runs with Once too,
	// when a later run reads the listing again.
	RecheckMin time.Duration
	// RecheckMax caps the re-checks of one URL over its life in the
	// frontier (default 10; zero: no re-checks, articles are fetched
	// once), so that a site stamping every URL with the current time
	// cannot make the crawler fetch everything again and again.
	RecheckMax int
	// Include and Exclude filter discovered URLs (not seeds).
	Include, Exclude []*regexp.Regexp
	// AllowedHosts limits link discovery; default: the seeds' hosts.
	AllowedHosts []string
	// AllowPrivate turns the address policy off: without it, URLs whose
	// hosts are, or resolve to, loopback, private, link-local (cloud
	// metadata), unique-local or shared (CGNAT) addresses, or are cloud
	// metadata names, are refused, unless a seed's own host is in the
	// same range. The check is made when connecting, on the address
	// connected to (see package netpolicy).
	AllowPrivate bool
	// Resolver looks up host names for the address policy and the
	// connections (default net.DefaultResolver).
	Resolver netpolicy.Resolver
	// Dial connects to an address the policy has checked (default a
	// net.Dialer); tests route it to loopback listeners.
	Dial netpolicy.DialFunc
	// Transport replaces the HTTP transport (tests inject faults here).
	// It does its own dialing, so the address policy is not applied.
	Transport http.RoundTripper
	Logger    *slog.Logger
}

// DefaultOptions returns the crawler's defaults: the one place they are
// defined.
func DefaultOptions() Options {
	return Options{
		Repoll:           5 * time.Minute,
		RepollMin:        time.Minute,
		RepollMax:        time.Hour,
		UserAgent:        "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)",
		Delay:            time.Second,
		Workers:          8,
		PerHost:          1,
		Timeout:          30 * time.Second,
		MaxBytes:         10 << 20,
		MaxDepth:         2,
		MaxPages:         100_000,
		MaxURLLength:     512,
		MaxQueryVariants: 100,
		MaxRedirects:     5,
		Retries:          3,
		RetryWait:        time.Second,
		RobotsMaxWait:    24 * time.Hour,
		RecheckMin:       15 * time.Minute,
		RecheckMax:       10,
	}
}

// defaults fills the fields where zero is meaningless from DefaultOptions
// and clamps negative values of the fields where zero means zero.
func (o *Options) defaults() {
	d := DefaultOptions()
	orDefault := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	orDefaultInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	orDefault(&o.Repoll, d.Repoll)
	if o.RepollMin <= 0 {
		o.RepollMin = min(d.RepollMin, o.Repoll)
	}
	if o.RepollMax <= 0 {
		o.RepollMax = max(d.RepollMax, o.Repoll)
	}
	o.RepollMin = min(o.RepollMin, o.Repoll)
	o.RepollMax = max(o.RepollMax, o.Repoll)
	if o.UserAgent == "" {
		o.UserAgent = d.UserAgent
	}
	orDefaultInt(&o.Workers, d.Workers)
	orDefaultInt(&o.PerHost, d.PerHost)
	orDefault(&o.Timeout, d.Timeout)
	orDefaultInt(&o.MaxBytes, d.MaxBytes)
	orDefaultInt(&o.MaxURLLength, d.MaxURLLength)
	orDefaultInt(&o.MaxQueryVariants, d.MaxQueryVariants)
	orDefault(&o.RetryWait, d.RetryWait)
	orDefault(&o.RobotsMaxWait, d.RobotsMaxWait)
	orDefault(&o.RecheckMin, d.RecheckMin)
	// Zero means zero.
	o.Delay = max(o.Delay, 0)
	o.MaxDepth = max(o.MaxDepth, 0)
	o.MaxPages = max(o.MaxPages, 0)
	o.MaxRedirects = max(o.MaxRedirects, 0)
	o.Retries = max(o.Retries, 0)
	o.RecheckMax = max(o.RecheckMax, 0)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Stats counts the crawler's work. Safe for concurrent use.
type Stats struct {
	Found     atomic.Int64 // URLs newly added to the frontier
	Fetched   atomic.Int64 // responses received
	Articles  atomic.Int64 // clean articles put on the bus
	Failed    atomic.Int64 // URLs that failed for good
	Skipped   atomic.Int64 // pages that were not articles
	Bytes     atomic.Int64
	InFlight  atomic.Int64
	Completed atomic.Int64 // articles acknowledged downstream
	Retried   atomic.Int64 // transient failures scheduled again
	Refused   atomic.Int64 // URLs not fetched: robots.txt, traps, duplicates
	Robots    atomic.Int64 // of Refused, those robots.txt disallows
	Rechecked atomic.Int64 // articles queued again because a listing said they changed
	// Recleaned counts a new site's first article pages cleaned again
	// once its learned layer was ready; Revised, the new versions of them
	// put on the bus because their body changed; Unrecleaned, first pages
	// never cleaned again (no room, or their site was not ready in time).
	Recleaned, Revised, Unrecleaned atomic.Int64
}

// Cleaner turns a fetched page into a clean article.
type Cleaner interface {
	Clean(ctx context.Context, p clean.Page) (clean.Result, error)
}

// maxAllowedHosts bounds the set of hosts link discovery may follow. It
// grows only with the seeds' hosts and the hosts that seed feeds and
// sitemaps point to, so the bound is a guard against hostile feeds, not a
// limit real configurations meet.
const maxAllowedHosts = 100_000

// Crawler fetches pages and emits clean articles.
type Crawler struct {
	opts     Options
	frontier Frontier
	cleaner  Cleaner
	out      bus.Writer
	coll     *colly.Collector
	// Stats counts the crawler's work; Snapshot adds per-host figures and
	// the queue.
	Stats Stats

	gate      *hostGate
	robots    *robotsCache
	traps     *trapFilter
	recent    *recentLinks
	redirects *redirectHops
	metrics   *hostMetrics
	addrs     *addressPolicy
	writer    *writer
	first     *firstPages // new sites' first articles, to clean again
	// firstMem keeps first in the frontier, if it can (nil if not), and
	// firstMu makes a change to first and its copy there one step;
	// firstSweep is when takeFirst next sweeps firstMem.
	firstMem   firstPageMemory
	firstMu    sync.Mutex
	firstSweep time.Time
	inflight   sync.Map // request URL → *result, for the redirect handler

	mu    sync.Mutex
	hosts map[string]bool  // hosts link discovery may follow; see maxAllowedHosts
	sites map[string]*site // per-site options from the seeds
	// emitting holds the canonical URLs of articles emitted in this run,
	// so that an alias fetched before the frontier records the first as
	// Done is not emitted again; bounded by maxEmitting.
	emitting map[string]bool
	log      *slog.Logger
}

// New returns a crawler over f that cleans pages with cl and writes
// articles to out.
func New(f Frontier, cl Cleaner, out bus.Writer, opts Options) *Crawler {
	opts.defaults()
	c := colly.NewCollector(
		colly.UserAgent(opts.UserAgent),
		colly.AllowURLRevisit(), // the frontier deduplicates, atomically and across runs
		// One byte over the limit tells a too-large body from one that fits.
		colly.MaxBodySize(opts.MaxBytes+1),
	)
	// robots.txt is checked here, not by colly, which ignores Crawl-delay
	// and keeps every host's rules forever.
	c.IgnoreRobotsTxt = true
	c.ParseHTTPErrorResponse = true
	c.SetRequestTimeout(opts.Timeout)
	addrs := newAddressPolicy(opts)
	if opts.Transport == nil {
		// Keep a connection per concurrent fetch of a host alive; the
		// default keeps two, so PerHost > 2 would redial on every request.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = addrs.dialer(opts)
		t.MaxIdleConnsPerHost = max(opts.PerHost, 2)
		t.ResponseHeaderTimeout = opts.Timeout
		opts.Transport = t
	}
	c.WithTransport(decodeLimit{next: opts.Transport, limit: int64(opts.MaxBytes)})
	cr := &Crawler{
		opts: opts, frontier: f, cleaner: cl, out: out, coll: c,
		gate:      newHostGate(opts.PerHost, pacerOf(f)),
		traps:     newTrapFilter(opts.MaxURLLength, opts.MaxQueryVariants),
		recent:    newRecentLinks(),
		redirects: newRedirectHops(),
		metrics:   newHostMetrics(),
		addrs:     addrs,
		first:     newFirstPages(),
		firstMem:  firstMemory(f),
		hosts:     map[string]bool{},
		emitting:  map[string]bool{},
		sites:     map[string]*site{},
		log:       opts.Logger.With("stage", "crawl"),
	}
	client := &http.Client{Timeout: opts.Timeout, Transport: opts.Transport}
	memory, _ := f.(robotsMemory)
	files, _ := f.(robotsFiles)
	cr.robots = newRobotsCache(client, opts.UserAgent, opts.MaxBytes, opts.RetryWait, memory, files, cr.log)
	for _, h := range opts.AllowedHosts {
		cr.hosts[strings.ToLower(h)] = true
	}
	// colly enforces nothing per host: the dispatcher does (see hostGate).
	c.OnRequest(func(r *colly.Request) {
		if res, ok := r.Ctx.GetAny(resultKey).(*result); ok {
			res.requestURL = r.URL.String()
			cr.inflight.Store(res.requestURL, res)
		}
	})
	c.OnResponse(func(r *colly.Response) {
		if res, ok := r.Ctx.GetAny(resultKey).(*result); ok {
			res.status, res.header, res.final, res.body = r.StatusCode, r.Headers.Clone(), r.Request.URL.String(), r.Body
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		if r == nil || r.Ctx == nil {
			return
		}
		if res, ok := r.Ctx.GetAny(resultKey).(*result); ok {
			res.err = err
			res.status, res.final = r.StatusCode, r.Request.URL.String()
			if r.Headers != nil {
				res.header = r.Headers.Clone()
			}
		}
	})
	c.SetRedirectHandler(cr.redirect)
	return cr
}

// Run crawls from seeds until ctx ends or, with Once, until the frontier is
// exhausted and every article has been acknowledged downstream.
func (c *Crawler) Run(ctx context.Context, seeds []frontier.Entry) error {
	if err := c.configureSites(seeds); err != nil {
		return err
	}
	c.coll.Context = ctx // cancelling the crawl aborts requests in flight
	c.writer = newWriter(c.frontier, c.pageLimit, &c.Stats.Found, c.opts.RetryWait, c.log)
	defer c.writer.close()
	if n, err := c.frontier.Recover(ctx); err != nil {
		return err
	} else if n > 0 {
		c.log.Info("resuming interrupted crawl", "requeued", n)
	}
	if err := c.restoreFirst(ctx, time.Now()); err != nil {
		return err
	}
	if len(c.opts.AllowedHosts) == 0 {
		for _, s := range seeds {
			c.allowHost(s.URL)
		}
	}
	c.addrs.allowSeeds(ctx, seeds, c.log.Info)
	if err := c.frontier.AddSeeds(ctx, seeds, time.Now()); err != nil {
		return err
	}
	d := &dispatcher{c: c, work: make(chan frontier.Entry), done: make(chan struct{}, c.opts.Workers), free: c.opts.Workers}
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range d.work {
				c.fetch(ctx, e)
				d.done <- struct{}{}
			}
		}()
	}
	err := d.run(ctx)
	close(d.work)
	wg.Wait()
	return err
}

// allowHost lets link discovery follow links to the host of u.
func (c *Crawler) allowHost(u string) {
	p, err := url.Parse(u)
	if err != nil {
		return
	}
	h := strings.ToLower(p.Host)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.hosts) < maxAllowedHosts {
		c.hosts[h] = true
	}
}

func (c *Crawler) hostAllowed(h string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hosts[h]
}

// site holds a host's options from the seeds, compiled.
type site struct {
	opts             frontier.SiteOptions
	include, exclude []*regexp.Regexp
}

// configureSites compiles the per-site options the seeds carry.
func (c *Crawler) configureSites(seeds []frontier.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range seeds {
		if s.Site.IsZero() {
			continue
		}
		p, err := url.Parse(s.URL)
		if err != nil {
			continue
		}
		h := strings.ToLower(p.Host)
		st := c.sites[h]
		if st == nil {
			st = &site{}
			c.sites[h] = st
		}
		o := s.Site
		if o.Delay > 0 {
			st.opts.Delay = o.Delay
		}
		if o.MaxDepth > 0 {
			st.opts.MaxDepth = o.MaxDepth
		}
		if o.MaxPages > 0 {
			st.opts.MaxPages = o.MaxPages
		}
		for _, pat := range o.Include {
			re, err := regexp.Compile(pat)
			if err != nil {
				return fmt.Errorf("seed %s: include %q: %w", s.URL, pat, err)
			}
			st.include = append(st.include, re)
		}
		for _, pat := range o.Exclude {
			re, err := regexp.Compile(pat)
			if err != nil {
				return fmt.Errorf("seed %s: exclude %q: %w", s.URL, pat, err)
			}
			st.exclude = append(st.exclude, re)
		}
	}
	return nil
}

func (c *Crawler) site(host string) *site {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sites[host]
}

// delayFor is the pause between two requests to host: the site's delay or
// the floor, raised to the robots.txt Crawl-delay.
func (c *Crawler) delayFor(host string) time.Duration {
	d := c.opts.Delay
	if s := c.site(host); s != nil && s.opts.Delay > 0 {
		d = s.opts.Delay
	}
	if !c.opts.IgnoreRobots {
		d = max(d, c.robots.crawlDelay(host))
	}
	return d
}

func (c *Crawler) maxDepth(host string) int {
	if s := c.site(host); s != nil && s.opts.MaxDepth > 0 {
		return s.opts.MaxDepth
	}
	return c.opts.MaxDepth
}

// pageLimit is the frontier's per-host limit (0: none).
func (c *Crawler) pageLimit(host string) int {
	if s := c.site(host); s != nil && s.opts.MaxPages > 0 {
		return s.opts.MaxPages
	}
	return max(c.opts.MaxPages, 0)
}

// dispatcher claims due URLs and hands them to free workers as their hosts'
// politeness allows. It keeps a small buffer of claimed URLs whose hosts
// are busy and tells the frontier to skip those hosts, so that one slow or
// backed-off site never holds up the others. Claims run in the background
// while the buffer is handed out, so workers do not wait on the store.
type dispatcher struct {
	c    *Crawler
	work chan frontier.Entry
	done chan struct{}
	free int
	buf  []frontier.Entry
}

type claimed struct {
	batch []frontier.Entry
	err   error
}

func (d *dispatcher) run(ctx context.Context) error {
	c := d.c
	// Claiming in batches keeps the store's share of the work small; the
	// per-host cap keeps one site from filling the buffer.
	bufMax := 8 * c.opts.Workers
	const idle = 50 * time.Millisecond
	claims := make(chan claimed, 1)
	claiming, exhausted := false, false
	var recheck time.Time
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := c.writer.failed(); err != nil {
			return err
		}
		d.collect()
		now := time.Now()
		var wake time.Time
		for i := 0; i < len(d.buf) && d.free > 0; {
			e := d.buf[i]
			h := frontier.Host(e.URL)
			ok, ready := c.gate.acquire(h, c.delayFor(h), now)
			if !ok {
				if !ready.IsZero() && (wake.IsZero() || ready.Before(wake)) {
					wake = ready
				}
				i++
				continue
			}
			d.buf = append(d.buf[:i], d.buf[i+1:]...)
			if !c.keep(e.URL) {
				c.gate.release(h)
				continue
			}
			d.free--
			c.Stats.InFlight.Add(1)
			d.work <- e // a worker is free, so this does not block for long
		}
		if !claiming && !exhausted && len(d.buf) <= bufMax/2 {
			// Skip hosts that must wait, and hosts that hold more than
			// half the buffer (a claim is made when the buffer is half
			// empty, so a crawl of one host never skips it). The store
			// passes over a skipped host without reading its URLs.
			skip := c.gate.waiting(now)
			queued := map[string]int{}
			for _, e := range d.buf {
				h := frontier.Host(e.URL)
				if queued[h]++; queued[h] == bufMax/2+1 {
					skip = append(skip, h)
				}
			}
			claiming = true
			go func(n int) {
				batch, err := c.frontier.Claim(ctx, n, now, skip, bufMax/2)
				claims <- claimed{batch, err}
			}(bufMax - len(d.buf))
		}
		if exhausted && !claiming && len(d.buf) == 0 && d.free == c.opts.Workers {
			st, err := c.frontier.Outlook(ctx)
			if err != nil {
				return err
			}
			if c.opts.Once && !st.Pending && !st.InFlight && c.writer.idle() {
				return nil
			}
			if st.Pending && (wake.IsZero() || st.NextDue.Before(wake)) {
				wake = st.NextDue
			}
			if st.Pending && st.NextDue.Before(recheck) {
				recheck = st.NextDue
			}
		}
		wait := idle
		if !wake.IsZero() {
			wait = min(max(time.Until(wake), time.Millisecond), idle)
		}
		t := time.NewTimer(wait)
		select {
		case <-d.done:
			d.free++
		case <-c.writer.flushed:
			exhausted = false // new links may be due
		case cl := <-claims:
			claiming = false
			if cl.err != nil {
				t.Stop()
				return cl.err
			}
			d.buf = append(d.buf, cl.batch...)
			if exhausted = len(cl.batch) == 0; exhausted {
				// Look again when a waiting host may go, or in a second
				// (retries and polls fall due); sooner if links arrive.
				recheck = now.Add(time.Second)
				if r := c.gate.nextReady(now); !r.IsZero() && r.Before(recheck) {
					recheck = r
				}
			}
		case <-t.C:
			if !time.Now().Before(recheck) {
				exhausted = false
			}
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}

// collect counts workers that finished without blocking.
func (d *dispatcher) collect() {
	for {
		select {
		case <-d.done:
			d.free++
		default:
			return
		}
	}
}
