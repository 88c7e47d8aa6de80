package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// TestLagAndSize stores letters on a topic of three partitions and checks
// the topic's size, a group's lag before it commits, and after.
func TestLagAndSize(t *testing.T) {
	conn := Conn{Brokers: []string{broker(t)}}
	p := prefix(t)
	topic, group := p+"dlq", p+"group"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := EnsureTopics(ctx, conn, 3, 1, topic); err != nil {
		t.Fatal(err)
	}
	if n, err := Size(ctx, conn, topic); err != nil || n != 0 {
		t.Fatalf("size of a new topic: %d, %v", n, err)
	}
	d, err := NewDeadLetters(conn, topic, "test", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const letters = 7
	for i := range letters {
		m := kafka.Message{Key: []byte(fmt.Sprint("k", i)), Value: []byte("v")}
		if err := d.Send(ctx, m, Origin{Topic: p + "clean", Partition: 0, Offset: int64(i)}, errors.New("poison")); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := Size(ctx, conn, topic); err != nil || n != letters {
		t.Errorf("size: %d, %v; want %d", n, err, letters)
	}
	if n, err := Lag(ctx, conn, topic, group); err != nil || n != letters {
		t.Errorf("lag of a group that committed nothing: %d, %v; want %d", n, err, letters)
	}
	ends, err := ScanDLQ(ctx, conn, topic, group, func(Letter) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := CommitDLQ(ctx, conn, topic, group, ends); err != nil {
		t.Fatal(err)
	}
	if n, err := Lag(ctx, conn, topic, group); err != nil || n != 0 {
		t.Errorf("lag after committing the ends: %d, %v; want 0", n, err)
	}
	if _, err := Lag(ctx, conn, topic, ""); err == nil {
		t.Error("lag without a group: no error")
	}
}
