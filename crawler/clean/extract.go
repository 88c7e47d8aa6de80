package clean

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockKind is the role of a block of text in the document.
type blockKind uint8

const (
	kindText blockKind = iota
	kindPara
	kindHeading
	kindItem
	kindQuote
	kindPre
	kindCell
	kindCaption
)

// block is one run of text between block-level boundaries: a paragraph,
// a heading, a list item, a table cell.
type block struct {
	text    string
	links   int        // bytes of text inside links
	elem    *html.Node // innermost block element holding the text
	kind    blockKind
	level   int    // heading level
	boiler  string // layer-1 reason inherited from an ancestor, or ""
	figure  bool   // inside a figure
	meta    bool   // inside an element marked as byline, date or caption
	removed string
	// ctxLinks is the link density of the block's context (see assignBoiler).
	ctxLinks float64
	// inCard marks a block in a small element titled by a linked heading.
	inCard bool
	// boxed marks a block removed with the box around a layer-2 finding.
	boxed bool
}

func (b *block) linkDensity() float64 {
	if len(b.text) == 0 {
		return 0
	}
	return float64(b.links) / float64(len(b.text))
}

// walkState is what a node inherits from its ancestors.
type walkState struct {
	boiler string
	link   bool
	figure bool
	meta   bool
	kind   blockKind
	level  int
}

// linearizer turns the DOM into a list of text blocks.
type linearizer struct {
	blocks  []*block
	cur     strings.Builder
	curLink int
	curSt   walkState
	curElem *html.Node
	started bool
	budget  int // nodes left to visit
	// streamed makes React streaming segments visible (isStreamedSegment).
	streamed bool
}

func (l *linearizer) flush() {
	if !l.started {
		return
	}
	t := normSpace(l.cur.String())
	if t != "" {
		l.blocks = append(l.blocks, &block{
			text: t, links: min(l.curLink, len(t)), elem: l.curElem, kind: l.curSt.kind,
			level: l.curSt.level, boiler: l.curSt.boiler, figure: l.curSt.figure, meta: l.curSt.meta,
		})
	}
	l.cur.Reset()
	l.curLink = 0
	l.started = false
}

func (l *linearizer) walk(n *html.Node, depth int, st walkState, blockElem *html.Node) {
	l.budget--
	if depth > maxDepth || l.budget < 0 {
		return
	}
	switch n.Type {
	case html.TextNode:
		if strings.TrimSpace(n.Data) == "" {
			if l.started {
				l.cur.WriteByte(' ')
			}
			return
		}
		if !l.started {
			l.started = true
			l.curSt = st
			l.curElem = blockElem
		}
		if l.cur.Len() < 1<<18 {
			l.cur.WriteString(n.Data)
			if st.link {
				l.curLink += len(strings.TrimSpace(n.Data))
			}
		}
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			l.walk(c, depth+1, st, blockElem)
		}
		return
	default:
		return
	}
	if skipTag(n.DataAtom) || isHidden(n) && !(l.streamed && isStreamedSegment(n)) {
		return
	}
	if n.DataAtom == atom.Br || n.DataAtom == atom.Hr {
		l.flush()
		return
	}
	isBlock := isBlockTag(n.DataAtom)
	if isMetaElement(n) {
		st.meta = true
	}
	switch n.DataAtom {
	case atom.A:
		st.link = true
	case atom.Figure, atom.Figcaption:
		st.figure = true
		st.kind = kindCaption
	case atom.P:
		if st.kind != kindCaption {
			st.kind = kindPara
		}
	case atom.Li, atom.Dd, atom.Dt:
		st.kind = kindItem
	case atom.Blockquote:
		st.kind = kindQuote
	case atom.Pre:
		st.kind = kindPre
	case atom.Td, atom.Th:
		st.kind = kindCell
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		st.kind = kindHeading
		st.level = headingLevel(n.DataAtom)
	}
	if isBlock {
		l.flush()
		blockElem = n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		l.walk(c, depth+1, st, blockElem)
	}
	if isBlock {
		l.flush()
	}
}

func isHidden(n *html.Node) bool {
	if hasAttr(n, "hidden") {
		return true
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	style := strings.ToLower(attr(n, "style"))
	if style != "" {
		style = strings.ReplaceAll(style, " ", "")
		if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
			return true
		}
	}
	return false
}

// isStreamedSegment reports a React streaming segment: server-rendered
// content sent hidden (<div hidden id="S:0">) and moved into its place by
// a script before the page is shown. Sites built that way carry their
// whole article in such segments.
func isStreamedSegment(n *html.Node) bool {
	id := attr(n, "id")
	if len(id) < 3 || !strings.HasPrefix(id, "S:") {
		return false
	}
	_, ok := allDigits(id[2:])
	return ok
}

