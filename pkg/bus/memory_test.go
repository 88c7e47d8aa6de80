package bus

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

func TestMemoryBackpressureAndDrain(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(2)
	for i := range 2 {
		if err := m.Write(ctx, Message{Article: &article.Article{ID: string(rune('a' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	// A full queue blocks the writer until its context ends.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := m.Write(short, Message{Article: &article.Article{ID: "c"}}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Write on a full queue = %v, want deadline exceeded", err)
	}
	m.Close()
	if err := m.Write(ctx, Message{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
	for _, want := range []string{"a", "b"} {
		got, err := m.Read(ctx)
		if err != nil || got.Article.ID != want {
			t.Fatalf("Read = %v, %v; want %s", got.Article, err, want)
		}
	}
	if _, err := m.Read(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Read on drained closed topic = %v, want ErrClosed", err)
	}
}

func TestOnceSettlesOnce(t *testing.T) {
	calls := 0
	ack := Once(func(context.Context, error) error { calls++; return nil })
	ack(context.Background(), nil)
	ack(context.Background(), errors.New("late failure"))
	if calls != 1 {
		t.Errorf("ack ran %d times, want 1", calls)
	}
}

func TestAckOrNone(t *testing.T) {
	ctx := context.Background()
	failed := errors.New("failed")
	var got error
	own := func(_ context.Context, err error) error { got = err; return nil }
	for _, tt := range []struct {
		name   string
		m      Message
		called bool
	}{
		{"own ack", Message{Ack: own}, true},
		{"no ack", Message{}, false},
	} {
		got = nil
		ack := tt.m.AckOrNone()
		if ack == nil {
			t.Fatalf("%s: nil ack", tt.name)
		}
		if err := ack(ctx, failed); err != nil {
			t.Errorf("%s: ack returned %v", tt.name, err)
		}
		if (got == failed) != tt.called {
			t.Errorf("%s: own ack called = %v, want %v", tt.name, got == failed, tt.called)
		}
	}
}
