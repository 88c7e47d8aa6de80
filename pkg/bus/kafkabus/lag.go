package kafkabus

import (
	"context"
	"fmt"
)

// Lag returns how many messages of topic group has yet to commit: the sum
// over partitions of the end offset minus the group's committed offset, or
// minus the partition's first offset where the group has committed nothing
// (or less than what retention kept). Transient errors (a partition
// whose leader moves) are retried until ctx ends.
func Lag(ctx context.Context, c Conn, topic, group string) (int64, error) {
	if group == "" {
		return 0, fmt.Errorf("lag of %s: no group", topic)
	}
	return span(ctx, c, topic, group)
}

// Size returns how many messages topic holds: the sum over partitions of
// the end offset minus the first offset retention kept. For the
// dead-letter topic it is the letters stored, replayed ones included.
func Size(ctx context.Context, c Conn, topic string) (int64, error) {
	return span(ctx, c, topic, "")
}

func span(ctx context.Context, c Conn, topic, group string) (int64, error) {
	var ranges map[int]*partitionRange
	err := retryTransient(ctx, "offsets of "+topic, func(ctx context.Context) error {
		var err error
		_, ranges, err = dlqRanges(ctx, c.client(), topic, group)
		return err
	})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, r := range ranges {
		if r.to > r.from {
			n += r.to - r.from
		}
	}
	return n, nil
}