// layoutWords in a class name describe page layout or state, not a
// component: "sidebar-grid", "has-sidebar", "nav-open" wrap content.
var layoutWords = map[string]bool{"grid": true, "layout": true, "has": true, "with": true, "enabled": true,
	"open": true, "from": true, "is": true, "offcanvas": true, "toggle": true, "trigger": true, "template": true,
	"single": true, "body": true, "page": true, "no": true, "not": true, "without": true, "embed": true,
	"embedded": true, "tweet": true, "instagram": true}

func hasLayoutWord(toks []string) bool {
	for _, t := range toks {
		if layoutWords[t] {
			return true
		}
	}
	return false
}

// classTokens splits one class name or id into lower-case words.
func classTokens(s string) []string {
	if len(s) > 100 {
		s = s[:100]
	}
	var toks []string
	var b strings.Builder
	prevLower := false
	emit := func() {
		if b.Len() > 0 {
			toks = append(toks, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				emit()
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r):
			b.WriteRune(r)
			prevLower = true
		default:
			emit()
			prevLower = false
		}
	}
	emit()
	return toks
}

// strongNegative are class/id words that mark an element as boilerplate
// whatever else it is called.
var strongNegative = map[string]string{
	"nav": "navigation", "navbar": "navigation", "navigation": "navigation", "menu": "navigation",
	"breadcrumb": "navigation", "breadcrumbs": "navigation", "masthead": "navigation", "skip": "navigation",
	"footer": "footer", "sidebar": "sidebar", "rail": "sidebar",
	"share": "share bar", "sharing": "share bar", "social": "share bar", "sharebar": "share bar", "sharetools": "share bar",
	"related": "related links", "recommended": "related links", "recommendations": "related links", "recirc": "related links",
	"trending": "related links", "popular": "related links", "mostread": "related links", "outbrain": "related links", "taboola": "related links",
	"newsletter": "newsletter", "signup": "newsletter", "subscribe": "subscription",
	"comment": "comments", "comments": "comments", "disqus": "comments", "replies": "comments",
	"advert": "advertising", "advertisement": "advertising", "ad": "advertising", "ads": "advertising", "adslot": "advertising",
	"dfp": "advertising", "gpt": "advertising", "sponsor": "advertising", "sponsored": "advertising", "promo": "promotion",
	"cookie": "consent notice", "cookies": "consent notice", "consent": "consent notice", "gdpr": "consent notice",
	"popup": "overlay", "modal": "overlay", "overlay": "overlay", "toolbar": "navigation", "pagination": "navigation",
	"pager": "navigation", "tags": "tag list", "keywords": "tag list", "topics": "tag list", "print": "tools",
	"sronly": "screen-reader text", "visually": "screen-reader text", "offscreen": "screen-reader text",
}

// weakNegative words mark metadata around the body (bylines, captions);
// they apply only to small elements (under weakMaxText bytes of text).
var weakNegative = map[string]string{
	"byline": "byline", "author": "byline", "authors": "byline", "contributor": "byline", "dateline": "dateline",
	"caption": "caption", "credit": "caption", "credits": "caption", "figcaption": "caption",
	"meta": "metadata", "date": "metadata", "timestamp": "metadata", "time": "metadata", "published": "metadata",
	"header": "header", "hidden": "hidden", "bio": "author bio", "headline": "headline", "kicker": "headline",
	"label": "label", "disclaimer": "disclaimer", "widget": "widget",
	// A box the site names a call to action ("cta", "call-to-action")
	// holds its own pitch: "Book a demo", "Get a quote", a product
	// plug set inside or under the story. A pitch written into the
	// story's prose is often body text; one the markup sets apart is not.
	"cta": "call to action", "ctas": "call to action", "calltoaction": "call to action",
	// "label" is not applied with the label-text rule on (assignBoiler),
	// nor a call to action with the cta-class rule off.
}

// Three thresholds of layers 1 and 2, calibrated together (site-grouped
// 5-fold cross-validation on both dev sets, the setting chosen on four
// folds and scored on the fifth; see crawler/clean/README.md):
const (
	// weakMaxText is the most text an element named by a weakNegative
	// word holds and still be metadata rather than a part of the story.
	weakMaxText = 600
	// teaserCtx is the link density of a short block's context above
	// which it is a teaser (see block.teaser).
	teaserCtx = 0.5
	// linkDenseShare is the link density above which a block is a link
	// list, unless it is written as a sentence.
	linkDenseShare = 0.6
)

// cardMaxText is the most text a teaser card holds: its linked title,
// a summary, a date and a byline.
const cardMaxText = 1000

// longParagraph is the length in bytes from which a kept block counts as
// one of the story's long paragraphs: the span of the story (storySpan),
// the element that holds it (cutAfterStoryElement) and the text a page
// prints twice (dropRepeats) are read from them, and shorter lines are a
// FAQ's questions or a card's title.
const longParagraph = 150

