package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// TestFeedOnlySeed reaches every article of a feed, each requested once,
// never the paths robots.txt disallows.
func TestFeedOnlySeed(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 12)
	c.serve(s)
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /news/"+c.ids[0]+".html\n")
	})
	s.mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, c.rss(s.URL))
	})
	r := crawlWith(t, "", testOptions(), s.URL+"/rss.xml")
	noneTwice(t, s)
	if n := s.requested("/news/" + c.ids[0] + ".html"); n != 0 {
		t.Errorf("disallowed page requested %d times", n)
	}
	if st, why := r.outcome(t, s.URL+"/news/"+c.ids[0]+".html"); st != frontier.Failed || !strings.Contains(why, "robots.txt") {
		t.Errorf("disallowed page: %s %q", st, why)
	}
	for _, id := range c.ids[1:] {
		u := s.URL + "/news/" + id + ".html"
		if s.requested("/news/"+id+".html") != 1 {
			t.Errorf("%s not requested", u)
		}
		if p, ok := r.rec.page(u); !ok || p.HintTitle != c.title[id] {
			t.Errorf("%s: cleaner got hint %q, want the feed's title %q", id, p.HintTitle, c.title[id])
		}
	}
	if len(r.articles) < len(c.ids)-3 {
		t.Errorf("%d articles emitted from %d pages", len(r.articles), len(c.ids)-1)
	}
	if ua := s.log()[0].hdr.Get("User-Agent"); !strings.Contains(ua, "wirewatch") || !strings.Contains(ua, "http") {
		t.Errorf("User-Agent %q names no wirewatch and contact URL", ua)
	}
	snap, err := r.c.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(s.URL, "http://")
	if len(snap.Hosts) != 1 || snap.Hosts[0].Host != host || snap.Hosts[0].Fetched != int64(len(c.ids)) || snap.Hosts[0].Bytes == 0 ||
		snap.Queue.Pending != 0 || snap.Queue.InFlight != 0 || snap.Fetched != int64(len(c.ids)) || snap.Refused != 1 {
		t.Errorf("snapshot %+v", snap)
	}
}

// TestSitemapOnlySeed follows a sitemap index to a plain and a Google News
// sitemap, and hands the news:title and news:publication_date on.
func TestSitemapOnlySeed(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 10)
	c.serve(s)
	s.mux.HandleFunc("/sitemap_index.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%[1]s/sitemap-a.xml</loc></sitemap><sitemap><loc>%[1]s/news-sitemap.xml</loc></sitemap></sitemapindex>`, s.URL)
	})
	s.mux.HandleFunc("/sitemap-a.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, id := range c.ids[:5] {
			fmt.Fprintf(w, "<url><loc>%s/news/%s.html</loc><lastmod>2024-05-01</lastmod></url>", s.URL, id)
		}
		fmt.Fprint(w, `</urlset>`)
	})
	s.mux.HandleFunc("/news-sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
		for _, id := range c.ids[5:] {
			fmt.Fprintf(w, `<url><loc>%s/news/%s.html</loc><news:news><news:publication><news:name>T</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-06-02T10:00:00Z</news:publication_date><news:title>News %s</news:title></news:news></url>`, s.URL, id, id)
		}
		fmt.Fprint(w, `</urlset>`)
	})
	opts := testOptions()
	opts.MaxDepth = 2
	r := crawlWith(t, "", opts, s.URL+"/sitemap_index.xml")
	noneTwice(t, s)
	for i, id := range c.ids {
		p, ok := r.rec.page(s.URL + "/news/" + id + ".html")
		if !ok {
			t.Errorf("%s not reached", id)
			continue
		}
		if i >= 5 && (p.HintTitle != "News "+id || p.HintPublished == nil || p.HintPublished.Format(time.RFC3339) != "2024-06-02T10:00:00Z") {
			t.Errorf("%s: hints %q %v, want the news sitemap's", id, p.HintTitle, p.HintPublished)
		}
	}
}

