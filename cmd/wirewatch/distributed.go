package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// kafkaFlags are the bus settings every distributed role shares. Their
// names are a public contract: deployments set them as WIREWATCH_* env.
type kafkaFlags struct {
	brokers      stringList
	prefix       string
	partitions   int
	replication  int
	compression  string
	maxMessage   int
	maxInFlight  int
	drainTimeout time.Duration
	clientID     string
	sec          kafkabus.Security
}

func (k *kafkaFlags) register(fs *flag.FlagSet) {
	fs.Var(&k.brokers, "kafka-brokers", "Kafka bootstrap brokers host:port (repeatable, comma-separated)")
	fs.StringVar(&k.prefix, "topic-prefix", "wirewatch.", "prefix of the topic names (articles.clean, articles.tagged, dlq)")
	fs.IntVar(&k.partitions, "topic-partitions", 6, "partitions of topics created at start-up")
	fs.IntVar(&k.replication, "topic-replication", 1, "replication factor of topics created at start-up")
	fs.StringVar(&k.compression, "kafka-compression", "zstd", "compression: none, gzip, snappy, lz4 or zstd")
	fs.IntVar(&k.maxMessage, "kafka-max-message-bytes", 1_000_000, "broker message size limit; larger articles (compressed) are dead-lettered")
	fs.IntVar(&k.maxInFlight, "max-in-flight", 64, "messages held at once (backpressure bound)")
	fs.DurationVar(&k.drainTimeout, "drain-timeout", 30*time.Second, "on SIGTERM, how long in-flight messages may take before the process gives up on them")
	fs.StringVar(&k.clientID, "kafka-client-id", "wirewatch", "client id sent to the brokers")
	fs.BoolVar(&k.sec.TLS, "kafka-tls", false, "connect with TLS (implied by the other --kafka-tls-* flags)")
	fs.StringVar(&k.sec.CAFile, "kafka-tls-ca", "", "PEM file of CAs for the brokers' certificates")
	fs.StringVar(&k.sec.CertFile, "kafka-tls-cert", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&k.sec.KeyFile, "kafka-tls-key", "", "PEM key of --kafka-tls-cert")
	fs.StringVar(&k.sec.SASLMechanism, "kafka-sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&k.sec.Username, "kafka-sasl-username", "", "SASL username")
	fs.StringVar(&k.sec.Password, "kafka-sasl-password", "", "SASL password (prefer WIREWATCH_KAFKA_SASL_PASSWORD)")
}

// config turns the flags into the pipeline's Kafka settings.
func (k *kafkaFlags) config(log *slog.Logger) (pipeline.Kafka, error) {
	if len(k.brokers) == 0 {
		return pipeline.Kafka{}, errors.New("no brokers: give --kafka-brokers host:port")
	}
	// Zero would mean nothing here; refused rather than replaced by a
	// default behind the user's back.
	for _, p := range []struct {
		name string
		ok   bool
	}{
		{"topic-partitions", k.partitions > 0}, {"topic-replication", k.replication > 0},
		{"kafka-max-message-bytes", k.maxMessage > 0}, {"max-in-flight", k.maxInFlight > 0},
		{"drain-timeout", k.drainTimeout > 0},
	} {
		if !p.ok {
			return pipeline.Kafka{}, fmt.Errorf("--%s must be positive", p.name)
		}
	}
	conn := kafkabus.Conn{Brokers: k.brokers, ClientID: k.clientID}
	if err := k.sec.Apply(&conn); err != nil {
		return pipeline.Kafka{}, err
	}
	codec, err := kafkabus.ParseCompression(k.compression)
	if err != nil {
		return pipeline.Kafka{}, fmt.Errorf("--kafka-compression: %w", err)
	}
	return pipeline.Kafka{
		Conn: conn, Topics: kafkabus.TopicNames(k.prefix), Partitions: k.partitions, Replication: k.replication,
		Compression: codec, MaxMessageBytes: k.maxMessage, MaxInFlight: k.maxInFlight, DrainTimeout: k.drainTimeout,
		Logger: log,
	}, nil
}

// consumerFlags are the settings of the consuming roles.
type consumerFlags struct {
	common
	kafka          kafkaFlags
	group          string
	workers        int
	retries        int
	sessionTimeout time.Duration
	listen         string
}

func (c *consumerFlags) register(fs *flag.FlagSet, group string) {
	c.common.register(fs)
	c.kafka.register(fs)
	fs.StringVar(&c.group, "group", group, "consumer group; instances in one group share the partitions")
	fs.IntVar(&c.workers, "workers", 0, "articles processed concurrently (default: number of CPUs)")
	fs.IntVar(&c.retries, "retries", 3, "retries of a failing article before it is dead-lettered")
	fs.DurationVar(&c.sessionTimeout, "session-timeout", 10*time.Second, "how long the group waits for a dead instance before moving its partitions")
	registerListen(fs, &c.listen)
}

func (c *consumerFlags) config(e env) (pipeline.Kafka, *slog.Logger, error) {
	log, err := c.logger(e.stderr)
	if err != nil {
		return pipeline.Kafka{}, nil, err
	}
	k, err := c.kafka.config(log)
	if err != nil {
		return pipeline.Kafka{}, nil, err
	}
	switch {
	case c.workers < 0:
		return pipeline.Kafka{}, nil, fmt.Errorf("--workers must be at least 0 (0: one per CPU), not %d", c.workers)
	case c.retries < 0:
		return pipeline.Kafka{}, nil, fmt.Errorf("--retries must be at least 0 (0: dead-letter at the first failure), not %d", c.retries)
	case c.sessionTimeout <= 0:
		return pipeline.Kafka{}, nil, errors.New("--session-timeout must be positive")
	}
	k.GroupID, k.Workers, k.Retries, k.SessionTimeout = c.group, c.workers, c.retries, c.sessionTimeout
	return k, log, nil
}

func crawlCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	var f crawlFlags
	f.register(fs)
	var k kafkaFlags
	k.register(fs)
	group := fs.String("group", "wirewatch-crawl", "consumer group; crawl processes in one group share the hosts, each host crawled by one process at a time")
	partitionBy := fs.String("partition-by", "host", "what one process owns: host, or domain (the registered domain, all of a site's hosts)")
	sessionTimeout := fs.Duration("session-timeout", 10*time.Second, "how long the group waits for a silent process before giving its hosts to others")
	return &ffcli.Command{
		Name:       "crawl",
		ShortUsage: "wirewatch crawl --kafka-brokers B --seeds SEED... [--once]",
		ShortHelp:  "distributed role: fetch and clean pages, produce clean articles to Kafka",
		LongHelp: "crawl is the first stage of the pipeline as its own process. Processes started with the\n" +
			"same --group and seeds share the work: Kafka's group assignment gives each host to one\n" +
			"process at a time, and the crawl state (URLs, re-poll schedules, robots.txt failures,\n" +
			"each host's pace) lives in Kafka (topics crawl.urls and the compacted crawl.state), so\n" +
			"--data is only a cache. A URL is settled only when Kafka has stored its article, so a\n" +
			"killed process costs at most a second fetch of what it had in flight. SIGTERM stops\n" +
			"fetching, waits up to --drain-timeout for Kafka to store what was produced, and hands\n" +
			"the hosts over.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			f.seeds = append(f.seeds, args...)
			log, seeds, opts, err := f.prepare(e)
			if err != nil {
				return err
			}
			cfg, err := k.config(log)
			if err != nil {
				return err
			}
			var g pipeline.CrawlGroup
			switch *partitionBy {
			case "host":
			case "domain":
				g.ByDomain = true
			default:
				return fmt.Errorf("--partition-by must be host or domain, not %q", *partitionBy)
			}
			if *group == "" {
				return errors.New("--group must not be empty")
			}
			if *sessionTimeout <= 0 {
				return errors.New("--session-timeout must be positive")
			}
			cfg.GroupID, cfg.SessionTimeout = *group, *sessionTimeout
			release, err := lockData(f.data, "crawl", exclusive)
			if err != nil {
				return err
			}
			defer release()
			st, err := sqlite.Open(ctx, f.data)
			if err != nil {
				return err
			}
			defer st.Close()
			reg := metrics.New(version)
			var running atomic.Pointer[crawler.Crawler]
			crawlMetrics(reg, running.Load)
			// The local cache's frontier: the hosts this process owns.
			cache := sqlfrontier.New(st)
			frontierMetrics(reg, cache, log)
			stopOps, err := startOps(ctx, f.listen, reg.Ops(log, storeCheck(st), kafkaCheck(k.brokers),
				newStallCheck(f.stallAfter, time.Now, crawlerFetched(running.Load), cache.Outlook).Check()), e.stderr)
			if err != nil {
				return err
			}
			defer stopOps()
			start := time.Now()
			cr, err := pipeline.CrawlWith(ctx, cfg, st, seeds, opts, g, running.Store)
			if cr != nil {
				s := &cr.Stats
				log.Info("crawl finished", "elapsed", time.Since(start).Round(time.Millisecond), "fetched", s.Fetched.Load(),
					"articles", s.Articles.Load(), "produced", s.Completed.Load(), "failed", s.Failed.Load())
			}
			return err
		},
	}
}

func extractCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	var f consumerFlags
	f.register(fs, "wirewatch-extract")
	return &ffcli.Command{
		Name:       "extract",
		ShortUsage: "wirewatch extract --kafka-brokers B [--group G]",
		ShortHelp:  "distributed role: consume clean articles, tag them, produce tagged articles",
		LongHelp: "extract consumes the clean topic in consumer group --group, tags each article and\n" +
			"produces it to the tagged topic; an offset is committed only once the tagged article\n" +
			"is stored. Poison messages go to the dead-letter topic. SIGTERM drains and exits.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			k, log, err := f.config(e)
			if err != nil {
				return err
			}
			ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
			if err != nil {
				return err
			}
			stats, stopOps, err := f.startOps(ctx, e, "extract", k, k.Topics.Clean, log, nil, metrics.New(version))
			if err != nil {
				return err
			}
			defer stopOps()
			return pipeline.Extract(ctx, k, ex, stats)
		},
	}
}

func indexCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	var f consumerFlags
	f.register(fs, "wirewatch-index")
	var es elastic.Config
	es.RegisterFlags(fs)
	alertsOut := fs.String("alerts-out", "", "where saved-search alerts go: a file (JSON lines, appended), - for standard output, or empty for a log line each")
	allowPrivate := fs.Bool("allow-private-webhooks", false, "allow webhooks to loopback, private, link-local and metadata addresses")
	storyRole := fs.Bool("story-role", false, "store the clustered topic that the story role produces, leaving story clustering and alerts to it")
	var storyWindow time.Duration
	registerStoryWindow(fs, &storyWindow)
	return &ffcli.Command{
		Name:       "index",
		ShortUsage: "wirewatch index --kafka-brokers B [--es-url U | --data DIR] [--story-role]",
		ShortHelp:  "distributed role: consume tagged articles and store them",
		LongHelp: "index consumes the tagged topic in consumer group --group and stores every article,\n" +
			"idempotently: a redelivered article replaces itself. Each article first gets its story\n" +
			"(story_id), from fingerprints kept in the embedded store under --data, and saved searches\n" +
			"there alert once per story. Without --es-url the articles go to that store too; with it,\n" +
			"to Elasticsearch. That clustering is per host: with index processes on several hosts,\n" +
			"run one `wirewatch story` process and start the index processes with --story-role, so\n" +
			"that they store what it clustered and neither cluster nor alert themselves.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			k, log, err := f.config(e)
			if err != nil {
				return err
			}
			if *storyRole && *alertsOut != "" {
				return errors.New("--alerts-out with --story-role: the story role alerts")
			}
			if err := checkStoryWindow(storyWindow); err != nil {
				return err
			}
			reg := metrics.New(version)
			stats, stopOps, err := f.startOps(ctx, e, "index", k, indexTopic(k, *storyRole), log, nil, reg)
			if err != nil {
				return err
			}
			defer stopOps()
			// The embedded store under --data keeps the story fingerprints
			// even when the articles go to Elasticsearch: story assignment
			// needs an atomic lookup-and-add, which SQLite gives and
			// Elasticsearch does not. Index processes on one host share it.
			var esStore *elastic.Store
			var bulkSeconds func(time.Duration)
			if es.Enabled() {
				bulkSeconds = bulkMetrics(reg)
				if esStore, err = elastic.Open(ctx, es, log); err != nil {
					return err
				}
			}
			if *storyRole {
				if esStore != nil {
					return pipeline.IndexBulk(ctx, k, indexer.NewBulk(esStore, indexer.BulkConfig{Logger: log, OnRequest: bulkSeconds}), nil, stats)
				}
				release, err := lockData(f.data, "index", shared)
				if err != nil {
					return err
				}
				defer release()
				local, err := sqlite.Open(ctx, f.data)
				if err != nil {
					return err
				}
				defer local.Close()
				return pipeline.Index(ctx, k, local, nil, stats)
			}
			release, err := lockData(f.data, "index", shared)
			if err != nil {
				return err
			}
			defer release()
			local, err := sqlite.Open(ctx, f.data)
			if err != nil {
				return err
			}
			defer local.Close()
			// Saved searches and the alerts already fired live there too,
			// so index processes on one host alert once per story between
			// them (alerts add --data DIR manages them).
			alerts, stopStories, err := startStoryState(e, local, *alertsOut, storyWindow, log, webhooks{allowPrivate: *allowPrivate, reg: reg})
			if err != nil {
				return err
			}
			defer stopStories()
			if esStore != nil {
				return pipeline.IndexBulk(ctx, k, indexer.NewBulk(esStore, indexer.BulkConfig{Logger: log, OnRequest: bulkSeconds}), story.NewSQLiteIndex(local), stats, alerts)
			}
			return pipeline.Index(ctx, k, local, story.NewSQLiteIndex(local), stats, alerts)
		},
	}
}

func dlqCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("dlq", flag.ContinueOnError)
	return &ffcli.Command{
		Name:        "dlq",
		ShortUsage:  "wirewatch dlq list|replay --kafka-brokers B",
		ShortHelp:   "show or replay dead-lettered articles",
		FlagSet:     fs,
		Subcommands: []*ffcli.Command{dlqListCmd(e), dlqReplayCmd(e)},
		Exec:        func(context.Context, []string) error { return flag.ErrHelp },
	}
}

// dlqFlags select dead letters.
type dlqFlags struct {
	common
	kafka         kafkaFlags
	originTopic   string
	errorContains string
	key           string
}

func (d *dlqFlags) register(fs *flag.FlagSet) {
	d.common.register(fs)
	d.kafka.register(fs)
	fs.StringVar(&d.originTopic, "origin-topic", "", "only letters that came from this topic")
	fs.StringVar(&d.errorContains, "error-contains", "", "only letters whose error contains this text")
	fs.StringVar(&d.key, "key", "", "only the letter of this article id")
}

// config checks the logging and Kafka flags of a dlq command.
func (d *dlqFlags) config(e env) (pipeline.Kafka, error) {
	log, err := d.logger(e.stderr)
	if err != nil {
		return pipeline.Kafka{}, err
	}
	return d.kafka.config(log)
}

