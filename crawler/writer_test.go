package crawler

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// flakyStore fails the first `fail` batch writes of crawl state, as a full
// disk or a locked database would; fail < 0 fails them all.
type flakyStore struct {
	*sqlfrontier.Store
	fail  int64
	calls atomic.Int64
}

func (f *flakyStore) Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(string) int) (int, error) {
	if n := f.calls.Add(1); f.fail < 0 || n <= f.fail {
		return 0, errors.New("disk I/O error")
	}
	return f.Store.Apply(ctx, entries, settled, limit)
}

// crawlFlaky crawls a small feed site over a store whose writes fail.
func crawlFlaky(t *testing.T, fail int64) (acked int, err error) {
	t.Helper()
	s := newTestSite(t)
	c := loadCorpus(t, 3)
	c.serve(s)
	s.mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(c.rss(s.URL)))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fs := &flakyStore{Store: sqlfrontier.New(st), fail: fail}
	seeds, err := ParseSeeds([]string{s.URL + "/feed.xml"})
	if err != nil {
		t.Fatal(err)
	}
	out := bus.NewMemory(16)
	cr := New(fs, newRecorder(), out, testOptions())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := out.Read(ctx)
			if err != nil {
				return
			}
			if m.Ack(ctx, nil) == nil {
				acked++
			}
		}
	}()
	runErr := cr.Run(ctx, seeds)
	out.Close()
	<-done
	if ctx.Err() != nil {
		t.Fatal("crawl neither finished nor gave up in time")
	}
	return acked, runErr
}

func TestCrawlStateWritesAreRetried(t *testing.T) {
	acked, err := crawlFlaky(t, 3)
	if err != nil {
		t.Fatalf("Run = %v; three failed writes must be retried, not fatal", err)
	}
	if acked != 3 {
		t.Errorf("%d articles delivered, want 3", acked)
	}
}

func TestCrawlStopsWhenStateCannotBeRecorded(t *testing.T) {
	_, err := crawlFlaky(t, -1)
	if err == nil || !strings.Contains(err.Error(), "record crawl state") || !strings.Contains(err.Error(), "disk I/O error") {
		t.Fatalf("Run = %v; want it to stop with the write error", err)
	}
}
