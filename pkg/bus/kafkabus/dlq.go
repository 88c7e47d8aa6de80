package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Header keys a dead letter adds to the original message's headers. They
// say why the message was given up and where it came from, so that it can
// be replayed to its origin once the cause is fixed.
const (
	HeaderDLQError     = "wirewatch-dlq-error"
	HeaderDLQTopic     = "wirewatch-dlq-origin-topic"
	HeaderDLQPartition = "wirewatch-dlq-origin-partition"
	HeaderDLQOffset    = "wirewatch-dlq-origin-offset"
	HeaderDLQRole      = "wirewatch-dlq-role"
	HeaderDLQTime      = "wirewatch-dlq-time"
)

// DeadLetters produces given-up messages to the dead-letter topic,
// synchronously: a consumer commits a poison message only after its dead
// letter is stored.
type DeadLetters struct {
	w    *kafka.Writer
	role string
	max  int
	log  *slog.Logger
}

// NewDeadLetters returns a producer to topic; role names the stage that
// gives messages up (crawl, extract, index) in their headers.
func NewDeadLetters(c Conn, topic, role string, maxMessageBytes int, log *slog.Logger) (*DeadLetters, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	if maxMessageBytes <= 0 {
		maxMessageBytes = 1_000_000
	}
	return &DeadLetters{
		w: &kafka.Writer{Addr: kafka.TCP(c.Brokers...), Topic: topic, Balancer: &kafka.Hash{},
			RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, BatchBytes: 64 << 20,
			Compression: kafka.Zstd, Transport: c.transport(), MaxAttempts: 3},
		role: role, max: maxMessageBytes, log: log.With("dlq", topic),
	}, nil
}

// Origin says where a dead message was consumed; Partition and Offset are
// -1 for an article that never reached its topic.
type Origin struct {
	Topic     string
	Partition int
	Offset    int64
}

// Send stores msg, as consumed from origin, with the reason it failed. It
// retries until stored or ctx ends. A value too large even for the
// dead-letter topic is dropped from the letter; headers keep its key.
func (d *DeadLetters) Send(ctx context.Context, msg kafka.Message, origin Origin, reason error) error {
	out := kafka.Message{Key: msg.Key, Value: msg.Value}
	for _, h := range msg.Headers {
		if !strings.HasPrefix(h.Key, "wirewatch-dlq-") {
			out.Headers = append(out.Headers, h)
		}
	}
	if size, err := compressedSize(out, kafka.Zstd); err != nil || size > d.max {
		out.Value = nil
	}
	out.Headers = append(out.Headers,
		kafka.Header{Key: HeaderDLQError, Value: []byte(reason.Error())},
		kafka.Header{Key: HeaderDLQTopic, Value: []byte(origin.Topic)},
		kafka.Header{Key: HeaderDLQPartition, Value: []byte(strconv.Itoa(origin.Partition))},
		kafka.Header{Key: HeaderDLQOffset, Value: []byte(strconv.FormatInt(origin.Offset, 10))},
		kafka.Header{Key: HeaderDLQRole, Value: []byte(d.role)},
		kafka.Header{Key: HeaderDLQTime, Value: []byte(time.Now().UTC().Format(time.RFC3339Nano))},
	)
	for attempt := 0; ; attempt++ {
		err := d.w.WriteMessages(ctx, out)
		if err == nil {
			d.log.Warn("dead-lettered", "key", string(msg.Key), "origin", origin.Topic,
				"partition", origin.Partition, "offset", origin.Offset, "reason", reason)
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("dead-letter %s: %w", msg.Key, err)
		}
		d.log.Warn("dead-letter failed; retrying", "key", string(msg.Key), "err", err)
		select {
		case <-time.After(min(200*time.Millisecond<<min(attempt, 4), 3*time.Second)):
		case <-ctx.Done():
			return fmt.Errorf("dead-letter %s: %w", msg.Key, ctx.Err())
		}
	}
}

