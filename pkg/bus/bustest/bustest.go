// Package bustest is the conformance suite every bus implementation
// passes: the in-process topics of package bus and the Kafka topics of
// package kafkabus. It states, as tests, the contract the stages rely on,
// so that a stage written against one bus behaves the same on the other:
//
//   - messages of one key arrive in the order they were written;
//   - a message read from a topic always carries an Ack, even one written
//     without;
//   - every written message is settled exactly once: by the topic once it
//     stored it (durable topics) or by the reader's settlement passed back
//     to the writer (in-process topics);
//   - a message handed back with bus.ErrRedeliver is delivered again (durable)
//     or handed back to its writer (in-process); one settled with another
//     error is not delivered again;
//   - messages read but not settled when a reader closes are delivered
//     to the next reader (durable topics);
//   - a bounded topic blocks Write when full, until ctx ends;
//   - Write on a closed topic returns bus.ErrClosed.
package bustest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Topic is one fresh, empty topic of the bus under test.
type Topic struct {
	// Writer writes to the topic.
	Writer bus.Writer
	// CloseWriter stops Writer: a Write after it returns bus.ErrClosed.
	CloseWriter func(ctx context.Context) error
	// Reader opens a reader of the topic. Readers of one Topic share one
	// position (a consumer group): what one settled the next does not see.
	Reader func(t *testing.T) Reader
	// Durable topics store what is written and settle the writer's Ack
	// once stored; in-process topics hand the writer's Ack to the reader.
	Durable bool
	// Capacity, when positive, is how many unread messages the topic
	// holds before Write blocks.
	Capacity int
}

// Reader is a bus.Reader that can be closed, as a stage's source is when
// the process stops.
type Reader interface {
	bus.Reader
	// Close stops reading. Messages read and not settled stay unsettled.
	Close(ctx context.Context) error
}

// Run runs the suite; open returns a fresh topic for each test.
func Run(t *testing.T, open func(t *testing.T) Topic) {
	tests := []struct {
		name string
		fn   func(*testing.T, Topic)
	}{
		{"OrderPerKeyAndSettledOnce", testOrderPerKey},
		{"AckNeverNil", testAckNeverNil},
		{"Redeliver", testRedeliver},
		{"FailedIsNotRedelivered", testFailed},
		{"UnsettledAfterRestart", testRestart},
		{"Backpressure", testBackpressure},
		{"WriteAfterClose", testWriteAfterClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// wait is how long the suite waits for an expected delivery; a bus that
// needs longer is broken for the pipeline too.
const wait = 90 * time.Second

// settlements records how each written message was settled.
type settlements struct {
	mu   sync.Mutex
	errs map[string][]error
	cond chan struct{} // closed and replaced on each settlement
}

func newSettlements() *settlements {
	return &settlements{errs: map[string][]error{}, cond: make(chan struct{})}
}

func (s *settlements) ack(id string) bus.AckFunc {
	return func(_ context.Context, err error) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.errs[id] = append(s.errs[id], err)
		close(s.cond)
		s.cond = make(chan struct{})
		return nil
	}
}

// waitFor waits until id has been settled n times and returns its errors.
func (s *settlements) waitFor(t *testing.T, id string, n int) []error {
	t.Helper()
	timeout := time.After(wait)
	for {
		s.mu.Lock()
		got, cond := append([]error(nil), s.errs[id]...), s.cond
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-cond:
		case <-timeout:
			t.Fatalf("%s settled %d times, want %d", id, len(got), n)
		}
	}
}

func (s *settlements) count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.errs[id])
}

func testArticle(key string, seq int) *article.Article {
	a := article.New(fmt.Sprintf("https://bustest.example/%s", key), "", time.Unix(1700000000, 0).UTC())
	a.Title = fmt.Sprintf("%s #%d", key, seq)
	a.Body = "A body long enough to be an article. " + a.Title
	return a
}

func write(t *testing.T, tp Topic, a *article.Article, ack bus.AckFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := tp.Writer.Write(ctx, bus.Message{Article: a, Ack: ack}); err != nil {
		t.Fatalf("write %s: %v", a.Title, err)
	}
}

func read(t *testing.T, r bus.Reader) bus.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	m, err := r.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if m.Article == nil || m.Ack == nil {
		t.Fatalf("read a message without article or ack: %+v", m)
	}
	return m
}

func settle(t *testing.T, m bus.Message, err error) {
	t.Helper()
	if aerr := m.Ack(context.Background(), err); aerr != nil {
		t.Fatalf("settle %s: %v", m.Article.Title, aerr)
	}
}

func closeReader(t *testing.T, r Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		t.Logf("close reader: %v", err)
	}
}