func (d *dlqFlags) match(l kafkabus.Letter) bool {
	return (d.originTopic == "" || l.Origin.Topic == d.originTopic) &&
		(d.errorContains == "" || strings.Contains(l.Error, d.errorContains)) &&
		(d.key == "" || l.Key == d.key)
}

func dlqListCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dlqFlags
	d.register(fs)
	return &ffcli.Command{
		Name: "list", ShortUsage: "wirewatch dlq list --kafka-brokers B [filters]",
		ShortHelp: "print the dead letters: when, which role, where from, why",
		FlagSet:   fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			k, err := d.config(e)
			if err != nil {
				return err
			}
			return listLetters(ctx, e.stdout, k, d.match)
		},
	}
}

func listLetters(ctx context.Context, w io.Writer, k pipeline.Kafka, match func(kafkabus.Letter) bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTITION\tOFFSET\tTIME\tROLE\tORIGIN\tKEY\tERROR")
	n := 0
	_, err := kafkabus.ScanDLQ(ctx, k.Conn, k.Topics.DLQ, "", func(l kafkabus.Letter) error {
		if !match(l) {
			return nil
		}
		n++
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s/%d@%d\t%s\t%s\n", l.Partition, l.Offset, l.Time.Format(time.RFC3339),
			l.Role, l.Origin.Topic, l.Origin.Partition, l.Origin.Offset, l.Key, oneLine(l.Error))
		return nil
	})
	tw.Flush()
	fmt.Fprintf(w, "%d dead letters in %s\n", n, k.Topics.DLQ)
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func dlqReplayCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dlqFlags
	d.register(fs)
	var group string
	fs.StringVar(&group, "group", "wirewatch-dlq-replay", "group whose position says which letters were replayed already")
	return &ffcli.Command{
		Name: "replay", ShortUsage: "wirewatch dlq replay --kafka-brokers B [filters]",
		ShortHelp: "re-produce dead letters to their origin topics",
		LongHelp: "replay sends every dead letter not yet seen by --group (and matching the filters) back to\n" +
			"the topic it came from, unchanged, then commits the scanned range for --group. Letters\n" +
			"passed over by a filter stay in the topic; replay them later with another --group.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			k, err := d.config(e)
			if err != nil {
				return err
			}
			n, skipped, err := kafkabus.Replay(ctx, k.Conn, k.Topics.DLQ, group, d.match)
			fmt.Fprintf(e.stdout, "replayed %d dead letters, passed over %d\n", n, skipped)
			return err
		},
	}
}