// TestPoliteness checks robots.txt rules and Crawl-delay, the delay floor
// per host and the per-host concurrency limit on what the servers saw.
func TestPoliteness(t *testing.T) {
	links := func(s *testSite, n int) {
		s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html><body>")
			for i := range n {
				fmt.Fprintf(w, `<a href="/p/%d">p</a> <a href="/private/%d">x</a>`, i, i)
			}
			fmt.Fprint(w, "</body></html>")
		})
		s.mux.HandleFunc("/p/", func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(20 * time.Millisecond) // a slow page, so that fetches of one host would overlap
			fmt.Fprint(w, "<html><body><p>short</p></body></html>")
		})
	}
	slow := newTestSite(t) // robots.txt asks for 0.3s
	links(slow, 4)
	slow.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.3\nDisallow: /private/\n")
	})
	floor := newTestSite(t) // no robots.txt: the 0.15s floor applies
	links(floor, 4)
	opts := testOptions()
	opts.Delay = 150 * time.Millisecond
	crawlWith(t, "", opts, slow.URL+"/", floor.URL+"/")
	for _, tc := range []struct {
		s   *testSite
		gap time.Duration
	}{{slow, 300 * time.Millisecond}, {floor, 150 * time.Millisecond}} {
		noneTwice(t, tc.s)
		hits := tc.s.log()
		if len(hits) < 6 {
			t.Errorf("only %d requests", len(hits))
		}
		for _, h := range hits {
			if strings.HasPrefix(h.path, "/private/") && tc.s == slow {
				t.Errorf("disallowed %s requested", h.path)
			}
		}
		// The gate spaces request starts in the crawler; a loaded machine
		// can delay one request's arrival and not the next, hence 80%.
		if g := minGap(hits); g < tc.gap*8/10 {
			t.Errorf("requests %v apart, want at least %v", g, tc.gap)
		}
		if tc.s.top > 1 {
			t.Errorf("%d concurrent requests to one host with a delay", tc.s.top)
		}
	}

	// Without a delay, PerHost bounds concurrency.
	busy := newTestSite(t)
	links(busy, 30)
	opts = testOptions()
	opts.Workers, opts.PerHost = 8, 2
	crawlWith(t, "", opts, busy.URL+"/")
	if busy.top > 2 {
		t.Errorf("%d concurrent requests, PerHost 2", busy.top)
	}
	noneTwice(t, busy)
}

// TestHostileServer crawls endpoints that fail in every common way and
// checks that each is handled, reported and retried only when it should.
func TestHostileServer(t *testing.T) {
	s := newTestSite(t)
	var n503, n429 atomic.Int32
	h := s.mux.HandleFunc
	h("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	h("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	h("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) })
	h("/chain/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/chain/"))
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusMovedPermanently)
	})
	h("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	h("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	h("/broken", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	h("/busy", func(w http.ResponseWriter, r *http.Request) {
		if n503.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "<html><body><p>fine now</p></body></html>")
	})
	h("/limited", func(w http.ResponseWriter, r *http.Request) {
		if n429.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "<html><body><p>fine now</p></body></html>")
	})
	h("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	})
	h("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>"))
		w.Write(bytes.Repeat([]byte("<p>lorem ipsum dolor</p>"), 20_000)) // ~480 KB
	})
	h("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary"))
	})
	h("/badgzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("this is not gzip at all"))
	})
	h("/bad-feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><item><title>unclosed`)
	})
	paths := []string{"/loop-a", "/chain/0", "/gone", "/missing", "/broken", "/busy", "/limited", "/slow", "/huge", "/image", "/badgzip", "/bad-feed.xml"}
	var seeds []string
	for _, p := range paths {
		seeds = append(seeds, s.URL+p)
	}
	opts := testOptions()
	// Long enough for the redirect chain's hops under the race detector on
	// a loaded machine (300 ms was not), short of /slow's 3 s.
	opts.Timeout = time.Second
	opts.MaxBytes = 256 << 10
	start := time.Now()
	r := crawlWith(t, "", opts, seeds...)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("crawl took %v", d)
	}
	want := []struct {
		path     string
		state    frontier.State
		reason   string
		requests int
	}{
		{"/loop-a", frontier.Done, "", 1}, // a redirect; the loop is reported on its target
		{"/loop-b", frontier.Failed, "redirect loop", 1},
		{"/chain/0", frontier.Done, "", 1},
		{"/chain/5", frontier.Failed, "too many redirects", 1},
		{"/gone", frontier.Failed, "HTTP 410", 1},
		{"/missing", frontier.Failed, "HTTP 404", 1},
		{"/broken", frontier.Failed, "HTTP 500", 1 + opts.Retries},
		{"/busy", frontier.Done, "", 2},
		{"/limited", frontier.Done, "", 2},
		{"/slow", frontier.Failed, "timeout", 1 + opts.Retries},
		{"/huge", frontier.Failed, "larger than", 1},
		{"/image", frontier.Failed, "unsupported content type", 1},
		{"/badgzip", frontier.Failed, "gzip", 1},
		{"/bad-feed.xml", frontier.Failed, "parse feed", 1},
	}
	for _, w := range want {
		state, why := r.outcome(t, s.URL+w.path)
		if state != w.state || !strings.Contains(why, w.reason) {
			t.Errorf("%s: %s %q, want %s %q", w.path, state, why, w.state, w.reason)
		}
		if n := s.requested(w.path); n != w.requests {
			t.Errorf("%s requested %d times, want %d", w.path, n, w.requests)
		}
	}
	// Retry-After paused the whole host: nothing was requested in the
	// second after the 503 or the 429 (but for requests already on their
	// way when it came).
	hits := s.log()
	for _, p := range []string{"/busy", "/limited"} {
		var first time.Time
		for _, h := range hits {
			if h.path == p {
				first = h.at
				break
			}
		}
		for _, h := range hits {
			if d := h.at.Sub(first); d > 200*time.Millisecond && d < 950*time.Millisecond && !strings.HasPrefix(h.path, "/chain/") && h.path != "/loop-b" {
				t.Errorf("%s requested %v after the Retry-After of %s", h.path, h.at.Sub(first), p)
			}
		}
	}
}

