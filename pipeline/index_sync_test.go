package pipeline

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/story"
)

// syncingStore is an indexer.Syncer whose Sync fails until allowed, as a
// store that cannot get its writes to disk.
type syncingStore struct {
	mu      sync.Mutex
	puts    map[string]bool
	syncs   atomic.Int64
	durable atomic.Bool
}

func (s *syncingStore) Put(_ context.Context, a *article.Article) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts[a.ID] = true
	return nil
}

func (s *syncingStore) stored() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.puts)
}

func (s *syncingStore) Sync(context.Context) error {
	s.syncs.Add(1)
	if !s.durable.Load() {
		return errors.New("sync: input/output error")
	}
	return nil
}

// committedTotal sums the offsets group has committed on topic's
// partitions (0 for a partition without a commit).
func committedTotal(t *testing.T, k Kafka, group, topic string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	parts := make([]int, k.Partitions)
	for i := range parts {
		parts[i] = i
	}
	cl := &kafka.Client{Addr: kafka.TCP(k.Conn.Brokers...), Timeout: 30 * time.Second}
	resp, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range resp.Topics[topic] {
		sum += max(p.CommittedOffset, 0)
	}
	return sum
}

// TestIndexSyncsBeforeCommit checks that the embedded index role commits an
// offset only after its store has made the stored articles durable: while
// Sync fails nothing is committed, although every article is stored; once
// it succeeds, everything is.
func TestIndexSyncsBeforeCommit(t *testing.T) {
	k := testKafka(t, brokerOrSkip(t))
	ctx := context.Background()
	if err := k.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Tagged, Logger: k.Logger})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	for i := range n {
		a := article.New("https://news.example/sync/"+strconv.Itoa(i), "", time.Now())
		a.Title, a.Body = "Title", "Body of article "+strconv.Itoa(i)
		if err := w.Write(ctx, bus.Message{Article: a}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := &syncingStore{puts: map[string]bool{}}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- Index(runCtx, k, st, &story.MemIndex{}, nil) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for !cond() {
			select {
			case err := <-errc:
				t.Fatalf("index role returned while waiting for %s: %v", what, err)
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within a minute", what)
			}
		}
	}
	waitFor("every article stored and commits attempted", func() bool { return st.stored() == n && st.syncs.Load() >= 3 })
	if got := committedTotal(t, k, "wirewatch-index", k.Topics.Tagged); got != 0 {
		t.Fatalf("%d offsets committed while the store could not sync", got)
	}
	st.durable.Store(true)
	waitFor("every offset committed once the store syncs", func() bool {
		return committedTotal(t, k, "wirewatch-index", k.Topics.Tagged) == n
	})
	stop()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
