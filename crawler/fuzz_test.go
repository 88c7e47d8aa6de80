package crawler

import (
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// The fuzz targets below take what a hostile server controls (a feed, a
// sitemap, a robots.txt) and check that the
// parsers never panic, return within a bound, and give only what the
// crawler relies on: absolute http(s) URLs. Their seeds are the files in
// testdata/parse; `make fuzz` runs each for longer, `go test` runs the
// seeds (and any crasher kept in testdata/fuzz) as ordinary tests.

const fuzzBase = "https://news.example/section/index.html"

// addSeeds adds the files of testdata/parse ending in one of exts.
func addSeeds(f *testing.F, exts ...string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "parse", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		for _, ext := range exts {
			if strings.HasSuffix(p, ext) {
				b, err := os.ReadFile(p)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
}

// within fails t if fn does not return in a generous bound: a hang, not a
// speed check (5s per input while fuzzing, a minute in the seed run,
// which may share a loaded machine with the race detector).
func within(t *testing.T, fn func()) {
	t.Helper()
	limit := time.Minute
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		limit = 5 * time.Second
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("did not return within %v", limit)
	}
}

func checkEntries(t *testing.T, entries []frontier.Entry) {
	t.Helper()
	for _, e := range entries {
		u, err := url.Parse(e.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("entry URL %q is not an absolute http(s) URL", e.URL)
		}
		if e.Depth != 1 {
			t.Fatalf("entry %s has depth %d, want 1", e.URL, e.Depth)
		}
	}
}

func FuzzFeedEntries(f *testing.F) {
	addSeeds(f, ".xml")
	f.Add([]byte(`<rss><channel><item><link>javascript:alert(1)</link></item><item><link>//other.example/x</link></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		within(t, func() {
			entries, err := feedEntries(fuzzBase, body, 1)
			if err == nil {
				checkEntries(t, entries)
			}
		})
	})
}

func FuzzSitemapEntries(f *testing.F) {
	addSeeds(f, ".xml")
	f.Add([]byte(`<urlset><url><loc>file:///etc/passwd</loc></url><url><loc>ftp://x/y</loc></url></urlset>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ebcdic"?><urlset/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		within(t, func() {
			entries, err := sitemapEntries(fuzzBase, body, 1)
			if err == nil {
				checkEntries(t, entries)
			}
		})
	})
}

// FuzzRobots parses robots.txt as the crawler does (rules for its agent,
// Crawl-delay, Sitemap: lines resolved against the file's URL) and tests
// paths against the rules.
func FuzzRobots(f *testing.F) {
	addSeeds(f, ".txt")
	f.Add([]byte("User-agent: *\nDisallow: /*$*$*$*$*$*$*$*$*$*$\nCrawl-delay: 99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		within(t, func() {
			for _, status := range []int{200, 404, 503} {
				data, err := robotstxt.FromStatusAndBytes(status, body)
				if err != nil {
					continue
				}
				g := data.FindGroup("wirewatch/0.1")
				for _, p := range []string{"/", "/private/ok", "/a?session=1", "/" + strings.Repeat("a/", 50)} {
					g.Test(p)
				}
				_ = g.CrawlDelay
				for _, sm := range data.Sitemaps {
					if u, err := urlcanon.Resolve("https://news.example/robots.txt", sm); err == nil {
						if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
							t.Fatalf("sitemap %q resolved to %q", sm, u)
						}
					}
				}
			}
		})
	})
}
