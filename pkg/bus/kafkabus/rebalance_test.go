package kafkabus

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// offsetWatch polls a group's committed offsets and records every move
// backwards, which is what a commit made for a partition the member no
// longer owns looks like.
type offsetWatch struct {
	mu        sync.Mutex
	last      map[int]int64
	backwards []string
}

func (w *offsetWatch) poll(t *testing.T, s setup, group, topic string, parts int) map[int]int64 {
	t.Helper()
	var ps []int
	for p := range parts {
		ps = append(ps, p)
	}
	resp, err := offsetFetch(s, group, topic, ps)
	if err != nil {
		t.Error(err)
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	got := map[int]int64{}
	for _, p := range resp.Topics[topic] {
		got[p.Partition] = p.CommittedOffset
		if prev, ok := w.last[p.Partition]; ok && p.CommittedOffset < prev {
			w.backwards = append(w.backwards, fmt.Sprintf("partition %d from %d to %d", p.Partition, prev, p.CommittedOffset))
		}
		w.last[p.Partition] = p.CommittedOffset
	}
	return got
}

// TestRebalanceNeverCommitsBackwards runs two consumers of one group on a
// two-partition topic. The first holds every message it read, unsettled,
// while the second joins mid-stream, takes a partition over and commits it
// to its end; then the first settles the early messages of each partition
// it read before the rebalance and leaves. Those completions belong to an
// assignment that ended: committing them would move the second consumer's
// partition backwards (duplicates on the next restart). The test watches
// the committed offsets throughout for any move backwards, and checks that
// in the end every partition is committed to its end by consumers that
// processed every message.
func TestRebalanceNeverCommitsBackwards(t *testing.T) {
	const parts, n = 2, 60
	s := newSetup(t, parts)
	var as []*article.Article
	partOf := map[string]int{}
	ends := map[int]int64{}
	for i := range n {
		a := testArticle(i, "body")
		as = append(as, a)
		p := (&kafka.Hash{}).Balance(kafka.Message{Key: []byte(a.ID)}, 0, 1)
		partOf[a.ID] = p
		ends[p]++
	}
	produce(t, s, s.topics.Clean, as...)
	group := s.group("g")

	watch := &offsetWatch{last: map[int]int64{}}
	stopWatch := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stopWatch:
				return
			case <-time.After(20 * time.Millisecond):
			}
			watch.poll(t, s, group, s.topics.Clean, parts)
		}
	}()
	defer func() { close(stopWatch); <-watched }()

	var mu sync.Mutex
	processed := map[string]bool{}
	ack := func(m bus.Message) {
		t.Helper()
		if err := m.Ack(context.Background(), nil); err != nil {
			t.Error(err)
		}
		mu.Lock()
		processed[m.Article.ID] = true
		mu.Unlock()
	}

	first := newReader(t, s, "g")
	defer first.Close(context.Background())
	held := read(t, first, n) // alone in the group: it owns both partitions

	second := newReader(t, s, "g")
	defer second.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	consumed := make(chan error, 1)
	go func() {
		for {
			m, err := second.Read(ctx)
			if err != nil {
				consumed <- err
				return
			}
			ack(m)
		}
	}()
	// waitCommitted polls until cond holds for the committed offsets.
	waitCommitted := func(what string, cond func(map[int]int64) bool) {
		t.Helper()
		for {
			if got := watch.poll(t, s, group, s.topics.Clean, parts); cond(got) {
				return
			}
			select {
			case err := <-consumed:
				t.Fatalf("second consumer stopped while waiting for %s: %v", what, err)
			case <-ctx.Done():
				t.Fatalf("%s: not before the deadline", what)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	waitCommitted("the second consumer to commit a partition to its end", func(got map[int]int64) bool {
		for p, end := range ends {
			if got[p] == end {
				return true
			}
		}
		return false
	})

	// The first consumer settles the first few messages of each partition
	// it read under the old assignment, and leaves.
	early := map[int]int{}
	for _, m := range held {
		if p := partOf[m.Article.ID]; early[p] < 5 {
			early[p]++
			ack(m)
		}
	}
	if err := first.Close(context.Background()); err != nil {
		t.Logf("first consumer closed: %v", err)
	}
	waitCommitted("every partition committed to its end", func(got map[int]int64) bool {
		for p, end := range ends {
			if got[p] != end {
				return false
			}
		}
		return true
	})
	cancel()
	<-consumed

	watch.mu.Lock()
	defer watch.mu.Unlock()
	if len(watch.backwards) > 0 {
		t.Errorf("committed offsets moved backwards: %v", watch.backwards)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, a := range as {
		if !processed[a.ID] {
			t.Errorf("article %s (partition %d) committed past but never processed", a.ID, partOf[a.ID])
		}
	}
}

// TestRebalanceFinishesInFlight checks that a member whose generation ends
// in a rebalance finishes what it holds before it rejoins: messages settled
// while the group waits for it are committed under the generation that read
// them, so their partition's next owner does not process them again. The
// first consumer holds every message when the second joins, and settles
// them once its generation is sealed; no consumer settles anything else, so
// a commit of the whole partition can only be the first consumer's.
func TestRebalanceFinishesInFlight(t *testing.T) {
	s := newSetup(t, 1)
	var as []*article.Article
	for i := range 5 {
		as = append(as, testArticle(i, "body"))
	}
	produce(t, s, s.topics.Clean, as...)
	first := newReader(t, s, "g")
	defer first.Close(context.Background())
	held := read(t, first, len(as))
	second := newReader(t, s, "g")
	defer second.Close(context.Background())

	waitFor(t, time.Minute, func() bool { return sealed(first.tracker) }, "the first consumer's generation ends as the second joins")
	for _, m := range held {
		if err := m.Ack(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, time.Minute, func() bool { return committedOffset(t, s, s.group("g"), s.topics.Clean) == int64(len(as)) },
		fmt.Sprintf("the committed offset is %d (else the messages settled during the rebalance were dropped)", len(as)))
}

func sealed(tr *Tracker) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.sealed
}
