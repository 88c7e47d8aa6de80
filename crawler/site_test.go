package crawler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// hit is one request a test server saw.
type hit struct {
	path string // request URI
	at   time.Time
	hdr  http.Header
}

// testSite is a loopback server with a request log; tests assert on what
// the server saw, not on what the crawler says it did.
type testSite struct {
	*httptest.Server
	mux *http.ServeMux

	mu          sync.Mutex
	hits        []hit
	active, top int // concurrent requests now and at most
}

func newTestSite(t testing.TB) *testSite {
	t.Helper()
	s := &testSite{mux: http.NewServeMux()}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits = append(s.hits, hit{path: r.URL.RequestURI(), at: time.Now(), hdr: r.Header.Clone()})
		s.active++
		s.top = max(s.top, s.active)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.active--
			s.mu.Unlock()
		}()
		s.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *testSite) log() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// count returns how often each path was requested.
func (s *testSite) count() map[string]int {
	n := map[string]int{}
	for _, h := range s.log() {
		n[h.path]++
	}
	return n
}

// requested reports how often path was requested.
func (s *testSite) requested(path string) int { return s.count()[path] }

// noneTwice fails the test for every path requested more than once.
func noneTwice(t *testing.T, s *testSite) {
	t.Helper()
	for p, n := range s.count() {
		if n > 1 {
			t.Errorf("%s requested %d times", p, n)
		}
	}
}

// minGap is the shortest pause between two consecutive requests.
func minGap(hits []hit) time.Duration {
	sort.Slice(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	gap := time.Duration(1 << 62)
	for i := 1; i < len(hits); i++ {
		gap = min(gap, hits[i].at.Sub(hits[i-1].at))
	}
	return gap
}

// corpus serves real corpus pages under /news/<id>.html.
type corpus struct {
	ids   []string
	title map[string]string
	pub   map[string]string
}

func loadCorpus(t *testing.T, n int) corpus {
	t.Helper()
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	c := corpus{title: map[string]string{}, pub: map[string]string{}}
	for _, tr := range truth {
		if len(c.ids) == n {
			break
		}
		c.ids = append(c.ids, tr.ID)
		if tr.Title != nil {
			c.title[tr.ID] = *tr.Title
		}
		if tr.Published != nil {
			c.pub[tr.ID] = *tr.Published
		}
	}
	return c
}

func (c corpus) serve(s *testSite) {
	s.mux.HandleFunc("/news/", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/news/"), ".html")
		b, err := demosite.Page(id)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write(b)
	})
}

func (c corpus) rss(base string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>`)
	for _, id := range c.ids {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s/news/%s.html</link></item>\n", xmlEscape(c.title[id]), base, id)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// recorder wraps the real cleaner and keeps the pages it was given.
type recorder struct {
	cl    *clean.Cleaner
	mu    sync.Mutex
	pages map[string]clean.Page
}

func newRecorder() *recorder { return newRecorderWith(clean.Options{Logger: quiet()}) }

// newRecorderWith records for a cleaner with opts.
func newRecorderWith(opts clean.Options) *recorder {
	return &recorder{cl: clean.New(opts), pages: map[string]clean.Page{}}
}

func (r *recorder) Clean(ctx context.Context, p clean.Page) (clean.Result, error) {
	r.mu.Lock()
	r.pages[p.URL] = p
	r.mu.Unlock()
	return r.cl.Clean(ctx, p)
}

func (r *recorder) page(u string) (clean.Page, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.pages[u]
	return p, ok
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// run is one crawl of a test: the crawler over a real store, a memory bus
// drained by an acking reader.
type run struct {
	st       *sqlite.Store
	fr       *sqlfrontier.Store // the crawl state, in st
	c        *Crawler
	rec      *recorder
	articles []*article.Article
}

// testOptions are fast defaults for loopback sites.
func testOptions() Options {
	o := DefaultOptions()
	o.Once, o.Delay, o.Workers, o.PerHost, o.Timeout, o.RetryWait = true, 0, 4, 4, 2*time.Second, 20*time.Millisecond
	o.Retries, o.MaxDepth, o.Logger = 2, 1, quiet()
	return o
}

// crawlWith runs a crawl to the end over the store in dir (a new one when
// dir is empty).
func crawlWith(t testing.TB, dir string, opts Options, seeds ...string) *run {
	t.Helper()
	return crawlRecording(t, dir, opts, func(*sqlite.Store) *recorder { return newRecorder() }, seeds...)
}

// crawlRecording is crawlWith with the recorder rec makes over the store.
func crawlRecording(t testing.TB, dir string, opts Options, rec func(*sqlite.Store) *recorder, seeds ...string) *run {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	entries, err := ParseSeeds(seeds)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{st: st, fr: sqlfrontier.New(st), rec: rec(st)}
	out := bus.NewMemory(16)
	r.c = New(r.fr, r.rec, out, opts)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := out.Read(ctx)
			if err != nil {
				return
			}
			r.articles = append(r.articles, m.Article)
			m.Ack(ctx, nil)
		}
	}()
	if err := r.c.Run(ctx, entries); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out.Close()
	<-done
	if ctx.Err() != nil {
		t.Fatal("crawl did not finish in time")
	}
	return r
}

// outcome returns the frontier row of u.
func (r *run) outcome(t *testing.T, u string) (state frontier.State, errText string) {
	t.Helper()
	st, ok, err := r.fr.State(context.Background(), u)
	if err != nil || !ok {
		t.Fatalf("frontier has no %s (%v)", u, err)
	}
	if st == frontier.Failed {
		fs, err := r.fr.Failures(context.Background(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.URL == u {
				return st, f.Error
			}
		}
	}
	return st, ""
}
