package pipeline

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
)

// busReadEvery is how often a scrape may ask the brokers for offsets;
// scrapes in between reuse the last answer.
const busReadEvery = 5 * time.Second

// busMetrics registers a consuming role's lag on the topic it consumes and
// the number of messages in the dead-letter topic. Both are sums over
// partitions, so the series stay few however many partitions there are;
// -1 means the brokers did not answer.
func busMetrics(reg *metrics.Registry, log *slog.Logger, topic string, lag, dlq func(context.Context) (int64, error)) {
	reg.GaugeBy("bus_lag_messages", "Messages of the consumed topic the role's consumer group has not committed yet, summed over partitions; -1 when the brokers do not answer.", "topic",
		map[string]func() float64{topic: cachedCount(log, "lag of "+topic, lag)})
	reg.Gauge("dlq_messages", "Messages in the dead-letter topic, summed over partitions (replayed ones included until retention drops them); -1 when the brokers do not answer.",
		cachedCount(log, "dead-letter topic size", dlq))
}

// kafkaBusMetrics registers busMetrics for role consuming topic.
func kafkaBusMetrics(reg *metrics.Registry, log *slog.Logger, role string, k Kafka, topic string) {
	group := cmp.Or(k.GroupID, "wirewatch-"+role)
	busMetrics(reg, log, topic,
		func(ctx context.Context) (int64, error) { return kafkabus.Lag(ctx, k.Conn, topic, group) },
		func(ctx context.Context) (int64, error) { return kafkabus.Size(ctx, k.Conn, k.Topics.DLQ) })
}

// cachedCount reads a count at most every busReadEvery, with a timeout, for
// a gauge.
func cachedCount(log *slog.Logger, what string, read func(context.Context) (int64, error)) func() float64 {
	var mu sync.Mutex
	var at time.Time
	var v float64
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if !at.IsZero() && time.Since(at) < busReadEvery {
			return v
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := read(ctx)
		if err != nil {
			log.Warn("metrics: "+what, "err", err)
			v = -1
		} else {
			v = float64(n)
		}
		at = time.Now()
		return v
	}
}

// indexTopic is the topic the index role consumes: the clustered one when
// a story role assigns stories, else the tagged one (see Index).
func indexTopic(k Kafka, storyRole bool) string {
	if storyRole {
		return k.Topics.Clustered
	}
	return k.Topics.Tagged
}

// bulkMetrics registers the Elasticsearch bulk request latency and returns
// what records one, for indexer.BulkConfig.OnRequest.
func bulkMetrics(reg *metrics.Registry) func(time.Duration) {
	return reg.Histogram("bulk_request_duration_seconds", "Time from sending an Elasticsearch bulk request to the start of its answer, failed requests included.",
		[]float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30})
}