// SendArticle dead-letters an article that never reached topic, such as
// one too large for it.
func (d *DeadLetters) SendArticle(ctx context.Context, a *article.Article, topic string, reason error) error {
	msg, err := Encode(a, NewTraceID())
	if err != nil {
		msg = kafka.Message{Key: []byte(a.ID)}
	}
	msg.Headers = append(msg.Headers, kafka.Header{Key: "wirewatch-url", Value: []byte(a.URL)})
	return d.Send(ctx, msg, Origin{Topic: topic, Partition: -1, Offset: -1}, reason)
}

// Close flushes and closes the producer.
func (d *DeadLetters) Close() error { return d.w.Close() }

// Letter is one dead letter as read back from the topic.
type Letter struct {
	Partition int
	Offset    int64
	Key       string
	Error     string
	Origin    Origin
	Role      string
	Time      time.Time
	Message   kafka.Message
}

// ParseLetter reads the dead-letter headers of m.
func ParseLetter(m kafka.Message) Letter {
	l := Letter{Partition: m.Partition, Offset: m.Offset, Key: string(m.Key), Message: m}
	l.Error, _ = header(m, HeaderDLQError)
	l.Origin.Topic, _ = header(m, HeaderDLQTopic)
	p, _ := header(m, HeaderDLQPartition)
	l.Origin.Partition, _ = strconv.Atoi(p)
	o, _ := header(m, HeaderDLQOffset)
	l.Origin.Offset, _ = strconv.ParseInt(o, 10, 64)
	l.Role, _ = header(m, HeaderDLQRole)
	t, _ := header(m, HeaderDLQTime)
	l.Time, _ = time.Parse(time.RFC3339Nano, t)
	return l
}

// Original returns the message as it was before it was dead-lettered.
func (l Letter) Original() kafka.Message {
	out := kafka.Message{Key: l.Message.Key, Value: l.Message.Value}
	for _, h := range l.Message.Headers {
		if !strings.HasPrefix(h.Key, "wirewatch-dlq-") && h.Key != "wirewatch-url" {
			out.Headers = append(out.Headers, h)
		}
	}
	return out
}

// partitionRange is the offsets [From, To) of one partition to read.
type partitionRange struct {
	partition int
	from, to  int64
}

// ScanDLQ calls fn for every letter of topic from each partition's start
// (or, with group set, from the group's committed offset) up to the end
// the partition had when the scan began. It returns the end offsets, for
// CommitDLQ.
func ScanDLQ(ctx context.Context, c Conn, topic, group string, fn func(Letter) error) (map[int]int64, error) {
	var parts []int
	var ranges map[int]*partitionRange
	err := retryTransient(ctx, "dlq offsets of "+topic, func(ctx context.Context) error {
		var err error
		parts, ranges, err = dlqRanges(ctx, c.client(), topic, group)
		return err
	})
	if err != nil {
		return nil, err
	}
	ends := map[int]int64{}
	for _, p := range parts {
		r := ranges[p]
		if r == nil {
			continue
		}
		ends[p] = r.to
		if r.from >= r.to {
			continue
		}
		if err := scanPartition(ctx, c, topic, *r, fn); err != nil {
			return nil, err
		}
	}
	return ends, nil
}

// dlqRanges reads the partitions of topic and, for each, the offsets to
// scan: from its first offset (or group's commit, when later) to its end.
// Any error may be transient; ScanDLQ retries the whole read, since a
// partition whose leader moved must be asked again of the new leader.
func dlqRanges(ctx context.Context, cl *kafka.Client, topic, group string) ([]int, map[int]*partitionRange, error) {
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, nil, fmt.Errorf("metadata: %w", err)
	}
	if len(meta.Topics) != 1 {
		return nil, nil, fmt.Errorf("metadata names %d topics, want 1", len(meta.Topics))
	}
	if err := meta.Topics[0].Error; err != nil {
		return nil, nil, fmt.Errorf("topic: %w", err)
	}
	var reqs []kafka.OffsetRequest
	var parts []int
	for _, p := range meta.Topics[0].Partitions {
		parts = append(parts, p.ID)
		reqs = append(reqs, kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
	}
	offs, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, nil, fmt.Errorf("list offsets: %w", err)
	}
	ranges := map[int]*partitionRange{}
	for _, po := range offs.Topics[topic] {
		if po.Error != nil {
			return nil, nil, fmt.Errorf("offsets of partition %d: %w", po.Partition, po.Error)
		}
		ranges[po.Partition] = &partitionRange{partition: po.Partition, from: po.FirstOffset, to: po.LastOffset}
	}
	if group == "" {
		return parts, ranges, nil
	}
	resp, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err == nil {
		err = resp.Error
	}
	if err != nil {
		return nil, nil, fmt.Errorf("offsets of group %s: %w", group, err)
	}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, nil, fmt.Errorf("offset of group %s, partition %d: %w", group, po.Partition, po.Error)
		}
		if r := ranges[po.Partition]; r != nil && po.CommittedOffset > r.from {
			r.from = po.CommittedOffset
		}
	}
	return parts, ranges, nil
}

