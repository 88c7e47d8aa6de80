// Package clean turns one fetched HTML page into a clean article: its
// metadata and its main text with boilerplate removed.
//
// Boilerplate is removed in three layers, and every removed block is
// recorded in Article.Removed with the layer that removed it:
//
//  1. dom: the page structure — the container holding the most prose net
//     of link lists and navigation is the article; inside it, blocks under
//     elements whose tag, role, class or id mark navigation, share bars,
//     related links and the like, and link-dense blocks, are dropped.
//  2. content: what a block says — reader-revenue appeals, subscription
//     walls, newsletter sign-ups, consent notices, share and comment
//     prompts, "read more" lists, bylines and photo credits.
//  3. site: what the site repeats — through BlockStats, blocks seen on
//     many pages of one site are that site's boilerplate, whatever their
//     markup (obfuscated class names defeat layer 1).
//
// Layer 2 also knows, from the first page of a site, the prompts that close
// an article (comment and reader-forum invitations, newsletter sign-ups)
// in several languages, by a forum or newsletter word together with an
// invitation, in a short block after the article's last long paragraph.
//
// A page with an article never comes out empty or cut to a fragment: when
// the first extraction keeps much less than the prose on the page, a
// relaxed pass that ignores what elements are named is tried, and the
// longer candidate is taken if it is prose and not link lists; the
// publisher's JSON-LD articleBody comes last (see cascade).
//
// A quality gate then tells articles from hubs, galleries, error pages
// and paywall stubs. The page's links and feeds are returned from the same
// parse, so that a crawler need not parse the page twice.
package clean

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirewatch/wirewatch/internal/urlcanon"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// Page is one fetched page handed to the cleaner.
type Page struct {
	URL           string     // final URL after redirects
	HTML          []byte     // UTF-8
	FetchedAt     time.Time  // when the page was fetched
	HintTitle     string     // from a feed or sitemap, may be ""
	HintPublished *time.Time // from a feed or sitemap, may be nil
}

// Result is the cleaned article and the quality verdict on the page.
type Result struct {
	// Article is built with article.New(page.URL, canonical, page.FetchedAt)
	// and filled with the metadata, the body (paragraphs and headings joined
	// by "\n\n") and the removed blocks. It is set even when IsArticle is
	// false, so that callers can log what the page was.
	Article *article.Article
	// IsArticle is false for hubs, galleries, error pages, paywall stubs and
	// empty pages.
	IsArticle bool
	// Reason says why the page is not an article ("" if it is).
	Reason string
	// Paywalled marks an article whose text is cut by a paywall.
	Paywalled bool
	// Links are the targets of the page's <a href> links and Feeds the RSS
	// and Atom feeds it advertises (<link rel=alternate>), resolved against
	// the page URL and canonicalised, in document order without duplicates
	// (fragment-only, javascript: and mailto: links left out). They are
	// read from the same parse as the article, so that a crawler need not
	// parse the page a second time to discover links.
	Links, Feeds []string
	// ArticleMarkup reports that the page declares itself an article: a
	// JSON-LD article type or og:type "article".
	ArticleMarkup bool
	// SitePages is how many pages of the article's site the learned layer
	// (layer 3) had observed when it cleaned this page, this one included:
	// the evidence its removals rest on. A page cleaned while the count
	// is small may keep blocks the site repeats, which the same page
	// cleaned again later loses (package crawler re-cleans a new site's
	// first pages for that reason). 0 when layer 3 is off, had no block
	// to observe, or its statistics were unavailable.
	SitePages int
	// Layout is what the page's structure says about its kind (a run of
	// prose, or a list of teaser cards); see Layout.
	Layout Layout
}

// Options configure a Cleaner. The zero value works: no learned layer,
// default limits, slog.Default.
type Options struct {
	// Stats is the per-site block memory of layer 3; nil turns layer 3 off.
	Stats BlockStats
	// MaxBytes is the largest page accepted (default 8 MiB). Larger pages
	// are refused with ErrTooLarge rather than parsed.
	MaxBytes int
	// MaxNodes bounds the DOM nodes visited per page (default 300,000),
	// which bounds time on hostile or broken pages.
	MaxNodes int
	// MinSeen is the number of distinct pages of a site a block must have
	// been seen on before layer 3 removes it (default 3).
	MinSeen int
	// MinShare is the share of the site's observed pages a block must have
	// been seen on before layer 3 removes it (default 0.1). Together with
	// MinSeen it keeps a paragraph quoted in a few follow-up stories from
	// being taken for boilerplate on a big site.
	MinShare float64
	// Logger receives debug records; nil means slog.Default().
	Logger *slog.Logger
}

