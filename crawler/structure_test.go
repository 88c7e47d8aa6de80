package crawler

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// intro is a section's blurb: enough text for the cleaner's gate.
const intro = `<p>Our science desk covers research, space, health and the environment, with reporting from correspondents around the world and explainers on the studies everyone is talking about this week.</p>`

// story is an article of n paragraphs.
func story(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<p>In its meeting number %d the council voted to close the old bridge for repairs, which engineers say will take most of next year and cost more than the city had set aside.</p>`, i+1)
	}
	return b.String()
}

// teaserCards is a grid of n cards written from one template.
func teaserCards(n int) string {
	var b strings.Builder
	b.WriteString(`<div class="grid">`)
	for i := range n {
		fmt.Fprintf(&b, `<div class="card"><h3 class="card-title"><a href="/2024/05/story-%d">Scientists find a new way to read the oldest rocks %d</a></h3><p class="dek">Summary.</p></div>`, i, i)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// products is a shop's grid of n products with their prices.
func products(n int) string {
	var b strings.Builder
	b.WriteString(`<div class="products">`)
	for i := range n {
		fmt.Fprintf(&b, `<div class="product"><span class="name">Camping stove model %d</span><span class="price">€%d.90</span></div>`, i, 40+i)
	}
	b.WriteString(`</div>`)
	return b.String()
}

func structurePage(head, body string) []byte {
	return titledPage("T", head, body)
}

// titledPage is structurePage with the document title given.
func titledPage(title, head, body string) []byte {
	return []byte(`<!doctype html><html lang="en"><head><title>` + title + `</title>` + head + `</head><body><main>` + body + `</main></body></html>`)
}

const ogArticle = `<meta property="og:type" content="article">`

// itemList declares a list of products in JSON-LD.
const itemList = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"ItemList","itemListElement":[{"@type":"ListItem","position":1,"url":"https://a.example/p/1"}]}</script>`

// related is a list of n links to related pages, each of headline length.
func related(n int) string {
	var b strings.Builder
	b.WriteString(`<ul class="more">`)
	for i := range n {
		fmt.Fprintf(&b, `<li><a href="/guides/g%d">How to choose the right bike for the city, part %d</a></li>`, i, i)
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// dated shows a date of publication under a headline.
const dated = `<p class="date">Published 3 March 2025</p>`

// TestArticleVerdictStructure decides small pages whose structure, not
// their markup or URL, tells an article from a hub.
func TestArticleVerdictStructure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		kind   frontier.Kind
		url    string
		html   []byte
		want   bool
		reason string
	}{
		// Structure never overrules markup: a news brief with a grid of
		// related stories under it is an article (a rule that let a grid
		// of teasers overrule markup held back short news on news sites).
		{"news brief with og:type article above a grid of teasers", frontier.Page, "https://a.example/news/science-and-health-desk",
			structurePage(ogArticle, `<div class="lead"><h1>Science</h1>`+intro+intro+`</div>`+teaserCards(14)), true, ""},
		{"a grid announced by a feed is an article", frontier.Article, "https://a.example/news/science-and-health-desk",
			structurePage("", `<div class="lead"><h1>Science</h1>`+intro+intro+`</div>`+teaserCards(14)), true, ""},
		{"JSON-LD item list without article markup", frontier.Page, "https://a.example/cat/bookcases-st002/",
			structurePage(itemList, `<div class="lead"><h1>Bookcases</h1>`+intro+intro+`</div>`), false, listReason},
		{"JSON-LD item list on an article", frontier.Page, "https://a.example/cat/bookcases-st002/",
			structurePage(itemList+ogArticle, `<div class="lead"><h1>Bookcases</h1>`+intro+intro+`</div>`), true, ""},
		{"blog post without markup on a short slug", frontier.Page, "https://a.example/blog/bolmo",
			structurePage("", `<div class="post"><h1>Bolmo</h1>`+story(14)+`</div>`), true, ""},
		{"short post without markup on a short slug", frontier.Page, "https://a.example/blog/bolmo",
			structurePage("", `<div class="post"><h1>Bolmo</h1>`+story(8)+`</div>`), false, hubReason},
		{"front page printing each story in full", frontier.Page, "https://a.example/",
			structurePage("", strings.Repeat(`<article class="story">`+story(3)+`</article>`, 5)), false, hubReason},
		{"section blurb above a list of links", frontier.Page, "https://a.example/guides/",
			structurePage("", `<div class="lead"><h1>Guides</h1>`+story(14)+`</div><ul class="more">`+
				strings.Repeat(`<li><a href="/guides/x">How to choose the right bike for the city</a></li><li><a href="/guides/y">How to fix a puncture on the road</a></li><li><a href="/guides/z">What to pack for a long ride</a></li>`, 2)+`</ul>`), false, hubReason},
		// A first h1 of five words or more that the title repeats is a
		// headline; a section's name is shorter.
		{"short guide under a headline the title repeats", frontier.Page, "https://a.example/topics/oral-health",
			titledPage("How to care for your teeth | Health Agency", "", `<div class="post"><h1>How to care for your teeth</h1>`+story(4)+`</div>`), true, ""},
		{"headline repeated in og:title only", frontier.Page, "https://a.example/topics/oral-health",
			titledPage("Health Agency", `<meta property="og:title" content="How to care for your teeth">`, `<div class="post"><h1>How to care for your teeth</h1>`+story(4)+`</div>`), true, ""},
		{"a headline the title does not repeat", frontier.Page, "https://a.example/topics/oral-health",
			titledPage("Oral health | Health Agency", "", `<div class="post"><h1>How to care for your teeth</h1>`+story(4)+`</div>`), false, hubReason},
		{"section front whose title repeats its short h1", frontier.Page, "https://a.example/news/science",
			titledPage("Science news | City Times", "", `<div class="lead"><h1>Science news</h1>`+intro+intro+`</div>`+teaserCards(14)), false, hubReason},
		// A dated page with a long run of prose is an article even when
		// links to related pages keep the run from being most of it.
		{"dated essay with links to related pages", frontier.Page, "https://a.example/essays/foldcut",
			structurePage("", `<div class="post"><h1>Fold and cut</h1>`+dated+story(14)+related(8)+`</div>`), true, ""},
		{"the same essay undated", frontier.Page, "https://a.example/essays/foldcut",
			structurePage("", `<div class="post"><h1>Fold and cut</h1>`+story(14)+related(8)+`</div>`), false, hubReason},
		{"dated section front: a long blurb above a list of stories", frontier.Page, "https://a.example/guides/",
			structurePage("", `<div class="lead"><h1>Guides</h1>`+dated+story(14)+`</div>`+related(datedMaxHeadlines+5)), false, hubReason},
		{"shop grid without markup", frontier.Page, "https://a.example/11-barbecue-charbon",
			structurePage("", `<div class="lead"><h1>Stoves</h1>`+intro+`</div>`+products(24)), false, productReason},
		{"too few prices for a shop grid", frontier.Page, "https://a.example/11-barbecue-charbon",
			structurePage("", `<div class="lead"><h1>Stoves</h1>`+intro+`</div>`+products(gridPrices-1)), true, ""},
		{"buying guide naming prices", frontier.Page, "https://a.example/11-barbecue-charbon",
			structurePage("", `<div class="story"><h1>Stoves</h1>`+story(14)+`</div>`+products(24)), true, ""},
		{"article with a long list of related stories", frontier.Page, "https://a.example/news/council-closes-bridge",
			structurePage(ogArticle, `<div class="story"><h1>Council closes the bridge</h1>`+story(12)+`</div>`+teaserCards(20)), true, ""},
	} {
		// Shown dates after the fetch are ignored: the fetch is later.
		res, err := clean.New(clean.Options{}).Clean(t.Context(), clean.Page{URL: tc.url, HTML: tc.html, FetchedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		got, why := articleVerdict(frontier.Entry{URL: tc.url, Kind: tc.kind}, tc.url, res, scanResult(res))
		if got != tc.want || why != tc.reason {
			t.Errorf("%s: %v (%q), want %v (%q); words %d, layout %+v", tc.name, got, why, tc.want, tc.reason, res.Article.WordCount, res.Layout)
		}
	}
}
