package clean

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// cards is a grid of n teaser cards written from one template, as a
// section front or a shop category shows them.
func cards(n int) string {
	var b strings.Builder
	b.WriteString(`<div class="grid">`)
	for i := range n {
		fmt.Fprintf(&b, `<div class="card"><h3 class="card-title"><a href="/story-%d">Council weighs the future of the old river bridge %d</a></h3><p class="dek">Short summary line.</p></div>`, i, i)
	}
	b.WriteString(`</div>`)
	return b.String()
}

func TestLayout(t *testing.T) {
	para := `<p>The council voted on Tuesday to close the old bridge for repairs, which engineers say will take most of next year and cost more than expected.</p>`
	for _, tc := range []struct {
		name               string
		html               string
		minRun, maxRun     int
		headlines, article int
		itemList           bool
		prices             int
	}{
		{"one run of prose", `<html><body><main><h1>Bridge closes</h1>` + strings.Repeat(para, 6) + `<h2>What next</h2>` + strings.Repeat(para, 4) + `</main></body></html>`,
			1400, 1500, 0, 0, false, 0},
		{"headline links cut the prose apart", `<html><body><main>` + strings.Repeat(para+`<p><a href="/x">Council weighs the future of the old bridge</a></p>`, 5) + `</main></body></html>`,
			140, 150, 5, 0, false, 0},
		{"a grid of cards", `<html><body><main><h1>News</h1>` + cards(14) + `</main></body></html>`,
			0, 0, 14, 0, false, 0},
		{"cards in the navigation do not count", `<html><body><nav>` + cards(14) + `</nav><main>` + strings.Repeat(para, 3) + `</main></body></html>`,
			400, 450, 0, 0, false, 0},
		{"headline links in and after the story", `<html><body><main>` + strings.Repeat(para, 3) +
			`<p>See <a href="/a">the council's full report on the bridge closure</a></p><ul><li><a href="/b">Earlier: engineers find cracks in the bridge</a></li></ul></main></body></html>`,
			400, 450, 2, 0, false, 0},
		{"article elements and an item list", `<html><head><script type="application/ld+json">{"@type":"ItemList","itemListElement":[]}</script></head><body><article>` + para + `</article><article>` + para + `</article></body></html>`,
			140, 300, 0, 2, true, 0},
		{"price labels", `<html><body><main>` + strings.Repeat(`<div class="p"><span>Camping stove</span><span class="price">€49.90</span></div>`, 3) +
			`<p>Orders over $50 ship free to all addresses in the country, and returns are free for thirty days.</p></main></body></html>`,
			0, 150, 0, 0, false, 3},
	} {
		res, err := New(Options{}).Clean(context.Background(), Page{URL: "https://a.example/x", HTML: []byte(tc.html)})
		if err != nil {
			t.Fatal(err)
		}
		l := res.Layout
		if l.ProseRun < tc.minRun || l.ProseRun > tc.maxRun || l.HeadlineLinks != tc.headlines ||
			l.ArticleElements != tc.article || l.ItemList != tc.itemList || l.Prices != tc.prices {
			t.Errorf("%s: %+v", tc.name, l)
		}
		if l.Text < l.ProseRun {
			t.Errorf("%s: prose run %d longer than the text %d", tc.name, l.ProseRun, l.Text)
		}
	}
}

func TestTitledHeadline(t *testing.T) {
	para := `<p>The council voted on Tuesday to close the old bridge for repairs, which engineers say will take most of next year and cost more than expected.</p>`
	for _, tc := range []struct {
		name, head, body string
		want             int
	}{
		{"h1 repeated in the title with the site name", `<title>Council closes the old bridge | City Times</title>`, `<h1>Council closes the old bridge</h1>`, 5},
		{"h1 repeated in og:title, other punctuation", `<title>City Times</title><meta property="og:title" content="Council closes the old bridge!">`, `<h1>Council closes the old  bridge</h1>`, 5},
		{"h1 the title does not repeat", `<title>Bridge closes for a year - City Times</title>`, `<h1>Council closes the old bridge</h1>`, 0},
		{"a section name", `<title>Science | City Times</title>`, `<h1>Science</h1>`, 1},
		{"only the first h1 counts", `<title>Council closes the old bridge</title>`, `<h1>Latest news</h1><h1>Council closes the old bridge</h1>`, 0},
		{"no h1", `<title>Council closes the old bridge</title>`, ``, 0},
	} {
		html := `<html><head>` + tc.head + `</head><body><main>` + tc.body + strings.Repeat(para, 3) + `</main></body></html>`
		res, err := New(Options{}).Clean(context.Background(), Page{URL: "https://a.example/x", HTML: []byte(html)})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Layout.TitledHeadline; got != tc.want {
			t.Errorf("%s: TitledHeadline %d, want %d", tc.name, got, tc.want)
		}
	}
}
