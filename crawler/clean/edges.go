package clean

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// The blocks at the two edges of an article are where sites put what
// they say about themselves: the disclosure that links earn a commission
// above or below the text, and the headings of the sections that follow
// (related posts, tags, "pin this"). The rules here recognise those by
// shape and position, in the languages the marker lists cover, from the
// first page of a site.
//
// Author bios were tried as well ("<Name> is a freelance writer ..." in
// the last blocks) and dropped: cross-validation found as many bios the
// ground truth keeps as bios it leaves out.

// disclosureEarn names what a link earns the site.
var disclosureEarn = []string{"commission", "compensation", "qualifying purchases", "reader-supported", "reader supported",
	"small percentage", "provision", "vergütung", "rémunér", "comisión", "comision", "compensación", "commissione",
	"commissie", "prowizj", "komisyon", "вознагражд", "комисси"}

// disclosureContains say that the page carries affiliate links.
var disclosureContains = []string{"contain", "enthält", "enthalten", "contient", "contiene", "contém", "bevat", "zawiera", "содерж"}

// disclosureLink names the reader's click or purchase that earns it.
var disclosureLink = []string{"link", "purchase", "click", "buy", "kauf", "klick", "achat", "achet", "lien", "clique", "compra",
	"enlace", "acquist", "clic", "aankoop", "klik", "zakup", "satın", "ссылк", "покупк"}

// disclosureSelf are the words with which a site speaks of itself or of
// the page; prose about affiliate marketing speaks of others.
var disclosureSelf = map[string]bool{"we": true, "us": true, "our": true, "i": true, "my": true, "me": true,
	"this": true, "wir": true, "uns": true, "unsere": true, "dieser": true, "diesem": true, "nous": true, "nos": true,
	"notre": true, "cet": true, "cette": true, "nosotros": true, "nuestros": true, "este": true, "esta": true,
	"noi": true, "nostri": true, "questo": true, "wij": true, "ons": true, "onze": true, "deze": true, "dit": true,
	"мы": true, "нас": true, "эта": true, "этой": true}

// disclosureMaxLen is the longest block taken for a disclosure: longer
// ones are prose about affiliate marketing.
const disclosureMaxLen = 500

// isDisclosure reports a short block telling the reader that links on
// the page earn the site money: it names the links or purchases, the
// site or page itself, and either the commission or that the page
// contains affiliate links.
func isDisclosure(text string) bool {
	if len(text) > disclosureMaxLen {
		return false
	}
	low := strings.ToLower(text)
	if !containsAny(low, disclosureLink) {
		return false
	}
	affiliate := strings.Contains(low, "affiliate") || strings.Contains(low, "afilia") || strings.Contains(low, "affilia")
	if !containsAny(low, disclosureEarn) && !(affiliate && containsAny(low, disclosureContains)) {
		return false
	}
	for _, w := range strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if disclosureSelf[w] {
			return true
		}
	}
	return false
}

// cutDisclosures removes affiliate disclosures before the first long
// paragraph of the article or after its last one.
func cutDisclosures(blocks []*block) {
	first, last := -1, -1
	for i, b := range blocks {
		if b.removed == "" && goodBlock(b) && len(b.text) >= longParagraph && !isDisclosure(b.text) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	for i, b := range blocks {
		if b.removed != "" || (i > first && i < last) {
			continue
		}
		if isDisclosure(b.text) {
			b.removed = "content: affiliate disclosure"
		}
	}
}

// orphanMax is the most labels cut from the end: more in a row are a
// list written as headings, which is text.
const orphanMax = 2

// cutOrphanTail removes the headings and labels the article ends with: a
// heading with nothing after it opens a section that is not there (the
// related posts, the tags, a "pin this" button), never the story's text.
func cutOrphanTail(blocks []*block) {
	var cut []*block
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		if b.removed != "" {
			continue
		}
		if !orphanLabel(b) {
			break
		}
		if cut = append(cut, b); len(cut) > orphanMax {
			return
		}
	}
	for _, b := range cut {
		b.removed = "dom: heading at the end"
	}
}

// orphanLabel reports a heading: a short line that is not a heading
// ("Additional reporting by ...", "Filed under: ...") is often part of
// the story's end.
func orphanLabel(b *block) bool {
	return b.kind == kindHeading && len(b.text) <= 100
}

// authorSectionTitles title the box about the author after an article
// (lower case, end punctuation trimmed).
var authorSectionTitles = map[string]bool{
	"about the author": true, "about the authors": true, "about the writer": true, "about the reviewer": true,
	"about the expert": true, "about the experts": true, "meet the author": true, "meet the expert": true,
	"author bio": true, "written by": true, "über den autor": true, "über die autorin": true, "über die autoren": true,
	"à propos de l'auteur": true, "à propos de l’auteur": true, "à propos de l'autrice": true, "sobre el autor": true,
	"sobre la autora": true, "sobre o autor": true, "sobre a autora": true, "l'autore": true, "sull'autore": true,
	"informazioni sull'autore": true, "over de auteur": true, "over de schrijver": true, "o autorze": true,
	"об авторе": true, "yazar hakkında": true,
}

