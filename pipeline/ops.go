package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// startOps serves h on addr in the background until ctx ends or stop is
// called; with addr "" it does nothing.
func startOps(ctx context.Context, addr string, h http.Handler, stderr io.Writer) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	fmt.Fprintf(stderr, "listening on http://%s/\n", ln.Addr())
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { metrics.Serve(ctx, ln, h) })
	return func() { cancel(); wg.Wait() }, nil
}

// crawlMetrics registers the crawler's counters. last successful crawl is
// the time a scrape first saw the fetched count grow: as precise as the
// scrape interval, with no goroutine of its own.
func crawlMetrics(reg *metrics.Registry, cr func() *crawler.Crawler) {
	load := func(get func(*crawler.Stats) int64) func() float64 {
		return func() float64 {
			c := cr()
			if c == nil {
				return 0
			}
			return float64(get(&c.Stats))
		}
	}
	reg.Counter("pages_fetched_total", "Responses received, any status.", load(func(s *crawler.Stats) int64 { return s.Fetched.Load() }))
	reg.CounterBy("pages_failed_total", "Pages not turned into articles, by reason: error (failed for good after retries), not_article, refused (robots.txt, traps, duplicates).", "reason",
		map[string]func() float64{
			"error":       load(func(s *crawler.Stats) int64 { return s.Failed.Load() }),
			"not_article": load(func(s *crawler.Stats) int64 { return s.Skipped.Load() }),
			"refused":     load(func(s *crawler.Stats) int64 { return s.Refused.Load() }),
		})
	reg.Counter("robots_refusals_total", "URLs not fetched because robots.txt disallows them.", load(func(s *crawler.Stats) int64 { return s.Robots.Load() }))
	reg.Counter("pages_retried_total", "Transient fetch failures scheduled again.", load(func(s *crawler.Stats) int64 { return s.Retried.Load() }))
	reg.Counter("fetched_bytes_total", "Bytes of page bodies received.", load(func(s *crawler.Stats) int64 { return s.Bytes.Load() }))
	reg.Counter("articles_crawled_total", "Clean articles put on the bus by the crawler.", load(func(s *crawler.Stats) int64 { return s.Articles.Load() }))
	reg.Counter("pages_recleaned_total", "A new site's first article pages cleaned again once the site's learned boilerplate layer was ready.", load(func(s *crawler.Stats) int64 { return s.Recleaned.Load() }))
	reg.Counter("recleaned_versions_total", "New versions of articles put on the bus because cleaning their page again changed the body.", load(func(s *crawler.Stats) int64 { return s.Revised.Load() }))
	reg.Counter("first_pages_unrecleaned_total", "A new site's first article pages never cleaned again: no room to keep them, or the site's learned layer was not ready within the hour.", load(func(s *crawler.Stats) int64 { return s.Unrecleaned.Load() }))
	kept := func(bytes bool) func() float64 {
		return func() float64 {
			c := cr()
			if c == nil {
				return 0
			}
			p, b := c.FirstPagesKept()
			if bytes {
				return float64(b)
			}
			return float64(p)
		}
	}
	reg.Gauge("first_pages_kept", "A new site's first article pages held in memory until the site's learned layer is ready to clean them again.", kept(false))
	reg.Gauge("first_pages_kept_bytes", "Bytes the first pages held take (HTML deflated, bodies emitted); bounded by 64 MiB.", kept(true))
	reg.Gauge("fetches_in_flight", "Fetches under way.", load(func(s *crawler.Stats) int64 { return s.InFlight.Load() }))
	var mu sync.Mutex
	var seen int64
	var at time.Time
	reg.Gauge("last_crawl_success_timestamp_seconds", "Unix time a page was last fetched (to scrape precision); 0 before the first.", func() float64 {
		c := cr()
		if c == nil {
			return 0
		}
		mu.Lock()
		defer mu.Unlock()
		if n := c.Stats.Fetched.Load(); n > seen {
			seen, at = n, time.Now()
		}
		if at.IsZero() {
			return 0
		}
		return float64(at.UnixNano()) / 1e9
	})
}

// frontierMetrics registers the crawl queue's size by state.
func frontierMetrics(reg *metrics.Registry, fr *sqlfrontier.Store, log *slog.Logger) {
	// One query gives all four states; a scrape reads it once.
	var mu sync.Mutex
	var at time.Time
	var cached map[string]int
	get := func(state string) func() float64 {
		return func() float64 {
			mu.Lock()
			defer mu.Unlock()
			if time.Since(at) > time.Second {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				s, err := fr.Frontier(ctx)
				if err != nil {
					log.Warn("metrics: frontier", "err", err)
					return -1
				}
				cached, at = map[string]int{"pending": s.Pending, "in_flight": s.InFlight, "done": s.Done, "failed": s.Failed}, time.Now()
			}
			return float64(cached[state])
		}
	}
	fns := map[string]func() float64{}
	for _, s := range []string{"pending", "in_flight", "done", "failed"} {
		fns[s] = get(s)
	}
	reg.GaugeBy("frontier_urls", "URLs the crawler knows, by state.", "state", fns)
}

