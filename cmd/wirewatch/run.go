package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"
	"golang.org/x/term"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// crawlFlags are the crawler's settings, shared by run and demo.
type crawlFlags struct {
	common
	once         bool
	seeds        stringList
	userAgent    string
	delay        time.Duration
	workers      int
	perHost      int
	timeout      time.Duration
	maxBytes     int
	maxDepth     int
	retries      int
	repoll       time.Duration
	repollMin    time.Duration
	repollMax    time.Duration
	recheckMin   time.Duration
	recheckMax   int
	maxPages     int
	maxRedirects int
	retryWait    time.Duration
	ignoreRobots bool
	allowPrivate bool
	include      stringList
	exclude      stringList
	progress     string
	alertsOut    string
	storyWindow  time.Duration // run and demo only: see registerStoryWindow
	listen       string        // see registerListen
	stallAfter   time.Duration // see registerStallAfter
	serve        serveFlags    // run and demo only
}

// stringList is a repeatable flag that also splits on commas and spaces,
// so that WIREWATCH_SEEDS="a b" works from the environment.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		*l = append(*l, f)
	}
	return nil
}

func (f *crawlFlags) register(fs *flag.FlagSet) {
	f.common.register(fs)
	d := crawler.DefaultOptions() // the defaults are defined there, once
	fs.BoolVar(&f.once, "once", false, "stop when nothing is left to fetch (default: keep polling the seeds)")
	fs.Var(&f.seeds, "seeds", "seed URLs (pages, feeds, sitemaps) or files of URLs; repeatable, comma-separated")
	fs.StringVar(&f.userAgent, "user-agent", d.UserAgent, "User-Agent; name a contact URL")
	fs.DurationVar(&f.delay, "delay", d.Delay, "pause between requests to one host (0: none)")
	fs.IntVar(&f.workers, "workers", d.Workers, "concurrent fetches overall")
	fs.IntVar(&f.perHost, "per-host", d.PerHost, "concurrent fetches per host")
	fs.DurationVar(&f.timeout, "timeout", d.Timeout, "timeout of one request")
	fs.IntVar(&f.maxBytes, "max-bytes", d.MaxBytes, "largest page accepted, decoded; larger ones are reported, not truncated")
	fs.IntVar(&f.maxDepth, "max-depth", d.MaxDepth, "link hops followed from a seed (0: none; a seed feed's or sitemap's entries are still fetched)")
	fs.IntVar(&f.retries, "retries", d.Retries, "retries of a transient failure (timeouts, 429, 5xx; 0: none)")
	fs.DurationVar(&f.repoll, "repoll", d.Repoll, "first re-poll interval of seeds, feeds and sitemaps without --once")
	fs.DurationVar(&f.repollMin, "repoll-min", d.RepollMin, "shortest re-poll interval (reached while a feed keeps yielding new items)")
	fs.DurationVar(&f.repollMax, "repoll-max", d.RepollMax, "longest re-poll interval (reached while a feed yields nothing new)")
	fs.DurationVar(&f.recheckMin, "recheck-min", d.RecheckMin, "least time between two fetches of an article that a feed or sitemap says changed since it was fetched")
	fs.IntVar(&f.recheckMax, "recheck-max", d.RecheckMax, "most re-checks of one article over its life (0: articles are fetched once, never re-checked)")
	fs.IntVar(&f.maxPages, "max-pages", d.MaxPages, "most URLs queued per site, across runs (0: no limit); a seed's max-pages= overrides it")
	fs.IntVar(&f.maxRedirects, "max-redirects", d.MaxRedirects, "longest redirect chain followed (0: a redirect fails the URL)")
	fs.DurationVar(&f.retryWait, "retry-wait", d.RetryWait, "back-off before the first retry, doubled for each further one")
	fs.BoolVar(&f.ignoreRobots, "ignore-robots", false, "ignore robots.txt (only for sites you own)")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "fetch from loopback, private, link-local (cloud metadata) and unique-local addresses even when no seed is in their range")
	fs.Var(&f.include, "include", "regexp a discovered URL must match (repeatable)")
	fs.Var(&f.exclude, "exclude", "regexp a discovered URL must not match (repeatable)")
	fs.StringVar(&f.progress, "progress", "auto", "live progress line: auto (on a terminal), always or never")
	fs.StringVar(&f.alertsOut, "alerts-out", "", "where saved-search alerts go: a file (JSON lines, appended), - for standard output, or empty for a log line each")
	registerListen(fs, &f.listen)
	registerStallAfter(fs, &f.stallAfter)
}

// registerStoryWindow adds --story-window to the commands that assign
// stories: run, demo and index.
func registerStoryWindow(fs *flag.FlagSet, window *time.Duration) {
	fs.DurationVar(window, "story-window", story.DefaultRetention,
		"how long story fingerprints are kept, by fetch time; a copy fetched later than this after its story's last kept copy starts a new story")
}

func checkStoryWindow(window time.Duration) error {
	if window <= 0 {
		return fmt.Errorf("--story-window must be positive, not %s", window)
	}
	return nil
}

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

