package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func TestPermanent(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	tests := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("failed to dial: %w", dial), false},
		{kafka.GroupCoordinatorNotAvailable, false},
		{kafka.NotCoordinatorForGroup, false},
		{kafka.RebalanceInProgress, false},
		{kafka.UnknownMemberId, false},
		{kafka.LeaderNotAvailable, false},
		{fmt.Errorf("offsets of partition 2: %w", kafka.NotLeaderForPartition), false},
		{kafka.BrokerNotAvailable, false},
		{errors.Join(errors.New("partition 0: fine"), fmt.Errorf("partition 1: %w", kafka.NotCoordinatorForGroup)), false},
		{io.ErrUnexpectedEOF, false},
		{fmt.Errorf("could not successfully authenticate to 127.0.0.1:9094 with SASL: %w", kafka.SASLAuthenticationFailed), true},
		{kafka.GroupAuthorizationFailed, true},
		{kafka.TopicAuthorizationFailed, true},
		{kafka.InvalidSessionTimeout, true},
	}
	for _, tt := range tests {
		if got := permanent(tt.err); got != tt.want {
			t.Errorf("permanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestFetchBackoff(t *testing.T) {
	prev := time.Duration(0)
	for attempt := range 20 {
		d := fetchBackoff(attempt)
		if d < prev || d <= 0 || d > time.Second {
			t.Fatalf("fetchBackoff(%d) = %s after %s: want growing, in (0, 1s]", attempt, d, prev)
		}
		prev = d
	}
}

// TestReadWrongPasswordFails checks the other side of retrying cluster
// errors: a consumer the broker will never admit fails Read with the
// authentication error instead of retrying forever.
func TestReadWrongPasswordFails(t *testing.T) {
	broker(t)
	addr := os.Getenv("WIREWATCH_TEST_KAFKA_SASL")
	if addr == "" {
		addr = "127.0.0.1:9094"
	}
	s := newSetup(t, 1)
	bad := Conn{Brokers: []string{addr}}
	if err := (Security{SASLMechanism: "PLAIN", Username: "wirewatch", Password: "nope"}).Apply(&bad); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(ReaderConfig{Conn: bad, Topic: s.topics.Clean, GroupID: s.group("g"), Role: "test", DeadLetters: s.dlq})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = r.Read(ctx)
	if !errors.Is(err, kafka.SASLAuthenticationFailed) {
		t.Fatalf("Read with a wrong password: %v, want %v", err, kafka.SASLAuthenticationFailed)
	}
}
