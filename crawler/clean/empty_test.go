package clean

import (
	"strings"
	"testing"
)

// emptyRuleCases are pages whose article the first pass misses entirely,
// each with the rule that finds it; pages of the same look that are not
// articles must stay empty.
var emptyRuleCases = []struct {
	name, rule, html string
	want             string // "" means the body must stay empty
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
		name: "one-paragraph post among link lists",
		rule: "fallback-lone-prose",
		html: `<html><body><ul class="menu"><li><a href="/a">Africa</a></li><li><a href="/b">World</a></li><li><a href="/c">Germany</a></li><li><a href="/d">Sport</a></li><li><a href="/e">Business</a></li></ul>` +
			`<div class="box"><h2><a href="/story">Fertile land is lost</a></h2><p>Twenty-four billion tonnes of fertile land are lost every year to soil degradation, according to a study by the research institute in Dakar, and elephants are part of the answer.</p></div>` +
			`<ul class="more"><li><a href="/f">Media centre</a></li><li><a href="/g">Live TV</a></li><li><a href="/h">All content</a></li><li><a href="/i">Radio</a></li></ul></body></html>`,
		want: "Twenty-four billion tonnes",
	},
	{
		name: "section front with several card summaries stays empty",
		rule: "fallback-lone-prose",
		html: `<html><body><ul class="menu"><li><a href="/a">Africa</a></li><li><a href="/b">World</a></li><li><a href="/c">Germany</a></li></ul>` +
			`<div class="card"><h2><a href="/s1">Fertile land is lost</a></h2><p>Twenty-four billion tonnes of fertile land are lost every year to soil degradation, according to a study by the research institute in Dakar.</p></div>` +
			`<div class="card"><h2><a href="/s2">Bridge to be rebuilt</a></h2><p>The council agreed on Tuesday to rebuild the old bridge over the river, after residents had asked for years for a safer crossing to the school.</p></div>` +
			`<ul class="more"><li><a href="/f">Media centre</a></li><li><a href="/g">Live TV</a></li></ul></body></html>`,
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
