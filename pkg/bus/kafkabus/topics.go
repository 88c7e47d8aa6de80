package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Topics names the pipeline's topics under one prefix, so that several
// pipelines (or tests) can share a cluster.
type Topics struct {
	Clean     string
	Tagged    string
	Clustered string
	DLQ       string
	// CrawlURLs and CrawlState carry the crawl frontier shared by crawl
	// processes (package crawler/groupfrontier creates them: the state
	// topic is compacted). All leaves them out.
	CrawlURLs  string
	CrawlState string
}

// TopicNames returns the topic names under prefix, e.g. "wirewatch.".
func TopicNames(prefix string) Topics {
	return Topics{Clean: prefix + bus.TopicClean, Tagged: prefix + bus.TopicTagged, Clustered: prefix + bus.TopicClustered,
		DLQ: prefix + "dlq", CrawlURLs: prefix + "crawl.urls", CrawlState: prefix + "crawl.state"}
}

// All lists the article topics and the dead-letter topic.
func (t Topics) All() []string { return []string{t.Clean, t.Tagged, t.Clustered, t.DLQ} }

// EnsureTopics creates the topics that do not exist yet. Existing topics are
// left as they are: changing partitions of a live topic reshuffles keys and
// is an operator's decision.
func EnsureTopics(ctx context.Context, c Conn, partitions, replication int, topics ...string) error {
	if err := c.validate(); err != nil {
		return err
	}
	if partitions < 1 || replication < 1 {
		return fmt.Errorf("kafkabus: partitions (%d) and replication (%d) must be at least 1", partitions, replication)
	}
	req := &kafka.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: t, NumPartitions: partitions, ReplicationFactor: replication})
	}
	resp, err := c.client().CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for t, terr := range resp.Errors {
		if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", t, terr))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return waitTopics(ctx, c, topics)
}

// EnsureCompactedTopic creates topic, if it does not exist, with log
// compaction (cleanup.policy=compact): the broker keeps at least the latest
// message of each key, which makes the topic a table that can be read back
// whole. Its segments roll every hour (segment.ms), since the broker
// compacts only closed segments and its default of a week would let a busy
// table grow, and its readers' restore time with it, for days. An existing topic must have the given number of partitions, since
// its keys are placed by partition.
func EnsureCompactedTopic(ctx context.Context, c Conn, topic string, partitions, replication int) error {
	if err := c.validate(); err != nil {
		return err
	}
	if partitions < 1 || replication < 1 {
		return fmt.Errorf("kafkabus: partitions (%d) and replication (%d) must be at least 1", partitions, replication)
	}
	resp, err := c.client().CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
		Topic: topic, NumPartitions: partitions, ReplicationFactor: replication,
		ConfigEntries: []kafka.ConfigEntry{
			{ConfigName: "cleanup.policy", ConfigValue: "compact"},
			{ConfigName: "segment.ms", ConfigValue: "3600000"},
		},
	}}})
	if err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	if terr := resp.Errors[topic]; terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, terr)
	}
	if err := waitTopics(ctx, c, []string{topic}); err != nil {
		return err
	}
	n, err := PartitionCount(ctx, c, topic)
	if err != nil {
		return err
	}
	if n != partitions {
		return fmt.Errorf("topic %s has %d partitions, want %d", topic, n, partitions)
	}
	return nil
}

// PartitionCount returns how many partitions topic has.
func PartitionCount(ctx context.Context, c Conn, topic string) (int, error) {
	var n int
	err := retryTransient(ctx, "metadata of "+topic, func(ctx context.Context) error {
		meta, err := c.client().Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
		if err != nil {
			return err
		}
		if len(meta.Topics) != 1 {
			return fmt.Errorf("no metadata for topic %s", topic)
		}
		if meta.Topics[0].Error != nil {
			return meta.Topics[0].Error
		}
		n = len(meta.Topics[0].Partitions)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	return n, nil
}

// waitTopics waits until every topic has a leader for each partition:
// creation is asynchronous, and producing before that fails.
func waitTopics(ctx context.Context, c Conn, topics []string) error {
	cl := c.client()
	for {
		meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
		ready := err == nil && len(meta.Topics) == len(topics)
		if ready {
			for _, t := range meta.Topics {
				if t.Error != nil || len(t.Partitions) == 0 {
					ready = false
				}
				for _, p := range t.Partitions {
					if p.Error != nil || p.Leader.Host == "" {
						ready = false
					}
				}
			}
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topics %v not ready: %w (last error: %v)", topics, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
