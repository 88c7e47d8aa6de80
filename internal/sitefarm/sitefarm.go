// Package sitefarm serves many small news sites on distinct loopback
// addresses (127.0.0.10, 127.0.0.11, ...), so that tests and benchmarks can
// run several crawl processes against a realistic set of hosts and check,
// from each site's request log, what the crawlers did: how often they
// fetched each article, whether they fetched what robots.txt forbids, and
// whether two processes hit one host at the same time.
//
// Every site has a robots.txt (Disallow: /private/, optionally a
// Crawl-delay), a sitemap, an RSS feed and a front page listing every
// article, and article pages of generated text that link to each other and
// into /private/. A test can publish new articles on a site while it runs;
// they appear on the site's feed, sitemap and front page.
//
// Linux routes the whole of 127.0.0.0/8 to the loopback interface, so each
// site listens on an address of its own without any set-up.
package sitefarm

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Options configure a farm. The zero value of a field means its default.
type Options struct {
	// Sites is how many sites to serve (default 20).
	Sites int
	// Articles is how many articles each site starts with (default 25).
	Articles int
	// FirstAddr is the last byte of the first site's address, 127.0.0.x
	// (default 10); site i listens on 127.0.0.(FirstAddr+i).
	FirstAddr int
	// CrawlDelay, if positive, is announced in every robots.txt as
	// Crawl-delay (in seconds, fractions allowed).
	CrawlDelay time.Duration
	// RobotsDown lists sites (by index) whose robots.txt answers 503
	// Service Unavailable, so that a polite crawler must not fetch
	// anything else from them.
	RobotsDown []int
	// Boilerplate puts one paragraph, the same on every article of a
	// site, inside each article's text: a house blurb that only a cleaner
	// that learns a site's repeated blocks (and keeps what it learnt when
	// the site moves to another process) can strip. BoilerplateText says
	// what it contains.
	Boilerplate bool
	// Name is the prefix of the sites' names in titles and text (default
	// "Farm"), so that two farms in one run serve different text.
	Name string
}

func (o *Options) defaults() {
	if o.Sites <= 0 {
		o.Sites = 20
	}
	if o.Articles <= 0 {
		o.Articles = 25
	}
	if o.FirstAddr <= 0 {
		o.FirstAddr = 10
	}
	if o.Name == "" {
		o.Name = "Farm"
	}
}

// Farm is a set of running sites.
type Farm struct {
	// Sites are the farm's sites, in address order.
	Sites []*Site
}

// Start serves the sites opts describes, each on a free port of its own
// loopback address. Close stops them.
func Start(opts Options) (*Farm, error) {
	opts.defaults()
	if opts.FirstAddr+opts.Sites > 255 {
		return nil, fmt.Errorf("sitefarm: %d sites from 127.0.0.%d do not fit in 127.0.0.0/24", opts.Sites, opts.FirstAddr)
	}
	down := map[int]bool{}
	for _, i := range opts.RobotsDown {
		if i < 0 || i >= opts.Sites {
			return nil, fmt.Errorf("sitefarm: RobotsDown names site %d of %d", i, opts.Sites)
		}
		down[i] = true
	}
	f := &Farm{}
	for i := range opts.Sites {
		addr := fmt.Sprintf("127.0.0.%d:0", opts.FirstAddr+i)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("sitefarm: site %d on %s: %w", i, addr, err)
		}
		s := &Site{
			Name:       fmt.Sprintf("%s %d", opts.Name, i),
			URL:        "http://" + ln.Addr().String(),
			Host:       ln.Addr().String(),
			index:      i,
			crawlDelay: opts.CrawlDelay,
			robotsDown: down[i],
			promo:      opts.Boilerplate,
			articles:   opts.Articles,
			ln:         ln,
		}
		s.server = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
		go s.server.Serve(ln)
		f.Sites = append(f.Sites, s)
	}
	return f, nil
}

// Close stops every site.
func (f *Farm) Close() error {
	var errs []error
	for _, s := range f.Sites {
		errs = append(errs, s.server.Close())
	}
	return errors.Join(errs...)
}

// Seeds returns each site's sitemap, feed and front page: what every crawl
// process is given.
func (f *Farm) Seeds() []string {
	var out []string
	for _, s := range f.Sites {
		out = append(out, s.URL+"/sitemap.xml", s.URL+"/rss.xml", s.URL+"/")
	}
	return out
}