// TestCharsets converts legacy encodings to UTF-8, whether only a <meta>
// or only the Content-Type header names them.
func TestCharsets(t *testing.T) {
	s := newTestSite(t)
	enc := func(e *charmap.Charmap, text string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	page := func(meta, text string) string {
		return `<!doctype html><html><head>` + meta + `<title>t</title></head><body><p>` + text + `</p></body></html>`
	}
	cases := []struct {
		path, ctype string
		body        []byte
		want        string
	}{
		{"/cp1252", "text/html", enc(charmap.Windows1252, page(`<meta charset="windows-1252">`, "Café “quoted” – naïve €5")), "Café “quoted” – naïve €5"},
		{"/latin1", "text/html", enc(charmap.ISO8859_1, page(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, "Größe façade")), "Größe façade"},
		{"/koi8r", "text/html; charset=KOI8-R", enc(charmap.KOI8R, page("", "Привет, мир")), "Привет, мир"},
		{"/bom", "text/html", append([]byte("\xef\xbb\xbf"), page("", "ünïcödé")...), "ünïcödé"},
	}
	var seeds []string
	for _, c := range cases {
		c := c
		s.mux.HandleFunc(c.path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", c.ctype)
			w.Write(c.body)
		})
		seeds = append(seeds, s.URL+c.path)
	}
	r := crawlWith(t, "", testOptions(), seeds...)
	for _, c := range cases {
		p, ok := r.rec.page(s.URL + c.path)
		if !ok {
			t.Errorf("%s not cleaned", c.path)
			continue
		}
		if !bytes.Contains(p.HTML, []byte(c.want)) {
			t.Errorf("%s: cleaner got %q, want %q in UTF-8", c.path, p.HTML, c.want)
		}
	}
}

// TestURLTraps crawls a calendar that links to the next month forever and
// a site that puts a fresh session id in every link.
func TestURLTraps(t *testing.T) {
	s := newTestSite(t)
	s.mux.HandleFunc("/calendar", func(w http.ResponseWriter, r *http.Request) {
		m, _ := strconv.Atoi(r.URL.Query().Get("month"))
		fmt.Fprintf(w, `<html><body><a href="/calendar?month=%d">next</a> <a href="/calendar?month=%d">prev</a></body></html>`, m+1, m-1)
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sid := fmt.Sprintf("%032x", rand.Uint64())
		fmt.Fprintf(w, `<html><body><a href="/a?sid=%[1]s">a</a> <a href="/b;jsessionid=%[1]s">b</a> <a href="/c?PHPSESSID=%[1]s&amp;x=1">c</a> <a href="/a/a/a/a">deep</a></body></html>`, sid)
	})
	opts := testOptions()
	opts.MaxDepth = 1000
	opts.MaxQueryVariants = 10
	crawlWith(t, "", opts, s.URL+"/calendar?month=0", s.URL+"/")
	noneTwice(t, s)
	cal := 0
	for p, n := range s.count() {
		if strings.HasPrefix(p, "/calendar") {
			cal += n
		}
	}
	if cal > 12 {
		t.Errorf("calendar trap: %d months requested", cal)
	}
	for _, p := range []string{"/a", "/b", "/c?x=1"} {
		if n := s.requested(p); n != 1 {
			t.Errorf("%s requested %d times, want once without its session id", p, n)
		}
	}
	if n := s.requested("/a/a/a/a"); n != 0 {
		t.Errorf("repeated-segment trap requested")
	}
}

