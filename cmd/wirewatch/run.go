package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/peterbourgon/ff/v3/ffcli"
	"golang.org/x/term"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

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

// runPipeline runs the run role for command (run or demo); after, when
// set, runs once the crawl is done, before the web page is served on.
func runPipeline(ctx context.Context, e env, command string, cfg *pipeline.RunConfig, after func(context.Context, *sqlite.Store) error) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	r, err := pipeline.NewRun(ctx, *cfg, e.roleEnv(command))
	if err != nil {
		return err
	}
	defer r.Close()
	// The first signal (ctx) stops fetching and drains; a second aborts.
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
		again := make(chan os.Signal, 1)
		notifyInterrupt(again)
		defer signal.Stop(again)
		select {
		case <-again:
			abort()
		case <-finished:
		}
	}()
	if err := r.Run(runCtx, ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return context.Canceled
	}
	if after != nil {
		if err := after(context.Background(), r.Store); err != nil {
			return err
		}
	}
	finish() // a Ctrl-C now only stops the server
	r.Serve(ctx)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func demoCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var cfg pipeline.DemoConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
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
			cfg.OnSite(site.URL, fs)
			return runPipeline(ctx, e, "demo", &cfg.RunConfig, func(ctx context.Context, st *sqlite.Store) error {
				n, err := st.Count(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "\n%d articles stored in %s\n", n, st.Path())
				for _, qs := range cfg.Queries {
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

func notifyInterrupt(ch chan<- os.Signal) { signal.Notify(ch, os.Interrupt, syscall.SIGTERM) }
