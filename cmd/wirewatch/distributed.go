package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
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
			if err := cfg.Validate(); err != nil {
				return err
			}
			return pipeline.RunCrawl(ctx, cfg, e.roleEnv("crawl"))
		},
	}
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
			return pipeline.RunExtract(ctx, cfg, e.roleEnv("extract"))
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
			return pipeline.RunIndex(ctx, cfg, e.roleEnv("index"))
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