// layer1Signal returns why an element holding textLen bytes of text is
// structural boilerplate, or "".
func layer1Signal(n *html.Node, textLen int) string {
	switch n.DataAtom {
	case atom.Nav:
		return "dom: navigation"
	case atom.Aside:
		return "dom: aside"
	case atom.Footer:
		return "dom: footer"
	case atom.Header:
		return "dom: header"
	case atom.Form:
		if textLen < 600 && findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.Input && attr(c, "type") != "hidden" }) != nil {
			return "dom: form"
		}
	}
	switch strings.ToLower(attr(n, "role")) {
	case "navigation", "menu", "menubar", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "tablist":
		return "dom: role " + strings.ToLower(attr(n, "role"))
	}
	for _, name := range strings.Fields(attr(n, "class") + " " + attr(n, "id")) {
		toks := classTokens(name)
		if len(toks) > 6 || hasLayoutWord(toks) {
			continue
		}
		for _, t := range toks {
			if r, ok := strongNegative[t]; ok {
				return "dom: " + r
			}
		}
		if textLen < weakMaxText {
			for _, t := range toks {
				if r, ok := weakNegative[t]; ok {
					return "dom: " + r
				}
			}
			for i := 0; i+2 < len(toks); i++ {
				if toks[i] == "call" && toks[i+1] == "to" && toks[i+2] == "action" {
					return "dom: call to action"
				}
			}
		}
	}
	return ""
}

func isMetaElement(n *html.Node) bool {
	ip := attr(n, "itemprop")
	return strings.Contains(ip, "author") || strings.Contains(ip, "datePublished") || n.DataAtom == atom.Time && len(n.Attr) > 0
}

// elemStats is the text an element holds, summed over its blocks.
type elemStats struct {
	text  int // all text
	links int // text inside links
	prose int // text of prose-like blocks
	heads int // headings that are links: the titles of teaser cards
	sig   string
	done  bool
}

// assignBoiler gives each block the layer-1 reason of its nearest
// ancestor whose tag, role, class or id marks boilerplate. An element that
// holds much of the page's prose is the article (or wraps it) however it
// is named, so its class words are ignored: "box article modal-enabled" or
// a layout called "sidebar-grid" must not take the story with them.
//
// With structure false no element is boilerplate by its name except
// comment sections.
//
// on tells which optional rules are enabled (see Cleaner.on).
func assignBoiler(blocks []*block, root *html.Node, structure bool, on func(string) bool) {
	stats := make(map[*html.Node]*elemStats)
	allProse := 0
	for _, b := range blocks {
		prose := len(b.text) >= 40 && b.linkDensity() < 0.3 && b.kind != kindHeading
		if prose {
			allProse += len(b.text)
		}
		d := 0
		for n := b.elem; n != nil && d < 200; n = n.Parent {
			st := stats[n]
			if st == nil {
				st = &elemStats{}
				stats[n] = st
			}
			st.text += len(b.text)
			st.links += b.links
			if b.kind == kindHeading && b.linkDensity() > 0.8 {
				st.heads++
			}
			if prose {
				st.prose += len(b.text)
			}
			d++
		}
	}
	for _, b := range blocks {
		// The context of a block is its smallest ancestor holding clearly
		// more text than the block itself. A teaser's summary sits in a
		// card made mostly of links (headline, author, section); an
		// article paragraph sits in a body of prose.
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if st := stats[n]; st.text >= len(b.text)+40 {
				b.ctxLinks = float64(st.links) / float64(st.text)
				b.inCard = st.text < cardMaxText && st.heads > 0 && b.kind != kindHeading
				break
			}
		}
		d := 0
		for n := b.elem; n != nil && n != root && d < 200; n = n.Parent {
			st := stats[n]
			if !st.done {
				st.done = true
				st.sig = layer1Signal(n, st.text)
				if st.sig == "dom: label" && on("label-text") {
					// "label" names what a page shows as text as
					// often as a form's captions: a product's badge
					// ("Best overall"), a specification's name, a
					// field of a record, a word's part of speech.
					st.sig = ""
				}
				if st.sig == "dom: call to action" && !on("cta-class") {
					st.sig = ""
				}
				if !structure && st.sig != "dom: comments" {
					// Comments are the one name trusted in the relaxed
					// pass: they read like prose and can outweigh the
					// story.
					st.sig = ""
				}
				rich := float64(st.prose) >= 0.5*float64(allProse) && st.prose >= 250
				if rich && st.sig != "dom: comments" && st.sig != "dom: footer" {
					// Comments can outweigh the story; nothing else that
					// holds this much prose is boilerplate.
					st.sig = ""
				}
			}
			if st.sig != "" {
				b.boiler = st.sig
				break
			}
			d++
		}
	}
}

