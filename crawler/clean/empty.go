package clean

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The rules in this file run only when extraction and the cascade have
// kept no text at all. None of them is a last resort that returns
// whatever the page holds: a section front that comes out empty must stay
// empty (the gate and the crawler take it for a hub), so each rule looks
// for one shape of article whose text the normal pass cannot see, and
// takes nothing when the page does not have that shape.

// rescueEmpty tries, in order, the rules for article text the first pass
// misses, and returns the first that keeps text, or blocks and kept as
// they were. The markup kept for browsers without scripts comes first:
// where a page has it, it is the page's own text. When it keeps nothing
// the document stays spliced, which leaves the later rules' blocks valid:
// none of them lay inside the replaced elements, which are never read.
func (c *Cleaner) rescueEmpty(body *html.Node, titles []string, ld *ldInfo, blocks, kept []*block) ([]*block, []*block) {
	if c.on("fallback-markup") {
		if bb, bk := c.fallbackMarkup(body, titles, ld.body); bb != nil {
			return bb, bk
		}
	}
	if c.on("fallback-lone-prose") {
		if bk := c.fallbackLoneProse(blocks, titles); bk != nil {
			return blocks, bk
		}
	}
	if c.on("fallback-howto") && ld.howTo != nil {
		if bk := howToBlocks(ld.howTo, body); bk != nil {
			return append(blocks, bk...), bk
		}
	}
	if c.on("fallback-tables") {
		if bk := c.fallbackTables(blocks, titles); bk != nil {
			return blocks, bk
		}
	}
	return blocks, kept
}

// Thresholds of fallbackTables: the least cell text and cells a page of
// tables must hold, the most of the cells' text links may carry, and the
// least share of the container's text the cells must hold. They were set
// once, not tuned: no dev page is empty, so none could tune them, and the
// page they were written for (329 result tables, their cells almost
// without links) is far from each.
const (
	tableMinText  = 500
	tableMinCells = 20
	tableMaxLinks = 0.1
	tableShare    = 0.6
)

// fallbackTables keeps the tables of a page whose article is tables: a
// results list, a timetable, a price list, with a heading or two and no
// sentence that counts as prose, so no container is chosen. The element
// that holds the most text net of its links and of the boilerplate
// around it is taken when most of its text is in table cells that carry
// few links; the tables of a listing page (a forum index, a schedule of
// linked games) are made of links and are left out.
func (c *Cleaner) fallbackTables(blocks []*block, titles []string) []*block {
	score := make(map[*html.Node]int)
	var order []*html.Node
	for _, b := range blocks {
		w := len(b.text) - 2*b.links
		if b.boiler != "" {
			w = -len(b.text)
		}
		if w == 0 {
			continue
		}
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if _, ok := score[n]; !ok {
				order = append(order, n)
			}
			score[n] += w
		}
	}
	var best *html.Node
	for _, n := range order {
		if score[n] > 0 && (best == nil || score[n] > score[best]) {
			best = n
		}
	}
	if best == nil {
		return nil
	}
	var kept []*block
	var text, cells, cellText, cellLinks int
	for _, b := range blocks {
		if b.boiler != "" || !isAncestor(best, b.elem) {
			continue
		}
		kept = append(kept, b)
		text += len(b.text)
		if b.kind == kindCell {
			cells++
			cellText += len(b.text)
			cellLinks += b.links
		}
	}
	if cells < tableMinCells || cellText < tableMinText || float64(cellLinks) > tableMaxLinks*float64(cellText) ||
		float64(cellText) < tableShare*float64(text) {
		return nil
	}
	c.filterLayers12(kept, titles, !c.noContent)
	if statsOf(kept).text == 0 {
		return nil
	}
	return kept
}