// Errors returned by Clean for unusable input.
var (
	ErrTooLarge = errors.New("page too large")
	ErrNotHTML  = errors.New("not an HTML page")
)

// Cleaner cleans pages. It holds no per-page state and is safe for
// concurrent use.
type Cleaner struct {
	opts Options
	log  *slog.Logger
	// noContent turns layer 2 off, so that tests can show what layer 3
	// does on its own.
	noContent bool
	// off names rules turned off, for cross-validating each rule's effect
	// (see NewWithout in the tests); nil in production.
	off map[string]bool
}

// on reports whether the named rule is enabled.
func (c *Cleaner) on(rule string) bool { return !c.off[rule] }

// New returns a Cleaner with opts, defaults filled in.
func New(opts Options) *Cleaner {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 8 << 20
	}
	if opts.MaxNodes <= 0 {
		opts.MaxNodes = 300_000
	}
	if opts.MinSeen <= 0 {
		opts.MinSeen = 3
	}
	if opts.MinShare <= 0 {
		opts.MinShare = 0.1
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Cleaner{opts: opts, log: log}
}

// maxRemoved caps Article.Removed so that a page of a thousand menu items
// does not flood the audit trail.
const maxRemoved = 80

// Clean cleans one page. It returns an error only for input that cannot be
// a page (too large, not HTML) or when ctx ends; every HTML page, however
// broken, yields a Result.
func (c *Cleaner) Clean(ctx context.Context, p Page) (Result, error) {
	if len(p.HTML) > c.opts.MaxBytes {
		return Result{}, fmt.Errorf("clean %s: %w (%d bytes, limit %d)", p.URL, ErrTooLarge, len(p.HTML), c.opts.MaxBytes)
	}
	if !looksLikeHTML(p.HTML) {
		return Result{}, fmt.Errorf("clean %s: %w", p.URL, ErrNotHTML)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("clean %s: %w", p.URL, err)
	}
	src := bytes.ToValidUTF8(p.HTML, []byte("\uFFFD"))
	if bytes.IndexByte(src, 0) >= 0 {
		src = bytes.ReplaceAll(src, []byte{0}, nil)
	}
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		// The parser refuses absurdly deep documents; keep their text by
		// dropping the tags nested beyond a sane depth, and try again.
		doc, err = html.Parse(bytes.NewReader(flattenDeep(src, 200)))
		if err != nil {
			return Result{}, fmt.Errorf("clean %s: parse: %w", p.URL, err)
		}
	}
	pm := gatherMeta(doc)
	md := pm.resolve(p.URL, p)
	a := article.New(p.URL, md.canonical, p.FetchedAt)
	a.Title = md.title
	a.Authors = md.authors
	a.PublishedAt = md.published
	a.ModifiedAt = md.modified
	a.Language = md.language
	a.Section = md.section
	a.Description = md.description
	a.ImageURL = md.image
	a.SourceName = md.sourceName

	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("clean %s: %w", p.URL, err)
	}
	body := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if body == nil {
		body = doc
	}
	titles := append([]string{a.Title, pm.ld.headline, pm.first("og:title")}, pm.h1...)
	blocks, kept := c.extract(body, titles, true)
	if c.on("cascade") {
		blocks, kept = c.cascade(body, titles, blocks, kept, pm.ld.body)
	}
	if statsOf(kept).text == 0 {
		blocks, kept = c.rescueEmpty(body, titles, &pm.ld, blocks, kept)
	}
	sitePages := 0
	if c.opts.Stats != nil {
		var err error
		if sitePages, err = c.layer3(ctx, a, kept, pm.ld.body); err != nil {
			if ctx.Err() != nil {
				// Shutting down, not an outage: a page cleaned without the
				// site's statistics now would carry the chrome they know
				// and go out so. Left uncleaned, it is fetched again by
				// the host's next owner or after a restart.
				return Result{}, fmt.Errorf("clean %s: %w", p.URL, ctx.Err())
			}
			// The learned layer is an improvement, not a requirement: a
			// store outage must not stop the crawl.
			c.log.WarnContext(ctx, "clean: block stats unavailable", "url", p.URL, "err", err)
		}
	}
	var paras []string
	for _, b := range kept {
		if b.removed != "" {
			if len(a.Removed) < maxRemoved && len(b.text) >= 20 {
				a.Removed = append(a.Removed, article.Removed{Text: truncate(b.text, 300), Reason: b.removed})
			}
			continue
		}
		paras = append(paras, b.text)
	}
	a.Body = strings.Join(paras, "\n\n")
	// Substantial text outside the article container goes on record too,
	// after the removals inside it, which matter more to an audit.
	inside := make(map[*block]bool, len(kept))
	for _, b := range kept {
		inside[b] = true
	}
	for _, b := range blocks {
		if len(a.Removed) >= maxRemoved {
			break
		}
		if inside[b] || len(b.text) < 80 {
			continue
		}
		reason := b.boiler
		if reason == "" {
			reason = "dom: outside main content"
		}
		a.Removed = append(a.Removed, article.Removed{Text: truncate(b.text, 300), Reason: reason})
	}
	a.Normalize()

	res := Result{Article: a, IsArticle: true, Links: resolveLinks(p.URL, pm.hrefs), Feeds: resolveLinks(p.URL, pm.feedHrefs), SitePages: sitePages}
	res.ArticleMarkup = pm.declaresArticle()
	res.Layout = measureLayout(blocks)
	res.Layout.ArticleElements, res.Layout.ItemList = pm.articleEls, pm.ld.itemList
	res.Layout.TitledHeadline = pm.titledHeadline()
	gate(&res, pm, blocks, kept)
	c.log.DebugContext(ctx, "clean: page cleaned", "url", p.URL, "words", a.WordCount, "removed", len(a.Removed), "article", res.IsArticle, "reason", res.Reason)
	return res, nil
}

