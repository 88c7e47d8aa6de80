package clean

import (
	"strings"
	"unicode"
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
		if b.removed == "" && goodBlock(b) && len(b.text) >= 150 && !isDisclosure(b.text) {
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