// fallbackLoneProse keeps the one paragraph of a page whose post is a
// single paragraph set among links: a short news item or blog post laid
// out like the teaser cards around it (a link-heavy context, or a small
// box that holds a linked heading), so that no block counts as prose and
// no container is chosen. It applies only when exactly one block on the page
// reads as prose but for its context: a section front has many summaries
// shaped so, an article with one paragraph has one.
func (c *Cleaner) fallbackLoneProse(blocks []*block, titles []string) []*block {
	var lone *block
	at := 0
	for i, b := range blocks {
		if !loneProse(b) {
			continue
		}
		if lone != nil {
			return nil
		}
		lone, at = b, i
	}
	if lone == nil || !c.afterHeadline(blocks, at, titles) {
		return nil
	}
	kept := []*block{lone}
	c.filterLayers12(kept, titles, !c.noContent)
	if lone.removed != "" {
		return nil
	}
	return kept
}

// fallbackMarkup reads the markup a page keeps for browsers without
// scripts. Some blog platforms (Blogger's dynamic views among them) send
// the post only as markup inside a <noscript> element and a <script
// type="text/template"> that a script copies into the page; parsed as a
// browser with scripts does, both are one text node, so the page reads as
// empty. The <noscript> elements are parsed as markup in their place
// first; only if that still keeps nothing are the script templates,
// since a page that has both carries the post in each.
func (c *Cleaner) fallbackMarkup(body *html.Node, titles []string, ldBody string) ([]*block, []*block) {
	for _, pick := range []func(*html.Node) bool{isNoscript, isMarkupTemplate} {
		if !spliceRawMarkup(body, pick) {
			continue
		}
		blocks, kept := c.extract(body, titles, true)
		if c.on("cascade") {
			blocks, kept = c.cascade(body, titles, blocks, kept, ldBody)
		}
		if statsOf(kept).text > 0 {
			return blocks, kept
		}
	}
	return nil, nil
}

func isNoscript(n *html.Node) bool { return n.DataAtom == atom.Noscript }

// isMarkupTemplate reports a script element that holds markup to be
// inserted into the page rather than code or data.
func isMarkupTemplate(n *html.Node) bool {
	if n.DataAtom != atom.Script {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(attr(n, "type"))) {
	case "text/template", "text/html", "text/x-template", "text/x-html-template":
		return true
	}
	return false
}

// maxNoticeBytes is the longest markup taken for a notice about scripts.
const maxNoticeBytes = 1000

// scriptNotice reports the short markup of a notice that the page needs
// scripts ("Please enable JavaScript to view this page"): what a page
// built in the browser sends to browsers without scripts when it has no
// text of its own for them. Read as the post, it would give an empty page
// a one-line body. The word is the same in every language the notices
// are written in.
func scriptNotice(markup string) bool {
	return len(markup) < maxNoticeBytes && strings.Contains(strings.ToLower(markup), "javascript")
}

// spliceRawMarkup replaces every element below root that pick selects and
// whose only child is raw text holding markup by that markup, parsed as
// children of the element's parent. It reports whether it replaced any.
func spliceRawMarkup(root *html.Node, pick func(*html.Node) bool) bool {
	var found []*html.Node
	eachElement(root, func(n *html.Node) bool {
		if pick(n) {
			if t := n.FirstChild; t != nil && t.Type == html.TextNode && t.NextSibling == nil && strings.Contains(t.Data, "<") && !scriptNotice(t.Data) {
				found = append(found, n)
			}
			return false
		}
		return true
	})
	done := false
	for _, n := range found {
		parent := n.Parent
		if parent == nil || parent.Type != html.ElementNode {
			continue
		}
		nodes, err := html.ParseFragment(strings.NewReader(n.FirstChild.Data), parent)
		if err != nil {
			continue
		}
		for _, m := range nodes {
			parent.InsertBefore(m, n)
		}
		parent.RemoveChild(n)
		done = true
	}
	return done
}

// headlineReach is how many blocks (a byline, a date, a share bar) may
// stand between a one-paragraph post and its headline.
const headlineReach = 8

