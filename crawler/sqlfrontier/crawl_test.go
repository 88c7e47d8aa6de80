package sqlfrontier_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/groupfrontier"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// The frontier is every frontier the crawlers need: the crawler's own
// (with its optional parts, found by type assertion) and, with the
// cleaner's statistics beside it, a crawl group's cache.
var (
	_ crawler.Frontier = (*sqlfrontier.Store)(nil)
	_ interface {
		RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error)
		SetRobotsFailure(ctx context.Context, host string, f frontier.RobotsFailure) error
		Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error)
		State(ctx context.Context, u string) (frontier.State, bool, error)
	} = (*sqlfrontier.Store)(nil)
	_ groupfrontier.Cache = struct {
		*sqlfrontier.Store
		*clean.SQLiteStats
	}{}
)

// site serves news.example in process (the crawler's transport calls the
// handler; nothing goes over the network) and logs each request.
type site struct {
	mu   sync.Mutex
	hits map[string]int
	inm  map[string]string // If-None-Match of the last request, by path
	mux  *http.ServeMux
}

func (s *site) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.hits[r.URL.Host+r.URL.Path]++
	s.inm[r.URL.Host+r.URL.Path] = r.Header.Get("If-None-Match")
	s.mu.Unlock()
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// TestCrawlOnFromOldLayoutFile runs the crawler over a file the embedded
// store wrote when it held the frontier's tables (testdata/README.md): it
// picks up where that crawl stopped, fetching what was pending or in
// flight once, nothing that was done or failed, and the feed with the
// validator the old crawl stored.
func TestCrawlOnFromOldLayoutFile(t *testing.T) {
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	s := &site{hits: map[string]int{}, inm: map[string]string{}, mux: http.NewServeMux()}
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nAllow: /\n") })
	s.mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>`)
		for i := 1; i <= 9; i++ { // a/9 is new
			fmt.Fprintf(&b, "<item><title>Story %d</title><link>https://news.example/a/%d</link></item>\n", i, i)
		}
		b.WriteString(`</channel></rss>`)
		fmt.Fprint(w, b.String())
	})
	s.mux.HandleFunc("/a/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		page, err := demosite.Page(truth[n%len(truth)].ID)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write(page)
	})
	s.mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><p>A page.</p></body></html>")
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := sqlite.Open(ctx, sqlfrontier.CopyOldFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fr := sqlfrontier.New(st)
	log := slog.New(slog.DiscardHandler)
	opts := crawler.DefaultOptions()
	opts.Once, opts.Delay, opts.RetryWait, opts.Transport, opts.Logger = true, 0, 10*time.Millisecond, s, log
	out := bus.NewMemory(16)
	go func() {
		for {
			m, err := out.Read(ctx)
			if err != nil {
				return
			}
			m.Ack(ctx, nil)
		}
	}()
	cr := crawler.New(fr, clean.New(clean.Options{Stats: clean.NewSQLiteStats(st), Logger: log}), out, opts)
	seeds, err := crawler.ParseSeeds([]string{"https://news.example/feed.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cr.Run(ctx, seeds); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out.Close()

	for path, want := range map[string]int{
		"news.example/feed.xml": 1,
		"news.example/a/1":      0, "news.example/a/2": 0, "news.example/a/3": 0, // done
		"news.example/a/4": 0,                                               // failed for good
		"news.example/a/5": 1,                                               // in flight when the old crawl died
		"news.example/a/6": 1, "news.example/a/7": 1, "news.example/a/8": 1, // pending
		"news.example/a/9": 1, // new in the feed
	} {
		if n := s.count(path); n != want {
			t.Errorf("%s requested %d times, want %d", path, n, want)
		}
	}
	s.mu.Lock()
	inm := s.inm["news.example/feed.xml"]
	s.mu.Unlock()
	if inm != `"feed1"` {
		t.Errorf("feed fetched with If-None-Match %q, want the stored validator \"feed1\"", inm)
	}
	for _, u := range []string{"https://news.example/a/5", "https://news.example/a/9", "https://news.example/a/1"} {
		if state, ok, err := fr.State(ctx, u); err != nil || !ok || state != frontier.Done {
			t.Errorf("%s: state %q, %v, %v; want done", u, state, ok, err)
		}
	}
	if state, _, _ := fr.State(ctx, "https://news.example/a/4"); state != frontier.Failed {
		t.Errorf("a/4: state %q, want still failed", state)
	}
}