func scanPartition(ctx context.Context, c Conn, topic string, r partitionRange, fn func(Letter) error) error {
	rd := kafka.NewReader(kafka.ReaderConfig{Brokers: c.Brokers, Topic: topic, Partition: r.partition,
		Dialer: c.dialer(), MaxBytes: 64 << 20, MaxWait: 250 * time.Millisecond})
	defer rd.Close()
	if err := rd.SetOffset(r.from); err != nil {
		return fmt.Errorf("dlq partition %d: %w", r.partition, err)
	}
	for {
		m, err := rd.FetchMessage(ctx)
		if err != nil {
			return fmt.Errorf("dlq partition %d: %w", r.partition, err)
		}
		if m.Offset >= r.to {
			return nil
		}
		if err := fn(ParseLetter(m)); err != nil {
			return err
		}
		if m.Offset+1 >= r.to {
			return nil
		}
	}
}

// CommitDLQ records ends (from ScanDLQ) as group's position, so the next
// replay with the same group starts after what this one saw.
func CommitDLQ(ctx context.Context, c Conn, topic, group string, ends map[int]int64) error {
	var commits []kafka.OffsetCommit
	for p, off := range ends {
		commits = append(commits, kafka.OffsetCommit{Partition: p, Offset: off})
	}
	if len(commits) == 0 {
		return nil
	}
	return retryTransient(ctx, "commit dlq position", func(ctx context.Context) error {
		resp, err := c.client().OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1,
			Topics: map[string][]kafka.OffsetCommit{topic: commits}})
		if err != nil {
			return err
		}
		var errs []error
		for _, ps := range resp.Topics {
			for _, p := range ps {
				if p.Error != nil {
					errs = append(errs, fmt.Errorf("partition %d: %w", p.Partition, p.Error))
				}
			}
		}
		return errors.Join(errs...)
	})
}

// Replay re-produces the letters of the dead-letter topic that match (all
// when match is nil) to their origin topics, as they were before they were
// dead-lettered, and then records the scanned range as group's position.
// Letters that do not match are passed over and not replayed later by the
// same group; use another group to scan them again.
func Replay(ctx context.Context, c Conn, dlqTopic, group string, match func(Letter) bool) (replayed, skipped int, err error) {
	w := &kafka.Writer{Addr: kafka.TCP(c.Brokers...), Balancer: &kafka.Hash{}, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond, BatchBytes: 64 << 20, Compression: kafka.Zstd, Transport: c.transport()}
	defer w.Close()
	var batch []kafka.Message
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := w.WriteMessages(ctx, batch...); err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		replayed += len(batch)
		batch = batch[:0]
		return nil
	}
	ends, err := ScanDLQ(ctx, c, dlqTopic, group, func(l Letter) error {
		if (match != nil && !match(l)) || l.Origin.Topic == "" || len(l.Message.Value) == 0 {
			skipped++
			return nil
		}
		m := l.Original()
		m.Topic = l.Origin.Topic
		batch = append(batch, m)
		if len(batch) >= 100 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return replayed, skipped, err
	}
	return replayed, skipped, CommitDLQ(ctx, c, dlqTopic, group, ends)
}
