package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/crawler/groupfrontier"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/internal/stage"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// Kafka configures the bus of the distributed roles. Each role is one
// stage of the in-process pipeline with Kafka topics for its input and
// output; the stage code is the same.
type Kafka struct {
	Conn   kafkabus.Conn
	Topics kafkabus.Topics
	// Partitions and Replication apply to topics created at start-up.
	Partitions  int
	Replication int
	Compression kafka.Compression
	// MaxMessageBytes is the broker's message size limit.
	MaxMessageBytes int
	// MaxInFlight bounds messages held by one process at a time, both
	// consumed and not yet committed and produced and not yet stored.
	MaxInFlight int
	// GroupID is the consumer group of a consuming role.
	GroupID string
	// Workers is the number of concurrent Process calls (default: CPUs).
	Workers int
	// Retries is how often a failed article is retried before it is
	// dead-lettered.
	Retries int
	// DrainTimeout bounds the graceful shutdown: after it, work still in
	// flight is abandoned uncommitted and is delivered again later.
	DrainTimeout time.Duration
	// SessionTimeout is how long the group waits for a dead member.
	SessionTimeout time.Duration
	Logger         *slog.Logger
}

func (k *Kafka) defaults() {
	if k.Partitions <= 0 {
		k.Partitions = defaultPartitions
	}
	if k.Replication <= 0 {
		k.Replication = defaultReplication
	}
	if k.Workers <= 0 {
		k.Workers = runtime.NumCPU()
	}
	if k.MaxInFlight <= 0 {
		k.MaxInFlight = defaultMaxInFlight
	}
	if k.Retries < 0 {
		k.Retries = 0
	}
	if k.DrainTimeout <= 0 {
		k.DrainTimeout = defaultDrainTimeout
	}
	if k.Logger == nil {
		k.Logger = slog.Default()
	}
}

// RoleStats counts what a distributed role did.
type RoleStats struct {
	Stage    stage.Stats
	Poisoned int64 // undecodable messages dead-lettered on arrival
}

// EnsureTopics creates the pipeline's topics when missing.
func (k *Kafka) EnsureTopics(ctx context.Context) error {
	k.defaults()
	return kafkabus.EnsureTopics(ctx, k.Conn, k.Partitions, k.Replication, k.Topics.All()...)
}

// crawlCache is the local cache of a crawl group's process: the owned
// hosts' frontier and the cleaner's statistics of their sites, both in the
// store's file.
type crawlCache struct {
	*sqlfrontier.Store
	*clean.SQLiteStats
}

var _ groupfrontier.Cache = crawlCache{}

func newCrawlCache(st *sqlite.Store) crawlCache {
	return crawlCache{sqlfrontier.New(st), clean.NewSQLiteStats(st)}
}

// CrawlGroup holds the settings of the crawl's consumer group beyond those
// of Kafka.
type CrawlGroup struct {
	// ByDomain gives each registered domain, rather than each host, to one
	// process.
	ByDomain bool
	// ReleaseWait bounds how long a process that loses hosts in a
	// rebalance waits for their URLs in flight (default 20s).
	ReleaseWait time.Duration
}