func testOrderPerKey(t *testing.T, tp Topic) {
	const perKey = 15
	keys := []string{"alpha", "bravo", "charlie"}
	s := newSettlements()
	for i := range perKey {
		for _, k := range keys {
			a := testArticle(k, i)
			write(t, tp, a, s.ack(a.Title))
		}
	}
	r := tp.Reader(t)
	defer closeReader(t, r)
	next := map[string]int{}
	for range perKey * len(keys) {
		m := read(t, r)
		var key string
		var seq int
		if _, err := fmt.Sscanf(m.Article.Title, "%s #%d", &key, &seq); err != nil {
			t.Fatalf("unexpected article %q", m.Article.Title)
		}
		if seq != next[key] {
			t.Fatalf("key %s: got #%d, want #%d: order per key lost", key, seq, next[key])
		}
		next[key]++
		settle(t, m, nil)
	}
	for i := range perKey {
		for _, k := range keys {
			title := testArticle(k, i).Title
			for _, err := range s.waitFor(t, title, 1) {
				if err != nil {
					t.Errorf("%s settled with %v, want nil", title, err)
				}
			}
			if n := s.count(title); n != 1 {
				t.Errorf("%s settled %d times, want once", title, n)
			}
		}
	}
}

func testAckNeverNil(t *testing.T, tp Topic) {
	write(t, tp, testArticle("nil-ack", 0), nil)
	r := tp.Reader(t)
	defer closeReader(t, r)
	settle(t, read(t, r), nil) // read fails the test on a nil Ack
}

func testRedeliver(t *testing.T, tp Topic) {
	s := newSettlements()
	a := testArticle("handed-back", 0)
	write(t, tp, a, s.ack(a.Title))
	r := tp.Reader(t)
	defer closeReader(t, r)
	m := read(t, r)
	settle(t, m, fmt.Errorf("stage stopping: %w", bus.ErrRedeliver))
	if !tp.Durable {
		errs := s.waitFor(t, a.Title, 1)
		if !errors.Is(errs[0], bus.ErrRedeliver) {
			t.Fatalf("writer's ack got %v, want the hand-back", errs[0])
		}
		return
	}
	again := read(t, r)
	if again.Article.ID != a.ID {
		t.Fatalf("after a hand-back read %q, want %q again", again.Article.Title, a.Title)
	}
	settle(t, again, nil)
	if errs := s.waitFor(t, a.Title, 1); errs[0] != nil || len(errs) != 1 {
		t.Fatalf("writer's ack got %v, want one nil (stored)", errs)
	}
}

func testFailed(t *testing.T, tp Topic) {
	s := newSettlements()
	bad, marker := testArticle("failed", 0), testArticle("marker", 0)
	write(t, tp, bad, s.ack(bad.Title))
	write(t, tp, marker, s.ack(marker.Title))
	r := tp.Reader(t)
	defer closeReader(t, r)
	failure := errors.New("article cannot be processed")
	// Both are read once, in either order (their keys may lie in
	// different partitions); a third read would find nothing.
	var badSeen, markerSeen bool
	for !badSeen || !markerSeen {
		m := read(t, r)
		switch {
		case m.Article.ID == bad.ID && !badSeen:
			badSeen = true
			settle(t, m, failure)
		case m.Article.ID == marker.ID && !markerSeen:
			markerSeen = true
			settle(t, m, nil)
		default:
			t.Fatalf("%q delivered again after it was settled", m.Article.Title)
		}
	}
	errs := s.waitFor(t, bad.Title, 1)
	if tp.Durable && errs[0] != nil {
		t.Fatalf("durable topic: writer's ack got %v, want nil once stored", errs[0])
	}
	if !tp.Durable && !errors.Is(errs[0], failure) {
		t.Fatalf("in-process topic: writer's ack got %v, want the failure", errs[0])
	}
}

func testRestart(t *testing.T, tp Topic) {
	if !tp.Durable {
		t.Skip("an in-process topic does not outlive its process")
	}
	a := testArticle("unsettled", 0)
	write(t, tp, a, nil)
	r := tp.Reader(t)
	if m := read(t, r); m.Article.ID != a.ID {
		t.Fatalf("read %q, want %q", m.Article.Title, a.Title)
	}
	closeReader(t, r) // without settling
	r2 := tp.Reader(t)
	defer closeReader(t, r2)
	m := read(t, r2)
	if m.Article.ID != a.ID {
		t.Fatalf("after a restart read %q, want the unsettled %q", m.Article.Title, a.Title)
	}
	settle(t, m, nil)
}

func testBackpressure(t *testing.T, tp Topic) {
	if tp.Capacity <= 0 {
		t.Skip("the topic stores what is written; its writer's own limit is on messages not yet stored")
	}
	for i := range tp.Capacity {
		write(t, tp, testArticle("full", i), nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err := tp.Writer.Write(ctx, bus.Message{Article: testArticle("full", tp.Capacity), Ack: bus.NoAck})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write to a full topic returned %v, want it to block until its context ended", err)
	}
	r := tp.Reader(t)
	defer closeReader(t, r)
	settle(t, read(t, r), nil)
	write(t, tp, testArticle("full", tp.Capacity), nil) // room again
}

func testWriteAfterClose(t *testing.T, tp Topic) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := tp.CloseWriter(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	err := tp.Writer.Write(ctx, bus.Message{Article: testArticle("late", 0), Ack: bus.NoAck})
	if !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("write after close returned %v, want bus.ErrClosed", err)
	}
}
