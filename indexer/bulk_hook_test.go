package indexer

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestBulkOnRequest checks that OnRequest hears of every bulk request the
// server answers, retries included, and of nothing else.
func TestBulkOnRequest(t *testing.T) {
	srv := fakeES(t, func(_ string, n int) (int, string) {
		if n == 1 {
			return 429, "es_rejected_execution_exception"
		}
		return 201, ""
	})
	var served atomic.Int64
	h := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_bulk") {
			served.Add(1)
		}
		h.ServeHTTP(w, r)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := elastic.Open(ctx, elastic.Config{URLs: []string{srv.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := bus.NewMemory(16)
	var rec acks
	for _, name := range []string{"a", "b", "c"} {
		in.Write(ctx, rec.msg(storetest.Mk("/"+name, "example.com", name, "text", storetest.T0)))
	}
	in.Close()
	var observed atomic.Int64
	b := NewBulk(st, BulkConfig{FlushInterval: 20 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		OnRequest: func(d time.Duration) {
			if d < 0 {
				t.Errorf("negative duration %s", d)
			}
			observed.Add(1)
		}})
	if err := b.Run(ctx, in); err != nil {
		t.Fatal(err)
	}
	// Every item was throttled once, so at least two requests were made.
	if n, want := observed.Load(), served.Load(); n != want || n < 2 {
		t.Errorf("OnRequest called %d times for %d bulk requests, want one per request and at least 2", n, want)
	}
}
