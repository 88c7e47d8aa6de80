package clean

import (
	"fmt"
	"strings"
	"testing"
)

// lonePostPage is a short news item laid out among link lists: the title
// "Fertile land is lost", a heading holding headline, one paragraph, and
// a row of topic links in the same box, which makes the paragraph's
// context mostly links.
func lonePostPage(headline string) string {
	return `<html><head><title>Fertile land is lost</title></head><body><ul class="menu"><li><a href="/a">Africa</a></li><li><a href="/b">World</a></li><li><a href="/c">Germany</a></li><li><a href="/d">Sport</a></li><li><a href="/e">Business</a></li></ul>` +
		`<div class="box"><h2>` + headline + `</h2><p>Twenty-four billion tonnes of fertile land are lost every year to soil degradation, according to a study by the research institute in Dakar, and elephants are part of the answer.</p>` +
		`<p><a href="/t1">Environment and climate in Africa</a> <a href="/t2">Agriculture and food security in West Africa</a> <a href="/t3">Wildlife protection in Guinea</a> <a href="/t4">Research institutes of Senegal</a> <a href="/t5">Audio and video on the subject</a> <a href="/t6">Soil degradation explained</a> <a href="/t7">Elephants and the forest</a></p></div>` +
		`<ul class="more"><li><a href="/f">Media centre</a></li><li><a href="/g">Live TV</a></li><li><a href="/h">All content</a></li><li><a href="/i">Radio</a></li></ul></body></html>`
}

// resultsPage is a page of sports results, one table per race, with a
// heading and no sentence; with linked, every athlete's name links to a
// page of their own, as the rows of a listing page do.
func resultsPage(linked bool) string {
	var b strings.Builder
	b.WriteString(`<html><body><ul class="menu"><li><a href="/">Home</a></li><li><a href="/results">Results</a></li></ul><div class="entry"><h2>Regional championships, 19.05.2007</h2>`)
	for race := range 6 {
		fmt.Fprintf(&b, `<h3>Race %d</h3><table>`, race+1)
		for place := range 4 {
			name := fmt.Sprintf("Schlumberger, Lea %d", 1990+place+race)
			if linked {
				name = fmt.Sprintf(`<a href="/athlete/%d-%d">%s</a>`, race, place, name)
			}
			fmt.Fprintf(&b, `<tr><td>%d.</td><td>%s</td><td>LG Staufen</td><td>%d,%02d sec.</td></tr>`, place+1, name, 12+place, 10*race)
		}
		b.WriteString(`</table>`)
	}
	b.WriteString(`</div></body></html>`)
	return b.String()
}

