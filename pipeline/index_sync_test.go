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

// syncer is an indexer.Syncer whose Sync fails until allowed, as a store
// that cannot get its writes to disk.
type syncer struct {
	syncs   atomic.Int64
	durable atomic.Bool
}

func (s *syncer) Sync(context.Context) error {
	s.syncs.Add(1)
	if !s.durable.Load() {
		return errors.New("sync: input/output error")
	}
	return nil
}

// syncingStore is an article store that syncs like syncer and counts the
// articles put.
type syncingStore struct {
	syncer
	mu   sync.Mutex
	puts map[string]bool
}

func (s *syncingStore) Put(_ context.Context, a *article.Article) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts[a.ID] = true
	return nil
}

// syncingStories is a story index that syncs like syncer and counts the
// articles assigned a story.
type syncingStories struct {
	syncer
	story.MemIndex
	assigned atomic.Int64
}

func (s *syncingStories) Update(ctx context.Context, fn func(context.Context, story.IndexTx) error) error {
	if err := s.MemIndex.Update(ctx, fn); err != nil {
		return err
	}
	s.assigned.Add(1)
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
	var resp *kafka.OffsetFetchResponse
	for {
		// A loaded broker answers some requests with transient errors
		// (Broker Not Available); retry them.
		var err error
		resp, err = cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
		if err == nil && resp.Error == nil {
			break
		}
		if err == nil {
			err = resp.Error
		}
		select {
		case <-ctx.Done():
			t.Fatalf("offsets of group %s: %v", group, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	var sum int64
	for _, p := range resp.Topics[topic] {
		sum += max(p.CommittedOffset, 0)
	}
	return sum
}

// TestRolesSyncBeforeCommit checks that a role keeping state in the
// embedded store commits an offset only after that store has made what it
// stored durable: while Sync fails nothing is committed, although every
// article has been handled; once it succeeds, everything is. The index role
// syncs its article store, the story role its story index (which also
// holds the alerts).
func TestRolesSyncBeforeCommit(t *testing.T) {
	const n = 5
	tests := []struct {
		name  string
		group string
		// run starts the role and returns how to make its store durable
		// and how many articles it has handled.
		run func(ctx context.Context, k Kafka, errc chan<- error) (*syncer, func() int64)
	}{
		{"index", "wirewatch-index", func(ctx context.Context, k Kafka, errc chan<- error) (*syncer, func() int64) {
			st := &syncingStore{puts: map[string]bool{}}
			go func() { errc <- Index(ctx, k, st, &story.MemIndex{}, nil) }()
			return &st.syncer, func() int64 {
				st.mu.Lock()
				defer st.mu.Unlock()
				return int64(len(st.puts))
			}
		}},
		{"story", "wirewatch-story", func(ctx context.Context, k Kafka, errc chan<- error) (*syncer, func() int64) {
			stories := &syncingStories{}
			go func() { errc <- Story(ctx, k, stories, nil) }()
			return &stories.syncer, stories.assigned.Load
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := testKafka(t, brokerOrSkip(t))
			ctx := context.Background()
			if err := k.EnsureTopics(ctx); err != nil {
				t.Fatal(err)
			}
			w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Tagged, Logger: k.Logger})
			if err != nil {
				t.Fatal(err)
			}
			for i := range n {
				a := article.New("https://news.example/sync/"+strconv.Itoa(i), "", time.Now())
				a.Title, a.Body = "Title "+strconv.Itoa(i), "Body of article "+strconv.Itoa(i)
				if err := w.Write(ctx, bus.Message{Article: a}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			errc := make(chan error, 1)
			sy, handled := tt.run(runCtx, k, errc)
			waitFor := func(what string, cond func() bool) {
				t.Helper()
				deadline := time.Now().Add(time.Minute)
				for !cond() {
					select {
					case err := <-errc:
						t.Fatalf("role returned while waiting for %s: %v", what, err)
					case <-time.After(20 * time.Millisecond):
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: not within a minute", what)
					}
				}
			}
			waitFor("every article handled and commits attempted", func() bool { return handled() >= n && sy.syncs.Load() >= 3 })
			if got := committedTotal(t, k, tt.group, k.Topics.Tagged); got != 0 {
				t.Fatalf("%d offsets committed while the store could not sync", got)
			}
			sy.durable.Store(true)
			waitFor("every offset committed once the store syncs", func() bool {
				return committedTotal(t, k, tt.group, k.Topics.Tagged) == n
			})
			stop()
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		})
	}
}