// WriteSeedFile writes Seeds to path, one URL a line: a seed file for
// `wirewatch crawl --seeds path`.
func (f *Farm) WriteSeedFile(path string) error {
	if err := os.WriteFile(path, []byte(strings.Join(f.Seeds(), "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("sitefarm: seed file: %w", err)
	}
	return nil
}

// ArticleURLs returns the URL of every article every site serves now.
func (f *Farm) ArticleURLs() []string {
	var out []string
	for _, s := range f.Sites {
		out = append(out, s.ArticleURLs()...)
	}
	return out
}

// Log returns the requests every site has answered so far.
func (f *Farm) Log() []Request {
	var out []Request
	for _, s := range f.Sites {
		out = append(out, s.Log()...)
	}
	return out
}

// Site is one running site of a farm.
type Site struct {
	// Name is the site's name, shown in its pages.
	Name string
	// URL is the site's root, e.g. http://127.0.0.12:41234.
	URL string
	// Host is the host:port part of URL.
	Host string

	index      int
	crawlDelay time.Duration
	robotsDown bool
	promo      bool
	server     *http.Server
	ln         net.Listener

	mu       sync.Mutex
	articles int       // articles 0 … articles-1 are published
	log      []Request // every request answered, in order of arrival
}

// Request is one request a site answered.
type Request struct {
	Host      string // the site's host:port
	Path      string // path and query
	UserAgent string
	// Start is when the site began handling the request, End when it had
	// written the whole response.
	Start, End time.Time
}

// ArticlePath is where a site serves its article n.
func ArticlePath(n int) string { return fmt.Sprintf("/news/%04d.html", n) }

// ArticleURLs returns the URLs of the site's published articles.
func (s *Site) ArticleURLs() []string {
	s.mu.Lock()
	n := s.articles
	s.mu.Unlock()
	out := make([]string, n)
	for i := range n {
		out[i] = s.URL + ArticlePath(i)
	}
	return out
}

// Publish adds an article to the site, listed first on its feed, sitemap
// and front page from now on, and returns its URL.
func (s *Site) Publish() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.articles++
	return s.URL + ArticlePath(s.articles-1)
}

// Log returns the requests the site has answered so far.
func (s *Site) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ServeHTTP serves the site and logs the request once answered.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := Request{Host: s.Host, Path: r.URL.RequestURI(), UserAgent: r.UserAgent(), Start: time.Now()}
	defer func() {
		req.End = time.Now()
		s.mu.Lock()
		s.log = append(s.log, req)
		s.mu.Unlock()
	}()
	s.mu.Lock()
	published := s.articles
	s.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		if s.robotsDown {
			http.Error(w, "robots.txt is down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\n")
		if s.crawlDelay > 0 {
			fmt.Fprintf(w, "Crawl-delay: %g\n", s.crawlDelay.Seconds())
		}
		fmt.Fprintf(w, "\nSitemap: %s/sitemap.xml\n", s.URL)
	case p == "/":
		s.front(w, published)
	case p == "/rss.xml":
		s.feed(w, published)
	case p == "/sitemap.xml":
		s.sitemap(w, published)
	case strings.HasPrefix(p, "/private/"):
		// Served, so that a crawler that ignores robots.txt is caught
		// fetching it rather than failing on a 404.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><head><title>Staff only</title></head><body><p>Staff only.</p></body></html>")
	default:
		var n int
		if _, err := fmt.Sscanf(p, "/news/%04d.html", &n); err != nil || p != ArticlePath(n) || n >= published {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, s.article(n, published))
	}
}

func (s *Site) front(w http.ResponseWriter, published int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%[1]s: latest news</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>
<header><nav><a href="/">Home</a> <a href="/private/admin">Staff</a></nav></header>
<main><h1>%[1]s: latest news</h1><ul>
`, html.EscapeString(s.Name))
	for n := published - 1; n >= 0; n-- {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", ArticlePath(n), html.EscapeString(s.title(n)))
	}
	fmt.Fprintf(&b, "</ul></main><footer>%s is a test site of wirewatch.</footer></body></html>", html.EscapeString(s.Name))
	io.WriteString(w, b.String())
}

func (s *Site) feed(w http.ResponseWriter, published int) {
	type item struct {
		Title   string `xml:"title"`
		Link    string `xml:"link"`
		GUID    string `xml:"guid"`
		PubDate string `xml:"pubDate"`
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
	doc.Channel.Title, doc.Channel.Link = s.Name, s.URL+"/"
	for n := published - 1; n >= 0; n-- {
		u := s.URL + ArticlePath(n)
		doc.Channel.Items = append(doc.Channel.Items, item{Title: s.title(n), Link: u, GUID: u, PubDate: publishedAt(n).Format(time.RFC1123Z)})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(doc)
}

func (s *Site) sitemap(w http.ResponseWriter, published int) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for n := published - 1; n >= 0; n-- {
		fmt.Fprintf(&b, "<url><loc>%s%s</loc></url>\n", s.URL, ArticlePath(n))
	}
	b.WriteString("</urlset>\n")
	io.WriteString(w, b.String())
}

// article renders article n: a headline, a byline, a date, paragraphs of
// text generated from the site and article number (so that no two
// articles anywhere in a farm share a sentence), links to neighbouring
// articles and a link into /private/.
func (s *Site) article(n, published int) string {
	rng := rand.New(rand.NewPCG(uint64(s.index)+1, uint64(n)+1))
	var b strings.Builder
	title := s.title(n)
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%[1]s | %[2]s</title>
<meta property="og:type" content="article"><meta property="og:title" content="%[1]s">
<link rel="canonical" href="%[3]s%[4]s"></head><body>
<header><nav><a href="/">%[2]s</a> <a href="/private/login">Sign in</a></nav></header>
<main><article><h1>%[1]s</h1>
<p class="byline">By %[5]s</p><time datetime="%[6]s">%[7]s</time>
`, html.EscapeString(title), html.EscapeString(s.Name), s.URL, ArticlePath(n),
		html.EscapeString(byline(rng)), publishedAt(n).Format(time.RFC3339), publishedAt(n).Format("2 January 2006"))
	for i := range 5 {
		if i == 2 && s.promo {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(s.BoilerplateText()))
		}
		b.WriteString("<p>")
		for i := range 3 + rng.IntN(2) {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(sentence(rng, s.Name, n))
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</article>\n<aside><h2>More news</h2><ul>\n")
	for _, m := range []int{n - 1, n + 1, (n*7 + 3) % published} {
		if m >= 0 && m < published && m != n {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", ArticlePath(m), html.EscapeString(s.title(m)))
		}
	}
	fmt.Fprintf(&b, "</ul></aside></main><footer>%s is a test site of wirewatch. <a href=\"/private/archive?from=%d\">Archive</a></footer></body></html>",
		html.EscapeString(s.Name), n)
	return b.String()
}

