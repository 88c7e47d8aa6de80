package stage

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

// ackLog records how each article was settled.
type ackLog struct {
	mu  sync.Mutex
	got map[string]error
}

func (l *ackLog) ack(id string) bus.AckFunc {
	return func(_ context.Context, err error) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, dup := l.got[id]; dup {
			return fmt.Errorf("article %s acknowledged twice", id)
		}
		l.got[id] = err
		return nil
	}
}

func TestStageAcksAfterSinkAndFailsOnlyBadArticles(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			ctx := context.Background()
			in, mid := bus.NewMemory(2), bus.NewMemory(2)
			log := &ackLog{got: map[string]error{}}
			var stored sync.Map
			first := &Stage{Name: "upper", In: in, Out: mid, Workers: workers,
				Proc: ProcessorFunc(func(_ context.Context, a *article.Article) error {
					if a.Title == "bad" {
						return errors.New("cannot handle")
					}
					a.Title += "!"
					return nil
				})}
			sink := &Stage{Name: "sink", In: mid, Workers: workers, Stats: &Stats{},
				Proc: ProcessorFunc(func(_ context.Context, a *article.Article) error {
					stored.Store(a.ID, a.Title)
					return nil
				})}
			errs := make(chan error, 2)
			go func() { errs <- first.Run(ctx); mid.Close() }()
			go func() { errs <- sink.Run(ctx) }()
			const n = 20
			for i := range n {
				title := fmt.Sprint("t", i)
				if i%5 == 0 {
					title = "bad"
				}
				id := fmt.Sprint(i)
				if err := in.Write(ctx, bus.Message{Article: &article.Article{ID: id, Title: title}, Ack: log.ack(id)}); err != nil {
					t.Fatal(err)
				}
			}
			in.Close()
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("stage: %v", err)
				}
			}
			if len(log.got) != n {
				t.Fatalf("%d of %d articles settled", len(log.got), n)
			}
			for i := range n {
				id := fmt.Sprint(i)
				err := log.got[id]
				_, ok := stored.Load(id)
				if i%5 == 0 {
					if err == nil || ok {
						t.Errorf("bad article %s: ack err %v, stored %v; want failure, not stored", id, err, ok)
					}
					continue
				}
				if err != nil || !ok {
					t.Errorf("article %s: ack err %v, stored %v", id, err, ok)
				}
			}
			if got := sink.Stats.Done.Load(); got != n-n/5 {
				t.Errorf("sink done = %d, want %d", got, n-n/5)
			}
		})
	}
}

func TestStageLeavesInFlightUnackedOnCancel(t *testing.T) {
	in := bus.NewMemory(1)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	acked := make(chan error, 1)
	s := &Stage{Name: "slow", In: in, Proc: ProcessorFunc(func(ctx context.Context, _ *article.Article) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	if err := in.Write(ctx, bus.Message{Article: &article.Article{ID: "x"}, Ack: func(_ context.Context, err error) error {
		acked <- err
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	select {
	case err := <-acked:
		t.Fatalf("cancelled article was settled with %v; it must stay unacknowledged", err)
	case <-time.After(50 * time.Millisecond):
	}
}
