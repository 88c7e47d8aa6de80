package pipeline

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/internal/datalock"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// Env is what a role needs of the process that runs it.
type Env struct {
	// Stdout receives alerts with --alerts-out - and what run and demo
	// print for the user.
	Stdout io.Writer
	// Stderr receives the logs, the address a role listens on and run's
	// live progress line.
	Stderr io.Writer
	// Terminal says Stderr is a terminal: --progress auto then shows the
	// live line.
	Terminal bool
	// Version is the program's version, reported by /metrics.
	Version string
	// Command names the command in the data directory's lock, so that a
	// second process refused the directory can say who holds it (default:
	// the role's name).
	Command string
}

// command is env's command name, or role's when it has none.
func (env Env) command(role string) string {
	if env.Command != "" {
		return env.Command
	}
	return role
}

// prepare validates a role's configuration and returns its logger.
func prepare(cfg interface{ Validate() error }, base *Base, env Env) (*slog.Logger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return base.Logger(env.Stderr)
}

// RunCrawl runs the crawl role (see Crawl): the crawler as one process of
// the consumer group cfg.Group, with the local cache of the hosts it owns
// under cfg.Data, until ctx ends or, with --once, the crawl is done. It
// validates cfg first.
func RunCrawl(ctx context.Context, cfg CrawlConfig, env Env) error {
	log, err := prepare(&cfg, &cfg.Base, env)
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
	k, err := cfg.Kafka.Kafka(log)
	if err != nil {
		return err
	}
	k.GroupID, k.SessionTimeout = cfg.Group, cfg.SessionTimeout
	st, closeData, err := openData(ctx, cfg.Data, env.command("crawl"), datalock.Exclusive)
	if err != nil {
		return err
	}
	defer closeData()
	reg := metrics.New(env.Version)
	var running atomic.Pointer[crawler.Crawler]
	crawlMetrics(reg, running.Load)
	// The local cache's frontier: the hosts this process owns.
	cache := sqlfrontier.New(st)
	frontierMetrics(reg, cache, log)
	stopOps, err := startOps(ctx, cfg.Listen, reg.Ops(log, storeCheck(st), kafkaCheck(k.Conn.Brokers),
		newStallCheck(cfg.StallAfter, time.Now, crawlerFetched(running.Load), cache.Outlook).Check()), env.Stderr)
	if err != nil {
		return err
	}
	defer stopOps()
	start := time.Now()
	cr, err := CrawlWith(ctx, k, st, seeds, opts, CrawlGroup{ByDomain: cfg.PartitionBy == "domain"}, running.Store)
	if cr != nil {
		s := &cr.Stats
		log.Info("crawl finished", "elapsed", time.Since(start).Round(time.Millisecond), "fetched", s.Fetched.Load(),
			"articles", s.Articles.Load(), "produced", s.Completed.Load(), "failed", s.Failed.Load())
	}
	return err
}

// RunExtract runs the extract role (see Extract) until ctx ends, then
// drains. It validates cfg first.
func RunExtract(ctx context.Context, cfg ExtractConfig, env Env) error {
	log, err := prepare(&cfg, &cfg.Base, env)
	if err != nil {
		return err
	}
	k, err := cfg.Consumer.Config(log)
	if err != nil {
		return err
	}
	ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
	if err != nil {
		return err
	}
	stats, stopOps, err := startRoleOps(ctx, env, cfg.Consumer.Listen, "extract", k, k.Topics.Clean, log, nil, metrics.New(env.Version))
	if err != nil {
		return err
	}
	defer stopOps()
	return Extract(ctx, k, ex, stats)
}

// RunStory runs the story role (see Story) over the story fingerprints and
// saved searches in the embedded store under cfg.Data, until ctx ends,
// then drains. It validates cfg first.
func RunStory(ctx context.Context, cfg StoryConfig, env Env) error {
	log, err := prepare(&cfg, &cfg.Base, env)
	if err != nil {
		return err
	}
	k, err := cfg.Consumer.Config(log)
	if err != nil {
		return err
	}
	local, closeData, err := openData(ctx, cfg.Data, env.command("story"), datalock.Exclusive)
	if err != nil {
		return err
	}
	defer closeData()
	reg := metrics.New(env.Version)
	alerts, stopStories, err := startStoryState(env, local, cfg.Stories, log, reg)
	if err != nil {
		return err
	}
	defer stopStories()
	stats, stopOps, err := startRoleOps(ctx, env, cfg.Consumer.Listen, "story", k, k.Topics.Tagged, log, local, reg)
	if err != nil {
		return err
	}
	defer stopOps()
	return Story(ctx, k, story.NewSQLiteIndex(local), stats, alerts)
}

// RunIndex runs the index role (see Index and IndexBulk) until ctx ends,
// then drains: into Elasticsearch with cfg.ES, else into the embedded
// store under cfg.Data. Without cfg.StoryRole it clusters stories and
// alerts itself, from the fingerprints and saved searches under cfg.Data.
// It validates cfg first.
func RunIndex(ctx context.Context, cfg IndexConfig, env Env) error {
	log, err := prepare(&cfg, &cfg.Base, env)
	if err != nil {
		return err
	}
	k, err := cfg.Consumer.Config(log)
	if err != nil {
		return err
	}
	reg := metrics.New(env.Version)
	stats, stopOps, err := startRoleOps(ctx, env, cfg.Consumer.Listen, "index", k, indexTopic(k, cfg.StoryRole), log, nil, reg)
	if err != nil {
		return err
	}
	defer stopOps()
	var sink *indexer.Bulk
	if cfg.ES.Enabled() {
		esStore, err := elastic.Open(ctx, cfg.ES, log)
		if err != nil {
			return err
		}
		sink = indexer.NewBulk(esStore, indexer.BulkConfig{Logger: log, OnRequest: bulkMetrics(reg)})
	}
	if cfg.StoryRole && sink != nil {
		return IndexBulk(ctx, k, sink, nil, stats)
	}
	// The embedded store under --data keeps the story fingerprints even
	// when the articles go to Elasticsearch: story assignment needs an
	// atomic lookup-and-add, which SQLite gives and Elasticsearch does
	// not. Index processes on one host share it.
	local, closeData, err := openData(ctx, cfg.Data, env.command("index"), datalock.Shared)
	if err != nil {
		return err
	}
	defer closeData()
	if cfg.StoryRole {
		return Index(ctx, k, local, nil, stats)
	}
	// Saved searches and the alerts already fired live there too, so
	// index processes on one host alert once per story between them
	// (alerts add --data DIR manages them).
	alerts, stopStories, err := startStoryState(env, local, cfg.Stories, log, reg)
	if err != nil {
		return err
	}
	defer stopStories()
	if sink != nil {
		return IndexBulk(ctx, k, sink, story.NewSQLiteIndex(local), stats, alerts)
	}
	return Index(ctx, k, local, story.NewSQLiteIndex(local), stats, alerts)
}

// openData locks the data directory dir for command in mode and opens the
// embedded store in it; closeData closes the store, then releases the
// lock, so that no other process opens the store while this one writes.
func openData(ctx context.Context, dir, command string, mode datalock.Mode) (st *sqlite.Store, closeData func(), err error) {
	release, err := datalock.Lock(dir, command, mode)
	if err != nil {
		return nil, nil, err
	}
	if st, err = sqlite.Open(ctx, dir); err != nil {
		release()
		return nil, nil, err
	}
	return st, func() { st.Close(); release() }, nil
}