// goodBlock reports a block that reads like article prose.
func goodBlock(b *block) bool {
	if b.boiler != "" || b.figure || b.kind == kindHeading || b.linkDensity() > 0.3 || b.teaser() || looksLikeMarkup(b.text) {
		return false
	}
	n := len(b.text)
	return n >= 80 || (n >= 30 && endsSentence(b.text))
}

// teaser reports a short block whose surroundings are mostly links: the
// summary line of a card in a list of other stories.
func (b *block) teaser() bool {
	return (b.ctxLinks > teaserCtx || b.inCard) && len(b.text) < 400
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ")
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case '.', '!', '?', '"', ')', ':':
		return true
	}
	return strings.HasSuffix(s, "”") || strings.HasSuffix(s, "’") || strings.HasSuffix(s, "…") || strings.HasSuffix(s, "。")
}

// pickContainer returns the elements holding the article: the element
// whose subtree holds the most article prose net of the boilerplate it
// would also bring in, and those of its siblings that hold prose of their
// own. A story split by an advert or a "read more" box into two siblings
// is kept whole, without the box between them (its blocks are filtered).
//
// With climb, a container that is a paragraph is replaced by the element
// around it: an article is never one paragraph, and a paragraph wins only
// when the rest of the article around it is broken into pieces that score
// low one by one (lines split by <br>, tables between the paragraphs).
func pickContainer(blocks []*block, climb, widen bool) []*html.Node {
	const boilerWeight = 0.5
	score := make(map[*html.Node]float64)
	prose := make(map[*html.Node]int)
	// order lists the scored elements as first met, so that ties are
	// broken the same way on every run (map order is random).
	var order []*html.Node
	for _, b := range blocks {
		var w float64
		switch {
		case goodBlock(b):
			w = float64(len(b.text))
		case b.kind == kindHeading && b.boiler == "":
			w = 0
		case b.boiler != "":
			w = -boilerWeight * float64(len(b.text))
		default:
			// Link text is what navigation is made of; short plain text
			// (table cells, list items, labels) is only weakly suspect.
			w = -float64(b.links) - 0.25*float64(len(b.text)-b.links)
		}
		if w == 0 {
			continue
		}
		d := 0
		for n := b.elem; n != nil && d < 200; n = n.Parent {
			if _, ok := score[n]; !ok {
				order = append(order, n)
			}
			score[n] += w
			if w > 0 {
				prose[n] += len(b.text)
			}
			d++
		}
	}
	var best *html.Node
	bestScore := 0.0
	for _, n := range order {
		s := score[n]
		if s > bestScore || (s == bestScore && best != nil && isAncestor(n, best)) {
			best, bestScore = n, s
		}
	}
	if best == nil {
		return nil
	}
	if climb {
		for best.Parent != nil && best.Parent.Type == html.ElementNode && isTextBlock(best.DataAtom) {
			best = best.Parent
			bestScore = score[best]
		}
	}
	if widen {
		// The score of the part, not of the wider element, still sets the
		// bar for siblings: the wider one's is lowered by its links.
		best = widenContainer(best, score, prose)
	}
	out := []*html.Node{best}
	if best.Parent != nil {
		for c := best.Parent.FirstChild; c != nil; c = c.NextSibling {
			if c != best && score[c] >= max(0.15*bestScore, 150) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Widening: the element scored best can be one part of the article (a
// section, the part above a product box) when the rest of it carries
// links and labels that cost the whole more than they cost the part. An
// ancestor is taken instead when it holds widenProse times the prose and
// its links and labels weigh less than widenCost times its prose: what it
// adds is mostly more of the story, and the layer-1 and layer-2 filters
// still remove the links and labels inside it.
const (
	widenProse  = 3.0
	widenCost   = 2.0
	widenLevels = 6
)

// widenContainer returns the ancestor of best that holds the article when
// best holds only part of it, or best.
func widenContainer(best *html.Node, score map[*html.Node]float64, prose map[*html.Node]int) *html.Node {
	for n, d := best.Parent, 0; n != nil && n.Type == html.ElementNode && d < widenLevels; n, d = n.Parent, d+1 {
		p := float64(prose[n])
		cost := p - score[n]
		if p >= widenProse*float64(prose[best]) && cost <= widenCost*p {
			best = n
		}
	}
	return best
}

// isTextBlock reports elements that hold one paragraph of text rather than
// a run of them.
func isTextBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Blockquote, atom.Pre, atom.Li, atom.Dd, atom.Td, atom.Th,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Span, atom.Strong, atom.Em, atom.B, atom.I, atom.A, atom.Font:
		return true
	}
	return false
}

func isAncestor(a, n *html.Node) bool {
	for d := 0; n != nil && d < 1000; d++ {
		if n == a {
			return true
		}
		n = n.Parent
	}
	return false
}
