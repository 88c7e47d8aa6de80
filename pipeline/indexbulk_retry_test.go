package pipeline

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/story"
)

// flakyIndex fails the first failures Updates, as a story index shared by
// several index processes does while another holds its lock.
type flakyIndex struct {
	story.MemIndex
	mu       sync.Mutex
	failures int
}

func (f *flakyIndex) Update(ctx context.Context, fn func(context.Context, story.IndexTx) error) error {
	f.mu.Lock()
	fail := f.failures > 0
	f.failures--
	f.mu.Unlock()
	if fail {
		return errors.New("database is locked")
	}
	return f.MemIndex.Update(ctx, fn)
}

// TestIndexBulkRetriesTransientFailures checks that the Elasticsearch index
// role retries a failing story assignment --retries times, as the embedded
// index role does, instead of dead-lettering the article at once.
func TestIndexBulkRetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name     string
		retries  int
		failures int
		wantDLQ  int
	}{
		{"transient failure retried", 3, 1, 0},
		{"no retries", 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := testKafka(t, brokerOrSkip(t))
			k.Retries = tt.retries
			es := elastictest.Open(t, elastictest.Config(t))
			ctx := context.Background()
			if err := k.EnsureTopics(ctx); err != nil {
				t.Fatal(err)
			}
			w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Tagged, Logger: k.Logger})
			if err != nil {
				t.Fatal(err)
			}
			a := article.New("https://news.example/flaky", "", time.Now())
			a.Title, a.Body = "Title", "Body of the flaky article "+strconv.Itoa(tt.retries)
			if err := w.Write(ctx, bus.Message{Article: a}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
			sink := indexer.NewBulk(es, indexer.BulkConfig{FlushInterval: 20 * time.Millisecond, Logger: k.Logger})
			runCtx, stop := context.WithCancel(ctx)
			errc := make(chan error, 1)
			go func() { errc <- IndexBulk(runCtx, k, sink, &flakyIndex{failures: tt.failures}, nil) }()
			dlq := 0
			waitFor(t, time.Minute, func() bool {
				dlq = 0
				if _, err := kafkabus.ScanDLQ(ctx, k.Conn, k.Topics.DLQ, "", func(kafkabus.Letter) error { dlq++; return nil }); err != nil {
					t.Fatal(err)
				}
				return dlq > 0 || sink.Stats().Indexed > 0
			}, "the article is dead-lettered or indexed")
			stop()
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if dlq != tt.wantDLQ {
				t.Errorf("%d dead letters, want %d (stats %+v)", dlq, tt.wantDLQ, sink.Stats())
			}
			if want := uint64(1 - tt.wantDLQ); sink.Stats().Indexed != want {
				t.Errorf("indexed %d, want %d", sink.Stats().Indexed, want)
			}
		})
	}
}
