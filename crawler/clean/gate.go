package clean

import (
	"strings"
)

// minArticleWords is the shortest body taken for an article. News briefs
// of twenty words exist, so the bar is low; the other rules catch hubs,
// stubs and error pages by their own signs.
const minArticleWords = 12

// minPaywallWords is the least text a paywalled page must show to count as
// a (cut) article rather than a stub.
const minPaywallWords = 40

// gate decides whether the cleaned page is an article and whether a
// paywall cuts it.
func gate(res *Result, pm *pageMeta, all, kept []*block) {
	a := res.Article
	words := a.WordCount
	wall := false
	for _, b := range kept {
		if b.removed == "content: subscription wall" {
			wall = true
		}
	}
	if pm.ld.free != nil && !*pm.ld.free {
		// The publisher declares a paywall; the text is cut when the page
		// carries much less than the declared body, or little at all.
		if ldWords := wordCount(pm.ld.body); (ldWords > 0 && words < ldWords*2/3) || (ldWords == 0 && words < 350) {
			wall = true
		}
	}
	res.Paywalled = wall

	titleLow := strings.ToLower(a.Title + " " + pm.titleTag)
	var total, links int
	for _, b := range all {
		total += len(b.text)
		links += b.links
	}
	ogType := strings.ToLower(pm.first("og:type"))
	types := strings.ToLower(strings.Join(append(pm.ld.types, pm.ld.pageTypes...), " "))
	articleMeta := pm.declaresArticle()
	hubMeta := ogType == "website" || strings.Contains(types, "collectionpage") || strings.Contains(types, "itemlist") ||
		strings.Contains(types, "searchresultspage")
	linky := total > 0 && float64(links) > 0.5*float64(total)
	switch {
	case !articleMeta && words < 250 && linky && (hubMeta || words == 0 && total > 1000):
		res.IsArticle, res.Reason = false, "hub page"
	case words == 0:
		res.IsArticle, res.Reason = false, "empty page"
	case words < 150 && isErrorTitle(titleLow):
		res.IsArticle, res.Reason = false, "error page"
	case wall && words < minPaywallWords:
		res.IsArticle, res.Reason = false, "paywall stub"
	case words < 150 && (strings.Contains(types, "gallery") || strings.Contains(ogType, "gallery")):
		res.IsArticle, res.Reason = false, "gallery"
	case words < minArticleWords:
		res.IsArticle, res.Reason = false, "too little text"
	}
	if !res.IsArticle {
		res.Paywalled = false
	}
	res.Article.Paywalled = res.Paywalled
}

func isErrorTitle(t string) bool {
	for _, w := range []string{"404", "page not found", "not found", "error", "access denied", "forbidden", "no longer available", "doesn't exist", "does not exist"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}