// publishedAt is when article n came out: an hour after article n-1.
func publishedAt(n int) time.Time {
	return time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
}

// BoilerplateText is the paragraph every article of the site carries
// with Options.Boilerplate.
func (s *Site) BoilerplateText() string {
	return fmt.Sprintf("%s reports from the coastal towns of the north, with correspondents in each of the twelve districts and a desk that works through the night.", s.Name)
}

func (s *Site) title(n int) string {
	rng := rand.New(rand.NewPCG(uint64(s.index)+1, uint64(n)+1<<32))
	return fmt.Sprintf("%s %s %s in %s (%s, story %d)", pick(rng, subjects), pick(rng, verbs), pick(rng, objects), pick(rng, places), s.Name, n)
}

func byline(rng *rand.Rand) string { return pick(rng, firstNames) + " " + pick(rng, lastNames) }

// sentence makes one sentence; the site and article are named in it so
// that no sentence repeats across articles, which a cleaner learning a
// site's boilerplate would otherwise strip.
func sentence(rng *rand.Rand, site string, n int) string {
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("The %s %s the %s in %s on %s, %s told the %s desk about story %d.",
			pick(rng, subjects), pick(rng, verbs), pick(rng, objects), pick(rng, places), pick(rng, days), byline(rng), site, n)
	case 1:
		return fmt.Sprintf("According to %s, %d %s were %s after the %s met in %s.",
			byline(rng), 2+rng.IntN(900), pick(rng, plural), pick(rng, outcomes), pick(rng, subjects), pick(rng, places))
	case 2:
		return fmt.Sprintf("Officials in %s said the %s would be %s by %s, a claim the %s disputed in story %d of the %s.",
			pick(rng, places), pick(rng, objects), pick(rng, outcomes), pick(rng, days), pick(rng, subjects), n, site)
	default:
		return fmt.Sprintf("%s, who has covered %s for %d years, expects the %s to %s the %s again before %s.",
			byline(rng), pick(rng, places), 2+rng.IntN(30), pick(rng, subjects), pick(rng, verbsBase), pick(rng, objects), pick(rng, days))
	}
}

func pick(rng *rand.Rand, words []string) string { return words[rng.IntN(len(words))] }

var (
	subjects   = []string{"city council", "harbour authority", "regional government", "teachers' union", "transport ministry", "water board", "farmers' cooperative", "university senate", "health trust", "chamber of commerce", "fire service", "port workers"}
	verbs      = []string{"approved", "rejected", "delayed", "funded", "questioned", "reviewed", "cancelled", "expanded", "defended", "audited"}
	verbsBase  = []string{"approve", "reject", "delay", "fund", "question", "review", "cancel", "expand", "defend", "audit"}
	objects    = []string{"budget", "ferry timetable", "school reform", "bridge repair", "housing plan", "tram extension", "flood barrier", "hospital wing", "fishing quota", "library closure", "wind farm", "bus fares"}
	plural     = []string{"families", "workers", "students", "residents", "nurses", "drivers", "pupils", "fishermen", "shopkeepers", "volunteers"}
	outcomes   = []string{"relocated", "compensated", "consulted", "hired", "evacuated", "trained", "surveyed", "rehoused", "reimbursed", "informed"}
	places     = []string{"Northport", "Elmsworth", "Carrow Bay", "Lindenfeld", "Saint Aubin", "Kestrel Hill", "Marrowdale", "Oster", "Pellingham", "Quarry Cross", "Redmoor", "Tollby"}
	days       = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the weekend", "the end of the month", "the spring", "the summer recess", "the next session"}
	firstNames = []string{"Ana", "Bruno", "Chloe", "Dmitri", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Keiko", "Lars", "Maya", "Nils", "Olga", "Pavel"}
	lastNames  = []string{"Albers", "Brandt", "Costa", "Duval", "Eriksen", "Fischer", "Garcia", "Hale", "Ivanova", "Jensen", "Kowalski", "Lund", "Moreau", "Novak", "Okafor", "Petit"}
)