// roleMetrics registers a consuming role's counters.
func roleMetrics(reg *metrics.Registry, role string, stats *RoleStats) {
	reg.CounterBy("stage_articles_total", "Articles a stage finished, by outcome (done, failed: dead-lettered).", "outcome",
		map[string]func() float64{
			"done":   func() float64 { return float64(stats.Stage.Done.Load()) },
			"failed": func() float64 { return float64(stats.Stage.Failed.Load()) },
		})
	if role == "index" {
		reg.Counter("articles_stored_total", "Articles written to the store.", func() float64 { return float64(stats.Stage.Done.Load()) })
	}
}

// kafkaCheck is ready when a broker accepts a connection.
func kafkaCheck(brokers []string) metrics.Check {
	return metrics.Check{Name: "kafka", Check: func(ctx context.Context) error {
		var last error
		for _, b := range brokers {
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", b)
			if err == nil {
				c.Close()
				return nil
			}
			last = err
		}
		return fmt.Errorf("no broker reachable: %w", last)
	}}
}

// storeCheck is ready when the embedded store answers.
func storeCheck(st *sqlite.Store) metrics.Check {
	return metrics.Check{Name: "store", Check: func(ctx context.Context) error { _, err := st.Count(ctx); return err }}
}

// startRoleOps serves a consuming role's metrics and health on listen;
// the returned stats are the role's counts, read by the metrics, and
// topic is the topic the role consumes with k.
func startRoleOps(ctx context.Context, env Env, listen, role string, k Kafka, topic string, log *slog.Logger, local *sqlite.Store, reg *metrics.Registry) (*RoleStats, func(), error) {
	stats := &RoleStats{}
	roleMetrics(reg, role, stats)
	kafkaBusMetrics(reg, log, role, k, topic)
	var checks []metrics.Check
	if local != nil {
		checks = append(checks, storeCheck(local))
		outboxMetrics(reg, local, log)
	}
	stop, err := startOps(ctx, listen, reg.Ops(log, append(checks, kafkaCheck(k.Conn.Brokers))...), env.Stderr)
	return stats, stop, err
}

// startServer serves the web page, API, metrics and health of run and demo
// on cfg.Listen while they crawl, over the same store; with no --listen it
// does nothing.
func startServer(ctx context.Context, env Env, cfg *RunConfig, st *sqlite.Store, p *Local, log *slog.Logger, reg *metrics.Registry) (stop func(), err error) {
	if cfg.Listen == "" {
		return func() {}, nil
	}
	token, err := apiToken(cfg.API, cfg.Listen)
	if err != nil {
		return nil, err
	}
	// The same frontier the pipeline crawls with: its tables in st.
	fr := sqlfrontier.New(st)
	crawlMetrics(reg, func() *crawler.Crawler { return p.Crawler })
	frontierMetrics(reg, fr, log)
	reg.Counter("articles_stored_total", "Articles written to the store.", func() float64 { return float64(p.Index.Done.Load()) })
	outboxMetrics(reg, st, log)
	stall := newStallCheck(cfg.StallAfter, time.Now, crawlerFetched(func() *crawler.Crawler { return p.Crawler }), fr.Outlook)
	h, err := newServer(st, st, token, cfg.Stories.AllowPrivateWebhooks, reg, log, storeCheck(st), stall.Check())
	if err != nil {
		return nil, err
	}
	return startOps(ctx, cfg.Listen, h, env.Stderr)
}

// outboxMetrics registers the size of the alert outbox in st.
func outboxMetrics(reg *metrics.Registry, st *sqlite.Store, log *slog.Logger) {
	read := func(givenUp bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p, g, err := alert.NewSQLiteStore(st).Outbox(ctx)
			if err != nil {
				log.Warn("metrics: outbox", "err", err)
				return -1
			}
			if givenUp {
				return float64(g)
			}
			return float64(p)
		}
	}
	reg.GaugeBy("alerts_outbox_entries", "Alerts waiting in the outbox (pending), and those given up after too many attempts (given_up).", "state",
		map[string]func() float64{"pending": read(false), "given_up": read(true)})
}
