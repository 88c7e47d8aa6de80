package kafkabus

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// TestWriterRetriesAFailedBatch drives the path a broker outage takes: a
// batch kafka-go already queued comes back failed in the completion
// callback, with the messages' topic filled in. The retry must store the
// message and settle it once.
func TestWriterRetriesAFailedBatch(t *testing.T) {
	s := newSetup(t, 1)
	w, err := NewWriter(WriterConfig{Conn: s.conn, Topic: s.topics.Clean, Compression: kafka.Zstd})
	if err != nil {
		t.Fatal(err)
	}
	a := testArticle(1, "A body long enough to be an article about the retry path.")
	msg, err := Encode(a, NewTraceID())
	if err != nil {
		t.Fatal(err)
	}
	acked := make(chan error, 2)
	w.sem <- struct{}{}
	w.wg.Add(1)
	msg.WriterData = &pending{ack: func(_ context.Context, err error) error { acked <- err; return nil }, id: a.ID}
	msg.Topic = s.topics.Clean // as kafka-go returns it
	w.completed([]kafka.Message{msg}, errors.New("dial tcp: connection refused"))
	select {
	case err := <-acked:
		if err != nil {
			t.Fatalf("retried message settled with %v, want stored", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("retried message was never stored")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-acked:
		t.Fatalf("message settled twice (second: %v)", err)
	default:
	}
}
