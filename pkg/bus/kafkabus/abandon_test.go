package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// offsetFetch asks for group's committed offsets of topic's partitions,
// retrying for up to 30 s: a loaded broker answers some requests with
// transient errors such as Broker Not Available.
func offsetFetch(s setup, group, topic string, parts []int) (*kafka.OffsetFetchResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		resp, err := s.conn.client().OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
		if err == nil && resp.Error == nil {
			return resp, nil
		}
		if err == nil {
			err = resp.Error
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("offsets of group %s: %w", group, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// committedOffset returns the offset group has committed for partition 0
// of topic, -1 when none.
func committedOffset(t *testing.T, s setup, group, topic string) int64 {
	t.Helper()
	resp, err := offsetFetch(s, group, topic, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range resp.Topics[topic] {
		if p.Partition == 0 {
			if p.Error != nil {
				t.Fatal(p.Error)
			}
			return p.CommittedOffset
		}
	}
	return -1
}

// TestUnsettledMessageIsReadAgain covers the two ways a message can be
// left without a settlement while its reader keeps running: a write to the
// next topic cut by its context before the producer queued it, and an
// Ack whose dead letter cannot be stored before its context ends. Both
// faults are real (the output and dead-letter topics do not exist, and
// the broker does not create them for these clients). Before the fix the
// reader went on handing out messages while the partition never committed
// past the lost one again until a restart, and each lost message held an
// in-flight slot for good. Now the holder hands the message back, nothing
// is committed from it on, and the reader reads its partition again from
// the last commit: the message comes back, and once it is processed the
// partition commits to its end.
func TestUnsettledMessageIsReadAgain(t *testing.T) {
	tests := []struct {
		name string
		// lose makes the holder of m fail to settle it, as the fault
		// under test does.
		lose func(t *testing.T, s setup, m bus.Message)
		// dlqMissing sends the reader's dead letters to a topic that does
		// not exist.
		dlqMissing bool
	}{
		{name: "write cut during submit", lose: func(t *testing.T, s setup, m bus.Message) {
			w, err := NewWriter(WriterConfig{Conn: s.conn, Topic: s.topics.Tagged + ".missing"})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err = w.Write(ctx, m)
			if err == nil {
				t.Fatal("Write returned nil for a message it could not queue")
			}
			// The caller still owns a message Write refused, so it hands
			// it back as a stage does.
			if aerr := m.Ack(ctx, fmt.Errorf("%w: %w", bus.ErrRedeliver, err)); aerr != nil {
				t.Fatalf("handing back: %v", aerr)
			}
			if err := w.Close(context.Background()); err != nil {
				t.Log(err)
			}
		}},
		{name: "dead letter fails inside Ack", dlqMissing: true, lose: func(t *testing.T, s setup, m bus.Message) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := m.Ack(ctx, errors.New("extract: fails for good")); err == nil {
				t.Fatal("Ack stored a dead letter in a topic that does not exist")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, 1)
			var as []*article.Article
			for i := range 6 {
				as = append(as, testArticle(i, "body"))
			}
			produce(t, s, s.topics.Clean, as...)
			dlq := s.dlq
			if tt.dlqMissing {
				var err error
				if dlq, err = NewDeadLetters(s.conn, s.topics.DLQ+".missing", "test", 0, nil); err != nil {
					t.Fatal(err)
				}
				defer dlq.Close()
			}
			group := s.group("g")
			r, err := NewReader(ReaderConfig{Conn: s.conn, Topic: s.topics.Clean, GroupID: group, Role: "test",
				DeadLetters: dlq, MaxInFlight: 2, CommitInterval: 50 * time.Millisecond, SessionTimeout: 6 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close(context.Background())
			ms := read(t, r, 2)
			tt.lose(t, s, ms[0])
			if err := ms[1].Ack(context.Background(), nil); err != nil {
				t.Fatal(err)
			}

			// The lost message must come back from the same reader, with
			// nothing committed until it has been processed.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for handed := 0; ; handed++ {
				if handed > 3*len(as) {
					t.Fatalf("reader handed out %d more messages without the lost one, with the partition at committed offset %d: wedged",
						handed, committedOffset(t, s, group, s.topics.Clean))
				}
				m, err := r.Read(ctx)
				if err != nil {
					t.Fatalf("Read after a lost message: %v", err)
				}
				if m.Article.ID == as[0].ID {
					if off := committedOffset(t, s, group, s.topics.Clean); off > 0 {
						t.Fatalf("committed offset %d past the unsettled message at 0 before it came back: it would be lost", off)
					}
					if err := m.Ack(ctx, nil); err != nil {
						t.Fatal(err)
					}
					break
				}
				if err := m.Ack(ctx, nil); err != nil {
					t.Fatal(err)
				}
			}
			// The rest of the partition follows again; settle it all.
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					m, err := r.Read(ctx)
					if err != nil {
						return
					}
					m.Ack(ctx, nil)
				}
			}()
			for off := committedOffset(t, s, group, s.topics.Clean); off != int64(len(as)); off = committedOffset(t, s, group, s.topics.Clean) {
				select {
				case <-ctx.Done():
					t.Fatalf("committed offset %d, want %d once the lost message was processed", off, len(as))
				case <-time.After(20 * time.Millisecond):
				}
			}
			cancel()
			<-done
		})
	}
}
