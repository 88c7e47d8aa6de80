package clean

import "strings"

// Layout is what the structure of a page says about its kind, read from
// the text outside the elements the cleaner takes for boilerplate
// (navigation, footers, sidebars, comments). An article's main area is a
// run of prose; a hub's (a section front, a tag page, a shop grid) is a
// list of cards, each a headline link with perhaps a line of summary.
// The cleaner does not act on it: package crawler weighs it against the
// page's markup and URL.
type Layout struct {
	// Text is the bytes of text outside boilerplate.
	Text int
	// ProseRun is the bytes of text in the longest run of prose
	// paragraphs (sentences with few links) that no link-dominated block
	// interrupts; headings and short lines between the paragraphs do not
	// end a run. An article's body is one such run; a hub's summaries are
	// cut apart by the headline links between them.
	ProseRun int
	// HeadlineLinks counts the blocks outside boilerplate that are a link
	// of headline length: 3 to 20 words, at least 80% of the block's text
	// inside links.
	HeadlineLinks int
	// ArticleElements counts the page's <article> elements. Listings
	// often wrap each teaser in one.
	ArticleElements int
	// ItemList reports a JSON-LD object of type ItemList: the page
	// declares a list of items (products, recipes, stories).
	ItemList bool
	// Prices counts the short blocks outside boilerplate (40 bytes or
	// less) that show a price: a currency sign ($, €, £, ¥) and a digit.
	// A shop's grid shows one on every product card.
	Prices int
	// TitledHeadline is the number of words (separated by spaces) of the
	// page's first h1 when its <title> or og:title repeats it, else 0. An
	// article's headline is a phrase the page also gives as its title; a
	// section front's h1 is a name ("Science"). Text
	// without spaces (Chinese, Japanese) counts as one word, so no such
	// h1 is taken for a headline by its length.
	TitledHeadline int
}

// Headline length, in words, of a link taken for a teaser's headline.
const (
	minHeadlineWords = 3
	maxHeadlineWords = 20
)

// maxPriceLen is the longest block taken for a price label.
const maxPriceLen = 40

// isPrice reports a short text that shows a price.
func isPrice(s string) bool {
	return len(s) <= maxPriceLen && strings.ContainsAny(s, "$€£¥") && strings.ContainsAny(s, "0123456789")
}

// titledHeadline is Layout.TitledHeadline for the page's metadata: the
// first h1 with text, compared with the document and OpenGraph titles
// folded to letters and digits, so that a site name around it or a
// different punctuation does not matter.
func (m *pageMeta) titledHeadline() int {
	if len(m.h1) == 0 {
		return 0
	}
	k := titleKey(m.h1[0])
	if k == "" {
		return 0
	}
	for _, t := range []string{m.titleTag, m.first("og:title")} {
		if strings.Contains(titleKey(t), k) {
			return len(strings.Fields(m.h1[0]))
		}
	}
	return 0
}

// measureLayout fills the fields of Layout that the blocks give (all of
// the page's blocks, with their layer-1 boilerplate reasons).
func measureLayout(blocks []*block) Layout {
	var l Layout
	run := 0
	for _, b := range blocks {
		if b.boiler != "" {
			continue
		}
		l.Text += len(b.text)
		if isPrice(b.text) {
			l.Prices++
		}
		switch {
		case goodBlock(b):
			run += len(b.text)
			l.ProseRun = max(l.ProseRun, run)
		case b.linkDensity() > 0.5 && len(b.text) >= 15:
			run = 0
		}
		if b.linkDensity() >= 0.8 {
			if w := wordCount(b.text); w >= minHeadlineWords && w <= maxHeadlineWords {
				l.HeadlineLinks++
			}
		}
	}
	return l
}
