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

// committedOffset returns the offset group has committed for partition 0
// of topic, -1 when none.
func committedOffset(t *testing.T, s setup, group, topic string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := s.conn.client().OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: {0}}})
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

// TestUnsettledMessageFailsReader covers the two ways a message can be
// left without a settlement while its reader keeps running: a write to the
// next topic cut by its context before the producer queued it, and an
// Ack whose dead letter cannot be stored before its context ends. Both
// faults are real (the output and dead-letter topics do not exist, and
// the broker does not create them for these clients). Before the fix the
// reader went on handing out messages while the partition never committed
// past the lost one again until a restart, and each lost message held an
// in-flight slot for good. Now the holder hands the message back, the
// reader fails Read loudly, commits stay below the handed-back message,
// and a new reader gets it again first.
func TestUnsettledMessageFailsReader(t *testing.T) {
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
			const group = "g"
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

			// The reader must now refuse to go on rather than hand out
			// messages it can never commit.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var readErr error
			for handed := 0; readErr == nil; handed++ {
				var m bus.Message
				m, readErr = r.Read(ctx)
				if readErr != nil {
					break
				}
				if err := m.Ack(ctx, nil); err != nil {
					t.Fatal(err)
				}
				if handed >= 3 {
					t.Fatalf("reader handed out %d more messages after losing offset 0, with the partition at committed offset %d: wedged",
						handed+1, committedOffset(t, s, group, s.topics.Clean))
				}
			}
			if !errors.Is(readErr, ErrUnsettled) {
				t.Fatalf("Read after a lost message: %v, want %v", readErr, ErrUnsettled)
			}
			if n := r.InFlight(); n != 0 {
				t.Errorf("%d in-flight slots still held, want 0", n)
			}
			if err := r.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if off := committedOffset(t, s, group, s.topics.Clean); off > 0 {
				t.Fatalf("committed offset %d past the unsettled message at 0: it would be lost", off)
			}
			r2 := newReader(t, s, group)
			defer r2.Close(context.Background())
			if m := read(t, r2, 1)[0]; m.Article.ID != as[0].ID {
				t.Fatalf("after a restart the first message is %s, want the unsettled %s", m.Article.ID, as[0].ID)
			}
		})
	}
}
