package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// liveStory is a site with one article whose text changes between
// versions (a rising death toll), listed by an Atom feed and a sitemap
// whose modified time the test sets. The article answers a request with
// the current version's ETag in If-None-Match with 304.
type liveStory struct {
	*testSite
	canonical bool // the page names /story/quake as its canonical URL

	mu       sync.Mutex
	version  int
	modified time.Time // what the listings say; zero: the current time on every poll
	polls    int       // listing requests so far
	// quiet is the listing request count at the last change or article
	// request: polls beyond it are polls that could have queued a fetch.
	quiet int
	// hold, when set, keeps article requests waiting until their request
	// ends, after signalling held.
	hold bool
	held chan struct{}
}

const quakePath = "/news/quake.html"

func quakeTitle(version int) string {
	return fmt.Sprintf("Earthquake death toll rises to %d", 10*version+2)
}

func newLiveStory(t *testing.T, modified time.Time) *liveStory {
	s := &liveStory{testSite: newTestSite(t), version: 1, modified: modified, held: make(chan struct{}, 1)}
	listed := func() (string, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.polls++
		m := s.modified
		if m.IsZero() {
			m = time.Now()
		}
		return m.UTC().Format(time.RFC3339Nano), s.canonical
	}
	s.mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		m, _ := listed()
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Live</title><id>urn:live</id><updated>%[2]s</updated>
<entry><title>Quake</title><id>urn:quake</id><link href="%[1]s%[3]s"/><updated>%[2]s</updated></entry></feed>`, s.URL, m, quakePath)
	})
	s.mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		m, _ := listed()
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s%s</loc><lastmod>%s</lastmod></url></urlset>`, s.URL, quakePath, m)
	})
	s.mux.HandleFunc(quakePath, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		v, canonical, hold := s.version, s.canonical, s.hold
		s.quiet = s.polls
		s.mu.Unlock()
		if hold {
			s.held <- struct{}{}
			<-r.Context().Done()
			return
		}
		etag := fmt.Sprintf(`"v%d"`, v)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		link := ""
		if canonical {
			link = fmt.Sprintf(`<link rel="canonical" href="%s/story/quake">`, s.URL)
		}
		title := quakeTitle(v)
		para := fmt.Sprintf("Rescuers searched the rubble of the old town through the night, and officials said the death toll had risen to %d as more victims were found. ", 10*v+2)
		fmt.Fprintf(w, `<!doctype html><html><head><title>%[1]s</title><meta property="og:type" content="article">%[2]s</head><body>
<article><h1>%[1]s</h1><p>%[3]s%[3]s</p><p>%[3]s The regional governor asked for tents, water and blankets for the families who lost their homes.</p><p>%[3]s Aftershocks continued into the morning.</p></article></body></html>`,
			title, link, para)
	})
	return s
}

// change sets what the listings say and the page's version from now on.
func (s *liveStory) change(modified time.Time, version int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modified, s.version, s.quiet = modified, version, s.polls
}

// settled reports whether the listings were polled at least n times since
// the last change or article request.
func (s *liveStory) settled(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls >= s.quiet+n
}

// articleHits is the request log of the article.
func (s *liveStory) articleHits() []hit {
	var out []hit
	for _, h := range s.log() {
		if h.path == quakePath {
			out = append(out, h)
		}
	}
	return out
}

// watcher is a crawl without Once, polling its seeds, whose articles are
// collected until stop.
type watcher struct {
	st     *sqlite.Store
	c      *Crawler
	cancel context.CancelFunc
	errc   chan error

	mu       sync.Mutex
	articles []*article.Article
}

func watch(t *testing.T, dir string, opts Options, seeds ...string) *watcher {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ParseSeeds(seeds)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &watcher{st: st, cancel: cancel, errc: make(chan error, 1)}
	out := bus.NewMemory(16)
	w.c = New(sqlfrontier.New(st), newRecorder(), out, opts)
	go func() {
		for {
			m, err := out.Read(ctx)
			if err != nil {
				return
			}
			w.mu.Lock()
			w.articles = append(w.articles, m.Article)
			w.mu.Unlock()
			m.Ack(ctx, nil)
		}
	}()
	go func() { w.errc <- w.c.Run(ctx, entries) }()
	t.Cleanup(func() { w.stop(t) })
	return w
}

func (w *watcher) emitted() []*article.Article {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*article.Article(nil), w.articles...)
}

