// Package pipeline wires the stages together. It is the one place that
// knows the diagram:
//
//	seeds → crawler (fetch, clean) → [clean] → extractor (tag) → [tagged] → story → indexer → store
//
// The brackets are bus topics: in-process queues for a single binary, Kafka
// topics when the stages run as separate processes. The stages do not know
// which.
//
// It also builds every role of the wirewatch command from one
// configuration struct (config.go): RunConfig for run and demo (NewRun),
// CrawlConfig (RunCrawl), ExtractConfig (RunExtract), StoryConfig
// (RunStory), IndexConfig (RunIndex) and ServeConfig (RunServe). Each struct
// registers its flags, with their defaults, and validates them; the flag
// groups roles share (Base, CrawlerFlags, KafkaFlags, ConsumerFlags,
// StoryFlags, APIFlags) are registered by one method each. The command
// only parses flags into a configuration and runs it.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/internal/stage"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// Config configures a single-process run.
type Config struct {
	Seeds []frontier.Entry
	Crawl crawler.Options
	// ExtractWorkers tags articles in parallel (default: the number of CPUs).
	ExtractWorkers int
	// Queue bounds each in-process topic (default 64).
	Queue int
	// Alerts, when set, runs on each article once it is stored (the alert
	// notifier), so that no alert points at an article not yet searchable.
	Alerts stage.Processor
	Logger *slog.Logger
}

// Local is a single-process pipeline over the embedded store.
type Local struct {
	Crawler *crawler.Crawler
	Extract stage.Stats
	Index   stage.Stats
	clean   *bus.Memory
	tagged  *bus.Memory
	ex      *extractor.Extractor
	store   *sqlite.Store
	cfg     Config
}

// NewLocal builds every stage over st. ex may be shared between pipelines;
// its models are loaded once.
func NewLocal(st *sqlite.Store, ex *extractor.Extractor, cfg Config) *Local {
	if cfg.Queue <= 0 {
		cfg.Queue = 64
	}
	if cfg.ExtractWorkers <= 0 {
		cfg.ExtractWorkers = runtime.NumCPU()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Crawl.Logger = cfg.Logger
	l := &Local{clean: bus.NewMemory(cfg.Queue), tagged: bus.NewMemory(cfg.Queue), ex: ex, store: st, cfg: cfg}
	// The crawl frontier and the cleaner's site statistics keep their
	// tables in the store's file, so one file holds all of the run's state.
	cleaner := clean.New(clean.Options{Stats: clean.NewSQLiteStats(st), Logger: cfg.Logger})
	l.Crawler = crawler.New(sqlfrontier.New(st), cleaner, l.clean, cfg.Crawl)
	return l
}

// Run crawls until crawlCtx ends (or, with Once, until the crawl is done),
// then lets the later stages drain what is already on the bus. ctx aborts
// everything at once; anything unacknowledged is fetched again next run.
func (l *Local) Run(ctx, crawlCtx context.Context) error {
	extract := &stage.Stage{Name: "extract", In: l.clean, Out: l.tagged, Workers: l.cfg.ExtractWorkers,
		Proc: stage.ProcessorFunc(l.ex.Tag), Logger: l.cfg.Logger, Stats: &l.Extract}
	// The index stage assigns the story before storing, so the stored
	// article carries its story_id; alerts come after the store.
	steps := []stage.Processor{story.NewAssigner(story.NewSQLiteIndex(l.store), story.Options{}), indexer.New(l.store)}
	if l.cfg.Alerts != nil {
		steps = append(steps, l.cfg.Alerts)
	}
	index := &stage.Stage{Name: "index", In: l.tagged, Workers: 1,
		Proc:   stage.Chain(steps...),
		Logger: l.cfg.Logger, Stats: &l.Index}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		err := l.Crawler.Run(mergeCancel(ctx, crawlCtx), l.cfg.Seeds)
		if err != nil && crawlCtx.Err() != nil && ctx.Err() == nil {
			err = nil // asked to stop crawling: drain, not an error
		}
		errs[0] = err
		if err != nil {
			cancel()
		}
		l.clean.Close()
	}()
	go func() {
		defer wg.Done()
		errs[1] = extract.Run(ctx)
		if errs[1] != nil {
			cancel()
		}
		l.tagged.Close()
	}()
	go func() {
		defer wg.Done()
		errs[2] = index.Run(ctx)
		if errs[2] != nil {
			cancel()
		}
	}()
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("pipeline %s: %w", []string{"crawl", "extract", "index"}[i], err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return nil
}

// QueueDepth reports how many articles wait on each topic.
func (l *Local) QueueDepth() (clean, tagged int) { return l.clean.Len(), l.tagged.Len() }

// mergeCancel returns a context that ends when either parent ends.
func mergeCancel(a, b context.Context) context.Context {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	go func() { <-ctx.Done(); stop() }()
	return ctx
}