// TestIncremental runs a crawl twice over one store: the second run asks
// for the feed conditionally, gets a 304 and fetches no article again; a
// redirect target is fetched once although a feed lists it too.
func TestIncremental(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 4)
	c.serve(s)
	s.mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/news/"+c.ids[0]+".html", http.StatusMovedPermanently)
	})
	s.mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, strings.Replace(c.rss(s.URL), "<channel>", "<channel><item><link>"+s.URL+"/old</link></item>", 1))
	})
	dir := t.TempDir()
	r1 := crawlWith(t, dir, testOptions(), s.URL+"/rss.xml")
	r1.st.Close()
	first := len(s.log())
	crawlWith(t, dir, testOptions(), s.URL+"/rss.xml")
	var second []hit
	for _, h := range s.log()[first:] {
		if h.path != "/robots.txt" { // robots.txt is read once per run
			second = append(second, h)
		}
	}
	if len(second) != 1 || second[0].path != "/rss.xml" || second[0].hdr.Get("If-None-Match") != `"v1"` {
		var ps []string
		for _, h := range second {
			ps = append(ps, h.path+" "+h.hdr.Get("If-None-Match"))
		}
		t.Errorf("second run requested %v, want only a conditional /rss.xml", ps)
	}
	noneTwice(t, &testSite{hits: s.log()[:first]})
	if n := s.requested("/news/" + c.ids[0] + ".html"); n != 1 {
		t.Errorf("redirect target requested %d times", n)
	}
}

// TestNoDuplicateFetches crawls a densely cross-linked site with many
// workers: no URL is requested twice.
func TestNoDuplicateFetches(t *testing.T) {
	s := newTestSite(t)
	const pages = 300
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p"))
		fmt.Fprint(w, "<html><body>")
		for i := range 12 {
			fmt.Fprintf(w, `<a href="/p%d">x</a> <a href="/p%d#frag">y</a> `, (n*7+i*13)%pages, (n+i)%pages)
		}
		fmt.Fprint(w, "</body></html>")
	})
	opts := testOptions()
	opts.Workers, opts.PerHost, opts.MaxDepth = 8, 8, 100
	crawlWith(t, "", opts, s.URL+"/p0")
	noneTwice(t, s)
	if n := len(s.count()); n < pages/2 {
		t.Errorf("only %d pages reached", n)
	}
}