// stop ends the crawl as a kill would (URLs in flight stay so) and closes
// the store; it is safe to call twice.
func (w *watcher) stop(t *testing.T) {
	t.Helper()
	if w.st == nil {
		return
	}
	w.cancel()
	if err := <-w.errc; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
	w.st.Close()
	w.st = nil
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// recheckOptions poll the listings every 50ms and re-check at once.
func recheckOptions() Options {
	opts := testOptions()
	opts.Once = false
	opts.Repoll, opts.RepollMin, opts.RepollMax = 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond
	opts.RecheckMin = time.Millisecond
	return opts
}

// TestRecheck watches a feed or sitemap list an article that is fetched,
// then changes (or does not) as the test says, while the listing is polled
// again and again: only a listing that says the article changed after the
// fetch makes the crawler fetch it again, conditionally, at most
// RecheckMax times, and only a changed page is emitted again, under the
// same id.
func TestRecheck(t *testing.T) {
	past := time.Now().Add(-48 * time.Hour)
	tests := []struct {
		name      string
		listing   string
		canonical bool
		opts      func(*Options)
		// modified is what the listing says once the article was
		// fetched, given the moment of the change; zero: the time of
		// each poll.
		modified func(change time.Time) time.Time
		version  int // the page's version after the change
		// wantTitles are the titles emitted, in order; the article is
		// requested len(wantTitles) + want304 times.
		wantTitles []string
		want304    int
	}{
		{"feed says updated", "/feed.xml", false, nil,
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1), quakeTitle(2)}, 0},
		{"sitemap says updated", "/sitemap.xml", false, nil,
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1), quakeTitle(2)}, 0},
		{"updated, emitted before under its canonical URL", "/feed.xml", true, nil,
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1), quakeTitle(2)}, 0},
		{"updated, host at its page limit", "/feed.xml", false, func(o *Options) { o.MaxPages = 1 },
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1), quakeTitle(2)}, 0},
		{"updated in the listing, page unchanged: 304", "/feed.xml", false, nil,
			func(c time.Time) time.Time { return c }, 1, []string{quakeTitle(1)}, 1},
		{"modified time unchanged", "/feed.xml", false, nil,
			func(time.Time) time.Time { return past }, 2, []string{quakeTitle(1)}, 0},
		{"modified time older than the fetch", "/sitemap.xml", false, nil,
			func(c time.Time) time.Time { return c.Add(-time.Hour) }, 2, []string{quakeTitle(1)}, 0},
		{"modified time in the future", "/feed.xml", false, nil,
			func(c time.Time) time.Time { return c.Add(2 * time.Hour) }, 2, []string{quakeTitle(1)}, 0},
		{"sitemap stamps every poll with now: capped", "/sitemap.xml", false, func(o *Options) { o.RecheckMax = 3 },
			func(time.Time) time.Time { return time.Time{} }, 1, []string{quakeTitle(1)}, 3},
		{"re-checks off", "/feed.xml", false, func(o *Options) { o.RecheckMax = -1 },
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1)}, 0},
		{"re-checks off by zero", "/feed.xml", false, func(o *Options) { o.RecheckMax = 0 },
			func(c time.Time) time.Time { return c }, 2, []string{quakeTitle(1)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newLiveStory(t, past)
			s.canonical = tt.canonical
			opts := recheckOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			w := watch(t, t.TempDir(), opts, s.URL+tt.listing)
			waitFor(t, "the article is emitted", func() bool { return len(w.emitted()) == 1 })
			s.change(tt.modified(time.Now()), tt.version)
			want := len(tt.wantTitles) + tt.want304
			// Three polls after the last expected request, any fetch one
			// of them queued would have been made: polls wait 50ms, a
			// queued re-check is due at once.
			waitFor(t, fmt.Sprintf("the article is requested %d times and the listing polled thrice more", want), func() bool {
				return len(s.articleHits()) >= want && s.settled(3)
			})
			w.stop(t)

			hits := s.articleHits()
			if len(hits) != want {
				t.Errorf("article requested %d times, want %d", len(hits), want)
			}
			for i, h := range hits[1:] {
				if h.hdr.Get("If-None-Match") != `"v1"` && h.hdr.Get("If-None-Match") != `"v2"` {
					t.Errorf("re-check %d not conditional: If-None-Match %q", i+1, h.hdr.Get("If-None-Match"))
				}
			}
			var titles []string
			arts := w.emitted()
			for _, a := range arts {
				titles = append(titles, a.Title)
				if a.ID != arts[0].ID {
					t.Errorf("version %q has id %s, the first %s", a.Title, a.ID, arts[0].ID)
				}
			}
			if strings.Join(titles, "|") != strings.Join(tt.wantTitles, "|") {
				t.Errorf("emitted %q, want %q", titles, tt.wantTitles)
			}
			if len(arts) == 2 && !strings.Contains(arts[1].Body, "risen to 22") {
				t.Errorf("second version's body is not the new one:\n%s", arts[1].Body)
			}
		})
	}
}

// TestRecheckAcrossRestart queues a re-check, kills the crawl while the
// article is being fetched again, and restarts it: the new run fetches the
// article once, conditionally with the validators of the first fetch, and
// emits the new version.
func TestRecheckAcrossRestart(t *testing.T) {
	s := newLiveStory(t, time.Now().Add(-48*time.Hour))
	dir := t.TempDir()
	opts := testOptions()
	opts.RecheckMin = time.Millisecond
	r := crawlWith(t, dir, opts, s.URL+"/feed.xml")
	if len(r.articles) != 1 || r.articles[0].Title != quakeTitle(1) {
		t.Fatalf("first run emitted %d articles, want the first version", len(r.articles))
	}
	first := r.articles[0]
	r.st.Close()

	s.change(time.Now(), 2)
	s.mu.Lock()
	s.hold = true
	s.mu.Unlock()
	w := watch(t, dir, recheckOptions(), s.URL+"/feed.xml")
	select {
	case <-s.held: // the re-check is in flight
	case <-time.After(10 * time.Second):
		t.Fatal("the article was not fetched again after its listing said it changed")
	}
	w.stop(t)
	s.mu.Lock()
	s.hold = false
	s.mu.Unlock()
	before := len(s.articleHits())

	r = crawlWith(t, dir, opts, s.URL+"/feed.xml")
	hits := s.articleHits()[before:]
	if len(hits) != 1 || hits[0].hdr.Get("If-None-Match") != `"v1"` {
		var inm []string
		for _, h := range hits {
			inm = append(inm, h.hdr.Get("If-None-Match"))
		}
		t.Errorf("after the restart the article was requested with If-None-Match %q, want once with \"v1\"", inm)
	}
	if len(r.articles) != 1 || r.articles[0].Title != quakeTitle(2) || r.articles[0].ID != first.ID {
		t.Errorf("after the restart emitted %d articles (%v), want the second version under id %s", len(r.articles), r.articles, first.ID)
	}
}
