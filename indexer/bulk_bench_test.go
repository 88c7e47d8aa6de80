package indexer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// benchDocs returns n tagged articles of news size (about 3 KB of body,
// entities and figures), unique per run and impl.
func benchDocs(n int, tag string) []*article.Article {
	para := "Foreign ministers from NATO met in Brussels on Tuesday to discuss the withdrawal of foreign fighters from Libya. " +
		"Sergey Lavrov said the plan would cost $2.5 billion and take 18 months, while 40 per cent of the troops had already left. "
	body := strings.Repeat(para, 12)
	docs := make([]*article.Article, n)
	for i := range docs {
		a := storetest.Mk(fmt.Sprintf("/bench/%s/%d", tag, i), "bench.example.com", fmt.Sprintf("Bench article %d", i), body,
			storetest.T0.Add(time.Duration(i)*time.Second),
			article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"},
			article.Entity{Type: article.Place, Canonical: "Libya"},
			article.Entity{Type: article.Place, Canonical: "Brussels"},
			article.Entity{Type: article.Organization, Canonical: "NATO"})
		at := strings.Index(body, "$2.5 billion")
		a.Figures = []article.Figure{{Text: "$2.5 billion", Kind: article.Money, Value: 2.5e9, Unit: "USD", Start: at, End: at + len("$2.5 billion")}}
		docs[i] = a
	}
	return docs
}

// BenchmarkIndex measures documents/s into Elasticsearch through the Bulk
// sink (impl=wirewatch: bus messages in, acknowledgements out) against the
// ceiling of a bare esutil.BulkIndexer with the same settings fed the same,
// pre-encoded documents (impl=raw). Compare with
//
//	benchstat -col /impl
func BenchmarkIndex(b *testing.B) {
	cfg := elastictest.Config(b)
	st := elastictest.Open(b, cfg)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tune := indexer.BulkConfig{Logger: quiet}
	var run atomic.Int64

	b.Run("impl=wirewatch", func(b *testing.B) {
		docs := benchDocs(b.N, fmt.Sprint("w", run.Add(1)))
		ctx := context.Background()
		in := bus.NewMemory(1024)
		var acked atomic.Int64
		b.ResetTimer()
		start := time.Now()
		go func() {
			defer in.Close()
			for _, a := range docs {
				in.Write(ctx, bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
					if err != nil {
						b.Error(err)
					}
					acked.Add(1)
					return nil
				}})
			}
		}()
		sink := indexer.NewBulk(st, tune)
		if err := sink.Run(ctx, in); err != nil {
			b.Fatal(err)
		}
		if s := sink.Stats(); s.Retries > 0 {
			b.Logf("%d retries", s.Retries)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
		if acked.Load() != int64(b.N) {
			b.Fatalf("acknowledged %d of %d", acked.Load(), b.N)
		}
	})

	b.Run("impl=raw", func(b *testing.B) {
		docs := benchDocs(b.N, fmt.Sprint("r", run.Add(1)))
		type enc struct {
			id      string
			doc     []byte
			version int64
		}
		encoded := make([]enc, len(docs))
		for i, a := range docs {
			doc, v, err := elastic.Encode(a)
			if err != nil {
				b.Fatal(err)
			}
			encoded[i] = enc{a.ID, doc, v}
		}
		ctx := context.Background()
		b.ResetTimer()
		start := time.Now()
		bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
			Client: st.Client(), Index: st.Names().Alias,
			NumWorkers: indexer.DefaultBulkWorkers, FlushBytes: indexer.DefaultBulkFlushBytes, FlushInterval: time.Second,
		})
		if err != nil {
			b.Fatal(err)
		}
		var failed atomic.Int64
		for _, e := range encoded {
			v := e.version
			if err := bi.Add(ctx, esutil.BulkIndexerItem{Action: "index", DocumentID: e.id, Version: &v, VersionType: elastic.VersionType,
				Body: bytes.NewReader(e.doc),
				OnFailure: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem, error) {
					failed.Add(1)
				}}); err != nil {
				b.Fatal(err)
			}
		}
		if err := bi.Close(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
		if failed.Load() != 0 {
			b.Fatalf("%d items failed", failed.Load())
		}
	})
}