// TestSeedFile reads per-site options and reports bad lines with their
// place.
func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.txt", "# sites\nhttps://Example.com/rss.xml delay=2s max-depth=3 # comment\n\nhttps://example.com/ max-pages=50 include=^https://example\\.com/news/ exclude=/video/ exclude=\\?page=\nhttps://b.example/robots.txt\n")
	got, err := ParseSeeds([]string{good})
	if err != nil {
		t.Fatal(err)
	}
	want := []frontier.Entry{
		{URL: "https://example.com/rss.xml", Kind: frontier.Feed, Seed: true, Site: frontier.SiteOptions{Delay: 2 * time.Second, MaxDepth: 3}},
		{URL: "https://example.com/", Kind: frontier.Page, Seed: true, Site: frontier.SiteOptions{MaxPages: 50, Include: []string{`^https://example\.com/news/`}, Exclude: []string{"/video/", `\?page=`}}},
		{URL: "https://b.example/robots.txt", Kind: frontier.Robots, Seed: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ParseSeeds =\n%v\nwant\n%v", got, want)
	}
	for _, tc := range []struct{ text, want string }{
		{"https://a.example/ delay=soon", "bad.txt:1"},
		{"\nhttps://a.example/ colour=red", "unknown option"},
		{"https://a.example/ max-pages=0", "at least 1"},
		{"https://a.example/ include=(", "include=("},
		{"ftp://a.example/", "not an absolute http(s) URL"},
	} {
		_, err := ParseSeeds([]string{write("bad.txt", tc.text)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}
}

// TestPerSiteOptions applies a seed's max-pages and exclude to its host.
func TestPerSiteOptions(t *testing.T) {
	s := newTestSite(t)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body>")
		for i := range 20 {
			fmt.Fprintf(w, `<a href="/p%d">x</a> <a href="/video/%d">v</a>`, i, i)
		}
		fmt.Fprint(w, "</body></html>")
	})
	seeds := filepath.Join(t.TempDir(), "seeds")
	os.WriteFile(seeds, []byte(s.URL+"/ max-pages=8 exclude=/video/ max-depth=1\n"), 0o644)
	crawlWith(t, "", testOptions(), seeds)
	n := 0
	for p := range s.count() {
		if strings.HasPrefix(p, "/video/") {
			t.Errorf("excluded %s requested", p)
		}
		if strings.HasPrefix(p, "/p") {
			n++
		}
	}
	if n > 8 {
		t.Errorf("%d pages requested with max-pages=8", n)
	}
}

// TestCanonicalArticleOnce serves one article under two URLs: it is emitted
// once, in this run and the next.
func TestCanonicalArticleOnce(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 1)
	page, err := demosite.Page(c.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/a", "/b", "/c"} {
		s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		})
	}
	opts := testOptions()
	opts.Workers = 1 // fetch /a before /b, so the first emitted URL is known
	dir := t.TempDir()
	r := crawlWith(t, dir, opts, s.URL+"/a", s.URL+"/b")
	if len(r.articles) != 1 {
		t.Fatalf("%d articles emitted, want 1", len(r.articles))
	}
	if r.articles[0].CanonicalURL == s.URL+"/a" {
		t.Skip("the corpus page names no canonical URL of its own")
	}
	r.st.Close()
	if r := crawlWith(t, dir, opts, s.URL+"/c"); len(r.articles) != 0 {
		t.Errorf("next run emitted the article again under a third URL")
	}
}

// TestGlobalLimit keeps concurrent fetches over all hosts within Workers.
func TestGlobalLimit(t *testing.T) {
	var active, top atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := active.Add(1)
		defer active.Add(-1)
		for {
			t := top.Load()
			if n <= t || top.CompareAndSwap(t, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond) // a slow page, so that fetches would overlap
		fmt.Fprint(w, `<html><body><a href="/1">1</a><a href="/2">2</a><a href="/3">3</a></body></html>`)
	})
	var seeds []string
	for range 3 {
		s := newTestSite(t)
		s.mux.Handle("/", h)
		seeds = append(seeds, s.URL+"/")
	}
	opts := testOptions()
	opts.Workers, opts.PerHost = 2, 2
	crawlWith(t, "", opts, seeds...)
	if top.Load() > 2 {
		t.Errorf("%d concurrent fetches with Workers 2", top.Load())
	}
}

// TestRobotsSeed follows the Sitemap: lines of a robots.txt named as a
// seed, and keeps off what it disallows.
func TestRobotsSeed(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 4)
	c.serve(s)
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /news/%s.html\n\nSitemap: %s/sm.xml\n", c.ids[3], s.URL)
	})
	s.mux.HandleFunc("/sm.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, id := range c.ids {
			fmt.Fprintf(w, "<url><loc>%s/news/%s.html</loc></url>", s.URL, id)
		}
		fmt.Fprint(w, `</urlset>`)
	})
	opts := testOptions()
	opts.MaxDepth = 2
	crawlWith(t, "", opts, s.URL+"/robots.txt")
	for i, id := range c.ids {
		want := 1
		if i == 3 {
			want = 0 // disallowed
		}
		if n := s.requested("/news/" + id + ".html"); n != want {
			t.Errorf("%s requested %d times, want %d", id, n, want)
		}
	}
	if s.requested("/robots.txt") != 2 { // once as the seed, once for the rules
		t.Errorf("robots.txt requested %d times", s.requested("/robots.txt"))
	}
}

