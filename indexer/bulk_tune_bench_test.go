package indexer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
)

// BenchmarkIndexTuning sweeps the bulk sink's workers and flush size on the
// real node, to choose DefaultBulkWorkers and DefaultBulkFlushBytes:
//
//	go test ./indexer -run '^$' -bench IndexTuning -benchtime 5000x -count 3
//
// On the 2-core development machine (Elasticsearch on the same cores) 512 KiB
// flushes were slowest (medians 7.1k-8.1k docs/s), 8 MiB flushes starved the
// workers of batches (3.8k docs/s with 2 or 4 workers), and at 2 MiB 1, 2 and
// 4 workers were within the noise of each other (medians of five 10,000-doc
// runs 9.5k, 7.9k and 10.1k docs/s, each spread about ±25%). Hence 2 workers
// and 2 MiB; a bigger node should rerun this.
func BenchmarkIndexTuning(b *testing.B) {
	cfg := elastictest.Config(b)
	st := elastictest.Open(b, cfg)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var run atomic.Int64
	for _, workers := range []int{1, 2, 4} {
		for _, flush := range []int{512 << 10, 2 << 20, 8 << 20} {
			b.Run(fmt.Sprintf("workers=%d/flush=%dKiB", workers, flush>>10), func(b *testing.B) {
				docs := benchDocs(b.N, fmt.Sprint("t", run.Add(1)))
				ctx := context.Background()
				in := bus.NewMemory(1024)
				b.ResetTimer()
				start := time.Now()
				go func() {
					defer in.Close()
					for _, a := range docs {
						in.Write(ctx, bus.Message{Article: a, Ack: bus.NoAck})
					}
				}()
				sink := indexer.NewBulk(st, indexer.BulkConfig{Workers: workers, FlushBytes: flush, Logger: quiet})
				if err := sink.Run(ctx, in); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
				if s := sink.Stats(); s.Indexed+s.Stale != uint64(b.N) {
					b.Fatalf("indexed %d of %d", s.Indexed+s.Stale, b.N)
				}
			})
		}
	}
}
