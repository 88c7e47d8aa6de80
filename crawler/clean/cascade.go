package clean

import (
	"strings"

	"golang.org/x/net/html"
)

// Cascade thresholds, one calibrated set (see TestRuleCV): the fallback is
// tried when the first extraction keeps less than trySmaller of the page's
// prose, and taken when it keeps at least takeRatio times as much text, of
// which at least minProseShare is prose, at a link density below
// maxLinkShare.
const (
	trySmaller    = 0.5
	tryBelow      = 1200 // bytes of kept text
	takeRatio     = 2.0
	minProseShare = 0.6
	maxLinkShare  = 0.25
	// ldRatio: JSON-LD articleBody replaces a body that has less than this
	// share of its words.
	ldRatio = 0.5
	// ldMinWords is the least articleBody worth taking.
	ldMinWords = 50
)

// keptStats sums what a candidate body keeps.
type keptStats struct {
	text, prose, links int
}

func statsOf(kept []*block) keptStats {
	var s keptStats
	for _, b := range kept {
		if b.removed != "" {
			continue
		}
		s.text += len(b.text)
		s.links += b.links
		if proseLike(b) {
			s.prose += len(b.text)
		}
	}
	return s
}

// proseLike reports a block that reads as running text, whatever the
// element around it is called: sentences, few links.
func proseLike(b *block) bool {
	if b.figure || b.kind == kindHeading || b.linkDensity() >= 0.3 || b.teaser() {
		return false
	}
	n := len(b.text)
	return n >= 80 || (n >= 30 && endsSentence(b.text))
}

// cascade makes sure a page with an article does not come out empty or cut
// to a fragment: when the first extraction (blocks, kept) holds much less
// than the prose on the page, it tries a readability-style extraction that
// ignores what elements are named, and then the publisher's own JSON-LD
// articleBody, and returns the candidate the comparison prefers.
func (c *Cleaner) cascade(body *html.Node, titles []string, blocks, kept []*block, ldBody string) ([]*block, []*block) {
	wild := 0
	for _, b := range blocks {
		if proseLike(b) {
			wild += len(b.text)
		}
	}
	cur := statsOf(kept)
	if cur.text < tryBelow && float64(cur.text) < trySmaller*float64(wild) && c.on("cascade-relaxed") {
		bb, bk := c.extract(body, titles, false)
		alt := statsOf(bk)
		// A fallback that keeps the first body and adds to it needs less
		// evidence than one that replaces it by another part of the page.
		ratio := takeRatio
		if !extends(bk, kept) {
			ratio *= 2
		}
		if alt.text > 0 && float64(alt.text) >= ratio*float64(cur.text) &&
			float64(alt.prose) >= minProseShare*float64(alt.text) &&
			float64(alt.links) < maxLinkShare*float64(alt.text) {
			blocks, kept, cur = bb, bk, alt
		}
	}
	if ldBody != "" && c.on("cascade-ld") {
		ldWords := wordCount(ldBody)
		if ldWords >= ldMinWords && float64(wordCount(keptText(kept))) < ldRatio*float64(ldWords) {
			kept = ldBlocks(ldBody, body)
			blocks = append(blocks, kept...)
		}
	}
	return blocks, kept
}

func keptText(kept []*block) string {
	var sb strings.Builder
	for _, b := range kept {
		if b.removed == "" {
			sb.WriteString(b.text)
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

// ldBlocks turns a JSON-LD articleBody into paragraph blocks, split on
// its line breaks.
func ldBlocks(body string, elem *html.Node) []*block {
	var out []*block
	for _, line := range strings.Split(body, "\n") {
		if t := normSpace(line); t != "" {
			out = append(out, &block{text: t, elem: elem, kind: kindPara})
		}
	}
	return out
}

// extends reports whether candidate keeps at least half of the text that
// base keeps.
func extends(candidate, base []*block) bool {
	have := make(map[string]bool)
	for _, b := range candidate {
		if b.removed == "" {
			have[b.text] = true
		}
	}
	both, all := 0, 0
	for _, b := range base {
		if b.removed == "" {
			all += len(b.text)
			if have[b.text] {
				both += len(b.text)
			}
		}
	}
	return 2*both >= all
}

// sentenceShaped reports text written as a sentence, in any script: enough
// words and either a sentence end or clauses separated by commas
// (including the ideographic and Arabic commas). Menus and link lists are
// short labels without either.
func sentenceShaped(s string) bool {
	if wordCount(s) < 8 {
		return false
	}
	if endsSentence(s) {
		return true
	}
	commas := 0
	for _, r := range s {
		switch r {
		case ',', '、', '，', '،', ';', '；':
			commas++
		}
	}
	return commas >= 2
}