// afterHeadline reports whether the nearest heading before blocks[at],
// within headlineReach blocks, is the page's headline: not a link, and
// its text one of titles, compared as titleKey does. A one-paragraph post
// is a headline and its paragraph; the single long line a listing page
// carries (a customer's quote, a catalogue entry) is under a card's linked
// title or under none.
// A rule switch, "lone-prose-headline", turns the test off.
func (c *Cleaner) afterHeadline(blocks []*block, at int, titles []string) bool {
	if !c.on("lone-prose-headline") {
		return true
	}
	for i := at - 1; i >= 0 && i >= at-headlineReach; i-- {
		b := blocks[i]
		if b.kind != kindHeading {
			continue
		}
		if b.linkDensity() > 0.5 {
			// A linked heading titles a card pointing to another page.
			return false
		}
		k := titleKey(b.text)
		for _, t := range titles {
			if k != "" && titleKey(t) == k {
				return true
			}
		}
		return false
	}
	return false
}

// loneProse reports a block that would be article prose but for its
// context: written as a sentence, few links of its own, no boilerplate
// name, and long enough to be more than a card's one-line summary.
func loneProse(b *block) bool {
	if b.boiler != "" || b.figure || b.kind == kindHeading || b.linkDensity() > 0.3 || looksLikeMarkup(b.text) {
		return false
	}
	return len(b.text) >= longParagraph && sentenceShaped(b.text)
}

// fallbackHowTo: a how-to or recipe page built by a script from data (a
// single-page application that renders in the browser) has no text in its
// markup, but often declares the whole instructions as a JSON-LD HowTo or
// Recipe: a description, then steps, each with a name and a text, grouped
// in sections. howToBlocks turns them into paragraphs, in their order,
// when they add up to ldMinWords, the least the cascade takes from a
// JSON-LD articleBody.
func howToBlocks(o map[string]any, elem *html.Node) []*block {
	var paras []string
	addMarkup(ldString(o["description"]), &paras)
	for _, k := range []string{"recipeIngredient", "step", "recipeInstructions"} {
		howToSteps(o[k], &paras, 0)
	}
	var out []*block
	words := 0
	for _, p := range paras {
		words += wordCount(p)
		out = append(out, &block{text: p, elem: elem, kind: kindPara})
	}
	if words < ldMinWords {
		return nil
	}
	return out
}

// howToSteps appends the text of a HowTo's steps (a string, a list, or
// HowToStep, HowToSection, HowToDirection and HowToTip objects, which
// nest through itemListElement) to paras.
func howToSteps(v any, paras *[]string, depth int) {
	if depth > 6 || len(*paras) > 500 {
		return
	}
	switch x := v.(type) {
	case string:
		addMarkup(ldString(x), paras)
	case []any:
		for _, e := range x {
			howToSteps(e, paras, depth+1)
		}
	case map[string]any:
		name, text := ldString(x["name"]), ldString(x["text"])
		// Sites often repeat the step's text as its name.
		if name != "" && !strings.HasPrefix(text, name) {
			addMarkup(name, paras)
		}
		addMarkup(text, paras)
		howToSteps(x["itemListElement"], paras, depth+1)
	}
}

// addMarkup appends the paragraphs of s, which JSON-LD often carries as
// HTML ("<p>Measure the table.</p><p>...</p>"), to paras.
func addMarkup(s string, paras *[]string) {
	if s == "" {
		return
	}
	if !strings.Contains(s, "<") {
		*paras = append(*paras, s)
		return
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return
	}
	var run strings.Builder
	flush := func() {
		if t := normSpace(run.String()); t != "" {
			*paras = append(*paras, t)
		}
		run.Reset()
	}
	for _, n := range nodes {
		if n.Type == html.ElementNode && isBlockTag(n.DataAtom) {
			flush()
			run.WriteString(textOf(n))
			flush()
			continue
		}
		if n.Type == html.TextNode {
			run.WriteString(n.Data)
		} else if n.Type == html.ElementNode && !skipTag(n.DataAtom) {
			run.WriteString(" " + textOf(n) + " ")
		}
	}
	flush()
}
