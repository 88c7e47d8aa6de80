package reindex_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/reindex"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// BenchmarkReindex writes back the 181 bodies of the demo corpus (stored
// 4 times over, 724 articles) into the embedded store through the batch
// sink and, with WIREWATCH_TEST_ES, into Elasticsearch through the bulk
// sink, as the command wires them, as stored
// and tagged again with one and with every processor; it reports
// articles/s. The peer in the same run is the write-back without tagging.
func BenchmarkReindex(b *testing.B) {
	truth, err := demosite.LoadTruth()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var docs []*article.Article
	for r := range 4 {
		for i, page := range truth {
			docs = append(docs, storetest.Mk(fmt.Sprintf("/%d/%d", r, i), "news.example.org", fmt.Sprintf("Story %d", i), page.Body, storetest.T0.Add(time.Duration(len(docs))*time.Second)))
		}
	}
	sq, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer sq.Close()
	type benchStore struct {
		name string
		src  interface {
			reindex.Source
			Put(context.Context, *article.Article) error
		}
		sink func() reindex.Sink
	}
	stores := []benchStore{{"sqlite", sq, func() reindex.Sink { return reindex.BatchSink(sq, reindex.BatchConfig{}) }}}
	if os.Getenv("WIREWATCH_TEST_ES") != "" {
		es := elastictest.Open(b, elastictest.Config(b))
		stores = append(stores, benchStore{"elasticsearch", es, func() reindex.Sink { return indexer.NewBulk(es, indexer.BulkConfig{}) }})
	}
	for _, st := range stores {
		for _, a := range docs {
			if err := st.src.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		if r, ok := st.src.(interface{ Refresh(context.Context) error }); ok {
			if err := r.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range []struct {
			name    string
			retag   bool
			workers int
		}{{"as-stored", false, 1}, {"retag-1", true, 1}, {"retag-all", true, 0}} {
			b.Run(st.name+"/"+c.name, func(b *testing.B) {
				job := reindex.Job{Workers: c.workers, Parallel: 4}
				if c.retag {
					job.Retag = tagger(b)
				}
				for b.Loop() {
					p, err := reindex.Run(ctx, st.src, st.sink(), job)
					if err != nil || p.Written != len(docs) {
						b.Fatalf("%+v, %v", p, err)
					}
				}
				b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "articles/s")
			})
		}
	}
}
