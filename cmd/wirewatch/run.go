package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"
	"golang.org/x/term"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// startStoryState starts the background work of a process that keeps
// stories and alerts in st: the saved-search notifier, alerting to out
// (see startAlerts), and the pruner of fingerprints older than window.
// stop ends both.
func startStoryState(e env, st *sqlite.Store, out string, window time.Duration, log *slog.Logger, w webhooks) (alerts *alert.Notifier, stop func(), err error) {
	alerts, stopAlerts, err := startAlerts(e, out, st, log, w)
	if err != nil {
		return nil, nil, err
	}
	stopPruner := startStoryPruner(st, window, log)
	return alerts, func() { stopPruner(); stopAlerts() }, nil
}

// startStoryPruner prunes st's story fingerprints older than window in
// the background; stop ends it.
func startStoryPruner(st *sqlite.Store, window time.Duration, log *slog.Logger) (stop func()) {
	p := story.NewPruner(story.NewSQLiteIndex(st), story.Options{Retention: window, Logger: log})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { p.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}

func runCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var cfg pipeline.RunConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
	return &ffcli.Command{
		Name:       "run",
		ShortUsage: "wirewatch run --seeds SEED... [--data DIR] [--once]",
		ShortHelp:  "run every stage in one process over the embedded store",
		LongHelp: "run crawls the seeds (pages, RSS/Atom/RDF feeds, sitemaps, or files listing them),\n" +
			"cleans and tags every article and stores it under --data. Seeds may also follow\n" +
			"the flags as arguments. Ctrl-C stops fetching and lets articles in flight finish;\n" +
			"a second Ctrl-C stops at once. Re-running resumes where the last run stopped.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			cfg.Crawler.Seeds = append(cfg.Crawler.Seeds, args...)
			return runPipeline(ctx, e, "run", &cfg, nil)
		},
	}
}

// runPipeline runs the local pipeline for command (run or demo); after,
// when set, runs once it is done.
func runPipeline(ctx context.Context, e env, command string, cfg *pipeline.RunConfig, after func(context.Context, *sqlite.Store) error) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := cfg.Logger(e.stderr)
	if err != nil {
		return err
	}
	seeds, err := cfg.Crawler.Entries()
	if err != nil {
		return err
	}
	opts, err := cfg.Crawler.Options()
	if err != nil {
		return err
	}
	release, err := lockData(cfg.Data, command, exclusive)
	if err != nil {
		return err
	}
	defer release()
	st, err := sqlite.Open(ctx, cfg.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
	if err != nil {
		return err
	}
	reg := metrics.New(version)
	alerts, stopStories, err := startStoryState(e, st, cfg.Stories.AlertsOut, cfg.Stories.Window, log, webhooks{allowPrivate: cfg.Stories.AllowPrivateWebhooks, reg: reg})
	if err != nil {
		return err
	}
	defer stopStories()
	live := cfg.Crawler.Progress == "always" || (cfg.Crawler.Progress == "auto" && isTerminal(e.stderr))
	if live {
		// Keep the live line readable: only warnings go to the terminal.
		log, _ = (&pipeline.Base{LogFormat: cfg.LogFormat, LogLevel: "warn"}).Logger(e.stderr)
	}
	p := pipeline.NewLocal(st, ex, pipeline.Config{Seeds: seeds, Crawl: opts, Logger: log, Alerts: alerts})
	stopServe, err := startServer(ctx, e, cfg, st, p, log, reg)
	if err != nil {
		return err
	}
	defer stopServe()

	// The first signal stops fetching and drains; the outer ctx (a second
	// signal) aborts.
	crawlCtx, stopCrawl := context.WithCancel(context.Background())
	defer stopCrawl()
	runCtx, abort := context.WithCancel(context.Background())
	defer abort()
	finished := make(chan struct{})
	finish := sync.OnceFunc(func() { close(finished) })
	defer finish()
	go func() {
		select {
		case <-ctx.Done():
		case <-finished:
			return
		}
		stopCrawl()
		log.Warn("stopping: finishing articles in flight (interrupt again to abort)")
		again := make(chan os.Signal, 1)
		notifyInterrupt(again)
		defer signal.Stop(again)
		select {
		case <-again:
			abort()
		case <-finished:
		}
	}()
	rep := newReporter(e.stderr, p, log, live)
	done := make(chan struct{})
	go rep.loop(done)
	start := time.Now()
	err = p.Run(runCtx, crawlCtx)
	close(done)
	rep.final(time.Since(start))
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return context.Canceled
	}
	if after != nil {
		if err := after(context.Background(), st); err != nil {
			return err
		}
	}
	finish() // a Ctrl-C now only stops the server
	return serveUntilInterrupted(ctx, e, cfg.Listen)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reporter shows progress: a live line on a terminal, logs elsewhere.
type reporter struct {
	w       io.Writer
	p       *pipeline.Local
	log     *slog.Logger
	live    bool
	pending int // URLs waiting in the frontier, from the last snapshot
}

func newReporter(w io.Writer, p *pipeline.Local, log *slog.Logger, live bool) *reporter {
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

func demoCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var cfg pipeline.RunConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
	var queries pipeline.StringList
	fs.Var(&queries, "query", "queries to show after the crawl (repeatable)")
	return &ffcli.Command{
		Name:       "demo",
		ShortUsage: "wirewatch demo [--data DIR]",
		ShortHelp:  "serve the bundled demo site on loopback, crawl it, and show search results",
		LongHelp: "demo starts a small news site on 127.0.0.1 built from the bundled real news pages\n" +
			"(section page, RSS feed, sitemap, robots.txt), runs the whole pipeline on it once\n" +
			"with the real crawler, and prints a few searches. No network or server needed.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			site, err := demosite.Start()
			if err != nil {
				return err
			}
			defer site.Close()
			fmt.Fprintf(e.stdout, "demo site with %d articles at %s\n", len(site.Truth()), site.URL)
			cfg.Crawler.Seeds = []string{site.URL + "/"}
			cfg.Crawler.Once = true
			if !flagSet(fs, "delay") {
				cfg.Crawler.Delay = 0 // our own loopback server
			}
			if !flagSet(fs, "per-host") {
				cfg.Crawler.PerHost = 4
			}
			if !flagSet(fs, "max-depth") {
				// The demo pages keep their sites' own relative links,
				// which lead nowhere on the demo host.
				cfg.Crawler.MaxDepth = 1
			}
			if len(queries) == 0 {
				queries = []string{"place:Ukraine", "person:Trump tariffs", "org:NATO", `person:"Keir Starmer"`}
			}
			return runPipeline(ctx, e, "demo", &cfg, func(ctx context.Context, st *sqlite.Store) error {
				n, err := st.Count(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "\n%d articles stored in %s\n", n, st.Path())
				for _, qs := range queries {
					q, err := query.Parse(qs)
					if err != nil {
						return err
					}
					hits, err := st.SearchStories(ctx, q, 3)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "\n$ wirewatch search --data %s %q\n", cfg.Data, qs)
					printHits(e.stdout, hits)
				}
				return nil
			})
		},
	}
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func notifyInterrupt(ch chan<- os.Signal) { signal.Notify(ch, os.Interrupt, syscall.SIGTERM) }
