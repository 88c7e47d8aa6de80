// Package crawler is the first stage of the pipeline: it fetches pages with
// colly from a persistent frontier, follows feeds, sitemaps and links, hands
// each article page to the cleaning step (crawler/clean), and puts the clean
// article on the bus. Raw HTML never leaves this package.
//
// A URL is settled in the frontier only when the article it produced has
// been acknowledged downstream, so a crash at any point loses nothing: URLs
// in flight are fetched again on restart, and the article id (from the
// canonical URL) makes the second delivery replace the first.
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
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// Frontier is the persistent crawl state the crawler works from.
type Frontier interface {
	AddSeeds(ctx context.Context, seeds []frontier.Entry, now time.Time) error
	AddURLs(ctx context.Context, entries []frontier.Entry) (int, error)
	Recover(ctx context.Context) (int, error)
	Claim(ctx context.Context, n int, now time.Time) ([]frontier.Entry, error)
	Settle(ctx context.Context, url string, kind frontier.Kind, o frontier.Outcome) error
	Frontier(ctx context.Context) (frontier.Stats, error)
}

// Options configure a Crawler. The zero value of a field means its default.
type Options struct {
	// Once stops the crawl when nothing is left to fetch; otherwise seeds
	// that are feeds, sitemaps or hubs are polled again every Repoll.
	Once   bool
	Repoll time.Duration // default 5m
	// UserAgent names wirewatch and a contact URL.
	UserAgent string
	// Delay is the pause between requests to one host (default 1s).
	Delay time.Duration
	// Workers is the number of concurrent fetches overall (default 8);
	// PerHost caps them per host (default 1).
	Workers int
	PerHost int
	// Timeout bounds one request (default 30s).
	Timeout time.Duration
	// MaxBytes is the largest body accepted (default 10 MiB); larger
	// bodies are reported as failures, never truncated.
	MaxBytes int
	// MaxDepth limits link hops from a seed (default 2); feed and sitemap
	// entries count as one hop.
	MaxDepth int
	// Retries is how often a transient failure is retried (default 3).
	Retries int
	// IgnoreRobots turns off robots.txt, for sites one owns.
	IgnoreRobots bool
	// Include and Exclude filter discovered URLs (not seeds).
	Include, Exclude []*regexp.Regexp
	// AllowedHosts limits link discovery; default: the seeds' hosts.
	AllowedHosts []string
	// Transport replaces the HTTP transport (tests inject faults here).
	Transport http.RoundTripper
	Logger    *slog.Logger
}

func (o *Options) defaults() {
	if o.Repoll <= 0 {
		o.Repoll = 5 * time.Minute
	}
	if o.UserAgent == "" {
		o.UserAgent = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"
	}
	if o.Delay < 0 {
		o.Delay = 0
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.PerHost <= 0 {
		o.PerHost = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 2
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = 3
	}
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
}

// Cleaner turns a fetched page into a clean article.
type Cleaner interface {
	Clean(ctx context.Context, p clean.Page) (clean.Result, error)
}

// Crawler fetches pages and emits clean articles.
type Crawler struct {
	opts     Options
	frontier Frontier
	cleaner  Cleaner
	out      bus.Writer
	coll     *colly.Collector
	Stats    Stats
	hosts    map[string]bool
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
	c.IgnoreRobotsTxt = opts.IgnoreRobots
	c.ParseHTTPErrorResponse = true
	c.SetRequestTimeout(opts.Timeout)
	if opts.Transport != nil {
		c.WithTransport(opts.Transport)
	}
	// colly enforces the per-host delay and concurrency itself.
	_ = c.Limit(&colly.LimitRule{DomainGlob: "*", Delay: opts.Delay, Parallelism: opts.PerHost})
	cr := &Crawler{opts: opts, frontier: f, cleaner: cl, out: out, coll: c, hosts: map[string]bool{}, log: opts.Logger.With("stage", "crawl")}
	for _, h := range opts.AllowedHosts {
		cr.hosts[strings.ToLower(h)] = true
	}
	return cr
}

// Run crawls from seeds until ctx ends or, with Once, until the frontier is
// exhausted and every article has been acknowledged downstream.
func (c *Crawler) Run(ctx context.Context, seeds []frontier.Entry) error {
	if n, err := c.frontier.Recover(ctx); err != nil {
		return err
	} else if n > 0 {
		c.log.Info("resuming interrupted crawl", "requeued", n)
	}
	if len(c.opts.AllowedHosts) == 0 {
		for _, s := range seeds {
			if u, err := url.Parse(s.URL); err == nil {
				c.hosts[strings.ToLower(u.Host)] = true
			}
		}
	}
	if err := c.frontier.AddSeeds(ctx, seeds, time.Now()); err != nil {
		return err
	}
	work := make(chan frontier.Entry)
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				c.fetch(ctx, e)
			}
		}()
	}
	err := c.dispatch(ctx, work)
	close(work)
	wg.Wait()
	return err
}