// resolveLinks resolves hrefs against the page URL and canonicalises
// them, dropping duplicates and links that lead nowhere to fetch.
func resolveLinks(base string, hrefs []string) []string {
	var out []string
	seen := make(map[string]bool, len(hrefs))
	for _, h := range hrefs {
		h = strings.TrimSpace(h)
		lh := strings.ToLower(h)
		if h == "" || strings.HasPrefix(h, "#") || strings.HasPrefix(lh, "javascript:") || strings.HasPrefix(lh, "mailto:") {
			continue
		}
		u, err := urlcanon.Resolve(base, h)
		if err != nil || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
	return out
}

// extract linearizes the DOM under body into blocks, picks the article
// container and marks what layers 1 and 2 remove in it. With structure
// false, class, id, tag and role signals (layer 1's names) are ignored, so
// that an article held in an element named like boilerplate ("footer",
// "nav-content") can be found: the readability-style fallback of cascade.
func (c *Cleaner) extract(body *html.Node, titles []string, structure bool) (blocks, kept []*block) {
	lin := &linearizer{budget: c.opts.MaxNodes, streamed: c.on("streamed-segments")}
	lin.walk(body, 0, walkState{}, body)
	lin.flush()
	blocks = lin.blocks
	assignBoiler(blocks, body, structure, c.on)
	conts := make(map[*html.Node]bool)
	for _, n := range pickContainer(blocks, c.on("climb-paragraph"), c.on("widen")) {
		conts[n] = true
	}
	for _, b := range blocks {
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if conts[n] {
				kept = append(kept, b)
				break
			}
		}
	}
	c.filterLayers12(kept, titles, !c.noContent)
	if c.on("dedupe") {
		dropRepeats(kept, c.on("repeated-stories"))
	}
	return blocks, kept
}

// minRepeatRun is the shortest run of blocks whose second copy is
// dropped. A single repeated line is often content (the same question put
// to each person interviewed, the same dish on two days of a meal plan);
// a run of blocks repeated in order is a page carrying its text twice
// (one copy for small screens, one for large).
const minRepeatRun = 3

// minRepeatShare is the least share of the body a repeated run must hold:
// a second copy of the page's text is a large part of it, a repeated day
// of a meal plan is not.
const minRepeatShare = 0.2