// TestRobotsUnreachable serves a robots.txt that fails before it answers
// (RFC 9309, section 2.3.1.4): the host's URLs wait, untouched, until the
// rules can be read, and then obey them; a host whose robots.txt never
// comes back fails with the reason, in a crawl with Once after the retries
// a page gets, else after RobotsMaxWait; a 404 means no rules.
func TestRobotsUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int           // robots.txt requests that fail
		hang     bool          // fail by timing out rather than with a 503
		maxWait  time.Duration // Options.RobotsMaxWait
		retries  int           // Options.Retries, if not 0
		missing  bool          // robots.txt answers 404 once it answers
		fetched  bool          // pages are fetched in the end
	}{
		{name: "503 twice, then rules", failures: 2, fetched: true},
		{name: "timeout, then rules", failures: 1, hang: true, fetched: true},
		{name: "404 means no rules", missing: true, fetched: true},
		{name: "always 503, give up after the retries", failures: 1 << 30},
		{name: "always 503, give up after RobotsMaxWait", failures: 1 << 30, maxWait: 300 * time.Millisecond, retries: 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSite(t)
			var robots atomic.Int32
			s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				switch n := int(robots.Add(1)); {
				case n <= tc.failures && tc.hang:
					select {
					case <-time.After(2 * time.Second):
					case <-r.Context().Done():
					}
				case n <= tc.failures:
					w.WriteHeader(http.StatusServiceUnavailable)
				case tc.missing:
					http.NotFound(w, r)
				default:
					fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
				}
			})
			s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<html><body><a href="/p/1">1</a> <a href="/p/2">2</a> <a href="/private/1">x</a></body></html>`)
			})
			opts := testOptions()
			opts.Timeout = 300 * time.Millisecond
			opts.RobotsMaxWait = tc.maxWait
			if tc.retries != 0 {
				opts.Retries = tc.retries
			}
			r := crawlWith(t, "", opts, s.URL+"/", s.URL+"/p/1")
			noneTwice(t, &testSite{hits: nonRobots(s.log())})

			hits := s.log()
			var lastRobots time.Time
			for _, h := range hits {
				if h.path == "/robots.txt" {
					lastRobots = h.at
				}
			}
			for _, h := range hits {
				if h.path != "/robots.txt" && h.at.Before(lastRobots) {
					t.Errorf("%s requested before robots.txt could be read", h.path)
				}
			}
			if !tc.fetched {
				for _, h := range nonRobots(hits) {
					t.Errorf("%s requested although robots.txt never answered", h.path)
				}
				if n := s.requested("/robots.txt"); n < 2 || tc.retries == 0 && n != opts.Retries+1 {
					t.Errorf("robots.txt requested %d times, want it tried again (%d times with Once)", n, opts.Retries+1)
				}
				for _, p := range []string{"/", "/p/1"} {
					if st, why := r.outcome(t, s.URL+p); st != frontier.Failed || !strings.Contains(why, "robots.txt unreachable: HTTP 503") {
						t.Errorf("%s: %s %q, want failed as unreachable", p, st, why)
					}
				}
				return
			}
			if n, want := s.requested("/robots.txt"), tc.failures+1; n != want {
				t.Errorf("robots.txt requested %d times, want %d", n, want)
			}
			wantPrivate := 0
			if tc.missing {
				wantPrivate = 1
			}
			for p, want := range map[string]int{"/": 1, "/p/1": 1, "/p/2": 1, "/private/1": wantPrivate} {
				if n := s.requested(p); n != want {
					t.Errorf("%s requested %d times, want %d", p, n, want)
				}
			}
			// Nothing failed for the wait: the one failure is what the rules
			// disallow, as ever.
			fs, err := r.fr.Failures(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if r.c.Stats.Failed.Load() != 0 || len(fs) != 1-wantPrivate ||
				len(fs) == 1 && (fs[0].URL != s.URL+"/private/1" || !strings.HasPrefix(fs[0].Error, "disallowed by robots.txt")) {
				t.Errorf("failures %v, Stats.Failed %d; want none but what robots.txt disallows", fs, r.c.Stats.Failed.Load())
			}
		})
	}
}

// nonRobots drops the robots.txt requests from a request log.
// TestRobotsUnreachableAcrossRestarts crawls a host whose robots.txt
// fails, over one store, three times: the first crawl gives up after the
// retries, the second, with the run of failures read back from the store,
// after one more try rather than a fresh set of retries, and the third,
// with robots.txt back, fetches the page and ends the recorded run.
func TestRobotsUnreachableAcrossRestarts(t *testing.T) {
	s := newTestSite(t)
	var up atomic.Bool
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p>a page</p></body></html>`)
	})
	dir := t.TempDir()
	opts := testOptions() // Once, Retries 2
	host := strings.TrimPrefix(s.URL, "http://")
	steps := []struct {
		name         string
		up           bool
		seed         string
		wantRequests int // of robots.txt in this crawl
		wantState    frontier.State
		wantRecord   int // failures recorded afterwards
	}{
		{"first crawl gives up after the retries", false, "/p/1", opts.Retries + 1, frontier.Failed, opts.Retries + 1},
		{"restarted crawl gives up after one more try", false, "/p/2", 1, frontier.Failed, opts.Retries + 2},
		{"robots.txt back: the page is fetched", true, "/p/3", 1, frontier.Done, 0},
	}
	for _, st := range steps {
		up.Store(st.up)
		before := s.requested("/robots.txt")
		r := crawlWith(t, dir, opts, s.URL+st.seed)
		if n := s.requested("/robots.txt") - before; n != st.wantRequests {
			t.Errorf("%s: robots.txt requested %d times, want %d", st.name, n, st.wantRequests)
		}
		if got, why := r.outcome(t, s.URL+st.seed); got != st.wantState {
			t.Errorf("%s: %s %s %q, want %s", st.name, st.seed, got, why, st.wantState)
		}
		f, _, err := r.fr.RobotsFailure(context.Background(), host)
		if err != nil || f.Failures != st.wantRecord {
			t.Errorf("%s: recorded %d failures (%v), want %d", st.name, f.Failures, err, st.wantRecord)
		}
		r.st.Close()
		// Restart once the recorded back-off is over: a crawl with Once
		// that starts during it, with the tries used up, gives up on the
		// host without a request.
		time.Sleep(time.Until(f.Retry))
	}
}

