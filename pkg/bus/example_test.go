package bus_test

import (
	"context"
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
