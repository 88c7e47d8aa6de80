// Package chaos is the bookkeeping of the chaos run (cmd/wwchaos): a news
// site that keeps publishing and revising articles while the run injects
// faults, and the comparison of what the site published with what ended up
// in Elasticsearch and in the alert channels.
//
// The site is the ground truth. Every article body carries a marker
// sentence naming the article's number and its revision, so the revision a
// stored document holds is read from the stored text itself, not from
// metadata the pipeline might fill in wrongly.
package chaos

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
)

// Keyword is the word the run's saved search looks for. Some articles
// mention it in every revision, so each of them must alert exactly once.
const Keyword = "chaoswatch"

// markerRE finds the marker sentence of a stored body.
var markerRE = regexp.MustCompile(`Chaos Wire report (\d+), revision (\d+),`)

// Marker returns the article number and revision named in body, and false
// when body has no marker.
func Marker(body string) (n, rev int, ok bool) {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return 0, 0, false
	}
	n, _ = strconv.Atoi(m[1])
	rev, _ = strconv.Atoi(m[2])
	return n, rev, true
}

// Version is one published revision of one article.
type Version struct {
	N        int       // article number
	URL      string    // where the site serves it
	Rev      int       // 1 for the first publication
	At       time.Time // when the site started serving it
	Modified time.Time // the modified time the feed and sitemap give it
	Keyword  bool      // the body mentions Keyword
}

type story struct {
	n         int
	title     string
	paras     []string // every revision's body is built from these
	published time.Time
	revs      []Version
}

// Site is a news site on loopback that publishes new articles and revises
// old ones when told to: an Atom feed of the most recently changed
// articles (with <updated>), a sitemap of all of them (with <lastmod>), a
// robots.txt, and the article pages (with ETag and Last-Modified, so
// conditional fetches work). Text comes from the bundled corpus, mixed so
// that no two articles are copies of one story.
type Site struct {
	// URL is the site's root, e.g. http://127.0.0.1:41234.
	URL string

	server *http.Server
	pool   []string // corpus paragraphs to build bodies from

	mu      sync.Mutex
	rng     *rand.Rand
	stories []*story
}

// feedSize is how many entries the Atom feed lists, newest change first.
const feedSize = 40

// NewSite starts a site with no articles on a free loopback port; rng
// decides the articles' text, so one seed gives one site.
func NewSite(rng *rand.Rand) (*Site, error) {
	truth, err := demosite.LoadTruth()
	if err != nil {
		return nil, err
	}
	var pool []string
	for _, t := range truth {
		for _, p := range strings.Split(t.Body, "\n\n") {
			if p = strings.TrimSpace(p); len(strings.Fields(p)) >= 25 && !markerRE.MatchString(p) {
				pool = append(pool, p)
			}
		}
	}
	if len(pool) < 100 {
		return nil, fmt.Errorf("chaos site: only %d corpus paragraphs to build articles from", len(pool))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("chaos site: %w", err)
	}
	s := &Site{URL: "http://" + ln.Addr().String(), pool: pool, rng: rng}
	s.server = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go s.server.Serve(ln)
	return s, nil
}

// Close stops the site.
func (s *Site) Close() error { return s.server.Close() }

// FeedURL and SitemapURL are the seeds a crawler starts from.
func (s *Site) FeedURL() string    { return s.URL + "/atom.xml" }
func (s *Site) SitemapURL() string { return s.URL + "/sitemap.xml" }

func (s *Site) articleURL(n int) string { return fmt.Sprintf("%s/news/%d.html", s.URL, n) }

// modifiedAfter is the modified time the listings give a revision served
// from now on: now rounded up to the next whole second. Feeds and sitemaps
// carry whole seconds; rounding down could date a revision before a fetch
// that still got the previous one, and a crawler would rightly skip it.
func modifiedAfter(now time.Time) time.Time {
	return now.Truncate(time.Second).Add(time.Second)
}

// Publish adds a new article, mentioning Keyword with probability
// keywordShare, and returns its first version.
func (s *Site) Publish(keywordShare float64) Version {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.stories) + 1
	st := &story{n: n, published: time.Now()}
	k := 4 + s.rng.IntN(4)
	for range k {
		st.paras = append(st.paras, s.pool[s.rng.IntN(len(s.pool))])
	}
	words := strings.Fields(st.paras[0])
	st.title = fmt.Sprintf("%s (report %d)", strings.Join(words[:min(8, len(words))], " "), n)
	kw := s.rng.Float64() < keywordShare
	if kw {
		// A different sentence each time: a block repeated across pages
		// would be learned as the site's boilerplate and removed.
		st.paras = append(st.paras[:2:2], append([]string{fmt.Sprintf(
			"Observers of the %s monitoring group said they had followed report %d since its first edition and would publish their own count of %d incidents.",
			Keyword, n, 10+s.rng.IntN(900))}, st.paras[2:]...)...)
	}
	v := Version{N: n, URL: s.articleURL(n), Rev: 1, At: st.published, Modified: modifiedAfter(st.published), Keyword: kw}
	st.revs = append(st.revs, v)
	s.stories = append(s.stories, st)
	return v
}

