package stage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

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

// refusingWriter refuses every message, as a closed topic or a write cut
// by its context does.
type refusingWriter struct{}

func (refusingWriter) Write(context.Context, bus.Message) error { return bus.ErrClosed }

// TestStageHandsBackUnfinishedMessages checks that a message the stage
// cannot finish, because the next topic refuses it or the stage is
// cancelled mid-article, is handed back with bus.ErrRedeliver instead of
// being dropped unsettled (which held its source's offset for good) or
// settled as failed (which would dead-letter a good article).
func TestStageHandsBackUnfinishedMessages(t *testing.T) {
	tests := []struct {
		name    string
		out     bus.Writer
		cancel  bool // cancel the stage while the article is processed
		wantRun bool // Run returns an error of its own
	}{
		{name: "write refused", out: refusingWriter{}, wantRun: true},
		{name: "cancelled mid-article", out: bus.NewMemory(1), cancel: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := bus.NewMemory(1)
			got := make(chan error, 2)
			in.Write(ctx, bus.Message{Article: &article.Article{ID: "a"}, Ack: func(_ context.Context, err error) error {
				got <- err
				return nil
			}})
			s := &Stage{Name: "s", In: in, Out: tt.out, Proc: ProcessorFunc(func(ctx context.Context, _ *article.Article) error {
				if tt.cancel {
					cancel()
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			})}
			err := s.Run(ctx)
			if tt.wantRun && (err == nil || errors.Is(err, context.Canceled)) {
				t.Errorf("Run = %v, want the write error", err)
			}
			select {
			case aerr := <-got:
				if !errors.Is(aerr, bus.ErrRedeliver) {
					t.Fatalf("settled with %v, want %v", aerr, bus.ErrRedeliver)
				}
			default:
				t.Fatal("message left unsettled")
			}
			if len(got) != 0 {
				t.Fatal("message settled twice")
			}
		})
	}
}