func compileAll(flagName string, pats []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range pats {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: %w", flagName, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

func (f *crawlFlags) options() (crawler.Options, error) {
	inc, err := compileAll("include", f.include)
	if err != nil {
		return crawler.Options{}, err
	}
	exc, err := compileAll("exclude", f.exclude)
	if err != nil {
		return crawler.Options{}, err
	}
	// Every number is taken as given: zero means zero where it means
	// something (no delay, depth, retries, redirects, re-checks; no page
	// limit), and is refused where it would mean nothing, never silently
	// replaced by a default.
	positive := []struct {
		name string
		ok   bool
	}{
		{"workers", f.workers > 0}, {"per-host", f.perHost > 0}, {"max-bytes", f.maxBytes > 0},
		{"timeout", f.timeout > 0}, {"retry-wait", f.retryWait > 0}, {"recheck-min", f.recheckMin > 0},
		{"repoll", f.repoll > 0}, {"repoll-min", f.repollMin > 0}, {"repoll-max", f.repollMax > 0},
	}
	for _, p := range positive {
		if !p.ok {
			return crawler.Options{}, fmt.Errorf("--%s must be positive", p.name)
		}
	}
	notNegative := []struct {
		name string
		v    int
	}{
		{"max-depth", f.maxDepth}, {"retries", f.retries}, {"max-pages", f.maxPages},
		{"max-redirects", f.maxRedirects}, {"recheck-max", f.recheckMax},
	}
	for _, n := range notNegative {
		if n.v < 0 {
			return crawler.Options{}, fmt.Errorf("--%s must be at least 0, not %d", n.name, n.v)
		}
	}
	if f.delay < 0 {
		return crawler.Options{}, fmt.Errorf("--delay must be at least 0, not %s", f.delay)
	}
	return crawler.Options{
		Once: f.once, Repoll: f.repoll, UserAgent: f.userAgent, Delay: f.delay, Workers: f.workers,
		PerHost: f.perHost, Timeout: f.timeout, MaxBytes: f.maxBytes, MaxDepth: f.maxDepth, Retries: f.retries,
		IgnoreRobots: f.ignoreRobots, AllowPrivate: f.allowPrivate, Include: inc, Exclude: exc,
		RepollMin: f.repollMin, RepollMax: f.repollMax, MaxPages: f.maxPages, MaxRedirects: f.maxRedirects, RetryWait: f.retryWait,
		RecheckMin: f.recheckMin, RecheckMax: f.recheckMax,
	}, nil
}

func runCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var f crawlFlags
	f.register(fs)
	f.serve.register(fs)
	registerStoryWindow(fs, &f.storyWindow)
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
			f.seeds = append(f.seeds, args...)
			return runPipeline(ctx, e, "run", &f, nil)
		},
	}
}

// prepare checks the logging flags, the seeds and the crawler options, so
// that every crawling command reports bad input before it opens anything.
func (f *crawlFlags) prepare(e env) (*slog.Logger, []frontier.Entry, crawler.Options, error) {
	log, err := f.logger(e.stderr)
	if err != nil {
		return nil, nil, crawler.Options{}, err
	}
	if len(f.seeds) == 0 {
		return nil, nil, crawler.Options{}, errors.New("no seeds: give --seeds URL (a page, a feed or a sitemap) or a file of URLs")
	}
	seeds, err := crawler.ParseSeeds(f.seeds)
	if err != nil {
		return nil, nil, crawler.Options{}, err
	}
	opts, err := f.options()
	if err != nil {
		return nil, nil, crawler.Options{}, err
	}
	return log, seeds, opts, nil
}

// runPipeline runs the local pipeline for command (run or demo); after,
// when set, runs once it is done.
func runPipeline(ctx context.Context, e env, command string, f *crawlFlags, after func(context.Context, *sqlite.Store) error) error {
	log, seeds, opts, err := f.prepare(e)
	if err != nil {
		return err
	}
	if err := checkStoryWindow(f.storyWindow); err != nil {
		return err
	}
	release, err := lockData(f.data, command, exclusive)
	if err != nil {
		return err
	}
	defer release()
	st, err := sqlite.Open(ctx, f.data)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
	if err != nil {
		return err
	}
	reg := metrics.New(version)
	alerts, stopStories, err := startStoryState(e, st, f.alertsOut, f.storyWindow, log, webhooks{allowPrivate: f.serve.allowPrivate, reg: reg})
	if err != nil {
		return err
	}
	defer stopStories()
	live := f.progress == "always" || (f.progress == "auto" && isTerminal(e.stderr))
	if live {
		// Keep the live line readable: only warnings go to the terminal.
		log, _ = (&common{logFormat: f.logFormat, logLevel: "warn"}).logger(e.stderr)
	}
	p := pipeline.NewLocal(st, ex, pipeline.Config{Seeds: seeds, Crawl: opts, Logger: log, Alerts: alerts})
	stopServe, err := f.startServer(ctx, e, st, p, log, reg)
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
	return f.serveUntilInterrupted(ctx, e)
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
	var f crawlFlags
	f.register(fs)
	f.serve.register(fs)
	registerStoryWindow(fs, &f.storyWindow)
	var queries stringList
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
			f.seeds = []string{site.URL + "/"}
			f.once = true
			if !flagSet(fs, "delay") {
				f.delay = 0 // our own loopback server
			}
			if !flagSet(fs, "per-host") {
				f.perHost = 4
			}
			if !flagSet(fs, "max-depth") {
				// The demo pages keep their sites' own relative links,
				// which lead nowhere on the demo host.
				f.maxDepth = 1
			}
			if len(queries) == 0 {
				queries = []string{"place:Ukraine", "person:Trump tariffs", "org:NATO", `person:"Keir Starmer"`}
			}
			return runPipeline(ctx, e, "demo", &f, func(ctx context.Context, st *sqlite.Store) error {
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
					fmt.Fprintf(e.stdout, "\n$ wirewatch search --data %s %q\n", f.data, qs)
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
