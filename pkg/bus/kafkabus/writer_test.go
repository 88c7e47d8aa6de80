package kafkabus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/bus"
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

// TestWriterRefusedMessageIsTaken checks the ownership rule of Write: a
// message Write settles itself (too large even compressed) is taken, so
// Write returns nil even when settling it fails, and the caller, who must
// not settle it a second time, is not told to hand it back.
func TestWriterRefusedMessageIsTaken(t *testing.T) {
	var b [30_000]byte
	_, _ = rand.Read(b[:])
	a := testArticle(1, hex.EncodeToString(b[:]))
	for _, tt := range []struct {
		name   string
		ackErr error
	}{{"settled", nil}, {"settling fails", errors.New("dead letter: kafka unreachable")}} {
		t.Run(tt.name, func(t *testing.T) {
			// No broker is needed: the message never leaves the writer.
			w, err := NewWriter(WriterConfig{Conn: Conn{Brokers: []string{"127.0.0.1:1"}}, Topic: "t", Compression: kafka.Zstd, MaxMessageBytes: 20_000})
			if err != nil {
				t.Fatal(err)
			}
			var got []error
			err = w.Write(context.Background(), bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
				got = append(got, err)
				return tt.ackErr
			}})
			if err != nil {
				t.Errorf("Write = %v, want nil: the message was taken", err)
			}
			if len(got) != 1 || !errors.Is(got[0], ErrTooLarge) {
				t.Errorf("settled with %v, want once with %v", got, ErrTooLarge)
			}
			if err := w.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
