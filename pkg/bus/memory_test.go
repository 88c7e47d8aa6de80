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
