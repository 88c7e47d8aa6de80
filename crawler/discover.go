package crawler

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// docType is what a response turned out to be, by content.
type docType int

const (
	docHTML docType = iota
	docFeed
	docSitemap
	docOther
)

// sniff decides what a body is from its Content-Type and its first bytes.
func sniff(contentType string, body []byte) docType {
	ct := strings.ToLower(contentType)
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	lh := bytes.ToLower(head)
	isXML := strings.Contains(ct, "xml") || bytes.HasPrefix(bytes.TrimSpace(lh), []byte("<?xml"))
	if isXML || strings.Contains(ct, "text/plain") || ct == "" {
		switch {
		case bytes.Contains(lh, []byte("<urlset")) || bytes.Contains(lh, []byte("<sitemapindex")):
			return docSitemap
		case bytes.Contains(lh, []byte("<rss")) || bytes.Contains(lh, []byte("<feed")) || bytes.Contains(lh, []byte("<rdf:rdf")):
			return docFeed
		}
	}
	if strings.Contains(ct, "html") || bytes.Contains(lh, []byte("<html")) || bytes.Contains(lh, []byte("<!doctype html")) {
		return docHTML
	}
	return docOther
}

// feedEntries parses an RSS, Atom or RDF feed into article URLs with the
// titles and dates the feed gives: the modified time is the item's update
// date, else its publication date.
func feedEntries(base string, body []byte, depth int) ([]frontier.Entry, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	var out []frontier.Entry
	for _, it := range f.Items {
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		u, err := urlcanon.Resolve(base, link)
		if err != nil {
			continue
		}
		e := frontier.Entry{URL: u, Kind: frontier.Article, Depth: depth, HintTitle: strings.TrimSpace(it.Title)}
		if it.PublishedParsed != nil {
			t := it.PublishedParsed.UTC()
			e.HintPublished = &t
		} else if it.UpdatedParsed != nil {
			t := it.UpdatedParsed.UTC()
			e.HintPublished = &t
		}
		// An item's date of publication is a modified time too: a
		// republished item gets a new one.
		if it.UpdatedParsed != nil {
			t := it.UpdatedParsed.UTC()
			e.Modified = &t
		} else if e.HintPublished != nil {
			t := *e.HintPublished
			e.Modified = &t
		}
		out = append(out, e)
	}
	return out, nil
}