// CrawlWith runs the crawler (fetch and clean) and produces clean
// articles. The crawl state is shared by every crawl process of k.GroupID
// (see package crawler/groupfrontier), with st as the file of the local
// cache of the hosts this process owns (their frontier and the cleaner's
// site statistics). A URL is settled when Kafka has stored its article.
// It returns when ctx ends or, with opts.Once, when the crawl is done. It
// hands the crawler to started, when not nil, before it runs, so that its
// counters can be watched (metrics).
func CrawlWith(ctx context.Context, k Kafka, st *sqlite.Store, seeds []frontier.Entry, opts crawler.Options, g CrawlGroup, started func(*crawler.Crawler)) (*crawler.Crawler, error) {
	k.defaults()
	if k.GroupID == "" {
		k.GroupID = CrawlGroupID
	}
	log := k.Logger.With("role", "crawl")
	if err := k.EnsureTopics(ctx); err != nil {
		return nil, err
	}
	fr, err := groupfrontier.Open(ctx, groupfrontier.Config{Conn: k.Conn, URLTopic: k.Topics.CrawlURLs, StateTopic: k.Topics.CrawlState,
		Partitions: k.Partitions, Replication: k.Replication, Group: k.GroupID, SessionTimeout: k.SessionTimeout,
		ReleaseWait: g.ReleaseWait, ByDomain: g.ByDomain, Cache: newCrawlCache(st), Logger: log})
	if err != nil {
		return nil, err
	}
	dlq, err := kafkabus.NewDeadLetters(k.Conn, k.Topics.DLQ, "crawl", k.MaxMessageBytes, log)
	if err != nil {
		fr.Close()
		return nil, err
	}
	defer dlq.Close()
	w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Clean, Compression: k.Compression,
		MaxMessageBytes: k.MaxMessageBytes, MaxInFlight: k.MaxInFlight, Logger: log})
	if err != nil {
		fr.Close()
		return nil, err
	}
	opts.Logger = log
	// The frontier is the cleaner's site statistics too: they move with
	// the hosts.
	cr := crawler.New(fr, clean.New(clean.Options{Stats: fr, Logger: log}), &deadLettering{w: w, dlq: dlq, topic: k.Topics.Clean}, opts)
	if started != nil {
		started(cr)
	}
	runErr := cr.Run(ctx, seeds)
	if runErr != nil && ctx.Err() != nil {
		runErr = nil // asked to stop
	}
	drain, cancel := context.WithTimeout(context.Background(), k.DrainTimeout)
	defer cancel()
	wErr := w.Close(drain)
	// The group is left after the writer drained: the URLs it settled are
	// in the state topic before another process takes their hosts.
	return cr, errors.Join(runErr, wErr, fr.Close())
}

// deadLettering dead-letters the articles its writer refuses (too large
// even compressed) before their source records them as failed; one handed
// back unstored (bus.ErrRedeliver) goes back to its source as it is.
type deadLettering struct {
	w     bus.Writer
	dlq   *kafkabus.DeadLetters
	topic string
}

func (d *deadLettering) Write(ctx context.Context, m bus.Message) error {
	ack, a := m.AckOrNone(), m.Article
	m.Ack = func(ctx context.Context, err error) error {
		if err != nil && !errors.Is(err, bus.ErrRedeliver) {
			if derr := d.dlq.SendArticle(ctx, a, d.topic, err); derr != nil {
				return derr
			}
		}
		return ack(ctx, err)
	}
	return d.w.Write(ctx, m)
}

// Extract consumes clean articles, tags them with ex and produces them to
// the tagged topic. An offset is committed only after its tagged article is
// stored. Cancelling ctx stops fetching and drains what is in flight.
func Extract(ctx context.Context, k Kafka, ex *extractor.Extractor, stats *RoleStats) error {
	return ExtractWith(ctx, k, stage.ProcessorFunc(ex.Tag), stats)
}

// ExtractWith is Extract with another processor in place of the tagger,
// for benchmarks that separate the bus's cost from the tagger's.
func ExtractWith(ctx context.Context, k Kafka, proc stage.Processor, stats *RoleStats) error {
	if k.GroupID == "" {
		k.GroupID = ExtractGroupID
	}
	return consume(ctx, k, "extract", k.Topics.Clean, k.Topics.Tagged, proc, nil, nil, stats)
}

