// Package demosite serves the bundled corpus as a small news site on
// loopback: a section page linking to every article, an RSS feed, a sitemap
// and a robots.txt. The demo (`wirewatch demo`) and the end-to-end tests crawl
// it with the real crawler over real HTTP.
package demosite

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch"
)

// Truth is the ground truth of one corpus page.
type Truth struct {
	ID          string   `json:"id"`
	Source      string   `json:"source"`
	URL         string   `json:"url"`
	Site        string   `json:"site"`
	Title       *string  `json:"title"`
	Authors     []string `json:"authors"`
	Published   *string  `json:"published"`
	Body        string   `json:"body"`
	MustInclude []string `json:"must_include"`
	MustExclude []string `json:"must_exclude"`
}

// LoadTruth reads the ground truth of every corpus page, in file order.
func LoadTruth() ([]Truth, error) {
	f, err := wirewatch.Corpus.Open("testdata/corpus/truth.jsonl")
	if err != nil {
		return nil, fmt.Errorf("load truth: %w", err)
	}
	defer f.Close()
	var out []Truth
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var t Truth
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("load truth: %w", err)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// Page returns the HTML of corpus page id, decompressed.
func Page(id string) ([]byte, error) {
	raw, err := fs.ReadFile(wirewatch.Corpus, "testdata/corpus/pages/"+id+".html.gz")
	if err != nil {
		return nil, fmt.Errorf("corpus page %s: %w", id, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("corpus page %s: %w", id, err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("corpus page %s: %w", id, err)
	}
	return b, nil
}

// Site is a running demo site.
type Site struct {
	// URL is the site's root, e.g. http://127.0.0.1:41234.
	URL    string
	server *http.Server
	ln     net.Listener
	truth  []Truth

	mu       sync.Mutex
	requests []string // paths requested, in order
}

// ArticlePath is where the site serves corpus page id.
func ArticlePath(id string) string { return "/news/" + id + ".html" }

// Start serves the pages with the given ids (all pages when ids is empty)
// on a free loopback port.
func Start(ids ...string) (*Site, error) {
	truth, err := LoadTruth()
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		var sub []Truth
		for _, t := range truth {
			if want[t.ID] {
				sub = append(sub, t)
			}
		}
		truth = sub
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo site: %w", err)
	}
	s := &Site{URL: "http://" + ln.Addr().String(), ln: ln, truth: truth}
	s.server = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go s.server.Serve(ln)
	return s, nil
}

// Truth returns the ground truth of the pages the site serves.
func (s *Site) Truth() []Truth { return s.truth }

// Close stops the site.
func (s *Site) Close() error { return s.server.Close() }

// Requests returns the paths requested so far.
func (s *Site) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Site) title(t Truth) string {
	if t.Title != nil && *t.Title != "" {
		return *t.Title
	}
	return t.ID
}

// ServeHTTP serves the site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	s.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\n\nSitemap: %s/sitemap.xml\n", s.URL)
	case p == "/":
		s.section(w)
	case p == "/rss.xml":
		s.rss(w)
	case p == "/sitemap.xml":
		s.sitemap(w)
	case strings.HasPrefix(p, "/news/") && strings.HasSuffix(p, ".html"):
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/news/"), ".html")
		if !s.serves(id) {
			http.NotFound(w, r)
			return
		}
		b, err := Page(id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		// No charset parameter: the crawler must find it in the page.
		w.Header().Set("Content-Type", "text/html")
		w.Write(b)
	default:
		http.NotFound(w, r)
	}
}

func (s *Site) serves(id string) bool {
	for _, t := range s.truth {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (s *Site) section(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo Wire: latest news</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body><header><nav><a href="/">Home</a> <a href="/private/admin">Admin</a></nav></header>
<main><h1>Latest news</h1><ul>`)
	for _, t := range s.truth {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", ArticlePath(t.ID), html.EscapeString(s.title(t)))
	}
	b.WriteString("</ul></main><footer>Demo Wire serves saved pages for testing wirewatch.</footer></body></html>")
	io.WriteString(w, b.String())
}

func (s *Site) rss(w http.ResponseWriter) {
	type item struct {
		Title   string `xml:"title"`
		Link    string `xml:"link"`
		GUID    string `xml:"guid"`
		PubDate string `xml:"pubDate,omitempty"`
	}
	var items []item
	for _, t := range s.truth {
		it := item{Title: s.title(t), Link: s.URL + ArticlePath(t.ID), GUID: t.ID}
		if t.Published != nil {
			if pt, err := time.Parse(time.RFC3339, *t.Published); err == nil {
				it.PubDate = pt.Format(time.RFC1123Z)
			}
		}
		items = append(items, it)
	}
	doc := struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			Items []item `xml:"item"`
		} `xml:"channel"`
	}{Version: "2.0"}
	doc.Channel.Title, doc.Channel.Link, doc.Channel.Items = "Demo Wire", s.URL+"/", items
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(doc)
}

func (s *Site) sitemap(w http.ResponseWriter) {
	ids := make([]string, 0, len(s.truth))
	for _, t := range s.truth {
		ids = append(ids, t.ID)
	}
	sort.Strings(ids)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	io.WriteString(w, xml.Header+`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+"\n")
	for _, id := range ids {
		fmt.Fprintf(w, "<url><loc>%s%s</loc></url>\n", s.URL, ArticlePath(id))
	}
	io.WriteString(w, "</urlset>\n")
}
