package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/internal/datalock"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// Run is the run role, which demo runs on the demo site: every stage in
// one process over the embedded store, with the web page and API on
// --listen while it crawls.
type Run struct {
	// Local is the pipeline.
	Local *Local
	// Store is the embedded store under --data that the pipeline writes
	// and the web page reads.
	Store *sqlite.Store

	cfg     RunConfig
	env     Env
	log     *slog.Logger
	live    bool     // a live progress line on env.Stderr, not log lines
	closers []func() // in the order they are to run
}

// NewRun validates cfg and builds the run role: it takes the lock of
// cfg.Data, opens the store there, starts the saved-search notifier and
// the story pruner, and, with --listen, serves the web page, the API,
// /metrics, /livez and /readyz. Close releases all of it.
func NewRun(ctx context.Context, cfg RunConfig, env Env) (_ *Run, err error) {
	log, err := prepare(&cfg, &cfg.Base, env)
	if err != nil {
		return nil, err
	}
	seeds, err := cfg.Crawler.Entries()
	if err != nil {
		return nil, err
	}
	opts, err := cfg.Crawler.Options()
	if err != nil {
		return nil, err
	}
	r := &Run{cfg: cfg, env: env, log: log}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	st, closeData, err := openData(ctx, cfg.Data, env.command("run"), datalock.Exclusive)
	if err != nil {
		return nil, err
	}
	r.Store = st
	r.closers = append(r.closers, closeData)
	ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
	if err != nil {
		return nil, err
	}
	reg := metrics.New(env.Version)
	alerts, stopStories, err := startStoryState(env, r.Store, cfg.Stories, log, reg)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, stopStories)
	r.live = cfg.Crawler.Progress == "always" || (cfg.Crawler.Progress == "auto" && env.Terminal)
	if r.live {
		// Keep the live line readable: only warnings go to the terminal.
		r.log, _ = (&Base{LogFormat: cfg.LogFormat, LogLevel: "warn"}).Logger(env.Stderr)
	}
	r.Local = NewLocal(r.Store, ex, Config{Seeds: seeds, Crawl: opts, Logger: r.log, Alerts: alerts})
	stopServe, err := startServer(ctx, env, &r.cfg, r.Store, r.Local, r.log, reg)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, stopServe)
	return r, nil
}

// Run crawls until crawlCtx ends (or, with --once, until the crawl is
// done), then lets the later stages finish the articles in flight; ctx
// aborts everything at once. It shows progress on env.Stderr as it goes
// and the totals at the end.
func (r *Run) Run(ctx, crawlCtx context.Context) error {
	stopping := context.AfterFunc(crawlCtx, func() {
		r.log.Warn("stopping: finishing articles in flight (interrupt again to abort)")
	})
	defer stopping()
	rep := newReporter(r.env.Stderr, r.Local, r.log, r.live)
	done := make(chan struct{})
	go rep.loop(done)
	start := time.Now()
	err := r.Local.Run(ctx, crawlCtx)
	close(done)
	rep.final(time.Since(start))
	return err
}

// Serve keeps serving the web page after a crawl that ended by itself
// (--once, demo) until ctx ends, so that `make run` ends on the page;
// without --listen it returns at once.
func (r *Run) Serve(ctx context.Context) {
	if r.cfg.Listen == "" || ctx.Err() != nil {
		return
	}
	fmt.Fprintf(r.env.Stdout, "\nCrawl done. The web page is at http://%s/ until Ctrl-C.\n", r.cfg.Listen)
	<-ctx.Done()
}

// Close stops serving and the background work, closes the store and
// releases the data directory.
func (r *Run) Close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
	r.closers = nil
}

// reporter shows progress: a live line on a terminal, logs elsewhere.
type reporter struct {
	w       io.Writer
	p       *Local
	log     *slog.Logger
	live    bool
	pending int // URLs waiting in the frontier, from the last snapshot
}

func newReporter(w io.Writer, p *Local, log *slog.Logger, live bool) *reporter {
	return &reporter{w: w, p: p, log: log, live: live}
}

func (r *reporter) loop(done <-chan struct{}) {
	every := 10 * time.Second
	if r.live {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	start := time.Now()
	var snapAt time.Time
	for {
		select {
		case <-done:
			return
		case <-t.C:
			// A snapshot counts the frontier's rows: refresh it rarely.
			if time.Since(snapAt) >= 5*time.Second {
				snapAt = time.Now()
				if snap, err := r.p.Crawler.Snapshot(context.Background()); err == nil {
					r.pending = snap.Queue.Pending
				}
			}
			r.show(time.Since(start))
		}
	}
}

func (r *reporter) show(elapsed time.Duration) {
	s := &r.p.Crawler.Stats
	fetched := s.Fetched.Load()
	rate := float64(fetched) / max(elapsed.Seconds(), 0.001)
	cq, tq := r.p.QueueDepth()
	failed := s.Failed.Load() + r.p.Extract.Failed.Load() + r.p.Index.Failed.Load()
	if r.live {
		fmt.Fprintf(r.w, "\r\033[Kfound %d  fetched %d (%.1f/s)  extracted %d  indexed %d  failed %d  to fetch %d  queued %d/%d",
			s.Found.Load(), fetched, rate, r.p.Extract.Done.Load(), r.p.Index.Done.Load(), failed, r.pending, cq, tq)
		return
	}
	r.log.Info("progress", "found", s.Found.Load(), "fetched", fetched, "pages_per_s", fmt.Sprintf("%.1f", rate),
		"extracted", r.p.Extract.Done.Load(), "indexed", r.p.Index.Done.Load(), "failed", failed,
		"to_fetch", r.pending, "queue_clean", cq, "queue_tagged", tq)
}

// final reports the totals and the busiest hosts.
func (r *reporter) final(elapsed time.Duration) {
	snap, err := r.p.Crawler.Snapshot(context.Background())
	if err == nil {
		r.pending = snap.Queue.Pending
	}
	r.show(elapsed)
	if r.live {
		fmt.Fprintln(r.w)
	}
	s := &r.p.Crawler.Stats
	r.log.Info("run finished", "elapsed", elapsed.Round(time.Millisecond), "fetched", s.Fetched.Load(),
		"articles", s.Articles.Load(), "not_articles", s.Skipped.Load(), "indexed", r.p.Index.Done.Load(),
		"failed", s.Failed.Load()+r.p.Extract.Failed.Load()+r.p.Index.Failed.Load(), "bytes", s.Bytes.Load())
	if err != nil {
		return
	}
	hosts := snap.Hosts
	if len(hosts) > 10 {
		hosts = hosts[:10]
	}
	if r.live && len(hosts) > 0 {
		fmt.Fprintf(r.w, "%-32s %8s %7s %10s %9s\n", "host", "fetched", "failed", "bytes", "latency")
		for _, h := range hosts {
			fmt.Fprintf(r.w, "%-32s %8d %7d %10d %9s\n", h.Host, h.Fetched, h.Failed, h.Bytes, h.Latency.Round(time.Millisecond))
		}
		return
	}
	for _, h := range hosts {
		r.log.Info("host", "host", h.Host, "fetched", h.Fetched, "failed", h.Failed, "bytes", h.Bytes,
			"mean_latency", h.Latency.Round(time.Millisecond))
	}
}