func nonRobots(hits []hit) []hit {
	var out []hit
	for _, h := range hits {
		if h.path != "/robots.txt" {
			out = append(out, h)
		}
	}
	return out
}

// TestCrossHostRedirect redirects one host's pages to another, whose
// robots.txt asks for a delay that its own pages use too: the redirected
// requests keep that delay and the one-at-a-time limit, each URL is
// requested once, and a chain bouncing between hosts ends at MaxRedirects.
func TestCrossHostRedirect(t *testing.T) {
	a, b := newTestSite(t), newTestSite(t)
	const n = 3
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body>")
		for i := range n {
			fmt.Fprintf(w, `<a href="/go/%d">%d</a> `, i, i)
		}
		fmt.Fprint(w, "</body></html>")
	})
	a.mux.HandleFunc("/go/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+"/x/"+strings.TrimPrefix(r.URL.Path, "/go/"), http.StatusMovedPermanently)
	})
	b.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.25\n")
	})
	page := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond) // a slow page, so that redirected fetches would overlap
		fmt.Fprint(w, "<html><body><p>short</p></body></html>")
	}
	b.mux.HandleFunc("/x/", page)
	b.mux.HandleFunc("/y/", page)
	b.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/y/1">1</a> <a href="/y/2">2</a></body></html>`)
	})
	// A chain that bounces: a/c/0 → b/c/1 → a/c/2 → …
	bounce := func(other *testSite) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/c/"))
			http.Redirect(w, r, fmt.Sprintf("%s/c/%d", other.URL, i+1), http.StatusFound)
		}
	}
	a.mux.HandleFunc("/c/", bounce(b))
	b.mux.HandleFunc("/c/", bounce(a))

	opts := testOptions()
	opts.PerHost = 2 // the delay alone must keep b's requests apart
	r := crawlWith(t, "", opts, a.URL+"/", b.URL+"/", a.URL+"/c/0")
	noneTwice(t, a)
	noneTwice(t, b)
	for i := range n {
		if k := b.requested(fmt.Sprintf("/x/%d", i)); k != 1 {
			t.Errorf("redirect target /x/%d requested %d times", i, k)
		}
		if st, _ := r.outcome(t, fmt.Sprintf("%s/go/%d", a.URL, i)); st != frontier.Done {
			t.Errorf("/go/%d: %s, want done as a redirect", i, st)
		}
	}
	hits := b.log()
	if len(hits) < n+4 {
		t.Errorf("b saw only %d requests", len(hits))
	}
	if g := minGap(hits); g < 250*time.Millisecond*8/10 {
		t.Errorf("b's requests %v apart, want at least its Crawl-delay 250ms", g)
	}
	if b.top > 1 {
		t.Errorf("%d concurrent requests to b with a delay", b.top)
	}
	// Six requests of the chain: /c/0 and five redirects.
	chain := 0
	for _, s := range []*testSite{a, b} {
		for p := range s.count() {
			if strings.HasPrefix(p, "/c/") {
				chain++
			}
		}
	}
	const last = "/c/5" // MaxRedirects defaults to 5
	if chain != 6 {
		t.Errorf("bouncing chain: %d requests, want 6", chain)
	}
	if st, why := r.outcome(t, b.URL+last); st != frontier.Failed || why != "too many redirects" {
		t.Errorf("%s: %s %q, want failed: too many redirects", last, st, why)
	}
}