// bioSectionMax and bioSectionLen bound what is cut after an author
// section's title when no element holds the section apart: a few short
// blocks, as a bio is.
const (
	bioSectionMax = 3
	bioSectionLen = 700
)

// cutAuthorSections removes the "About the author" box after the start of
// the story: its title, and the blocks after it inside the smallest
// element around it that holds none of the story, or, when the page is
// flat, up to bioSectionMax short blocks before the next heading.
func cutAuthorSections(blocks []*block) {
	first, _ := storySpan(blocks)
	if first < 0 {
		return
	}
	for i := first + 1; i < len(blocks); i++ {
		b := blocks[i]
		if b.removed != "" || len(b.text) > 40 {
			continue
		}
		if !authorSectionTitles[strings.ToLower(strings.Trim(b.text, " :.-–—"))] {
			continue
		}
		const reason = "content: author bio"
		b.removed = reason
		var sec *html.Node
		for n, d := b.elem.Parent, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if textLenUnder(blocks, n) > len(b.text) {
				sec = n
				break
			}
		}
		story := sec == nil
		for _, o := range blocks[:i] {
			if story {
				break
			}
			story = o.removed == "" && goodBlock(o) && isAncestor(sec, o.elem)
		}
		if !story {
			for _, o := range blocks[i+1:] {
				if o.removed == "" && isAncestor(sec, o.elem) {
					o.removed = reason
				}
			}
			continue
		}
		cut := 0
		for _, o := range blocks[i+1:] {
			if o.removed != "" {
				continue
			}
			if o.kind == kindHeading || len(o.text) > bioSectionLen || cut == bioSectionMax {
				break
			}
			o.removed = reason
			cut++
		}
	}
}

// Thresholds of cutAfterStoryElement: the story's element holds at least
// storyElementShare of the bytes of the story's long paragraphs
// (longParagraph bytes or more, as storySpan counts them), and at least
// storyElementMin of them.
const (
	storyElementShare = 0.8
	storyElementMin   = 3
)

// cutAfterStoryElement removes what the container holds after the
// element the story is written in. Sites put the story's text in one
// element of its own (the body field of a CMS, a rich-text block) and,
// below it but inside the same wrapper, the promotions, service blurbs,
// disclaimers, comment threads and teaser boxes that go with every page;
// those often read as prose, so they are not caught block by block.
//
// The story's element is the smallest one around the first long
// paragraph that holds most of the long paragraphs (storyElementShare)
// and at least storyElementMin of them: with fewer, the page is not built
// around paragraphs (a table, a course list, a webcam page), and what
// follows one paragraph is as often the rest of the text. What follows
// the element is cut only when it holds less prose than the element: a
// tail is smaller than the story, while a story told mostly in short
// paragraphs around a part with long ones (which the container was
// widened to hold) is not cut back to that part.
//
// With bulk, the story's element is the smallest element holding that
// share and count, around any long paragraph, not only the first.
//
// With cards, the summaries of teaser cards (titledBoxes) are not counted
// as the story's prose: the cards of other stories under an article carry
// summaries long enough to read as paragraphs, and counted as prose they
// made the tail look like the story's continuation (and their sum hid the
// story's element).
func cutAfterStoryElement(blocks []*block, cards, bulk, faq bool) {
	var boxed map[*block]bool
	if cards {
		boxed = titledBoxes(blocks)
	}
	prose := func(b *block) bool {
		return b.removed == "" && goodBlock(b) && !boxed[b]
	}
	total := make(map[*html.Node]int)
	count := make(map[*html.Node]int)
	all := 0
	var first *block
	for _, b := range blocks {
		if !prose(b) || len(b.text) < longParagraph {
			continue
		}
		if first == nil {
			first = b
		}
		all += len(b.text)
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			total[n] += len(b.text)
			count[n]++
		}
	}
	if first == nil {
		return
	}
	var story *html.Node
	for n, d := first.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
		if float64(total[n]) >= storyElementShare*float64(all) {
			story = n
			break
		}
	}
	if bulk {
		// The first long paragraph may be a standfirst set above the
		// story's element, which then climbs to the container: take
		// the smallest element holding the share, whichever long
		// paragraphs it holds (of two holding the same text, the inner
		// one).
		for n, t := range total {
			if float64(t) < storyElementShare*float64(all) || count[n] < storyElementMin {
				continue
			}
			if story == nil || t < total[story] || t == total[story] && isAncestor(story, n) {
				story = n
			}
		}
	}
	if story == nil || count[story] < storyElementMin {
		return
	}
	// The story element's blocks are one run in document order: find its
	// ends from the outside in, so that only blocks outside it are
	// tested against it.
	start, end := 0, len(blocks)-1
	for start < end && !isAncestor(story, blocks[start].elem) {
		start++
	}
	for end > start && !isAncestor(story, blocks[end].elem) {
		end--
	}
	inside, after := 0, 0
	for i, b := range blocks[start:] {
		if !prose(b) {
			continue
		}
		if start+i > end {
			after += len(b.text)
		} else {
			inside += len(b.text)
		}
	}
	if after >= inside {
		return
	}
	keepFrom, keepTo := -1, -1
	if faq {
		keepFrom, keepTo = faqRun(blocks, end+1)
	}
	for i, b := range blocks[end+1:] {
		if i := end + 1 + i; i >= keepFrom && i <= keepTo {
			continue
		}
		if b.removed == "" {
			b.removed = "dom: after the story"
		}
	}
}

