package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// bombMember is one gzip member of 8 MiB of zeros (about 8 KiB).
// Members concatenated are one valid gzip stream, so a bomb of any
// decoded size costs the test server only copies of it.
var bombMember = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 8 {
		zw.Write(zero)
	}
	zw.Close()
	return b.Bytes()
})

// serveBomb writes members of bombMember until decodedGiB GiB of zeros
// are encoded or the client goes away.
func serveBomb(w http.ResponseWriter, r *http.Request, decodedGiB int) {
	m := bombMember()
	for i := 0; i < decodedGiB*128; i++ {
		if _, err := w.Write(m); err != nil || r.Context().Err() != nil {
			return
		}
	}
}

// hostileSite serves the endpoints of TestHostileServerMore.
func hostileSite(t testing.TB) *testSite {
	bombMember() // made before the site answers: compressing takes a while
	s := newTestSite(t)
	h := s.mux.HandleFunc
	h("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	// A gzip bomb as Content-Encoding: Go's transport decodes it.
	h("/bomb.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		serveBomb(w, r, 4)
	})
	// A gzip bomb as a compressed sitemap: colly would decode it.
	h("/sitemap.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		serveBomb(w, r, 4)
	})
	// Content-Encoding that Go's transport does not decode, over a bomb.
	h("/xgzip.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "x-gzip")
		serveBomb(w, r, 4)
	})
	// A small honest compressed sitemap still works.
	h("/small-sitemap.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprintf(zw, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/latin1.html</loc></url></urlset>`, "http://"+r.Host)
		zw.Close()
	})
	// Headers at once, then a byte every 50ms, forever.
	h("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
		}
	})
	for path, target := range map[string]string{
		"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/x", "/to-js": "javascript:alert(1)",
		"/to-data": "data:text/html,<p>x</p>",
	} {
		h(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusFound)
		})
	}
	// Binary bytes labelled as HTML.
	h("/binary.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		for i := range 20_000 {
			b = append(b, byte(i*7919), 0, 0xff)
		}
		w.Write(b)
	})
	// Latin-1 bytes under a header that says UTF-8.
	h("/latin1.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		body := "<html><head><title>Caf\xe9 owners protest</title></head><body><article><h1>Caf\xe9 owners protest</h1>" +
			strings.Repeat("<p>The caf\xe9 owners of the old town said on Tuesday that the new rules would force many of them to close before the summer season begins.</p>", 8) +
			"</article></body></html>"
		w.Write([]byte(body))
	})
	return s
}

// TestHostileServerMore adds to TestHostileServer: gzip bombs, a slow
// drip, redirects to other schemes, binary under text/html and a wrong
// charset. Each ends with a clear outcome, requested once (none of these
// is worth a retry but the drip, a timeout), and no body larger than
// MaxBytes is ever held (BenchmarkHostileMemory measures the heap).
func TestHostileServerMore(t *testing.T) {
	s := hostileSite(t)
	opts := testOptions()
	opts.MaxBytes = 1 << 20
	opts.Timeout = 500 * time.Millisecond
	opts.Retries = 1
	paths := []string{"/bomb.html", "/sitemap.xml.gz", "/xgzip.html", "/small-sitemap.xml.gz", "/drip",
		"/to-file", "/to-ftp", "/to-js", "/to-data", "/binary.html", "/latin1.html"}
	var seeds []string
	for _, p := range paths {
		seeds = append(seeds, s.URL+p)
	}
	r := crawlWith(t, "", opts, seeds...)
	tests := []struct {
		path     string
		state    frontier.State
		reason   string
		requests int
	}{
		{"/bomb.html", frontier.Failed, "larger than", 1},
		{"/sitemap.xml.gz", frontier.Failed, "larger than", 1},
		{"/xgzip.html", frontier.Failed, "larger than", 1},
		{"/small-sitemap.xml.gz", frontier.Done, "", 1},
		{"/drip", frontier.Failed, "", 1 + opts.Retries}, // a timeout; see below
		{"/to-file", frontier.Failed, "not an http(s) URL", 1},
		{"/to-ftp", frontier.Failed, "not an http(s) URL", 1},
		{"/to-js", frontier.Failed, "not an http(s) URL", 1},
		{"/to-data", frontier.Failed, "not an http(s) URL", 1},
		{"/binary.html", frontier.Failed, "not an HTML page", 1},
		{"/latin1.html", frontier.Done, "", 1},
	}
	for _, tt := range tests {
		state, why := r.outcome(t, s.URL+tt.path)
		if state != tt.state || !strings.Contains(why, tt.reason) {
			t.Errorf("%s: %s %q, want %s %q", tt.path, state, why, tt.state, tt.reason)
		}
		if n := s.requested(tt.path); n != tt.requests {
			t.Errorf("%s requested %d times, want %d", tt.path, n, tt.requests)
		}
	}
	// net/http words a client timeout while reading the body in several
	// ways ("Client.Timeout exceeded", "request canceled (Client.Timeout
	// ...)", "context deadline exceeded").
	if _, why := r.outcome(t, s.URL+"/drip"); !strings.Contains(why, "timeout") && !strings.Contains(why, "Timeout") && !strings.Contains(why, "deadline exceeded") {
		t.Errorf("/drip: %q, want a timeout", why)
	}
	var latin *string
	for _, a := range r.articles {
		if !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) {
			t.Errorf("%s: title or body is not UTF-8", a.URL)
		}
		if strings.HasSuffix(a.URL, "/binary.html") {
			t.Errorf("binary bytes emitted as an article: %q", a.Title)
		}
		if strings.HasSuffix(a.URL, "/latin1.html") {
			latin = &a.Body
		}
	}
	if latin == nil {
		t.Fatal("the Latin-1 page under a UTF-8 header was not emitted")
	}
	if !strings.Contains(*latin, "caf\uFFFD owners") {
		t.Errorf("invalid UTF-8 not replaced: %q", (*latin)[:60])
	}
}

// BenchmarkHostileMemory crawls one hostile URL per iteration and reports
// the peak live heap during the crawl, above what was live before it:
// gzip bombs of 4 GiB decoded and a 64 MiB page, at MaxBytes 1 MiB and
// at the default 10 MiB. The bound is about twice MaxBytes (the body and
// its growing buffer), whatever the server sends.
func BenchmarkHostileMemory(b *testing.B) {
	s := hostileSite(b)
	s.mux.HandleFunc("/huge.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>lorem ipsum dolor sit amet</p>\n"), 1<<15) // ~1.1 MB
		for range 60 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	for _, maxBytes := range []int{1 << 20, 10 << 20} {
		for _, path := range []string{"/bomb.html", "/sitemap.xml.gz", "/xgzip.html", "/huge.html"} {
			b.Run(fmt.Sprintf("max=%dMiB%s", maxBytes>>20, strings.ReplaceAll(path, "/", "_")), func(b *testing.B) {
				opts := testOptions()
				opts.MaxBytes, opts.Retries, opts.Timeout = maxBytes, 0, 30*time.Second
				var peak uint64
				for b.Loop() {
					runtime.GC()
					base := liveHeap()
					stop := make(chan struct{})
					done := make(chan uint64)
					go func() {
						var top uint64
						t := time.NewTicker(time.Millisecond)
						defer t.Stop()
						for {
							top = max(top, liveHeap())
							select {
							case <-t.C:
							case <-stop:
								done <- top
								return
							}
						}
					}()
					crawlWith(b, "", opts, s.URL+path)
					close(stop)
					if top := <-done; top > base {
						peak = max(peak, top-base)
					}
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// liveHeap is the heap bytes in live and not yet swept objects.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}
