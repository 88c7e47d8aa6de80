package kafkabus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/internal/stage"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
)

// BenchmarkExtractThroughput measures articles per second from the clean
// topic to the tagged topic on the test broker:
//
//	impl=wirewatch    the extract role (pipeline.Extract): fetch, tag, produce, ordered commit
//	impl=passthrough  the same role with a processor that does nothing: the bus's own cost
//	impl=raw          plain kafka-go: group FetchMessage, WriteMessages, CommitMessages
//
// b.N is the number of articles (real corpus bodies). Each run uses fresh
// topics; the group join is inside the timing for every impl alike. Compare
// with: go test -run '^$' -bench ExtractThroughput -benchtime 400x -count 5 ./pkg/bus/kafkabus | benchstat -col /impl -
func BenchmarkExtractThroughput(b *testing.B) {
	addr := os.Getenv("WIREWATCH_TEST_KAFKA")
	if addr == "" {
		b.Skip("WIREWATCH_TEST_KAFKA not set")
	}
	truth, err := demosite.LoadTruth()
	if err != nil {
		b.Fatal(err)
	}
	conn := kafkabus.Conn{Brokers: []string{addr}}
	var (
		exOnce sync.Once
		ex     *extractor.Extractor
		exErr  error
	)
	b.Run("impl=wirewatch", func(b *testing.B) {
		exOnce.Do(func() { ex, exErr = extractor.New(extractor.Options{Figures: figures.Extract}) })
		if exErr != nil {
			b.Fatal(exErr)
		}
		benchRole(b, conn, truth, stage.ProcessorFunc(ex.Tag))
	})
	b.Run("impl=passthrough", func(b *testing.B) {
		benchRole(b, conn, truth, stage.ProcessorFunc(func(context.Context, *article.Article) error { return nil }))
	})
	b.Run("impl=raw", func(b *testing.B) { benchRaw(b, conn, truth) })
}

// prepare creates fresh topics holding b.N clean articles.
func prepare(b *testing.B, conn kafkabus.Conn, truth []demosite.Truth) kafkabus.Topics {
	b.Helper()
	topics := kafkabus.TopicNames(kafkatest.Prefix(b, conn.Brokers[0]))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, conn, 4, 1, topics.All()...); err != nil {
		b.Fatal(err)
	}
	w := &kafka.Writer{Addr: kafka.TCP(conn.Brokers...), Topic: topics.Clean, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, Compression: kafka.Zstd, BatchTimeout: 5 * time.Millisecond, Transport: &kafka.Transport{}}
	defer w.Close()
	var msgs []kafka.Message
	for i := range b.N {
		t := truth[i%len(truth)]
		a := article.New(fmt.Sprintf("https://bench.example/%d/%s", i, t.ID), "", time.Now())
		a.Body = t.Body
		if t.Title != nil {
			a.Title = *t.Title
		}
		a.Language = "en"
		m, err := kafkabus.Encode(a, kafkabus.NewTraceID())
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	for len(msgs) > 0 {
		n := min(len(msgs), 200)
		if err := w.WriteMessages(ctx, msgs[:n]...); err != nil {
			b.Fatal(err)
		}
		msgs = msgs[n:]
	}
	return topics
}

func benchRole(b *testing.B, conn kafkabus.Conn, truth []demosite.Truth, proc stage.Processor) {
	topics := prepare(b, conn, truth)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stats pipeline.RoleStats
	k := pipeline.Kafka{Conn: conn, Topics: topics, Partitions: 4, Compression: kafka.Zstd, GroupID: "bench",
		DrainTimeout: time.Minute, Logger: slog.New(slog.DiscardHandler)}
	b.ResetTimer()
	done := make(chan error, 1)
	go func() { done <- pipeline.ExtractWith(ctx, k, proc, &stats) }()
	for stats.Stage.Done.Load() < int64(b.N) {
		time.Sleep(2 * time.Millisecond) // a benchmark's own wait: no deadline, and fine-grained, as it is measured
	}
	stop() // drain: returns once every tagged article is stored and committed
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func benchRaw(b *testing.B, conn kafkabus.Conn, truth []demosite.Truth) {
	topics := prepare(b, conn, truth)
	ctx := context.Background()
	b.ResetTimer()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: conn.Brokers, GroupID: "bench", Topic: topics.Clean,
		StartOffset: kafka.FirstOffset, MaxWait: 250 * time.Millisecond, MaxBytes: 64 << 20})
	w := &kafka.Writer{Addr: kafka.TCP(conn.Brokers...), Topic: topics.Tagged, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, Compression: kafka.Zstd, BatchTimeout: 5 * time.Millisecond, Transport: &kafka.Transport{}}
	var batch []kafka.Message
	flush := func() {
		out := make([]kafka.Message, len(batch))
		for i, m := range batch {
			out[i] = kafka.Message{Key: m.Key, Value: m.Value, Headers: m.Headers}
		}
		if err := w.WriteMessages(ctx, out...); err != nil {
			b.Fatal(err)
		}
		if err := r.CommitMessages(ctx, batch...); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for n := 0; n < b.N; {
		fctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		if len(batch) == 0 {
			fctx, cancel = context.WithTimeout(ctx, time.Minute)
		}
		m, err := r.FetchMessage(fctx)
		cancel()
		if err != nil {
			if len(batch) > 0 && fctx.Err() != nil {
				flush()
				continue
			}
			b.Fatal(err)
		}
		batch = append(batch, m)
		n++
		if len(batch) >= 100 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	w.Close()
	r.Close()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