// TestHubRepolled watches a site whose front page links to a section page:
// the section is polled again and the article that appears on it later is
// fetched, once; articles are not polled, and neither is a hub at the
// depth limit, which would yield no links.
func TestHubRepolled(t *testing.T) {
	s := newTestSite(t)
	c := loadCorpus(t, 4)
	c.serve(s)
	var polls atomic.Int32
	section := func(w http.ResponseWriter, ids []string) {
		fmt.Fprint(w, `<!doctype html><html><head><title>World</title></head><body><nav>`)
		for _, p := range []string{"/", "/world/", "/world/europe/", "/sport/", "/business/", "/tech/", "/culture/", "/about"} {
			fmt.Fprintf(w, `<a href="%s">%s</a> `, p, p)
		}
		fmt.Fprint(w, "</nav><ul>")
		for _, id := range ids {
			fmt.Fprintf(w, `<li><a href="/news/%s.html">story</a></li>`, id)
		}
		fmt.Fprint(w, "</ul></body></html>")
	}
	s.mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/world/">World</a></body></html>`)
	})
	s.mux.HandleFunc("/world/{$}", func(w http.ResponseWriter, r *http.Request) {
		ids := c.ids[:3]
		if polls.Add(1) > 1 {
			ids = c.ids // a new story
		}
		section(w, ids)
	})
	s.mux.HandleFunc("/world/europe/", func(w http.ResponseWriter, r *http.Request) { section(w, c.ids[:1]) })
	for _, p := range []string{"/sport/", "/business/", "/tech/", "/culture/"} {
		s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { section(w, nil) })
	}
	s.mux.HandleFunc("/about", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p>about us</p></body></html>`)
	})

	opts := testOptions()
	opts.Once, opts.MaxDepth = false, 2
	opts.Repoll, opts.RepollMin, opts.RepollMax = 300*time.Millisecond, 300*time.Millisecond, 600*time.Millisecond
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seeds, err := ParseSeeds([]string{s.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	out := bus.NewMemory(16)
	cr := New(sqlfrontier.New(st), newRecorder(), out, opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for {
			m, err := out.Read(ctx)
			if err != nil {
				return
			}
			m.Ack(ctx, nil)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- cr.Run(ctx, seeds) }()
	newStory := "/news/" + c.ids[3] + ".html"
	waitFor(t, newStory+" requested", func() bool { return s.requested(newStory) > 0 })
	// A few more polls: a second request of the story would show up now.
	time.Sleep(700 * time.Millisecond)
	cancel()
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	if s.requested(newStory) != 1 {
		t.Fatalf("story added to the section later requested %d times, want 1", s.requested(newStory))
	}
	if n := s.requested("/world/"); n < 3 {
		t.Errorf("section page requested %d times, want it polled again", n)
	}
	for p, want := range map[string]int{"/world/europe/": 1, "/sport/": 1, "/tech/": 1, "/about": 1} {
		if n := s.requested(p); n != want {
			t.Errorf("%s requested %d times, want %d (at the depth limit, or not a hub)", p, n, want)
		}
	}
	for _, id := range c.ids {
		if n := s.requested("/news/" + id + ".html"); n != 1 {
			t.Errorf("article %s requested %d times", id, n)
		}
	}
}