// faqRun returns the first and last index, from blocks[from:], of a run of
// questions and their answers (a page's FAQ set as a module of its own
// after the story's element), or -1, -1. A question is a short block
// (under a long paragraph's longParagraph bytes, not link-dense) ending in a
// question mark and followed by a kept block that reads as prose and is
// not a question itself (a list of questions whose answers are folded
// away is not the FAQ's text); two such pairs make a FAQ. The run ends
// with the kept blocks after the last question, up to the next heading or
// removed block. WCXB's truth keeps the FAQ on most pages that have one;
// the teasers of other stories whose titles are questions are links, and
// a comment's answer is removed already.
func faqRun(blocks []*block, from int) (first, last int) {
	first, last = -1, -1
	pairs, lastQ := 0, -1
	for i := from; i+1 < len(blocks); i++ {
		b, next := blocks[i], blocks[i+1]
		if len(b.text) >= longParagraph || b.linkDensity() > linkDenseShare || !isQuestion(b.text) {
			continue
		}
		if next.removed != "" || !goodBlock(next) || isQuestion(next.text) {
			continue
		}
		if first < 0 {
			first = i
		}
		pairs++
		lastQ = i
	}
	if pairs < 2 {
		return -1, -1
	}
	last = lastQ
	for j := lastQ + 1; j < len(blocks) && blocks[j].removed == "" && blocks[j].kind != kindHeading; j++ {
		last = j
	}
	return first, last
}

// isQuestion reports a line ending in a question mark (the Latin, the
// full-width or the Arabic one), or in one followed by a single word: the
// icon a FAQ's toggle draws from a ligature font ("What is X?
// chevron_right", "expand_more").
func isQuestion(s string) bool {
	s = strings.TrimSpace(s)
	for _, q := range []string{"?", "？", "؟"} {
		if i := strings.LastIndex(s, q); i >= 0 && !strings.ContainsAny(strings.TrimSpace(s[i+len(q):]), " \t\n") {
			return true
		}
	}
	return false
}

// titledBoxes returns the blocks that sit in a teaser card: their
// context (the smallest ancestor holding 40 bytes more than the block, as
// assignBoiler measures it) holds under cardMaxText bytes and, before the
// block, a linked title line. The title may be a heading or a linked line
// in any element ("div.title > a"); it is mostly link text, as the titles
// elemStats counts are, and shorter than a long paragraph.
func titledBoxes(blocks []*block) map[*block]bool {
	text := make(map[*html.Node]int)
	for _, b := range blocks {
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			text[n] += len(b.text)
		}
	}
	out := make(map[*block]bool)
	for i, b := range blocks {
		if b.kind == kindHeading {
			continue
		}
		var ctx *html.Node
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if text[n] >= len(b.text)+40 {
				ctx = n
				break
			}
		}
		if ctx == nil || text[ctx] >= cardMaxText {
			continue
		}
		for j := i - 1; j >= 0 && isAncestor(ctx, blocks[j].elem); j-- {
			if t := blocks[j]; t.linkDensity() > 0.8 && len(t.text) < longParagraph {
				out[b] = true
				break
			}
		}
	}
	return out
}

// isRuleLine reports a line drawn with text: three or more of one mark
// ("----------", "* * *", "###"), the separator a writer puts between the
// story and what the site adds under it.
func isRuleLine(text string) bool {
	var mark rune
	n := 0
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			continue
		case mark == 0 && strings.ContainsRune("-–—_*=~#", r):
			mark = r
		case r != mark:
			return false
		}
		n++
	}
	return n >= 3
}

// cutAfterRuleLine removes what follows the first rule line (isRuleLine)
// after the story's first long paragraph that has less prose after it
// than before it: a tail is smaller than the story, as
// cutAfterStoryElement measures it, while a line between two parts of a
// story ("* * *") has the longer part after it as often as not. Writers
// set such a line above the credits, the pitch or the notes that close a
// post, inside the element that holds the story, where
// cutAfterStoryElement does not reach.
func cutAfterRuleLine(blocks []*block) {
	first, _ := storySpan(blocks)
	if first < 0 {
		return
	}
	// before[i] is the prose of the blocks before blocks[i].
	before := make([]int, len(blocks)+1)
	for i, b := range blocks {
		before[i+1] = before[i]
		if b.removed == "" && goodBlock(b) {
			before[i+1] += len(b.text)
		}
	}
	all := before[len(blocks)]
	for i := first + 1; i < len(blocks); i++ {
		// A line of dashes in a code listing or a table is part of it.
		if k := blocks[i].kind; k == kindPre || k == kindCell || !isRuleLine(blocks[i].text) || all-before[i] >= before[i] {
			continue
		}
		for _, b := range blocks[i+1:] {
			if b.removed == "" {
				b.removed = "dom: after a rule line"
			}
		}
		return
	}
}