// Index consumes tagged articles, assigns each its story from stories, and
// stores them. Both steps are idempotent (a redelivered article keeps its
// story and replaces itself), so redelivery has no second effect. Each of
// after (the alert notifier) runs on an article once it is stored. When st
// or stories is an indexer.Syncer (the embedded store), offsets are
// committed only after its Sync, so a committed article is on disk and not
// only in the page cache; IndexBulk and Story sync stories likewise.
//
// A nil stories means the story role clusters (see Story): Index then
// consumes the clustered topic and stores the articles as they come, and
// after normally stays empty, since the story role alerts.
func Index(ctx context.Context, k Kafka, st indexer.Store, stories story.Index, stats *RoleStats, after ...stage.Processor) error {
	if k.GroupID == "" {
		k.GroupID = IndexGroupID
	}
	durable := syncing(st, stories)
	topic, procs := k.Topics.Tagged, []stage.Processor{indexer.New(st)}
	if stories == nil {
		topic = k.Topics.Clustered
	} else {
		procs = append([]stage.Processor{story.NewAssigner(stories, story.Options{})}, procs...)
	}
	proc := stage.Chain(append(procs, after...)...)
	return consume(ctx, k, "index", topic, "", proc, nil, durable, stats)
}

// IndexBulk consumes tagged articles into Elasticsearch through the bulk
// sink. The sink acknowledges each message only once Elasticsearch has
// answered for it, in any order; the reader commits only the contiguous
// prefix of acknowledged offsets, so no offset is committed before every
// message up to it is stored, and items that fail for good are
// dead-lettered by the reader.
// Stories are assigned before the sink sees an article, as in Index. Each
// of after (the alert notifier) runs after story assignment, before the
// article is handed to the sink: the bulk sink settles messages
// asynchronously, so an alert may precede the Elasticsearch write by a
// moment, and an article Elasticsearch then rejects may still have alerted.
// A nil stories reads the clustered topic, as in Index.
func IndexBulk(ctx context.Context, k Kafka, sink *indexer.Bulk, stories story.Index, stats *RoleStats, after ...stage.Processor) error {
	if k.GroupID == "" {
		k.GroupID = IndexGroupID
	}
	topic, procs := k.Topics.Tagged, after
	if stories == nil {
		topic = k.Topics.Clustered
	} else {
		procs = append([]stage.Processor{story.NewAssigner(stories, story.Options{})}, after...)
	}
	run := func(ctx context.Context, in bus.Reader) error { return sink.Run(ctx, in) }
	if len(procs) > 0 {
		// Retried like Index's processor: a transient failure of the shared
		// story or alert store must not dead-letter the article.
		assign := retrying(stage.Chain(procs...), k.Retries)
		run = func(ctx context.Context, in bus.Reader) error { return sink.Run(ctx, stage.Through(in, assign)) }
	}
	return consume(ctx, k, "index", topic, "", nil, run, syncing(stories), stats)
}

// ErrNotAlone is returned by Story when another story process is in its
// consumer group.
var ErrNotAlone = errors.New("another story process is running")

// Story consumes tagged articles, assigns each its story from stories (the
// one story index of the whole deployment), runs after (the alert notifier)
// and produces the article to the clustered topic, from which index roles
// that leave clustering to it (Index with nil stories) store it.
//
// Story must run as one process: the story of an article depends on every
// article before it, and two story processes with their own indexes would
// give two copies of one story two ids and alert twice. It refuses to start
// while its consumer group has a live member (ErrNotAlone); a member that
// died leaves the group after the session timeout. One process keeps up
// with a news firehose (hundreds of articles a second, see the story
// package's benchmark); index roles scale out behind it.
func Story(ctx context.Context, k Kafka, stories story.Index, stats *RoleStats, after ...stage.Processor) error {
	if k.GroupID == "" {
		k.GroupID = StoryGroupID
	}
	members, err := kafkabus.GroupMembers(ctx, k.Conn, k.GroupID)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		m := members[0]
		return fmt.Errorf("%w in consumer group %s (member %s from %s); run one story process, or wait up to --session-timeout after one died",
			ErrNotAlone, k.GroupID, m.ID, m.Host)
	}
	proc := stage.Chain(append([]stage.Processor{story.NewAssigner(stories, story.Options{})}, after...)...)
	return consume(ctx, k, "story", k.Topics.Tagged, k.Topics.Clustered, proc, nil, syncing(stories), stats)
}

