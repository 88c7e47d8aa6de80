package clean

import (
	"context"
	"strings"
	"testing"
	"time"
)

// prose is enough article text for a page to pass the quality gate.
var prose = strings.Repeat(`<p>The council voted on Tuesday to close the old bridge for repairs, which engineers say will take most of next year and cost more than expected.</p>`, 4)

func page(head, body string) []byte {
	return []byte(`<!doctype html><html lang="en"><head>` + head + `</head><body><article>` + body + prose + `</article></body></html>`)
}

func TestMetadataSources(t *testing.T) {
	tests := []struct {
		name        string
		html        []byte
		title       string
		authors     []string
		published   string // RFC 3339
		lang        string
		section     string
		image       string
		source      string
		description string
	}{
		{
			name: "json-ld graph with array type and author refs",
			html: page(`<title>Bridge to close | Gazette</title>
<meta property="og:title" content="Social headline">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Gazette"},
 {"@type":["NewsArticle","Article"],"headline":"Bridge to close for a year","datePublished":"2024-05-02T10:00:00+01:00",
  "author":[{"@id":"#p1"},{"@type":"Person","name":"Bo Li"}],"articleSection":["Local","News"],"inLanguage":"en-GB",
  "image":{"@type":"ImageObject","url":"/img/bridge.jpg"},"publisher":{"@type":"Organization","name":"The Gazette"},
  "description":"The bridge shuts."},
 {"@type":"Person","@id":"#p1","name":"Ann Smith"}]}</script>`, `<h1>Bridge to close for a year</h1>`),
			title: "Bridge to close for a year", authors: []string{"Ann Smith", "Bo Li"},
			published: "2024-05-02T10:00:00+01:00", lang: "en-GB", section: "Local",
			image: "https://example.com/img/bridge.jpg", source: "The Gazette", description: "The bridge shuts.",
		},
		{
			name: "opengraph and meta only",
			html: page(`<title>Bridge to close | Gazette</title>
<meta property="og:title" content="Bridge to close | Gazette"><meta property="og:site_name" content="Gazette">
<meta property="article:published_time" content="2024-05-02T09:00:00Z"><meta name="author" content="By Ann Smith and Bo Li">
<meta property="og:image" content="https://cdn.example.com/b.jpg"><meta property="article:section" content="Local">
<meta name="description" content="The bridge shuts.">`, `<h1>Bridge to close</h1>`),
			title: "Bridge to close", authors: []string{"Ann Smith", "Bo Li"}, published: "2024-05-02T09:00:00Z",
			lang: "en", section: "Local", image: "https://cdn.example.com/b.jpg", source: "Gazette", description: "The bridge shuts.",
		},
		{
			name: "microdata and time element",
			html: page(`<title>Bridge</title>`, `<div itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">Bridge to close</h1><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ann Smith</span></span>
<time itemprop="datePublished" datetime="2024-05-02">2 May</time></div>`),
			title: "Bridge to close", authors: []string{"Ann Smith"}, published: "2024-05-02T00:00:00Z", lang: "en",
		},
		{
			name:  "dom fallbacks: h1, time, byline",
			html:  page(`<title>Bridge to close - Gazette</title>`, `<h1>Bridge to close</h1><div class="byline">By Ann Smith</div><time datetime="2024-05-02T08:00:00-04:00">May 2</time>`),
			title: "Bridge to close", authors: []string{"Ann Smith"}, published: "2024-05-02T08:00:00-04:00", lang: "en",
		},
		{
			name:  "organisation author only when no person",
			html:  page(`<script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge","author":{"@type":"Organization","name":"Reuters"}}</script>`, ``),
			title: "Bridge", authors: []string{"Reuters"}, lang: "en",
		},
		{
			name:  "staff byline dropped when a person is named",
			html:  page(`<meta name="author" content="Gazette Staff"><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge","author":[{"@type":"Person","name":"Ann Smith"},{"@type":"Organization","name":"Gazette"}]}</script>`, ``),
			title: "Bridge", authors: []string{"Ann Smith"}, lang: "en",
		},
		{
			name:  "broken json-ld with raw newline still read",
			html:  page("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Bridge\nto close\",\"datePublished\":\"2024-05-02 10:00:00\"}</script>", ``),
			title: "Bridge to close", published: "2024-05-02T10:00:00Z", lang: "en",
		},
	}
	c := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Clean(context.Background(), Page{URL: "https://example.com/news/bridge-to-close", HTML: tt.html, FetchedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Article
			if a.Title != tt.title {
				t.Errorf("title = %q, want %q", a.Title, tt.title)
			}
			if strings.Join(a.Authors, "|") != strings.Join(tt.authors, "|") {
				t.Errorf("authors = %q, want %q", a.Authors, tt.authors)
			}
			got := ""
			if a.PublishedAt != nil {
				got = a.PublishedAt.Format(time.RFC3339)
			}
			if got != tt.published {
				t.Errorf("published = %q, want %q", got, tt.published)
			}
			for _, f := range []struct{ name, got, want string }{
				{"language", a.Language, tt.lang}, {"section", a.Section, tt.section}, {"image", a.ImageURL, tt.image},
				{"source", a.SourceName, tt.source}, {"description", a.Description, tt.description},
			} {
				if f.got != f.want {
					t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
				}
			}
			if strings.Contains(a.Body, tt.title) && tt.title != "" && strings.Contains(string(tt.html), "<h1") {
				t.Errorf("headline left in body")
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	const pageURL = "https://www.example.com/news/2024/05/bridge?utm_source=rss"
	tests := []struct {
		name, head, want string
	}{
		{"rel canonical resolved", `<link rel="canonical" href="/news/2024/05/bridge-to-close">`, "https://www.example.com/news/2024/05/bridge-to-close"},
		{"site root ignored", `<link rel="canonical" href="https://www.example.com/">`, "https://www.example.com/news/2024/05/bridge"},
		{"section front ignored", `<link rel="canonical" href="https://www.example.com/news/">`, "https://www.example.com/news/2024/05/bridge"},
		{"other host's root ignored", `<link rel="canonical" href="https://partner.example.org/">`, "https://www.example.com/news/2024/05/bridge"},
		{"syndicated original kept", `<link rel="canonical" href="https://apnews.com/article/bridge-123">`, "https://apnews.com/article/bridge-123"},
		{"og:url fallback", `<meta property="og:url" content="https://www.example.com/news/2024/05/bridge?utm_medium=x">`, "https://www.example.com/news/2024/05/bridge"},
		{"not http ignored", `<link rel="canonical" href="javascript:void(0)">`, "https://www.example.com/news/2024/05/bridge"},
	}
	c := New(Options{})
	for _, tt := range tests {
		res, err := c.Clean(context.Background(), Page{URL: pageURL, HTML: page(tt.head, ""), FetchedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Article.CanonicalURL != tt.want {
			t.Errorf("%s: canonical = %q, want %q", tt.name, res.Article.CanonicalURL, tt.want)
		}
		if err := res.Article.Validate(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestGate(t *testing.T) {
	links := strings.Repeat(`<li><a href="/a">A headline about something that happened today</a></li>`, 40)
	tests := []struct {
		name      string
		html      string
		article   bool
		reason    string
		paywalled bool
	}{
		{"article", string(page(`<meta property="og:type" content="article">`, "")), true, "", false},
		{"hub", `<html><head><meta property="og:type" content="website"><title>World news</title></head><body><ul>` + links + `</ul><p>Latest stories from around the world.</p></body></html>`, false, "hub page", false},
		{"error page", `<html><head><title>Page not found | Gazette</title></head><body><h1>Page not found</h1><p>Sorry, the page you were looking for does not exist or has moved somewhere else.</p></body></html>`, false, "error page", false},
		{"paywall stub", `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge","isAccessibleForFree":false}</script></head><body><article><p>The council voted on Tuesday to close the bridge.</p><div class="x1"><p>Subscribe to continue reading. Already a subscriber? Log in.</p></div></article></body></html>`, false, "paywall stub", false},
		{"paywalled article", `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge","isAccessibleForFree":"False"}</script></head><body><article>` + prose + `<p>Subscribe to continue reading. Already a subscriber? Log in.</p></article></body></html>`, true, "", true},
		{"gallery", `<html><head><meta property="og:type" content="gallery"></head><body><figure><img src="a.jpg"><figcaption>A bridge</figcaption></figure><p>In pictures: the old bridge over the years, and the town around it.</p></body></html>`, false, "gallery", false},
		{"empty", `<html><head><title>x</title></head><body><div></div></body></html>`, false, "empty page", false},
	}
	c := New(Options{})
	for _, tt := range tests {
		res, err := c.Clean(context.Background(), Page{URL: "https://example.com/news/x", HTML: []byte(tt.html), FetchedAt: time.Now()})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.Article.Paywalled != res.Paywalled {
			t.Errorf("%s: article.paywalled=%v but verdict %v", tt.name, res.Article.Paywalled, res.Paywalled)
		}
		if res.IsArticle != tt.article || res.Reason != tt.reason || res.Paywalled != tt.paywalled {
			t.Errorf("%s: IsArticle=%v Reason=%q Paywalled=%v, want %v %q %v (body %q)", tt.name, res.IsArticle, res.Reason, res.Paywalled, tt.article, tt.reason, tt.paywalled, res.Article.Body)
		}
	}
}

func TestBadInput(t *testing.T) {
	deep := strings.Repeat("<div><table><tr><td>", 5000) + "deep text" + strings.Repeat("</td></tr></table></div>", 10)
	tests := []struct {
		name    string
		html    []byte
		wantErr bool
	}{
		{"too large", make([]byte, 2<<20), true},
		{"binary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html>"), true},
		{"plain text", []byte("just some words, no markup at all"), true},
		{"UTF-16 without a charset", []byte("<\x00h\x00t\x00m\x00l\x00>\x00" + strings.Repeat("w\x00", 600)), true},
		{"a stray run of NUL bytes in a page", []byte("<html><body>" + strings.Repeat("<p>x</p>", 400) + "<img src=a.gif>" + strings.Repeat("\x00", 22) + prose), false},
		{"empty", nil, true},
		{"unclosed tags", []byte("<html><body><p>one <b>two <i>three <p>four <div>" + prose), false},
		{"deep nesting", []byte("<html><body>" + deep), false},
		{"invalid utf-8", []byte("<html><body><p>caf\xe9 \xff\xfe</p>" + prose), false},
		{"script only", []byte("<html><head><script>var a = '<p>not text</p>';</script></head><body></body></html>"), false},
	}
	c := New(Options{MaxBytes: 1 << 20})
	for _, tt := range tests {
		res, err := c.Clean(context.Background(), Page{URL: "https://example.com/a", HTML: tt.html, FetchedAt: time.Now()})
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, wantErr %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil {
			if strings.Contains(res.Article.Body, "not text") {
				t.Errorf("%s: script text in body", tt.name)
			}
			if err := res.Article.Validate(); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Clean(ctx, Page{URL: "https://example.com/a", HTML: page("", ""), FetchedAt: time.Now()}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func FuzzClean(f *testing.F) {
	f.Add([]byte(page(`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","headline":"x","author":[{"@id":"a"}]}]}</script>`, "<h1>x</h1>")))
	f.Add(independentPage(1, appealParas))
	f.Add([]byte("<html><body><table><tr><td><table><tr><td>x</td></tr></table></td></tr></table><p>" + strings.Repeat("word ", 50)))
	f.Add([]byte(`<html><head><link rel=canonical href="//x"><meta property="og:url" content="http://[::1"></head><body><p>a<br><br>b</p>`))
	c := New(Options{Stats: NewMemoryStats(), MaxBytes: 1 << 20})
	f.Fuzz(func(t *testing.T, html []byte) {
		res, err := c.Clean(context.Background(), Page{URL: "https://example.com/news/a", HTML: html, FetchedAt: time.Unix(1, 0)})
		if err != nil {
			return
		}
		if res.Article == nil {
			t.Fatal("nil article without error")
		}
		if err := res.Article.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

// Hostile or merely enormous pages must cost work that grows linearly
// with their size. The test measures work as heap allocations, which do
// not depend on the machine's load (wall-clock bounds made this test fail
// on a busy CI machine while proving nothing about growth): doubling a
// page may at most about double them. A quadratic pass over blocks, the
// failure this guards against, multiplies them by four.
func TestBoundedWork(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	shapes := map[string]func(n int) string{
		"wide": func(n int) string {
			var b strings.Builder
			for i := range n {
				b.WriteString(`<div class="c"><p>Paragraph of the story, long enough to count as prose for the extractor, number ` + strings.Repeat("x", i%7) + `.</p></div>`)
			}
			return "<html><body>" + b.String() + "</body></html>"
		},
		"promos": func(n int) string {
			promo := `<div><p>Sign up for our newsletter</p><p>Support us: your support makes all the difference, donate today.</p></div>`
			return "<html><body><article>" + prose + strings.Repeat(promo, n) + "</article></body></html>"
		},
		"nested": func(n int) string {
			return "<html><body>" + strings.Repeat(`<div class="related"><h2>Related stories</h2><section>`, n/7) + prose + "</body></html>"
		},
	}
	c := New(Options{Stats: NewMemoryStats()})
	work := func(name, h string) float64 {
		var err error
		allocs := testing.AllocsPerRun(1, func() {
			_, err = c.Clean(context.Background(), Page{URL: "https://example.com/a/" + name, HTML: []byte(h), FetchedAt: time.Now()})
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return allocs
	}
	for name, page := range shapes {
		small, large := work(name, page(4000)), work(name, page(8000))
		t.Logf("%s: %.0f allocations at 4,000 blocks, %.0f at 8,000", name, small, large)
		if large > 2.6*small {
			t.Errorf("%s: doubling the page multiplied the work by %.1f; want about 2", name, large/small)
		}
	}
}

// TestStripSiteName checks that site names are stripped from headlines
// whether the page declares its name or only its domain gives it, leading
// or trailing, and that a headline naming a brand that is also the domain
// keeps it.
func TestStripSiteName(t *testing.T) {
	for _, tc := range []struct {
		url, declared, title, want string
	}{
		{"https://www.leadfeeder.com/blog/seo/", "", "Leadfeeder | State of SEO in 2026: Trends and Predictions", "State of SEO in 2026: Trends and Predictions"},
		{"https://www.cartalk.com/x", "", "Best EVs of 2026 - Car Talk", "Best EVs of 2026"},
		{"https://news.example.co.uk/a", "The Example Gazette", "Harbour opens to ferries | The Example Gazette", "Harbour opens to ferries"},
		{"https://www.apple.com/newsroom/x", "", "Apple Watch Series 9 gets a brighter display in the new model", "Apple Watch Series 9 gets a brighter display in the new model"},
		{"https://www.example.org/x", "", "A plain headline without any site name", "A plain headline without any site name"},
	} {
		if got := stripSiteName(tc.title, siteNames(tc.url, tc.declared)); got != tc.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestArticleMarkup(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"og:type article", `<meta property="og:type" content="article">`, true},
		{"JSON-LD article", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge"}</script>`, true},
		{"JSON-LD article on a collection page", `<meta property="og:type" content="article"><script type="application/ld+json">{"@graph":[{"@type":"CollectionPage","name":"Economy"},{"@type":"NewsArticle","headline":"Bridge"}]}</script>`, true},
		// A theme's og:type on a section front that its JSON-LD calls a
		// collection: the page is a list, whatever its Open Graph says.
		{"og:type article on a collection page", `<meta property="og:type" content="article"><script type="application/ld+json">{"@graph":[{"@type":"CollectionPage","name":"Economy"},{"@type":"BreadcrumbList"}]}</script>`, false},
		{"og:type article on search results", `<meta property="og:type" content="article"><script type="application/ld+json">{"@type":"SearchResultsPage"}</script>`, false},
		{"og:type article on a plain web page", `<meta property="og:type" content="article"><script type="application/ld+json">{"@type":"WebPage","name":"Bridge"}</script>`, true},
		{"og:type website", `<meta property="og:type" content="website">`, false},
	}
	c := New(Options{})
	for _, tt := range tests {
		res, err := c.Clean(context.Background(), Page{URL: "https://example.com/economy/", HTML: page(tt.head, ""), FetchedAt: time.Now()})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.ArticleMarkup != tt.want {
			t.Errorf("%s: ArticleMarkup = %v, want %v", tt.name, res.ArticleMarkup, tt.want)
		}
	}
}
