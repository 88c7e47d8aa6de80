package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"-1", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"99999999", 24 * time.Hour},
		{"soon", 0},
	} {
		h := http.Header{}
		h.Set("Retry-After", tc.v)
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := range 12 {
		d := min(time.Second<<attempt, 5*time.Minute)
		for range 50 {
			if got := backoff(time.Second, attempt); got < d/2 || got > d {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", attempt, got, d/2, d)
			}
		}
	}
}

func TestTransient(t *testing.T) {
	timeout := &url.Error{Op: "Get", URL: "http://x", Err: errTimeout{}}
	for _, tc := range []struct {
		name string
		res  result
		want bool
	}{
		{"500", result{status: 500}, true},
		{"503", result{status: 503}, true},
		{"429", result{status: 429}, true},
		{"404", result{status: 404}, false},
		{"410", result{status: 410}, false},
		{"timeout", result{err: timeout}, true},
		{"redirect loop", result{err: &url.Error{Op: "Get", URL: "http://x", Err: errRedirectLoop}}, false},
		{"bad gzip", result{err: errors.New("gzip: invalid header")}, false},
		{"robots", result{err: errRobots{path: "/x"}}, false},
	} {
		if got := transient(&tc.res); got != tc.want {
			t.Errorf("%s: transient = %v, want %v", tc.name, got, tc.want)
		}
	}
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "i/o timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }

func TestStripSession(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://a.example/p?sid=abc&id=3", "https://a.example/p?id=3"},
		{"https://a.example/p;jsessionid=0123ABC", "https://a.example/p"},
		{"https://a.example/p?PHPSESSID=1&x=2", "https://a.example/p?x=2"},
		{"https://a.example/search?s=climate", "https://a.example/search?s=climate"},
		{"https://a.example/p?s=9f86d081884c7d659a2feaa0c55ad015", "https://a.example/p"},
		{"https://a.example/p?page=2", "https://a.example/p?page=2"},
		// Pairs url.Values cannot parse are kept: dropping them merged
		// different articles into one URL.
		{"https://a.example/a.php?sid=abc&id=1;p=2", "https://a.example/a.php?id=1;p=2"},
		{"https://a.example/a.php?id=%zz&sid=abc", "https://a.example/a.php?id=%zz"},
		{"https://a.example/p?s=9f86d081884c7d659a2feaa0c55ad015&s=9f86d081884c7d659a2feaa0c55ad016", "https://a.example/p?s=9f86d081884c7d659a2feaa0c55ad015&s=9f86d081884c7d659a2feaa0c55ad016"},
	} {
		if got := stripSession(tc.in); got != tc.want {
			t.Errorf("stripSession(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestTrapFilter(t *testing.T) {
	f := newTrapFilter(80, 3)
	for _, tc := range []struct{ u, want string }{
		{"https://a.example/news/story-1", ""},
		{"https://a.example/" + string(make([]byte, 100)), "URL too long"},
		{"https://a.example/a/b/a/b/a/b", "repeated path segment"},
		{"https://a.example/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", "too many path segments"},
		{"https://a.example/cal?m=1", ""},
		{"https://a.example/cal?m=2", ""},
		{"https://a.example/cal?m=1", ""}, // seen before: not a new variant
		{"https://a.example/cal?m=3", ""},
		{"https://a.example/cal?m=4", "too many query variants of one path"},
		{"https://a.example/cal?m=4&view=week", ""}, // other parameter names
		{"https://b.example/cal?m=4", ""},           // other host
	} {
		if got := f.check(tc.u); got != tc.want {
			t.Errorf("check(%s) = %q, want %q", tc.u, got, tc.want)
		}
	}
}

func TestArticleVerdict(t *testing.T) {
	yes := clean.Result{IsArticle: true}
	for _, tc := range []struct {
		name string
		kind frontier.Kind
		url  string
		res  clean.Result
		scan pageScan
		want bool
	}{
		{"cleaner says hub", frontier.Article, "https://a.example/2024/05/x-y-z", clean.Result{Reason: "link list"}, pageScan{}, false},
		{"slug from a link", frontier.Page, "https://a.example/2024/05/some-story", yes, pageScan{}, true},
		{"section from a link", frontier.Page, "https://a.example/world/", yes, pageScan{}, false},
		{"front page", frontier.Page, "https://a.example/", yes, pageScan{}, false},
		{"section-shaped but og:type article", frontier.Page, "https://a.example/world", yes, pageScan{markup: true}, true},
		{"section-shaped but JSON-LD", frontier.Page, "https://a.example/world", yes, pageScan{markup: true}, true},
		{"section-shaped but from a feed", frontier.Article, "https://a.example/world", yes, pageScan{}, true},
		{"og:type website on a slug", frontier.Page, "https://a.example/news/a-b-c", yes, pageScan{}, true},
		{"article named by a numeric id in the query", frontier.Page, "https://a.example/news/view.php?newsid=6486285", yes, pageScan{}, true},
		{"article named by a numbered parameter", frontier.Page, "https://a.example/spip.php?article8532", yes, pageScan{}, true},
		{"a few digits in the query are no id", frontier.Page, "https://a.example/news?year=24", yes, pageScan{}, false},
		{"paging is no id", frontier.Page, "https://a.example/news?page=120", yes, pageScan{}, false},
		{"a number inside a label is no id", frontier.Page, "https://a.example/shop?c=espresso-under-500", yes, pageScan{}, false},
		{"front page with a tracking parameter", frontier.Page, "https://a.example/?srsltid=AfmBOo123x&utm_source=feed", yes, pageScan{}, false},
		{"front page with a query", frontier.Page, "https://a.example/?p=123", yes, pageScan{}, true},
	} {
		if got, _ := articleVerdict(frontier.Entry{Kind: tc.kind}, tc.url, tc.res, tc.scan); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestScanPage(t *testing.T) {
	page := `<html><head><meta property="og:type" content="Article">
<link rel="alternate" type="application/rss+xml" href="/feed">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle"}</script></head>
<body><a href="/a?utm_source=x#top">a</a><a href="/a">dup</a><a href="mailto:x@y">m</a><a href="https://b.example/c">c</a></body></html>`
	r, err := clean.New(clean.Options{}).Clean(t.Context(), clean.Page{URL: "https://a.example/x", HTML: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	ps := scanResult(r)
	if !ps.markup {
		t.Error("article markup not seen")
	}
	if len(ps.links) != 2 || ps.links[0] != "https://a.example/a" || ps.links[1] != "https://b.example/c" {
		t.Errorf("links %v", ps.links)
	}
	if len(ps.feeds) != 1 || ps.feeds[0] != "https://a.example/feed" {
		t.Errorf("feeds %v", ps.feeds)
	}
}

func TestRepollAdapts(t *testing.T) {
	c := &Crawler{opts: Options{Repoll: 4 * time.Minute, RepollMin: time.Minute, RepollMax: 16 * time.Minute, MaxDepth: 2}}
	now := time.Now()
	for _, tc := range []struct {
		name    string
		e       frontier.Entry
		fresh   int
		want    time.Duration
		pending bool
	}{
		{"first poll", frontier.Entry{Seed: true}, 3, 4 * time.Minute, true},
		{"new items: sooner", frontier.Entry{Seed: true, Interval: 4 * time.Minute}, 3, 2 * time.Minute, true},
		{"nothing new: later", frontier.Entry{Kind: frontier.Feed, Interval: 4 * time.Minute}, 0, 6 * time.Minute, true},
		{"bounded below", frontier.Entry{Seed: true, Interval: time.Minute}, 9, time.Minute, true},
		{"bounded above", frontier.Entry{Seed: true, Interval: 15 * time.Minute}, 0, 16 * time.Minute, true},
		{"articles are done", frontier.Entry{Kind: frontier.Article}, 0, 0, false},
		{"hub within depth", frontier.Entry{URL: "https://a.example/world/", Kind: frontier.Hub, Depth: 1}, 2, 4 * time.Minute, true},
		{"hub at the depth limit is done", frontier.Entry{URL: "https://a.example/world/x/", Kind: frontier.Hub, Depth: 2}, 0, 0, false},
		{"pages are done", frontier.Entry{URL: "https://a.example/p", Kind: frontier.Page, Depth: 1}, 0, 0, false},
	} {
		o := c.repoll(tc.e, frontier.Outcome{State: frontier.Done}, tc.fresh, now)
		if (o.State == frontier.Pending) != tc.pending || o.Interval != tc.want || (tc.pending && !o.NextAt.Equal(now.Add(tc.want))) {
			t.Errorf("%s: %s in %v", tc.name, o.State, o.Interval)
		}
	}
}

func TestToUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, ctype string
		body        []byte
		want        string
	}{
		{"utf-8 kept", "text/html", []byte("<p>naïve</p>"), "<p>naïve</p>"},
		{"meta windows-1252", "text/html", []byte("<meta charset=windows-1252><p>caf\xe9</p>"), "café"},
		{"no hint, not utf-8", "text/html", []byte("<p>caf\xe9 \x93q\x94</p>"), "café “q”"},
		{"header charset (colly converted)", "text/html; charset=koi8-r", []byte("<p>ok</p>"), "<p>ok</p>"},
	} {
		got, err := toUTF8(tc.ctype, tc.body)
		if err != nil || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		ctype, body string
		want        docType
	}{
		{"text/html", "<html>", docHTML},
		{"application/rss+xml", `<?xml version="1.0"?><rss>`, docFeed},
		{"text/xml", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">`, docFeed},
		{"application/xml", `<?xml version="1.0"?><urlset>`, docSitemap},
		{"", `<?xml version="1.0"?><sitemapindex>`, docSitemap},
		{"image/png", "\x89PNG", docOther},
		{"application/octet-stream", "\x00\x01", docOther},
	} {
		if got := sniff(tc.ctype, []byte(tc.body)); got != tc.want {
			t.Errorf("sniff(%q, %q) = %v, want %v", tc.ctype, tc.body, got, tc.want)
		}
	}
}

func TestHostGate(t *testing.T) {
	g := newHostGate(2, nil)
	now := time.Now()
	if ok, _ := g.acquire("a", time.Second, now); !ok {
		t.Fatal("first request refused")
	}
	if ok, ready := g.acquire("a", time.Second, now); ok || !ready.Equal(now.Add(time.Second)) {
		t.Errorf("second request within the delay: %v %v", ok, ready)
	}
	if ok, _ := g.acquire("b", time.Second, now); !ok {
		t.Error("other host waits")
	}
	g.pause("b", now.Add(time.Minute)) // Retry-After
	if ok, _ := g.acquire("b", 0, now.Add(30*time.Second)); ok {
		t.Error("paused host fetched")
	}
	if ok, _ := g.acquire("a", time.Second, now.Add(time.Second)); !ok {
		t.Error("second slot refused after the delay")
	}
	if ok, ready := g.acquire("a", 0, now.Add(time.Hour)); ok || !ready.IsZero() {
		t.Error("third concurrent request with PerHost 2")
	}
	if w := g.waiting(now.Add(2 * time.Second)); len(w) != 1 || w[0] != "b" {
		t.Errorf("waiting = %v, want the paused host only", w)
	}
	g.release("a")
	if ok, _ := g.acquire("a", 0, now.Add(time.Hour)); !ok {
		t.Error("released slot refused")
	}
}

// memRobots is a robotsMemory in a map.
type memRobots map[string]frontier.RobotsFailure

func (m memRobots) RobotsFailure(_ context.Context, host string) (frontier.RobotsFailure, bool, error) {
	f, ok := m[host]
	return f, ok, nil
}

func (m memRobots) SetRobotsFailure(_ context.Context, host string, f frontier.RobotsFailure) error {
	if f.Failures <= 0 {
		delete(m, host)
	} else {
		m[host] = f
	}
	return nil
}

// TestRobotsFailuresOutlastRestart starts a robots cache (as a restarted
// crawler does) over a memory holding a run of failures.
func TestRobotsFailuresOutlastRestart(t *testing.T) {
	start := time.Now().Add(-10 * time.Minute)
	tests := []struct {
		name         string
		record       *frontier.RobotsFailure
		up           bool // robots.txt answers
		wantRequests int
		wantFailures int  // of the entry; 0: rules were read
		wantSince    bool // the entry's run started at start
		wantRecord   int  // failures recorded afterwards; 0: none
	}{
		{"no record, failing", nil, false, 1, 1, false, 1},
		{"no record, answering", nil, true, 1, 0, false, 0},
		{"run carries on", &frontier.RobotsFailure{Failures: 3, Since: start, Retry: time.Now().Add(-time.Second), Reason: "HTTP 503"}, false, 1, 4, true, 4},
		{"back-off still running: no request", &frontier.RobotsFailure{Failures: 3, Since: start, Retry: time.Now().Add(time.Hour), Reason: "HTTP 503"}, false, 0, 3, true, 3},
		{"run ends when robots.txt answers", &frontier.RobotsFailure{Failures: 3, Since: start, Retry: time.Now().Add(-time.Second), Reason: "HTTP 503"}, true, 1, 0, false, 0},
		{"a run stopped long ago starts again", &frontier.RobotsFailure{Failures: 3, Since: start.Add(-48 * time.Hour), Retry: time.Now().Add(-2 * robotsRecallGap), Reason: "HTTP 503"}, false, 1, 1, false, 1},
		{"a stale record is deleted when robots.txt answers", &frontier.RobotsFailure{Failures: 3, Since: start.Add(-48 * time.Hour), Retry: time.Now().Add(-2 * robotsRecallGap), Reason: "HTTP 503"}, true, 1, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if !tt.up {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			mem := memRobots{}
			if tt.record != nil {
				mem[u.Host] = *tt.record
			}
			r := newRobotsCache(srv.Client(), "test", 1<<20, time.Millisecond, mem, nil, quiet())
			e, _ := r.get(context.Background(), "http", u.Host)
			if n := int(requests.Load()); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if e.failures != tt.wantFailures || (e.unreachable != "") != (tt.wantFailures > 0) {
				t.Errorf("entry: %d failures, unreachable %q; want %d", e.failures, e.unreachable, tt.wantFailures)
			}
			if tt.wantSince && !e.since.Equal(start) {
				t.Errorf("run started %v, want %v", e.since, start)
			}
			if got := mem[u.Host].Failures; got != tt.wantRecord {
				t.Errorf("recorded %d failures, want %d", got, tt.wantRecord)
			}
			if tt.wantRecord > 0 && !mem[u.Host].Retry.Equal(e.expires()) {
				t.Errorf("recorded retry %v, entry expires %v", mem[u.Host].Retry, e.expires())
			}
		})
	}
}

// TestListingModified reads the modified time of feed items and sitemap
// URLs: Atom <updated>, RSS dc:date or else pubDate, sitemap <lastmod>
// (not the news publication date), none when the listing gives none.
func TestListingModified(t *testing.T) {
	const base = "https://example.com/"
	tests := []struct {
		name, body string
		sitemap    bool
		want       string // RFC 3339, "" for none
	}{
		{"atom updated", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title><link href="/a"/><published>2026-11-01T08:00:00Z</published><updated>2026-11-02T09:30:00+01:00</updated></entry></feed>`,
			false, "2026-11-02T08:30:00Z"},
		{"rss dc:date", `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><item><title>a</title><link>/a</link><dc:date>2026-11-02T08:30:00Z</dc:date></item></channel></rss>`,
			false, "2026-11-02T08:30:00Z"},
		{"rss pubDate only", `<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/a</link><pubDate>Mon, 02 Nov 2026 08:30:00 GMT</pubDate></item></channel></rss>`,
			false, "2026-11-02T08:30:00Z"},
		{"rss without dates", `<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/a</link></item></channel></rss>`,
			false, ""},
		{"sitemap lastmod", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a</loc><lastmod>2026-11-02T08:30:00.250Z</lastmod></url></urlset>`,
			true, "2026-11-02T08:30:00.25Z"},
		{"news sitemap without lastmod", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/a</loc><news:news><news:publication_date>2026-11-02T08:30:00Z</news:publication_date></news:news></url></urlset>`,
			true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parse := feedEntries
			if tt.sitemap {
				parse = sitemapEntries
			}
			es, err := parse(base, []byte(tt.body), 1)
			if err != nil || len(es) != 1 {
				t.Fatalf("parsed %v, %v; want one entry", es, err)
			}
			got := ""
			if m := es[0].Modified; m != nil {
				got = m.Format(time.RFC3339Nano)
			}
			if got != tt.want {
				t.Errorf("modified %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRecentLinksPassModified lets a link with a modified time through the
// recent-links cache every time, so that the frontier can compare it with
// the last fetch; the same link without one is dropped the second time.
func TestRecentLinksPassModified(t *testing.T) {
	r := newRecentLinks()
	m := time.Now()
	for i := range 3 {
		got := r.fresh([]frontier.Entry{{URL: "https://a.example/1", Modified: &m}, {URL: "https://a.example/2"}})
		want := 2
		if i > 0 {
			want = 1
		}
		if len(got) != want || got[0].URL != "https://a.example/1" {
			t.Errorf("round %d: fresh passed %v, want %d entries starting with the modified one", i, got, want)
		}
	}
}

// paceRecord stands for the pace another crawler process recorded in a
// shared frontier (the real one needs a Kafka group; see groupfrontier).
type paceRecord map[string]time.Time

func (p paceRecord) HostNotBefore(host string) time.Time   { return p[host] }
func (p paceRecord) HostPaced(host string, next time.Time) { p[host] = next }

// TestHostGatePacer: a host whose previous owner recorded a pace is not
// requested before it, and every request records the next allowed time.
func TestHostGatePacer(t *testing.T) {
	now := time.Now()
	pace := paceRecord{"a": now.Add(10 * time.Second)}
	g := newHostGate(1, pace)
	if ok, ready := g.acquire("a", time.Second, now); ok || !ready.Equal(now.Add(10*time.Second)) {
		t.Fatalf("acquire before the recorded pace: %v, ready %v", ok, ready)
	}
	if ok, _ := g.acquire("a", time.Second, now.Add(10*time.Second)); !ok {
		t.Fatal("refused at the recorded time")
	}
	if got := pace["a"]; !got.Equal(now.Add(11 * time.Second)) {
		t.Errorf("recorded pace %v, want the request's time plus the delay", got)
	}
	g.release("a")
	g.pause("a", now.Add(time.Minute))
	if got := pace["a"]; !got.Equal(now.Add(time.Minute)) {
		t.Errorf("a Retry-After pause recorded as %v", got)
	}
	// A later record by another owner (the host came back) wins over the
	// gate's own memory.
	pace["a"] = now.Add(2 * time.Minute)
	if ok, _ := g.acquire("a", time.Second, now.Add(90*time.Second)); ok {
		t.Error("acquired before the newer recorded pace")
	}
}

// keptFiles stands for the robots.txt files a shared frontier keeps for
// the processes of a crawl group (the real one needs Kafka; see
// groupfrontier's TestHandOver).
type keptFiles map[string]frontier.RobotsFile

func (k keptFiles) RobotsFile(_ context.Context, host string) (frontier.RobotsFile, bool, error) {
	f, ok := k[host]
	return f, ok, nil
}

func (k keptFiles) SetRobotsFile(_ context.Context, host string, f frontier.RobotsFile) error {
	k[host] = f
	return nil
}

// TestRobotsFilesShared: a process that takes a host over uses the
// robots.txt its previous owner read, without a request, until it
// expires; an unreachable robots.txt is not kept as a file.
func TestRobotsFilesShared(t *testing.T) {
	var requests atomic.Int32
	up := atomic.Bool{}
	up.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	files := keptFiles{}
	first := newRobotsCache(srv.Client(), "test", 1<<20, time.Millisecond, nil, files, quiet())
	if _, fetched := first.get(context.Background(), "http", u.Host); !fetched || requests.Load() != 1 {
		t.Fatalf("first owner: fetched %v, %d requests", fetched, requests.Load())
	}
	if f, ok := files[u.Host]; !ok || f.Status != http.StatusOK || !strings.Contains(f.Body, "Disallow: /private/") {
		t.Fatalf("kept file %+v %v", f, ok)
	}
	next := newRobotsCache(srv.Client(), "test", 1<<20, time.Millisecond, nil, files, quiet())
	e, fetched := next.get(context.Background(), "http", u.Host)
	if fetched || requests.Load() != 1 {
		t.Errorf("next owner: fetched %v, %d requests; want the kept file", fetched, requests.Load())
	}
	if e.group.Test("/private/x") || next.crawlDelay(u.Host) != 3*time.Second {
		t.Errorf("next owner's rules: /private/x allowed %v, delay %v", e.group.Test("/private/x"), next.crawlDelay(u.Host))
	}
	// Expired: read again; unreachable: the old file stays as it was.
	f := files[u.Host]
	f.Fetched = time.Now().Add(-robotsTTL - time.Minute)
	files[u.Host] = f
	up.Store(false)
	late := newRobotsCache(srv.Client(), "test", 1<<20, time.Millisecond, nil, files, quiet())
	if e, fetched := late.get(context.Background(), "http", u.Host); !fetched || e.unreachable == "" || requests.Load() != 2 {
		t.Errorf("expired file: fetched %v, unreachable %q, %d requests", fetched, e.unreachable, requests.Load())
	}
	if files[u.Host].Fetched != f.Fetched {
		t.Error("an unreachable robots.txt replaced the kept file")
	}
}