// emptyRuleCases are pages whose article the first pass misses entirely,
// each with the rule that finds it; pages of the same look that are not
// articles must stay empty.
var emptyRuleCases = []struct {
	name, rule, html string
	want             string // "" means the body must stay empty
	// guard, for a page that must stay empty, names the switch of the
	// test that keeps it so: without it the page gets a body.
	guard string
}{
	{
		name: "post only in noscript and a script template",
		rule: "fallback-markup",
		html: `<html><body><div class="post"><h2><a href="/p">Safe browsing</a></h2><div class="post-body">` +
			`<script type="text/template"><p>Over the past few years threats on the web have become increasingly sophisticated, and phishing sites rotate their domains very quickly to avoid being blocked.</p><p>Turning the new mode on will substantially increase protection from dangerous websites and downloads.</p></script>` +
			`<noscript><p>Over the past few years threats on the web have become increasingly sophisticated, and phishing sites rotate their domains very quickly to avoid being blocked.</p><p>Turning the new mode on will substantially increase protection from dangerous websites and downloads.</p></noscript>` +
			`</div></div></body></html>`,
		want: "Turning the new mode on",
	},
	{
		name: "post only in a script template",
		rule: "fallback-markup",
		html: `<html><body><div class="post-body"><script type="text/x-template"><p>The council agreed on Tuesday to rebuild the old bridge over the river, after residents had asked for years for a safer crossing to the school.</p></script></div></body></html>`,
		want: "rebuild the old bridge",
	},
	{
		name: "notice that the page needs scripts stays empty",
		rule: "fallback-markup",
		html: `<html><body><noscript><p>Please enable JavaScript in your browser to view this page. Our site needs it to show the latest stories and prices.</p></noscript><div id="root"></div></body></html>`,
	},
	{
		name: "one-paragraph post among link lists",
		rule: "fallback-lone-prose",
		html: lonePostPage(`Fertile land is lost`),
		want: "Twenty-four billion tonnes",
	},
	{
		name:  "one long line under a card's linked title stays empty",
		rule:  "fallback-lone-prose",
		html:  lonePostPage(`<a href="/offers/price-match">Price match</a>`),
		guard: "lone-prose-headline",
	},
	{
		name:  "one long line under no headline stays empty",
		rule:  "fallback-lone-prose",
		html:  lonePostPage(`Our offers`),
		guard: "lone-prose-headline",
	},
	{
		name: "section front with several card summaries stays empty",
		rule: "fallback-lone-prose",
		html: `<html><body><ul class="menu"><li><a href="/a">Africa</a></li><li><a href="/b">World</a></li><li><a href="/c">Germany</a></li></ul>` +
			`<div class="card"><h2><a href="/s1">Fertile land is lost</a></h2><p>Twenty-four billion tonnes of fertile land are lost every year to soil degradation, according to a study by the research institute in Dakar.</p></div>` +
			`<div class="card"><h2><a href="/s2">Bridge to be rebuilt</a></h2><p>The council agreed on Tuesday to rebuild the old bridge over the river, after residents had asked for years for a safer crossing to the school.</p></div>` +
			`<ul class="more"><li><a href="/f">Media centre</a></li><li><a href="/g">Live TV</a></li></ul></body></html>`,
	},
	{
		name: "results tables",
		rule: "fallback-tables",
		html: resultsPage(false),
		want: "Schlumberger, Lea 1998",
	},
	{
		name: "listing of linked rows stays empty",
		rule: "fallback-tables",
		html: resultsPage(true),
	},
	{
		name: "how-to rendered by a script, steps in JSON-LD",
		rule: "fallback-howto",
		html: `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"HowTo","name":"A round tablecloth",` +
			`"description":"\u003cp\u003eWhatever its size and style, a round table softens a room, and a round tablecloth made at home costs little.\u003c/p\u003e",` +
			`"step":[{"@type":"HowToStep","name":"Step 1: measure the table","itemListElement":{"@type":"HowToDirection","text":"\u003cp\u003eMeasure the diameter of the table top, from edge to edge through its centre, and decide how far the cloth should fall.\u003c/p\u003e"}},` +
			`{"@type":"HowToStep","name":"Step 2: cut the fabric","text":"Fold the fabric in four, mark the radius from the folded corner with a string and a pencil, and cut along the arc."}]}</script></head>` +
			`<body><div id="app" data-props="{}"></div><footer><a href="/imprint">Imprint</a> <a href="/privacy">Privacy</a></footer></body></html>`,
		want: "mark the radius from the folded corner",
	},
}

// TestEmptyRules shows that each rule for pages that come out empty finds
// the article its page hides, that the page is empty without the rule,
// and that the pages of the same look that are not articles stay empty.
func TestEmptyRules(t *testing.T) {
	for i, tc := range emptyRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			with := cleanPage(t, New(Options{}), i, []byte(tc.html))
			without := cleanPage(t, NewWithout(Options{}, tc.rule), i, []byte(tc.html))
			if tc.want == "" {
				if with.Article.Body != "" {
					t.Errorf("body should stay empty, got:\n%s", with.Article.Body)
				}
				if tc.guard != "" {
					if res := cleanPage(t, NewWithout(Options{}, tc.guard), i, []byte(tc.html)); res.Article.Body == "" {
						t.Errorf("without %s the body is still empty, so the case does not test it", tc.guard)
					}
				}
				return
			}
			if !strings.Contains(with.Article.Body, tc.want) {
				t.Errorf("body lacks %q:\n%s", tc.want, with.Article.Body)
			}
			if strings.Count(with.Article.Body, tc.want) > 1 {
				t.Errorf("body holds %q twice:\n%s", tc.want, with.Article.Body)
			}
			if without.Article.Body != "" {
				t.Errorf("without %s the body is not empty, so the case does not test the rule:\n%s", tc.rule, without.Article.Body)
			}
		})
	}
}
