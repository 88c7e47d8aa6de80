package crawler

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// linkedSite serves a sitemap of two corpus articles, each page also
// linking to /more/1 and /more/2 on the same host, which link on to
// /more/3; a 503 page; and a redirect.
func linkedSite(t *testing.T) *testSite {
	t.Helper()
	s := newTestSite(t)
	c := loadCorpus(t, 2)
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	s.mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, id := range c.ids {
			fmt.Fprintf(w, "<url><loc>%s/news/%s.html</loc></url>", s.URL, id)
		}
		fmt.Fprint(w, `</urlset>`)
	})
	c.serve(s)
	links := func(w http.ResponseWriter, paths ...string) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body><p>A page of links.</p>")
		for _, p := range paths {
			fmt.Fprintf(w, `<a href="%s">more</a>`, p)
		}
		fmt.Fprint(w, "</body></html>")
	}
	s.mux.HandleFunc("/hub.html", func(w http.ResponseWriter, r *http.Request) { links(w, "/more/1", "/more/2") })
	s.mux.HandleFunc("/more/", func(w http.ResponseWriter, r *http.Request) { links(w, "/more/3") })
	s.mux.HandleFunc("/busy.html", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	s.mux.HandleFunc("/moved.html", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hub.html", http.StatusFound)
	})
	return s
}

// TestZeroMeansZero: an option set to zero is taken as zero, not as its
// default: no link hops, no retries, no redirects.
func TestZeroMeansZero(t *testing.T) {
	tests := []struct {
		name  string
		seed  string
		opts  func(*Options)
		want  []string // every path requested, sorted, robots.txt aside
		twice string   // a path requested more than once, if any
	}{
		{"max depth 0 from a sitemap: its entries, none of their links", "/sitemap.xml",
			func(o *Options) { o.MaxDepth = 0 }, nil, ""},
		{"max depth 0 from a page: the seed alone", "/hub.html",
			func(o *Options) { o.MaxDepth = 0 }, []string{"/hub.html"}, ""},
		{"max depth 1 from a page: one hop", "/hub.html",
			func(o *Options) { o.MaxDepth = 1 }, []string{"/hub.html", "/more/1", "/more/2"}, ""},
		{"retries 0: one request", "/busy.html",
			func(o *Options) { o.Retries = 0 }, []string{"/busy.html"}, ""},
		{"retries 2: three requests", "/busy.html",
			func(o *Options) { o.Retries = 2 }, []string{"/busy.html"}, "/busy.html"},
		{"max redirects 0: the redirect is not followed", "/moved.html",
			func(o *Options) { o.MaxRedirects, o.MaxDepth = 0, 0 }, []string{"/moved.html"}, ""},
		{"max redirects 1: followed", "/moved.html",
			func(o *Options) { o.MaxRedirects, o.MaxDepth = 1, 0 }, []string{"/hub.html", "/moved.html"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := linkedSite(t)
			opts := testOptions()
			tt.opts(&opts)
			crawlWith(t, "", opts, s.URL+tt.seed)
			var got []string
			for p, n := range s.count() {
				if p == "/robots.txt" {
					continue
				}
				got = append(got, p)
				if n > 1 && p != tt.twice {
					t.Errorf("%s requested %d times", p, n)
				}
			}
			slices.Sort(got)
			want := tt.want
			if want == nil { // the sitemap case: its own entries
				want = []string{"/sitemap.xml"}
				for _, p := range got {
					if strings.HasPrefix(p, "/news/") {
						want = append(want, p)
					}
				}
				slices.Sort(want)
				if len(want) != 3 {
					t.Errorf("sitemap entries fetched: %v, want 2", want[:len(want)-1])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("requested %v, want %v", got, want)
			}
			if tt.twice != "" && s.requested(tt.twice) != 3 {
				t.Errorf("%s requested %d times, want 3", tt.twice, s.requested(tt.twice))
			}
		})
	}
}