// dispatch claims due URLs and feeds them to the workers.
func (c *Crawler) dispatch(ctx context.Context, work chan<- frontier.Entry) error {
	idle := 50 * time.Millisecond
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		batch, err := c.frontier.Claim(ctx, c.opts.Workers, time.Now())
		if err != nil {
			return err
		}
		for _, e := range batch {
			c.Stats.InFlight.Add(1)
			select {
			case work <- e:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if len(batch) > 0 {
			continue
		}
		st, err := c.frontier.Frontier(ctx)
		if err != nil {
			return err
		}
		if c.opts.Once && st.Pending == 0 && st.InFlight == 0 {
			return nil
		}
		wait := idle
		if st.Pending > 0 && !st.NextDue.IsZero() {
			if d := time.Until(st.NextDue); d > wait {
				wait = min(d, time.Second)
			}
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// result carries one response out of colly's callbacks.
type result struct {
	status  int
	header  http.Header
	body    []byte
	final   string
	err     error
	tooBig  bool
	elapsed time.Duration
}

// fetch fetches one entry and settles it or hands it on.
func (c *Crawler) fetch(ctx context.Context, e frontier.Entry) {
	defer c.Stats.InFlight.Add(-1)
	res := c.get(ctx, e)
	if ctx.Err() != nil {
		return // left in flight; recovered on the next start
	}
	now := time.Now()
	log := c.log.With("url", e.URL)
	if res.err != nil || res.status >= 400 || res.status == 0 {
		c.fail(ctx, e, res, now)
		return
	}
	c.Stats.Fetched.Add(1)
	c.Stats.Bytes.Add(int64(len(res.body)))
	out := frontier.Outcome{State: frontier.Done, Status: res.status, FetchedAt: now,
		ETag: res.header.Get("ETag"), LastModified: res.header.Get("Last-Modified")}
	if res.status == http.StatusNotModified {
		c.settle(ctx, e, "", c.repoll(e, out, now))
		return
	}
	if res.tooBig {
		out.State, out.Error = frontier.Failed, fmt.Sprintf("body larger than the %d-byte limit", c.opts.MaxBytes)
		c.Stats.Failed.Add(1)
		log.Warn("page too large", "limit", c.opts.MaxBytes)
		c.settle(ctx, e, "", out)
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
		out.State, out.Error = frontier.Failed, fmt.Sprintf("unsupported content type %q", res.header.Get("Content-Type"))
		c.Stats.Failed.Add(1)
		log.Warn("not a page, feed or sitemap", "content_type", res.header.Get("Content-Type"))
		c.settle(ctx, e, "", out)
	}
}

// get performs the request through colly.
func (c *Crawler) get(ctx context.Context, e frontier.Entry) result {
	var res result
	start := time.Now()
	hdr := http.Header{}
	if e.Kind == frontier.Feed || e.Kind == frontier.Sitemap || e.Kind == frontier.Hub {
		if e.ETag != "" {
			hdr.Set("If-None-Match", e.ETag)
		}
		if e.LastModified != "" {
			hdr.Set("If-Modified-Since", e.LastModified)
		}
	}
	cc := c.coll.Clone()
	cc.OnResponse(func(r *colly.Response) {
		res.status, res.header, res.final = r.StatusCode, r.Headers.Clone(), r.Request.URL.String()
		res.body = r.Body
	})
	cc.OnError(func(r *colly.Response, err error) {
		res.err = err
		if r != nil {
			res.status, res.final = r.StatusCode, r.Request.URL.String()
			if r.Headers != nil {
				res.header = r.Headers.Clone()
			}
		}
	})
	reqCtx := colly.NewContext()
	err := cc.Request(http.MethodGet, e.URL, nil, reqCtx, hdr)
	if err != nil && res.err == nil {
		res.err = err
	}
	if res.header == nil {
		res.header = http.Header{}
	}
	if len(res.body) > c.opts.MaxBytes {
		res.tooBig = true
		res.body = nil
	}
	if res.final == "" {
		res.final = e.URL
	}
	res.elapsed = time.Since(start)
	return res
}
