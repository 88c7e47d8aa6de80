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
}

// TopicNames returns the topic names under prefix, e.g. "wirewatch.".
func TopicNames(prefix string) Topics {
	return Topics{Clean: prefix + bus.TopicClean, Tagged: prefix + bus.TopicTagged, Clustered: prefix + bus.TopicClustered,
		DLQ: prefix + "dlq"}
}

// All lists the topics.
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
