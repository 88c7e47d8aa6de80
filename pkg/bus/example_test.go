package bus_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// A source writes a message with its ack; the stage that reads it settles
// it once, and the source learns the outcome through the ack.
func ExampleMemory() {
	topic := bus.NewMemory(8)
	done := make(chan error, 1)
	a := article.New("https://example.com/a", "", time.Unix(1700000000, 0))
	err := topic.Write(context.Background(), bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
		done <- err // the frontier would mark the URL done, or failed
		return nil
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	topic.Close()

	for {
		m, err := topic.Read(context.Background())
		if err == bus.ErrClosed {
			break
		}
		fmt.Println("processing", m.Article.URL)
		m.Ack(context.Background(), nil)
	}
	fmt.Println("settled with", <-done)
	// Output:
	// processing https://example.com/a
	// settled with <nil>
}

// Once makes an ack safe to reach from two paths (an error path and a
// success path racing to settle one message): only the first call counts.
func ExampleOnce() {
	calls := 0
	ack := bus.Once(func(_ context.Context, err error) error {
		calls++
		fmt.Println("settled with", err)
		return nil
	})
	ack(context.Background(), nil)
	ack(context.Background(), errors.New("too late"))
	fmt.Println(calls, "call")
	// Output:
	// settled with <nil>
	// 1 call
}

// A source that needs no acknowledgement writes messages without an Ack;
// a Writer settles them through AckOrNone like any other, and what a
// Reader hands out always has one.
func ExampleMessage_AckOrNone() {
	topic := bus.NewMemory(1)
	a := article.New("https://example.com/b", "", time.Unix(1700000000, 0))
	if err := topic.Write(context.Background(), bus.Message{Article: a}); err != nil {
		fmt.Println(err)
		return
	}
	m, err := topic.Read(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Ack != nil, m.Ack(context.Background(), nil))
	// Output:
	// true <nil>
}
