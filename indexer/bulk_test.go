package indexer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/storetest"
)

func TestRequestStatus(t *testing.T) {
	tests := []struct {
		err  string
		want int
	}{
		{"flush: [503 Service Unavailable] {}", 503},
		{"flush: [429 Too Many Requests] {\"error\":{}}", 429},
		{"flush: [413 Request Entity Too Large] ", 413},
		{"flush: dial tcp 127.0.0.1:9200: connect: connection refused", 0},
		{"flush: error parsing response body: EOF", 0},
		{"something else [400 x]", 0},
	}
	for _, tt := range tests {
		if got := requestStatus(errors.New(tt.err)); got != tt.want {
			t.Errorf("requestStatus(%q) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {4, 800 * time.Millisecond}, {5, 1600 * time.Millisecond}, {6, hi}, {50, hi}}
	for _, tt := range tests {
		for range 20 {
			d := backoff(lo, hi, tt.attempt)
			if d > tt.ceiling || d < tt.ceiling*3/4 {
				t.Errorf("backoff(attempt %d) = %v, want in [%v, %v]", tt.attempt, d, tt.ceiling*3/4, tt.ceiling)
			}
		}
	}
}

// acks records how each message was acknowledged.
type acks struct {
	mu   sync.Mutex
	errs map[string][]error
}

func (a *acks) msg(art *article.Article) bus.Message {
	return bus.Message{Article: art, Ack: func(_ context.Context, err error) error {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.errs == nil {
			a.errs = map[string][]error{}
		}
		a.errs[art.ID] = append(a.errs[art.ID], err)
		return nil
	}}
}

func (a *acks) get() map[string][]error {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string][]error{}
	for k, v := range a.errs {
		out[k] = append([]error(nil), v...)
	}
	return out
}

// fakeES answers the requests of elastic.Open and scripts the per-item
// outcome of each bulk request: item(id, attempt) returns a status and error
// type for that attempt of that document.
func fakeES(t *testing.T, item func(id string, attempt int) (int, string)) *httptest.Server {
	var mu sync.Mutex
	attempts := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/_cluster/health"):
			fmt.Fprint(w, `{"status":"green"}`)
		case strings.HasPrefix(r.URL.Path, "/_index_template/"):
			fmt.Fprintf(w, `{"index_templates":[{"name":"x","index_template":{"version":%d}}]}`, elastic.MappingVersion)
		case strings.HasPrefix(r.URL.Path, "/_alias/"):
			w.WriteHeader(http.StatusOK)
		case r.URL.Path == "/_bulk" || strings.HasSuffix(r.URL.Path, "/_bulk"):
			var items []string
			sc := bufio.NewScanner(r.Body)
			sc.Buffer(nil, 1<<24)
			for meta := true; sc.Scan(); meta = !meta {
				if !meta {
					continue
				}
				var m map[string]struct {
					ID string `json:"_id"`
				}
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Errorf("bulk meta %q: %v", sc.Text(), err)
				}
				items = append(items, m["index"].ID)
			}
			var out []map[string]any
			mu.Lock()
			for _, id := range items {
				attempts[id]++
				st, typ := item(id, attempts[id])
				res := map[string]any{"_id": id, "status": st}
				if typ != "" {
					res["error"] = map[string]any{"type": typ, "reason": "scripted " + typ}
				}
				out = append(out, map[string]any{"index": res})
			}
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"errors": true, "items": out})
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBulkSettlesEachMessageOnce checks the per-item outcomes against a
// scripted server: a 429 inside a 200 bulk answer and a 503 are retried
// until they succeed, a 409 is success, a 400 fails with its reason, and
// every message is acknowledged exactly once.
func TestBulkSettlesEachMessageOnce(t *testing.T) {
	docs := map[string]*article.Article{}
	for _, name := range []string{"ok", "throttled", "unavailable", "stale", "rejected"} {
		a := storetest.Mk("/"+name, "example.com", name, "text", storetest.T0)
		docs[name] = a
	}
	script := map[string]func(attempt int) (int, string){
		docs["ok"].ID: func(int) (int, string) { return 201, "" },
		docs["throttled"].ID: func(n int) (int, string) {
			return map[bool]int{true: 429, false: 200}[n < 3], map[bool]string{true: "es_rejected_execution_exception"}[n < 3]
		},
		docs["unavailable"].ID: func(n int) (int, string) {
			return map[bool]int{true: 503, false: 200}[n < 2], map[bool]string{true: "unavailable_shards_exception"}[n < 2]
		},
		docs["stale"].ID:    func(int) (int, string) { return 409, "version_conflict_engine_exception" },
		docs["rejected"].ID: func(int) (int, string) { return 400, "document_parsing_exception" },
	}
	srv := fakeES(t, func(id string, n int) (int, string) { return script[id](n) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := elastic.Open(ctx, elastic.Config{URLs: []string{srv.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := bus.NewMemory(16)
	var rec acks
	for _, a := range docs {
		in.Write(ctx, rec.msg(a))
	}
	// An invalid article fails before any request.
	bad := storetest.Mk("/bad", "example.com", "bad", "text", storetest.T0)
	bad.ID = "not-the-id"
	in.Write(ctx, rec.msg(bad))
	in.Close()
	b := NewBulk(st, BulkConfig{FlushInterval: 20 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if err := b.Run(ctx, in); err != nil {
		t.Fatal(err)
	}
	got := rec.get()
	for name, a := range docs {
		errs := got[a.ID]
		if len(errs) != 1 {
			t.Errorf("%s acknowledged %d times, want once", name, len(errs))
			continue
		}
		if fail := name == "rejected"; (errs[0] != nil) != fail {
			t.Errorf("%s acknowledged with %v", name, errs[0])
		}
	}
	if errs := got[docs["rejected"].ID]; len(errs) == 1 && (errs[0] == nil || !strings.Contains(errs[0].Error(), "document_parsing_exception: scripted")) {
		t.Errorf("rejection ack %v lacks the reason", errs[0])
	}
	if errs := got["not-the-id"]; len(errs) != 1 || errs[0] == nil {
		t.Errorf("invalid article acknowledged with %v, want one error", errs)
	}
	s := b.Stats()
	if want := (BulkStats{Indexed: 3, Stale: 1, Failed: 1, Retries: 3}); s != want {
		t.Errorf("stats = %+v, want %+v", s, want)
	}
}

// TestBulkAbortsBlockedSettle checks that ending ctx ends Run even when
// settling a message blocks until its context ends, as a dead letter does
// while Kafka is unreachable: a drain must not outlive its abort.
func TestBulkAbortsBlockedSettle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		typ    string
	}{
		{"rejected", 400, "document_parsing_exception"},
		{"stored", 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeES(t, func(string, int) (int, string) { return tc.status, tc.typ })
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			st, err := elastic.Open(ctx, elastic.Config{URLs: []string{srv.URL}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := storetest.Mk("/"+tc.name, "example.com", tc.name, "text", storetest.T0)
			settling := make(chan struct{})
			in := bus.NewMemory(1)
			in.Write(ctx, bus.Message{Article: a, Ack: func(ctx context.Context, _ error) error {
				close(settling)
				<-ctx.Done() // the dead-letter topic is unreachable
				return ctx.Err()
			}})
			in.Close()
			runCtx, abort := context.WithCancel(ctx)
			done := make(chan error, 1)
			b := NewBulk(st, BulkConfig{FlushInterval: 10 * time.Millisecond})
			go func() { done <- b.Run(runCtx, in) }()
			select {
			case <-settling:
			case <-time.After(10 * time.Second):
				t.Fatal("message never settled")
			}
			abort()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after ctx ended while a settle was blocked")
			}
		})
	}
}

// brokenReader hands out its messages, then fails with err, as a Kafka
// reader does when the cluster refuses it.
type brokenReader struct {
	mu   sync.Mutex
	msgs []bus.Message
	err  error
}

func (r *brokenReader) Read(context.Context) (bus.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) == 0 {
		return bus.Message{}, r.err
	}
	m := r.msgs[0]
	r.msgs = r.msgs[1:]
	return m, nil
}

// TestBulkFailsFastOnReadError checks that a read error other than the end
// of the input ends Run at once with that error, while Elasticsearch is
// still failing the message in flight, and that the message is handed back
// unindexed (bus.ErrRedeliver), neither acknowledged nor failed. Before, Run
// retried the message for as long as its ctx lived.
func TestBulkFailsFastOnReadError(t *testing.T) {
	srv := fakeES(t, func(string, int) (int, string) { return 503, "unavailable_shards_exception" })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := elastic.Open(ctx, elastic.Config{URLs: []string{srv.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rec acks
	a := storetest.Mk("/inflight", "example.com", "In flight", "text", storetest.T0)
	broken := errors.New("fetch: group authorization failed")
	in := &brokenReader{msgs: []bus.Message{rec.msg(a)}, err: broken}
	b := NewBulk(st, BulkConfig{FlushInterval: 10 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, in) }()
	select {
	case err := <-done:
		if !errors.Is(err, broken) {
			t.Fatalf("Run = %v, want the read error %v", err, broken)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Run still waiting for its in-flight message 20s after the read error (retries so far: %d)", b.Stats().Retries)
	}
	errs := rec.get()[a.ID]
	if len(errs) != 1 || !errors.Is(errs[0], bus.ErrRedeliver) {
		t.Fatalf("in-flight message settled with %v, want once with %v", errs, bus.ErrRedeliver)
	}
}
