package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/bus/bustest"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
)

// TestKafkaConformance runs the bus suite on a real broker: each test gets
// topics and a consumer group of its own, removed when it ends.
func TestKafkaConformance(t *testing.T) {
	broker := kafkatest.Broker(t)
	if testing.Short() {
		t.Skip("needs a real broker")
	}
	bustest.Run(t, func(t *testing.T) bustest.Topic {
		conn := kafkabus.Conn{Brokers: []string{broker}}
		prefix := kafkatest.Prefix(t, broker)
		topics := kafkabus.TopicNames(prefix)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Three partitions, so that order per key is tested across them.
		if err := kafkabus.EnsureTopics(ctx, conn, 3, 1, topics.Clean, topics.DLQ); err != nil {
			t.Fatal(err)
		}
		dlq, err := kafkabus.NewDeadLetters(conn, topics.DLQ, "bustest", 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dlq.Close() })
		w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: conn, Topic: topics.Clean, Compression: kafka.Zstd})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = w.Close(ctx)
		})
		return bustest.Topic{
			Writer:      w,
			CloseWriter: w.Close,
			Durable:     true,
			Reader: func(t *testing.T) bustest.Reader {
				r, err := kafkabus.NewReader(kafkabus.ReaderConfig{Conn: conn, Topic: topics.Clean, GroupID: prefix + "stage",
					Role: "bustest", DeadLetters: dlq, SessionTimeout: 6 * time.Second, CommitInterval: 100 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				return r
			},
		}
	})
}