// dropRepeats removes the second copy of every run of at least
// minRepeatRun kept blocks, and minRepeatShare of the body, that repeats
// an earlier run in the same order.
//
// With stories, a repeated run that holds minRepeatRun long paragraphs
// (longParagraph bytes or more, as storySpan counts them) is dropped whatever its
// share: text repeated at that length is a part of the page printed twice
// (a live page's summary again under its updates, an FAQ in two places,
// a carousel of quotes cloned for its loop), which an interview's
// repeated question or a meal plan's repeated dish is not.
func dropRepeats(kept []*block, stories bool) {
	var live []*block
	for _, b := range kept {
		if b.removed == "" {
			live = append(live, b)
		}
	}
	total := 0
	for _, b := range live {
		total += len(b.text)
	}
	first := make(map[string]int, len(live))
	for i, b := range live {
		if _, ok := first[b.text]; !ok {
			first[b.text] = i
		}
	}
	for i := 0; i < len(live); {
		j, ok := first[live[i].text]
		if !ok || j == i {
			i++
			continue
		}
		n := 0
		for i+n < len(live) && j+n < i && live[i+n].text == live[j+n].text {
			n++
		}
		runBytes, long := 0, 0
		for _, b := range live[i : i+n] {
			runBytes += len(b.text)
			if len(b.text) >= longParagraph {
				long++
			}
		}
		if n >= minRepeatRun && (float64(runBytes) >= minRepeatShare*float64(total) || stories && long >= minRepeatRun) {
			for _, b := range live[i : i+n] {
				b.removed = "dom: repeated text"
			}
			i += n
			continue
		}
		i++
	}
}

// flattenDeep rewrites a document so that no element is nested more
// than limit deep, by dropping the start and end tags of elements below
// that depth and keeping their text.
func flattenDeep(src []byte, limit int) []byte {
	z := html.NewTokenizer(bytes.NewReader(src))
	var out bytes.Buffer
	out.Grow(len(src))
	depth, dropped := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElement(string(name)) {
				break
			}
			if depth >= limit {
				dropped++
				continue
			}
			depth++
		case html.EndTagToken:
			if dropped > 0 {
				dropped--
				continue
			}
			if depth > 0 {
				depth--
			}
		}
		out.Write(z.Raw())
	}
}

func voidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// looksLikeHTML rejects input that is empty, binary or plain text.
func looksLikeHTML(b []byte) bool {
	head := b
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	// A binary file shows NUL bytes in its first bytes (image and archive
	// headers) or all through it; a page may carry a stray run of them (an
	// ad tag's leftovers), which Clean drops.
	if i := bytes.IndexByte(head, 0); i >= 0 && (i < 512 || bytes.Count(head, []byte{0}) > len(head)/100) {
		return false
	}
	low := bytes.ToLower(head)
	for _, tag := range []string{"<html", "<!doctype html", "<body", "<head", "<p", "<div", "<article", "<meta", "<title"} {
		if bytes.Contains(low, []byte(tag)) {
			return true
		}
	}
	return false
}