// sitemapDoc covers sitemaps, sitemap indexes and Google News sitemaps.
type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    struct {
			Title           string `xml:"title"`
			PublicationDate string `xml:"publication_date"`
		} `xml:"news"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// sitemapEntries parses a sitemap or sitemap index. Entries of an index are
// sitemaps; entries of a urlset are articles, modified at their <lastmod>.
func sitemapEntries(base string, body []byte, depth int) ([]frontier.Entry, error) {
	var doc sitemapDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "us-ascii") {
			return r, nil
		}
		return nil, fmt.Errorf("sitemap charset %q not supported", label)
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse sitemap: %w", err)
	}
	var out []frontier.Entry
	for _, s := range doc.Sitemaps {
		if u, err := urlcanon.Resolve(base, strings.TrimSpace(s.Loc)); err == nil {
			out = append(out, frontier.Entry{URL: u, Kind: frontier.Sitemap, Depth: depth})
		}
	}
	for _, x := range doc.URLs {
		u, err := urlcanon.Resolve(base, strings.TrimSpace(x.Loc))
		if err != nil {
			continue
		}
		e := frontier.Entry{URL: u, Kind: frontier.Article, Depth: depth, HintTitle: strings.TrimSpace(x.News.Title)}
		for _, d := range []string{x.News.PublicationDate, x.LastMod} {
			if t, ok := parseW3CDate(strings.TrimSpace(d)); ok {
				e.HintPublished = &t
				break
			}
		}
		if t, ok := parseW3CDate(strings.TrimSpace(x.LastMod)); ok {
			e.Modified = &t
		}
		out = append(out, e)
	}
	if len(doc.Sitemaps) == 0 && len(doc.URLs) == 0 && doc.XMLName.Local != "urlset" && doc.XMLName.Local != "sitemapindex" {
		return nil, errors.New("parse sitemap: no <urlset> or <sitemapindex> root")
	}
	return out, nil
}

func parseW3CDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// pageScan is what the cleaner's parse of a page found besides the
// article: its links, the feeds it advertises, and whether its markup
// declares it an article.
type pageScan struct {
	links, feeds []string
	markup       bool // JSON-LD article type or og:type article
}

// scanResult takes the page's links and article markers from the
// cleaner's result, which reads them from the same parse as the article.
func scanResult(r clean.Result) pageScan {
	return pageScan{links: r.Links, feeds: r.Feeds, markup: r.ArticleMarkup}
}

// articleVerdict decides whether a cleaned page goes downstream. The
// cleaner's verdict comes first (it knows hubs, galleries, paywall stubs
// and error pages by their text). A page announced by a feed or sitemap
// is then an article. A page without article markup is a hub when its
// JSON-LD declares an ItemList or its structure is a shop's grid
// (productGrid). It is also taken for a hub when nothing marks it as an
// article (no JSON-LD article type, no og:type=article) and its URL has
// the shape of a front or section page, unless its main area is one long
// run of prose (proseBody), it opens with a headline its title repeats
// (headlined), or it is dated and holds a long run of prose (datedProse):
// blog posts and guides on short slugs ("/blog/bolmo", "/post/dot-github")
// often carry no markup. og:type=website alone is no evidence: many news
// sites put it on every page. Structure never overrules article markup: a news brief with a
// grid of related stories under it is still an article (crawler/VERDICT.md).
func articleVerdict(e frontier.Entry, final string, r clean.Result, ps pageScan) (bool, string) {
	if !r.IsArticle {
		return false, r.Reason
	}
	if e.Kind == frontier.Article {
		return true, ""
	}
	if ps.markup {
		return true, ""
	}
	if r.Layout.ItemList {
		// The page declares a list of items (products, recipes,
		// stories) and no article: a category or ranking page.
		return false, listReason
	}
	if productGrid(r.Layout) {
		return false, productReason
	}
	if hubShaped(final) && !proseBody(r.Layout) && !headlined(r.Layout) && !datedProse(r) {
		return false, hubReason
	}
	return true, ""
}

// Structural evidence (clean.Layout), calibrated on the dev sets grouped
// by site; crawler/VERDICT.md has the figures.
const (
	// proseRunMin is the least text, in bytes, of the run of prose that
	// makes a page an article whatever its URL: some 350 words, more than
	// a section's blurb or a shop's buying guide usually holds.
	proseRunMin = 2000
	// proseRunShare is the least share of the page's text (outside
	// boilerplate) that run must hold: on an article it is most of the
	// page, on a hub with an introduction it is a part.
	proseRunShare = 0.7
	// proseMaxHeadlines is the most headline links such a page may have
	// outside boilerplate, and proseMaxArticles the most <article>
	// elements: a front page that prints each story's summary in full
	// (one long run of prose) lists them in many.
	proseMaxHeadlines = 5
	proseMaxArticles  = 1

	// gridPrices is how many price labels make a page without article
	// markup a shop's grid, when its longest run of prose holds less than
	// gridProseShare of its text (a buying guide that names prices is
	// mostly prose).
	gridPrices     = 20
	gridProseShare = 0.5

	// headlineWords is the fewest words of a first h1, repeated in the
	// page's <title> or og:title, that make it a headline ("How To Take
	// Care of Your Oral Health") rather than a section's name ("Science",
	// "Bike Locks", "Espresso Machine Under $500").
	headlineWords = 5

	// datedMaxHeadlines is the most headline links outside boilerplate a
	// dated page with a run of prose of proseRunMin or more may have: a
	// guide or an essay that shows its date links to related pages, but
	// fewer than a section front lists stories.
	datedMaxHeadlines = 20
)

// productGrid reports a page that lists products: many price labels and
// little running text among them.
func productGrid(l clean.Layout) bool {
	return l.Prices >= gridPrices && float64(l.ProseRun) < gridProseShare*float64(l.Text)
}

// proseBody reports a page whose main area is one long run of prose with
// few headline links around it: an article, whatever its URL looks like.
func proseBody(l clean.Layout) bool {
	return l.ProseRun >= proseRunMin && float64(l.ProseRun) >= proseRunShare*float64(l.Text) &&
		l.HeadlineLinks <= proseMaxHeadlines && l.ArticleElements <= proseMaxArticles
}

// headlined reports a page that opens with a headline: its first h1 is a
// phrase of headlineWords or more that its title repeats.
func headlined(l clean.Layout) bool {
	return l.TitledHeadline >= headlineWords
}

// datedProse reports a page that shows a date of publication and whose
// main area holds a long run of prose: a dated piece of writing, even
// when the run is not most of the page's text. A front's date is that of
// its first teaser, and its prose is cut apart by headline links.
func datedProse(r clean.Result) bool {
	l := r.Layout
	return r.Article != nil && r.Article.PublishedAt != nil && l.ProseRun >= proseRunMin &&
		l.HeadlineLinks <= datedMaxHeadlines && l.ArticleElements <= proseMaxArticles
}

// queryNamesItem reports a query that picks one item by number, as
// content systems address their articles ("?p=123", "?newsid=6486285",
// "?tx_ttnews[tt_news]=477", "spip.php?article8532"): a value of three or
// more digits, or a name with them. Paging ("?page=123") does not count.
func queryNamesItem(q url.Values) bool {
	for k, vs := range q {
		if strings.Contains(strings.ToLower(k), "page") {
			continue
		}
		if digitRun(k) >= 3 {
			return true
		}
		for _, v := range vs {
			if len(v) >= 3 && digitRun(v) == len(v) {
				return true
			}
		}
	}
	return false
}

// visitParams tag a visit, not name a page, besides the tracking
// parameters urlcanon drops: canonical URLs keep these two (srsltid, the
// search engine's shopping click id, is not in urlcanon's list, and "ref"
// names content on a few sites), but neither picks an article.
var visitParams = map[string]bool{"srsltid": true, "ref": true}

// digitRun is the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// hubShaped reports whether a URL looks like a front or section page: the
// root, or a short path without digits whose last segment is a word rather
// than a slug ("/world/", "/news/politics", but not "/2024/05/story",
// "/news/12345.html" or "/news/a-long-headline-slug").
func hubShaped(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	q := p.Query()
	for k := range q {
		if urlcanon.IsTracking(k) || visitParams[strings.ToLower(k)] {
			delete(q, k)
		}
	}
	if queryNamesItem(q) {
		return false
	}
	segs := strings.FieldsFunc(p.Path, func(r rune) bool { return r == '/' })
	if len(segs) == 0 {
		return len(q) == 0
	}
	last := segs[len(segs)-1]
	if i := strings.LastIndexByte(last, '.'); i > 0 {
		last = last[:i]
	}
	if strings.ContainsAny(p.Path, "0123456789") || strings.Count(last, "-")+strings.Count(last, "_") >= 2 {
		return false
	}
	return len(last) <= 20 && len(segs) <= 3
}
