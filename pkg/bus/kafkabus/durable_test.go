package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// TestDurableBeforeCommit checks that a reader with a Durable hook commits
// settled messages only once the hook has made their effects durable: while
// it fails (a fake: the fault, a store that cannot sync, is not one the
// broker can give), nothing is committed; once it succeeds, everything is.
func TestDurableBeforeCommit(t *testing.T) {
	s := newSetup(t, 1)
	var as []*article.Article
	for i := range 5 {
		as = append(as, testArticle(i, "body"))
	}
	produce(t, s, s.topics.Clean, as...)
	var calls atomic.Int64
	var durable atomic.Bool
	group := s.group("g")
	r, err := NewReader(ReaderConfig{Conn: s.conn, Topic: s.topics.Clean, GroupID: group, Role: "test", DeadLetters: s.dlq,
		CommitInterval: 50 * time.Millisecond, SessionTimeout: 6 * time.Second,
		Durable: func(context.Context) error {
			calls.Add(1)
			if !durable.Load() {
				return errors.New("disk full")
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	for _, m := range read(t, r, len(as)) {
		if err := m.Ack(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, time.Minute, func() bool { return calls.Load() >= 3 }, "Durable is called three times (commits attempted)")
	if off := committedOffset(t, s, group, s.topics.Clean); off >= 0 {
		t.Fatalf("committed offset %d while Durable failed", off)
	}
	durable.Store(true)
	waitFor(t, time.Minute, func() bool { return committedOffset(t, s, group, s.topics.Clean) == int64(len(as)) },
		fmt.Sprintf("the committed offset is %d once Durable succeeds", len(as)))
}

// waitFor polls cond every 10ms until it holds, and fails the test with
// what if it does not hold within timeout.
func waitFor(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", timeout, what)
		}
	}
}
