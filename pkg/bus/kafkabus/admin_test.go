package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func TestRetryTransient(t *testing.T) {
	for _, tt := range []struct {
		name      string
		errs      []error // returned by successive calls; nil after the last
		wantCalls int
		wantErr   error
	}{
		{"first try", nil, 1, nil},
		{"leader moves twice", []error{kafka.NotLeaderForPartition, kafka.LeaderNotAvailable}, 3, nil},
		{"permanent at once", []error{kafka.SASLAuthenticationFailed}, 1, kafka.SASLAuthenticationFailed},
		{"permanent after transient", []error{kafka.BrokerNotAvailable, kafka.TopicAuthorizationFailed}, 2, kafka.TopicAuthorizationFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := retryTransient(context.Background(), "read offsets", func(context.Context) error {
				calls++
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("%d calls, err %v; want %d calls, err %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}

// TestRetryTransientStopsWithContext checks that a cluster that never
// recovers does not hold the caller past its context, and that the error
// keeps the last cause.
func TestRetryTransientStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retryTransient(ctx, "read offsets", func(context.Context) error {
		calls++
		if calls == 3 {
			cancel()
		}
		return kafka.NotLeaderForPartition
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, kafka.NotLeaderForPartition) {
		t.Fatalf("err = %v, want the cancellation and the last cause", err)
	}
	if calls != 3 {
		t.Fatalf("%d calls after cancel at the third", calls)
	}
}

// TestScanNewTopic reads the dead-letter offsets of topics the moment they
// are created, which is when a partition's leader may not be known to
// every broker yet (Not Leader For Partition): the scan must wait for the
// cluster, not fail. It made `dlq list` and the index tests flaky.
func TestScanNewTopic(t *testing.T) {
	conn := Conn{Brokers: []string{broker(t)}}
	p := prefix(t)
	for i := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		topic := fmt.Sprintf("%sdlq-%d", p, i)
		if err := EnsureTopics(ctx, conn, 6, 1, topic); err != nil {
			cancel()
			t.Fatal(err)
		}
		n := 0
		ends, err := ScanDLQ(ctx, conn, topic, p+"replay", func(Letter) error { n++; return nil })
		cancel()
		if err != nil {
			t.Fatalf("scan of new topic %s: %v", topic, err)
		}
		if n != 0 || len(ends) != 6 {
			t.Fatalf("new topic: %d letters, %d partitions; want 0 and 6", n, len(ends))
		}
	}
}
