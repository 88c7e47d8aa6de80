package sitefarm

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
)

func get(t *testing.T, u, ua string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func startFarm(t *testing.T, opts Options) *Farm {
	t.Helper()
	f, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestFarmServes checks what each site serves: distinct loopback
// addresses, robots.txt with its rules, the listings, the articles.
func TestFarmServes(t *testing.T) {
	f := startFarm(t, Options{Sites: 3, Articles: 4, CrawlDelay: 1500 * time.Millisecond, RobotsDown: []int{2}})
	for i, s := range f.Sites {
		if want := fmt.Sprintf("http://127.0.0.%d:", 10+i); !strings.HasPrefix(s.URL, want) {
			t.Errorf("site %d at %s, want %s*", i, s.URL, want)
		}
	}
	s := f.Sites[0]
	tests := []struct {
		path     string
		status   int
		contains []string
	}{
		{"/robots.txt", 200, []string{"Disallow: /private/", "Crawl-delay: 1.5", "Sitemap: " + s.URL + "/sitemap.xml"}},
		{"/sitemap.xml", 200, []string{"<loc>" + s.URL + "/news/0000.html</loc>", "<loc>" + s.URL + "/news/0003.html</loc>"}},
		{"/rss.xml", 200, []string{"<link>" + s.URL + "/news/0003.html</link>", "<pubDate>"}},
		{"/", 200, []string{`href="/news/0000.html"`, `href="/private/admin"`}},
		{"/news/0002.html", 200, []string{"<article>", `href="/news/0001.html"`, `href="/news/0003.html"`, `href="/private/`, "Farm 0"}},
		{"/news/0004.html", 404, nil}, // not published yet
		{"/news/2.html", 404, nil},
		{"/private/admin", 200, []string{"Staff only"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := get(t, s.URL+tt.path, "tester")
			if code != tt.status {
				t.Fatalf("status %d, want %d", code, tt.status)
			}
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %q:\n%s", c, body)
				}
			}
		})
	}
	if code, _ := get(t, f.Sites[2].URL+"/robots.txt", "tester"); code != http.StatusServiceUnavailable {
		t.Errorf("site 2's robots.txt answered %d, want 503", code)
	}
	if code, _ := get(t, f.Sites[1].URL+"/robots.txt", "tester"); code != 200 {
		t.Errorf("site 1's robots.txt answered %d, want 200", code)
	}
}

// TestPublish checks that a published article is served and listed.
func TestPublish(t *testing.T) {
	f := startFarm(t, Options{Sites: 1, Articles: 2})
	s := f.Sites[0]
	u := s.Publish()
	if want := s.URL + "/news/0002.html"; u != want {
		t.Fatalf("Publish = %s, want %s", u, want)
	}
	if code, _ := get(t, u, "tester"); code != 200 {
		t.Errorf("new article answered %d", code)
	}
	for _, p := range []string{"/rss.xml", "/sitemap.xml"} {
		if _, body := get(t, s.URL+p, "tester"); !strings.Contains(body, u) {
			t.Errorf("%s does not list %s", p, u)
		}
	}
	if got := len(f.ArticleURLs()); got != 3 {
		t.Errorf("%d article URLs, want 3", got)
	}
}

// TestLog checks that each request is logged with its User-Agent and
// times, and that the farm's log gathers every site's.
func TestLog(t *testing.T) {
	f := startFarm(t, Options{Sites: 2, Articles: 1})
	before := time.Now()
	get(t, f.Sites[0].URL+"/news/0000.html", "crawler-a")
	get(t, f.Sites[1].URL+"/private/x", "crawler-b")
	log := f.Log()
	if len(log) != 2 {
		t.Fatalf("%d requests logged, want 2: %+v", len(log), log)
	}
	r := log[0]
	if r.Host != f.Sites[0].Host || r.Path != "/news/0000.html" || r.UserAgent != "crawler-a" {
		t.Errorf("logged %+v", r)
	}
	if r.Start.Before(before) || r.End.Before(r.Start) {
		t.Errorf("times %v .. %v, requested after %v", r.Start, r.End, before)
	}
	s := Summarize(log, Fixed(0))
	if s.Disallowed != 1 || s.Articles != 1 || s.Duplicates != 0 {
		t.Errorf("summary %+v", s)
	}
}