// filterLayers12 marks blocks of the chosen container that layers 1 and 2
// remove.
func (c *Cleaner) filterLayers12(blocks []*block, titles []string, content bool) {
	tks := make(map[string]bool)
	for _, t := range titles {
		if k := titleKey(t); k != "" {
			tks[k] = true
		}
	}
	// A link-heavy block written as a sentence (a citation, a paragraph
	// naming its sources) is text; menus and link lists are labels.
	shapeOK := c.on("link-shape")
	neighbours := c.on("teaser-neighbours")
	for i, b := range blocks {
		switch {
		case b.kind == kindHeading && (b.level == 1 || tks[titleKey(b.text)]):
			b.removed = "dom: headline"
		case !hasWord(b.text) && b.kind != kindCell:
			b.removed = "dom: no words"
		case looksLikeShortcode(b.text):
			b.removed = "dom: markup as text"
		case b.boiler != "":
			b.removed = b.boiler
		case b.figure && !(b.kind == kindCell && c.on("figure-tables")):
			// A table in a figure (as block editors wrap every table) is
			// text; only its caption is a caption.
			b.removed = "dom: caption"
		case b.meta && len(b.text) < 200:
			b.removed = "dom: byline"
		case b.linkDensity() > linkDenseShare && (len(b.text) < 300 || b.linkDensity() > 0.7) && !(shapeOK && sentenceShaped(b.text)):
			b.removed = "dom: link-dense"
		case b.teaser() && !(neighbours && storyInLinks(blocks, i)):
			b.removed = "dom: teaser"
		case looksLikeMarkup(b.text):
			b.removed = "dom: markup as text"
		default:
			if content {
				b.removed = contentSignal(b.text, c.on("mention-needs-two"), c.on("wall-offer-two"))
			}
		}
	}
	// signal is the verdict a block taken back from a layer-1 removal
	// gets instead: layer 2's, when content signals are read.
	signal := func(text string) string {
		if !content {
			return ""
		}
		return contentSignal(text, c.on("mention-needs-two"), c.on("wall-offer-two"))
	}
	if c.on("cards-in-story") {
		keepCardsInStory(blocks, signal)
	}
	if c.on("linked-headings") {
		keepSectionHeadings(blocks, "dom: link-dense")
	}
	if c.on("introduced-lists") {
		keepIntroducedLists(blocks, signal)
	}
	if c.on("outbound-links") {
		keepOutbound(blocks, signal)
	}
	if c.on("named-in-story") {
		keepNamedInStory(blocks, signal)
	}
	if content {
		if c.on("tail-prompts") {
			cutTailPrompts(blocks)
		}
		if c.on("disclosures") {
			cutDisclosures(blocks)
		}
		if c.on("author-sections") {
			cutAuthorSections(blocks)
		}
		spreadToBox(blocks)
		cutRelatedSections(blocks)
		if c.on("story-element") {
			cutAfterStoryElement(blocks, c.on("story-element-cards"), c.on("story-element-bulk"), c.on("faq-tail"))
		}
		if c.on("rule-line-tail") {
			cutAfterRuleLine(blocks)
		}
		if c.on("orphan-tail") {
			cutOrphanTail(blocks)
		}
	}
}

// storyInLinks reports whether blocks[i], taken for a teaser by its
// link-heavy surroundings, is rather story text that happens to sit among
// links (a guide whose sections are product tables, a list article whose
// sections are cards): it is written as a sentence and does not follow a
// link. The summary of a teaser card comes straight after the card's
// linked headline, and a short line there is a label as often as text.
func storyInLinks(blocks []*block, i int) bool {
	if len(blocks[i].text) < 80 || !sentenceShaped(blocks[i].text) {
		return false
	}
	return i == 0 || blocks[i-1].linkDensity() <= 0.8
}

// keepCardsInStory takes back the prose of cards that stand between the
// story's first and last long paragraphs: the sections of a list article
// ("the best ...", a ranking), each titled by a linked name, are built as
// cards, but they carry the story between its introduction and its
// conclusion, while the cards of other stories come after the story's
// end or beside it. Only card blocks written as a sentence and 80 bytes
// or more are taken back; signal gives the layer-2 verdict they get
// instead.
func keepCardsInStory(blocks []*block, signal func(string) string) {
	first, last := storySpan(blocks)
	for i := first + 1; i < last; i++ {
		if b := blocks[i]; b.removed == "dom: teaser" && b.inCard && len(b.text) >= 80 && sentenceShaped(b.text) {
			b.removed = signal(b.text)
		}
	}
}

// wrapperNames are the layer-1 reasons given for a name that page
// builders and ad slots put on the wrappers of ordinary text: a text
// block in an Elementor or SiteOrigin page sits in a "widget", and a
// paragraph next to an ad slot can share its "ad" wrapper.
var wrapperNames = map[string]bool{
	"dom: widget":      true,
	"dom: advertising": true,
}

// keepNamedInStory takes back the blocks removed for a wrapper's name
// (wrapperNames) that stand between the first and the last long paragraph
// of the story and are themselves prose: 80 bytes or more written as a
// sentence. An ad or a widget between two paragraphs is a label, a
// button or a link list, not prose. signal gives the layer-2 verdict they
// get instead.
func keepNamedInStory(blocks []*block, signal func(string) string) {
	first, last := storySpan(blocks)
	for i := first + 1; i < last; i++ {
		if b := blocks[i]; wrapperNames[b.removed] && len(b.text) >= 80 && sentenceShaped(b.text) {
			b.removed = signal(b.text)
		}
	}
}