// syncing returns a function that syncs those of stores that are an
// indexer.Syncer (the embedded store and its story index, which also holds
// the alerts), or nil when none is. A role calls it before it commits
// offsets: what it stored for a message must be on disk before the message
// is committed, or a power cut could lose it for good.
func syncing(stores ...any) func(context.Context) error {
	var ss []indexer.Syncer
	for _, s := range stores {
		if s, ok := s.(indexer.Syncer); ok {
			ss = append(ss, s)
		}
	}
	if len(ss) == 0 {
		return nil
	}
	return func(ctx context.Context) error {
		for _, s := range ss {
			if err := s.Sync(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// consume runs one stage between Kafka topics; out "" makes it a sink.
// A non-nil sink replaces the stage: it reads the topic itself and settles
// each message asynchronously. A non-nil durable is called before each
// offset commit (see kafkabus.ReaderConfig.Durable).
func consume(ctx context.Context, k Kafka, role, in, out string, proc stage.Processor, sink func(context.Context, bus.Reader) error,
	durable func(context.Context) error, stats *RoleStats) error {
	k.defaults()
	if stats == nil {
		stats = &RoleStats{}
	}
	log := k.Logger.With("role", role)
	if err := k.EnsureTopics(ctx); err != nil {
		return err
	}
	dlq, err := kafkabus.NewDeadLetters(k.Conn, k.Topics.DLQ, role, k.MaxMessageBytes, log)
	if err != nil {
		return err
	}
	defer dlq.Close()
	traces := &kafkabus.Traces{}
	r, err := kafkabus.NewReader(kafkabus.ReaderConfig{Conn: k.Conn, Topic: in, GroupID: k.GroupID, Role: role,
		MaxInFlight: k.MaxInFlight, SessionTimeout: k.SessionTimeout, DeadLetters: dlq, Traces: traces, Durable: durable, Logger: log})
	if err != nil {
		return err
	}
	var w *kafkabus.Writer
	s := &stage.Stage{Name: role, In: r, Proc: retrying(proc, k.Retries), Workers: k.Workers, Logger: log, Stats: &stats.Stage}
	if out != "" {
		w, err = kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: out, Compression: k.Compression,
			MaxMessageBytes: k.MaxMessageBytes, MaxInFlight: k.MaxInFlight, Traces: traces, Logger: log})
		if err != nil {
			r.Close(context.Background())
			return err
		}
		s.Out = w
	}
	log.Info("consuming", "topic", in, "group", k.GroupID, "out", out, "workers", k.Workers)

	// ctx ending is a request to drain: stop fetching, let the stage finish
	// what it holds, then commit. Only DrainTimeout later is work aborted.
	runCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	stopDrain := context.AfterFunc(ctx, func() {
		log.Info("stopping: draining in-flight messages", "in_flight", r.InFlight())
		r.Stop()
		time.AfterFunc(k.DrainTimeout, abort)
	})
	defer stopDrain()
	var runErr error
	if sink != nil {
		runErr = sink(runCtx, r)
	} else {
		runErr = s.Run(runCtx)
	}
	drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), k.DrainTimeout)
	defer cancel()
	var werr error
	if w != nil {
		werr = w.Close(drain)
	}
	rerr := r.Close(drain)
	stats.Poisoned = r.Poisoned.Load()
	log.Info("stopped", "done", stats.Stage.Done.Load(), "failed", stats.Stage.Failed.Load(), "poisoned", stats.Poisoned)
	if errors.Is(runErr, context.Canceled) && ctx.Err() != nil {
		runErr = fmt.Errorf("%s: drain timed out after %s", role, k.DrainTimeout)
	}
	return errors.Join(runErr, werr, rerr)
}

// retrying retries a failing Process up to retries times with back-off, so
// that only an article that fails for good is dead-lettered.
func retrying(p stage.Processor, retries int) stage.Processor {
	return stage.ProcessorFunc(func(ctx context.Context, a *article.Article) error {
		var err error
		for attempt := 0; ; attempt++ {
			if err = p.Process(ctx, a); err == nil || attempt >= retries || ctx.Err() != nil {
				return err
			}
			select {
			case <-time.After(100 * time.Millisecond << min(attempt, 5)):
			case <-ctx.Done():
				return err
			}
		}
	})
}