// TestArticlesAreArticles checks that the cleaner the crawler uses
// accepts every article page and rejects the front page, and that no two
// articles share a paragraph (which per-site boilerplate statistics would
// strip).
func TestArticlesAreArticles(t *testing.T) {
	f := startFarm(t, Options{Sites: 2, Articles: 6})
	c := clean.New(clean.Options{})
	paragraphs := map[string]string{}
	for _, u := range f.ArticleURLs() {
		_, body := get(t, u, "tester")
		res, err := c.Clean(context.Background(), clean.Page{URL: u, HTML: []byte(body), FetchedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if !res.IsArticle {
			t.Errorf("%s is not an article: %s", u, res.Reason)
			continue
		}
		if res.Article.CanonicalURL != u {
			t.Errorf("%s: canonical %s", u, res.Article.CanonicalURL)
		}
		if strings.Contains(res.Article.Body, "Staff") || res.Article.WordCount < 150 {
			t.Errorf("%s: body of %d words: %q", u, res.Article.WordCount, res.Article.Body)
		}
		for _, p := range strings.Split(res.Article.Body, "\n\n") {
			if other, ok := paragraphs[p]; ok && len(p) > 80 {
				t.Errorf("%s and %s share the paragraph %q", other, u, p)
			}
			paragraphs[p] = u
		}
	}
	_, front := get(t, f.Sites[0].URL+"/", "tester")
	res, err := c.Clean(context.Background(), clean.Page{URL: f.Sites[0].URL + "/", HTML: []byte(front), FetchedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsArticle {
		t.Errorf("the front page is taken for an article")
	}
}

func TestSeedFile(t *testing.T) {
	f := startFarm(t, Options{Sites: 2, Articles: 1})
	path := filepath.Join(t.TempDir(), "seeds.txt")
	if err := f.WriteSeedFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(b))
	if len(lines) != 6 || lines[0] != f.Sites[0].URL+"/sitemap.xml" || lines[4] != f.Sites[1].URL+"/rss.xml" {
		t.Errorf("seed file:\n%s", b)
	}
}

func TestStartErrors(t *testing.T) {
	for _, opts := range []Options{{Sites: 300}, {Sites: 2, RobotsDown: []int{2}}} {
		if f, err := Start(opts); err == nil {
			f.Close()
			t.Errorf("Start(%+v) succeeded", opts)
		}
	}
}

// TestBoilerplate checks that a cleaner with per-site statistics strips
// the boilerplate paragraph once it has seen it on a few pages, and that
// one without keeps it: what makes the paragraph a probe for whether a
// site's statistics survived a move to another process.
func TestBoilerplate(t *testing.T) {
	f := startFarm(t, Options{Sites: 1, Articles: 10, Boilerplate: true})
	s := f.Sites[0]
	learning := clean.New(clean.Options{Stats: clean.NewMemoryStats()})
	plain := clean.New(clean.Options{})
	var carried []int
	for n, u := range s.ArticleURLs() {
		_, body := get(t, u, "tester")
		page := clean.Page{URL: u, HTML: []byte(body), FetchedAt: time.Now()}
		res, err := learning.Clean(context.Background(), page)
		if err != nil {
			t.Fatal(err)
		}
		if !res.IsArticle {
			t.Fatalf("%s is not an article: %s", u, res.Reason)
		}
		if strings.Contains(res.Article.Body, s.BoilerplateText()) {
			carried = append(carried, n)
		}
		res, err = plain.Clean(context.Background(), page)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Article.Body, s.BoilerplateText()) {
			t.Errorf("%s: a cleaner without statistics stripped the boilerplate", u)
		}
	}
	t.Logf("with statistics, articles %v carry the boilerplate", carried)
	if len(carried) == 0 || len(carried) >= 5 || carried[len(carried)-1] != len(carried)-1 {
		t.Errorf("articles %v carry the boilerplate; want only the first few, before the cleaner learnt it", carried)
	}
}