// Revise publishes a new revision of a random article that has fewer than
// maxRevs revisions (a new paragraph and a new marker), and returns it;
// false when every article has maxRevs.
func (s *Site) Revise(maxRevs int) (Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var open []*story
	for _, st := range s.stories {
		if len(st.revs) < maxRevs {
			open = append(open, st)
		}
	}
	if len(open) == 0 {
		return Version{}, false
	}
	st := open[s.rng.IntN(len(open))]
	st.paras = append(st.paras, s.pool[s.rng.IntN(len(s.pool))])
	last := st.revs[len(st.revs)-1]
	now := time.Now()
	v := Version{N: st.n, URL: last.URL, Rev: last.Rev + 1, At: now, Modified: modifiedAfter(now), Keyword: last.Keyword}
	// Two revisions within one second would share a modified time, and a
	// crawler that fetched the first would skip the second.
	if !v.Modified.After(last.Modified) {
		v.Modified = last.Modified.Add(time.Second)
	}
	st.revs = append(st.revs, v)
	return v, true
}

// Versions returns every revision published so far, by article and
// revision.
func (s *Site) Versions() []Version {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Version
	for _, st := range s.stories {
		out = append(out, st.revs...)
	}
	return out
}

// ServeHTTP serves the site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "User-agent: *\nAllow: /\n\nSitemap: %s\n", s.SitemapURL())
	case p == "/atom.xml":
		s.atom(w)
	case p == "/sitemap.xml":
		s.sitemap(w)
	case strings.HasPrefix(p, "/news/") && strings.HasSuffix(p, ".html"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/news/"), ".html"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		s.page(w, r, n)
	default:
		http.NotFound(w, r)
	}
}

// current returns a copy of article n's text and its latest revision.
func (s *Site) current(n int) (title string, paras []string, published time.Time, v Version, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 1 || n > len(s.stories) {
		return "", nil, time.Time{}, Version{}, false
	}
	st := s.stories[n-1]
	return st.title, append([]string(nil), st.paras...), st.published, st.revs[len(st.revs)-1], true
}

func (s *Site) page(w http.ResponseWriter, r *http.Request, n int) {
	title, paras, published, v, ok := s.current(n)
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"r%d-%d"`, n, v.Rev)
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", v.Modified.UTC().Format(http.TimeFormat))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	marker := fmt.Sprintf("Chaos Wire report %d, revision %d, was filed by the %s desk at %s.",
		n, v.Rev, desks[n%len(desks)], v.At.UTC().Format("15:04:05 on January 2"))
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s | Chaos Wire</title>
<link rel="canonical" href="%s">
<meta property="og:title" content="%s">
<meta property="article:published_time" content="%s">
<meta property="article:modified_time" content="%s">
</head><body><header><nav><a href="/">Chaos Wire</a></nav></header>
<main><article><h1>%s</h1><p class="byline">By the %s desk</p>
<p>%s</p>
`, html.EscapeString(title), v.URL, html.EscapeString(title), published.UTC().Format(time.RFC3339),
		v.Modified.UTC().Format(time.RFC3339), html.EscapeString(title), desks[n%len(desks)], html.EscapeString(marker))
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString("</article></main><footer>Chaos Wire is a test site of wirewatch.</footer></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, b.String())
}

var desks = []string{"foreign", "metro", "business", "science", "politics"}

// latest returns every article's latest revision, most recently changed
// first.
func (s *Site) latest() []Version {
	s.mu.Lock()
	var out []Version
	for _, st := range s.stories {
		out = append(out, st.revs[len(st.revs)-1])
	}
	s.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out
}

func (s *Site) atom(w http.ResponseWriter) {
	type link struct {
		Href string `xml:"href,attr"`
	}
	type entry struct {
		Title     string `xml:"title"`
		Link      link   `xml:"link"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
	}
	feed := struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Entries []entry  `xml:"entry"`
	}{Title: "Chaos Wire", ID: s.URL + "/", Updated: time.Now().UTC().Format(time.RFC3339)}
	for i, v := range s.latest() {
		if i == feedSize {
			break
		}
		title, _, published, _, _ := s.current(v.N)
		feed.Entries = append(feed.Entries, entry{Title: title, Link: link{v.URL}, ID: v.URL,
			Published: published.UTC().Format(time.RFC3339), Updated: v.Modified.UTC().Format(time.RFC3339)})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(feed)
}

func (s *Site) sitemap(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	io.WriteString(w, xml.Header+`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+"\n")
	for _, v := range s.latest() {
		fmt.Fprintf(w, "<url><loc>%s</loc><lastmod>%s</lastmod></url>\n", v.URL, v.Modified.UTC().Format(time.RFC3339))
	}
	io.WriteString(w, "</urlset>\n")
}