// keepSectionHeadings takes back the headings removed for reason that
// stand between the first and the last long paragraph of the story and
// are followed by kept text: the section titles of a list article, linked
// to the thing each section reviews ("dom: link-dense"). A list of links
// to other stories has no text of the story after each heading. (Headings
// in header elements of their own, "dom: header", were tried too and
// dropped: they fixed pages on one site only and brought back headings
// the truth leaves out on four.)
func keepSectionHeadings(blocks []*block, reason string) {
	first, last := storySpan(blocks)
	for i := first + 1; i < last; i++ {
		b := blocks[i]
		// The text after it must share its parent: a teaser card of
		// another story holds its headline in a box of its own, and the
		// story's paragraph after the card stands outside that box.
		if b.kind == kindHeading && b.removed == reason && blocks[i+1].removed == "" && b.elem.Parent != nil && isAncestor(b.elem.Parent, blocks[i+1].elem) {
			b.removed = ""
		}
	}
}

// storySpan returns the indexes of the first and last long paragraph
// kept, or -1, -1.
func storySpan(blocks []*block) (first, last int) {
	first, last = -1, -1
	for i, b := range blocks {
		if b.removed == "" && goodBlock(b) && len(b.text) >= longParagraph {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// cutRelatedSections removes the section a "related stories" heading
// opens: the blocks after the heading inside the smallest element around
// it, when that element holds none of the story told before the heading.
// Teasers there often read like prose, so they are not caught one by one.
func cutRelatedSections(blocks []*block) {
	cuts := 0
	for i, b := range blocks {
		if b.kind != kindHeading || b.removed != "content: related list" {
			continue
		}
		if cuts++; cuts > 20 {
			return
		}
		var sec *html.Node
		for n, d := b.elem.Parent, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if textLenUnder(blocks, n) > len(b.text) {
				sec = n
				break
			}
		}
		if sec == nil {
			continue
		}
		story := false
		for _, o := range blocks[:i] {
			if o.removed == "" && goodBlock(o) && isAncestor(sec, o.elem) {
				story = true
				break
			}
		}
		if story {
			continue
		}
		for _, o := range blocks[i+1:] {
			if o.removed == "" && isAncestor(sec, o.elem) {
				o.removed = b.removed
			}
		}
	}
}

func textLenUnder(blocks []*block, n *html.Node) int {
	total := 0
	for _, b := range blocks {
		if isAncestor(n, b.elem) {
			total += len(b.text)
		}
	}
	return total
}

// boxedReasons are the layer-2 findings that usually come as a box of
// several paragraphs, only some of which carry the telltale phrases
// ("Your support helps us to tell the story" … "At such a critical moment,
// we need reporters on the ground" … "Your support makes all the
// difference").
var boxedReasons = map[string]bool{
	"content: reader-revenue appeal": true,
	"content: subscription wall":     true,
	"content: newsletter sign-up":    true,
	"content: comment prompt":        true,
}

// spreadToBox removes the rest of the box a boxed finding sits in: the
// smallest element around the flagged block that holds more than it, if
// that element is small and is not the article itself.
func spreadToBox(blocks []*block) {
	total := make(map[*html.Node]int)
	all := 0
	for _, b := range blocks {
		all += len(b.text)
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			total[n] += len(b.text)
		}
	}
	boxes := 0
	for _, b := range blocks {
		if !boxedReasons[b.removed] || b.boxed {
			continue
		}
		if boxes++; boxes > 20 {
			return // bounded work on pages made of nothing but promotions
		}
		var box *html.Node
		for n, d := b.elem, 0; n != nil && d < 200; n, d = n.Parent, d+1 {
			if total[n] > len(b.text) {
				box = n
				break
			}
		}
		if box == nil || total[box] > 2000 || 2*total[box] > all {
			continue
		}
		for _, o := range blocks {
			if (o.removed == "" || o.removed == b.removed) && isAncestor(box, o.elem) {
				o.removed = b.removed
				o.boxed = true
			}
		}
	}
}

// looksLikeMarkup reports text that is escaped HTML, shown by a broken
// page rather than written by its author.
func looksLikeMarkup(s string) bool {
	return strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") && strings.Contains(s, "=")
}

// looksLikeShortcode reports CMS shortcodes left in the text:
// [button link="…"]Send us your review[/button].
func looksLikeShortcode(s string) bool {
	return strings.HasPrefix(s, "[") && strings.Contains(s, "=") && strings.Contains(s, "]")
}

// hasWord reports whether s has a letter: blocks of digits and
// punctuation ("1 2 3 4", "___") are pagers and separators.
func hasWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// fingerprint hashes a block's words, case folded, so that markup and
// spacing changes do not hide a recurring block.
func fingerprint(text string) uint64 {
	h := fnv.New64a()
	var word []byte
	for _, r := range strings.ToLower(text) {
		if isWordRune(r) {
			word = append(word, string(r)...)
			continue
		}
		if len(word) > 0 {
			h.Write(word)
			h.Write([]byte{' '})
			word = word[:0]
		}
	}
	if len(word) > 0 {
		h.Write(word)
	}
	return h.Sum64()
}

func isWordRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && (isLetterOrDigit(r))
}

