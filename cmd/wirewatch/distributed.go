package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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

func crawlCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	var cfg pipeline.CrawlConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
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
			cfg.Crawler.Seeds = append(cfg.Crawler.Seeds, args...)
			return runCrawl(ctx, e, &cfg)
		},
	}
}

// runCrawl runs the crawl role.
func runCrawl(ctx context.Context, e env, cfg *pipeline.CrawlConfig) error {
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
	k, err := cfg.Kafka.Kafka(log)
	if err != nil {
		return err
	}
	k.GroupID, k.SessionTimeout = cfg.Group, cfg.SessionTimeout
	g := pipeline.CrawlGroup{ByDomain: cfg.PartitionBy == "domain"}
	release, err := lockData(cfg.Data, "crawl", exclusive)
	if err != nil {
		return err
	}
	defer release()
	st, err := sqlite.Open(ctx, cfg.Data)
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
	stopOps, err := startOps(ctx, cfg.Listen, reg.Ops(log, storeCheck(st), kafkaCheck(k.Conn.Brokers),
		newStallCheck(cfg.StallAfter, time.Now, crawlerFetched(running.Load), cache.Outlook).Check()), e.stderr)
	if err != nil {
		return err
	}
	defer stopOps()
	start := time.Now()
	cr, err := pipeline.CrawlWith(ctx, k, st, seeds, opts, g, running.Store)
	if cr != nil {
		s := &cr.Stats
		log.Info("crawl finished", "elapsed", time.Since(start).Round(time.Millisecond), "fetched", s.Fetched.Load(),
			"articles", s.Articles.Load(), "produced", s.Completed.Load(), "failed", s.Failed.Load())
	}
	return err
}

func extractCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	var cfg pipeline.ExtractConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
	return &ffcli.Command{
		Name:       "extract",
		ShortUsage: "wirewatch extract --kafka-brokers B [--group G]",
		ShortHelp:  "distributed role: consume clean articles, tag them, produce tagged articles",
		LongHelp: "extract consumes the clean topic in consumer group --group, tags each article and\n" +
			"produces it to the tagged topic; an offset is committed only once the tagged article\n" +
			"is stored. Poison messages go to the dead-letter topic. SIGTERM drains and exits.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			if err := cfg.Validate(); err != nil {
				return err
			}
			log, err := cfg.Logger(e.stderr)
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
			stats, stopOps, err := startRoleOps(ctx, e, cfg.Consumer.Listen, "extract", k, k.Topics.Clean, log, nil, metrics.New(version))
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
	var cfg pipeline.IndexConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
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
			if err := cfg.Validate(); err != nil {
				return err
			}
			log, err := cfg.Logger(e.stderr)
			if err != nil {
				return err
			}
			k, err := cfg.Consumer.Config(log)
			if err != nil {
				return err
			}
			reg := metrics.New(version)
			stats, stopOps, err := startRoleOps(ctx, e, cfg.Consumer.Listen, "index", k, indexTopic(k, cfg.StoryRole), log, nil, reg)
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
			if cfg.ES.Enabled() {
				bulkSeconds = bulkMetrics(reg)
				if esStore, err = elastic.Open(ctx, cfg.ES, log); err != nil {
					return err
				}
			}
			if cfg.StoryRole {
				if esStore != nil {
					return pipeline.IndexBulk(ctx, k, indexer.NewBulk(esStore, indexer.BulkConfig{Logger: log, OnRequest: bulkSeconds}), nil, stats)
				}
				release, err := lockData(cfg.Data, "index", shared)
				if err != nil {
					return err
				}
				defer release()
				local, err := sqlite.Open(ctx, cfg.Data)
				if err != nil {
					return err
				}
				defer local.Close()
				return pipeline.Index(ctx, k, local, nil, stats)
			}
			release, err := lockData(cfg.Data, "index", shared)
			if err != nil {
				return err
			}
			defer release()
			local, err := sqlite.Open(ctx, cfg.Data)
			if err != nil {
				return err
			}
			defer local.Close()
			// Saved searches and the alerts already fired live there too,
			// so index processes on one host alert once per story between
			// them (alerts add --data DIR manages them).
			alerts, stopStories, err := startStoryState(e, local, cfg.Stories.AlertsOut, cfg.Stories.Window, log, webhooks{allowPrivate: cfg.Stories.AllowPrivateWebhooks, reg: reg})
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
	kafka         pipeline.KafkaFlags
	originTopic   string
	errorContains string
	key           string
}

func (d *dlqFlags) register(fs *flag.FlagSet) {
	d.common.register(fs)
	d.kafka.RegisterFlags(fs)
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
	return d.kafka.Kafka(log)
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