// layer3 observes the page's blocks in the site's memory and removes those
// the site repeats. Text the publisher itself declares as article body
// (JSON-LD articleBody) and a short closing sentence (a standard sign-off
// such as "Reuters contributed to this report.") are kept: they recur
// because they are the site's house style, not because they are chrome.
// It returns how many pages of the site the statistics have observed (0
// when the page had no block to observe).
func (c *Cleaner) layer3(ctx context.Context, a *article.Article, blocks []*block, ldBody string) (int, error) {
	var obs []*block
	var fps []uint64
	for _, b := range blocks {
		if b.removed == "" && wordCount(b.text) >= 4 {
			obs = append(obs, b)
			fps = append(fps, fingerprint(b.text))
		}
	}
	if len(obs) == 0 {
		return 0, nil
	}
	seen, pages, err := c.opts.Stats.Observe(ctx, a.Site, a.ID, fps)
	if err != nil {
		return 0, fmt.Errorf("observe blocks: %w", err)
	}
	if len(seen) != len(obs) {
		return 0, fmt.Errorf("observe blocks: %d counts for %d blocks", len(seen), len(obs))
	}
	ldKey := ""
	if ldBody != "" {
		ldKey = titleKey(ldBody)
	}
	last := lastKept(blocks)
	recurring := make(map[*block]bool)
	for i, b := range obs {
		if seen[i] >= c.opts.MinSeen && float64(seen[i]) >= c.opts.MinShare*float64(pages) {
			recurring[b] = true
		}
	}
	for i, b := range obs {
		if !recurring[b] {
			continue
		}
		if ldKey != "" && len(b.text) >= 40 && strings.Contains(ldKey, titleKey(b.text)) {
			continue
		}
		if b == last && isSignOff(b.text) {
			continue
		}
		// A long paragraph set among this page's own prose, and not on most
		// of the site's pages, is a background paragraph reused by
		// follow-up stories; chrome comes short, boxed, or everywhere.
		if len(b.text) >= 200 && float64(seen[i]) < 0.5*float64(pages) && amongOwnProse(b, obs, recurring) {
			continue
		}
		b.removed = "site: recurring block"
	}
	return pages, nil
}

// amongOwnProse reports whether the element around b also holds prose of
// this page that the site does not repeat.
func amongOwnProse(b *block, obs []*block, recurring map[*block]bool) bool {
	if b.elem == nil || b.elem.Parent == nil {
		return false
	}
	parent := b.elem.Parent
	for _, o := range obs {
		if o != b && !recurring[o] && o.elem != nil && o.elem.Parent == parent && goodBlock(o) {
			return true
		}
	}
	return false
}

func lastKept(blocks []*block) *block {
	for i := len(blocks) - 1; i >= 0; i-- {
		if blocks[i].removed == "" {
			return blocks[i]
		}
	}
	return nil
}

// isSignOff reports a short closing sentence that credits reporting or
// notes a correction: article text, though many articles share it.
func isSignOff(s string) bool {
	if wordCount(s) > 30 || !endsSentence(s) {
		return false
	}
	low := strings.ToLower(s)
	for _, w := range []string{"contributed", "reporting", "editing", "additional reporting", "this story", "this article", "correction", "was updated", "has been updated", "report from", "wrote this"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}
