package clean

import (
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"golang.org/x/net/publicsuffix"

	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// pageMeta is everything the page says about itself outside the body
// text, gathered in one pass and resolved into fields by metadata().
type pageMeta struct {
	meta        map[string][]string // lowercased name/property/itemprop -> contents
	ld          ldInfo
	canonical   string
	htmlLang    string
	titleTag    string
	h1          []string
	micro       map[string][]string // itemprop -> text/content in the body
	microCount  int                 // itemprop elements read, bounded
	timeTags    []string            // datetime attributes of <time>
	doc         *html.Node          // the page, walked again for a date shown to readers only when needed
	bylines     []string            // texts of elements marked as author/byline
	bylineTries int
	ldScripts   []string
	hrefs       []string // href of every <a>, as written, bounded by maxLinks
	feedHrefs   []string // href of <link rel=alternate> to RSS or Atom
	articleEls  int      // <article> elements
}

// maxLinks bounds the links read from one page: a hostile page cannot make
// the crawler queue without end.
const maxLinks = 5000

// gatherMeta collects metadata sources from the document.
func gatherMeta(doc *html.Node) *pageMeta {
	m := &pageMeta{meta: make(map[string][]string), micro: make(map[string][]string), doc: doc}
	eachElement(doc, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Html:
			m.htmlLang = attr(n, "lang")
		case atom.Meta:
			content := strings.TrimSpace(attr(n, "content"))
			if content == "" {
				return true
			}
			for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
				if key := strings.ToLower(strings.TrimSpace(attr(n, k))); key != "" {
					m.meta[key] = append(m.meta[key], content)
				}
			}
		case atom.Link:
			rel := strings.ToLower(attr(n, "rel"))
			if m.canonical == "" && hasToken(rel, "canonical") {
				m.canonical = strings.TrimSpace(attr(n, "href"))
			}
			if typ := strings.ToLower(attr(n, "type")); hasToken(rel, "alternate") && (strings.Contains(typ, "rss") || strings.Contains(typ, "atom")) {
				m.feedHrefs = append(m.feedHrefs, attr(n, "href"))
			}
		case atom.A:
			if h := attr(n, "href"); h != "" && len(m.hrefs) < maxLinks {
				m.hrefs = append(m.hrefs, h)
			}
		case atom.Title:
			if m.titleTag == "" {
				m.titleTag = textOfRaw(n)
			}
			return false
		case atom.Script:
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && len(m.ldScripts) < 20 {
				m.ldScripts = append(m.ldScripts, textOfRaw(n))
			}
			return false
		case atom.Style, atom.Noscript, atom.Template:
			return false
		case atom.H1:
			if len(m.h1) < 5 {
				if t := textOf(n); t != "" {
					m.h1 = append(m.h1, t)
				}
			}
		case atom.Article:
			m.articleEls++
		case atom.Time:
			if dt := strings.TrimSpace(attr(n, "datetime")); dt != "" && len(m.timeTags) < 20 {
				m.timeTags = append(m.timeTags, dt)
			}
		}
		if ip := strings.ToLower(attr(n, "itemprop")); ip != "" && n.DataAtom != atom.Meta && m.microCount < 100 {
			m.microCount++
			for _, p := range strings.Fields(ip) {
				var v string
				switch {
				case hasAttr(n, "content"):
					v = attr(n, "content")
				case hasAttr(n, "datetime"):
					v = attr(n, "datetime")
				case p == "author" || p == "creator":
					if nm := findFirst(n, func(c *html.Node) bool { return strings.Contains(attr(c, "itemprop"), "name") }); nm != nil {
						v = textOf(nm)
					} else {
						v = textOf(n)
					}
				case p == "headline" || p == "name" || p == "datepublished" || p == "datemodified":
					v = textOf(n)
				}
				if v = normSpace(v); v != "" && len(v) < 400 {
					m.micro[p] = append(m.micro[p], v)
				}
			}
		}
		if len(m.bylines) < 5 && m.bylineTries < 20 && isBylineElement(n) {
			m.bylineTries++
			if t := textOf(n); t != "" && len(t) < 200 {
				m.bylines = append(m.bylines, t)
			}
		}
		return true
	})
	m.ld = parseJSONLD(m.ldScripts)
	return m
}

func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if f == tok {
			return true
		}
	}
	return false
}

// textOfRaw returns the raw text content of n (for <title> and scripts).
func textOfRaw(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func isBylineElement(n *html.Node) bool {
	if hasToken(strings.ToLower(attr(n, "rel")), "author") {
		return true
	}
	cl := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	return strings.Contains(cl, "byline") || strings.Contains(cl, "author-name") ||
		strings.Contains(cl, "authorname") || strings.Contains(cl, "article-author")
}

// declaresArticle reports whether the page's markup says it is one
// article: a JSON-LD article type, or og:type article unless the JSON-LD
// declares the page a collection or search results. Themes put og:type
// article on every page, section fronts included; a collection page type
// is written for the page at hand.
func (m *pageMeta) declaresArticle() bool {
	if m.ld.found {
		return true
	}
	og := strings.ToLower(strings.TrimSpace(m.first("og:type")))
	if og != "article" && !strings.HasSuffix(og, ".article") {
		return false
	}
	page := strings.ToLower(strings.Join(m.ld.pageTypes, " "))
	return !strings.Contains(page, "collectionpage") && !strings.Contains(page, "searchresultspage")
}

func (m *pageMeta) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range m.meta[k] {
			if v = normSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// metaResult is the resolved metadata.
type metaResult struct {
	title, description, section, language, image, sourceName string
	authors                                                  []string
	published, modified                                      *time.Time
	canonical                                                string
}

// resolve picks each field from the most trusted source that has it.
func (m *pageMeta) resolve(pageURL string, p Page) metaResult {
	var r metaResult
	ld := m.ld
	r.sourceName = firstNonEmpty(m.first("og:site_name"), ld.publisher, ld.siteName, m.first("application-name", "publisher"))
	r.title = m.pickTitle(siteNames(pageURL, r.sourceName), p.HintTitle)
	r.description = firstNonEmpty(ld.description, m.first("og:description", "description", "twitter:description", "dc.description"))
	r.section = firstNonEmpty(ld.section, m.first("article:section", "section", "parsely-section", "article.section"), firstOf(m.micro["articlesection"]))
	r.language = normLang(firstNonEmpty(ld.language, m.htmlLang, m.first("og:locale", "content-language", "language", "dc.language", "inlanguage")))
	img := firstNonEmpty(ld.image, m.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src", "thumbnailurl"))
	if img != "" {
		if u, err := urlcanon.Resolve(pageURL, img); err == nil {
			r.image = u
		}
	}
	r.authors = m.pickAuthors(r.sourceName)
	r.published = firstTime(ld.published,
		m.first("article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
			"publish-date", "date", "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date", "sailthru.date",
			"parsely-pub-date", "article.published", "original-publish-date", "published_time", "cxenseparse:recs:publishtime", "ga_pubdate"),
		firstOf(m.micro["datepublished"]), ld.pageDate, firstOf(m.timeTags))
	if r.published == nil && p.HintPublished != nil {
		t := *p.HintPublished
		r.published = &t
	}
	// Without metadata, the date in the article's path, then the date the
	// page shows its readers nearest the headline: many blogs and company
	// sites publish no date markup at all.
	if r.published == nil {
		if t, ok := urlDate(pageURL); ok {
			r.published = &t
		} else if t, ok := shownDate(m.doc, p.FetchedAt); ok {
			r.published = &t
		}
	}
	r.modified = firstTime(ld.modified, m.first("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
		"last-modified", "article.updated", "lastmod"), firstOf(m.micro["datemodified"]))
	r.canonical = m.pickCanonical(pageURL)
	return r
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func firstOf(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func firstTime(vs ...string) *time.Time {
	for _, v := range vs {
		if t, ok := parseTime(v); ok {
			return &t
		}
	}
	return nil
}

// timeLayouts are the date forms seen in news metadata, most common first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"02.01.2006",
}

// parseTime parses a date in any of the forms in timeLayouts. Times
// without a zone are taken as UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 64 {
		return time.Time{}, false
	}
	if unix, ok := allDigits(s); ok && len(s) >= 10 && len(s) <= 13 {
		if len(s) == 13 {
			unix /= 1000
		}
		t := time.Unix(unix, 0).UTC()
		return t, plausibleYear(t)
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil && plausibleYear(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

func allDigits(s string) (int64, bool) {
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}

func plausibleYear(t time.Time) bool { return t.Year() >= 1990 && t.Year() <= 2100 }

func normLang(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" || len(s) > 20 {
		return ""
	}
	base, region, _ := strings.Cut(s, "-")
	base = strings.ToLower(base)
	if len(base) < 2 || len(base) > 3 {
		return ""
	}
	if region != "" && len(region) == 2 {
		return base + "-" + strings.ToUpper(region)
	}
	return base
}

// pickCanonical resolves rel=canonical or og:url against the page URL and
// rejects values that cannot name this article: a site root or an ancestor
// of the page's own path (a section front), or anything not http(s).
func (m *pageMeta) pickCanonical(pageURL string) string {
	page, _ := urlcanon.Canonicalize(pageURL)
	for _, c := range []string{m.canonical, m.first("og:url"), m.ld.url} {
		if c == "" || strings.Contains(c, "{{") {
			continue
		}
		u, err := urlcanon.Resolve(pageURL, c)
		if err != nil {
			continue
		}
		if page != "" && !plausibleCanonical(page, u) {
			continue
		}
		return u
	}
	if page != "" {
		return page
	}
	return pageURL
}

func plausibleCanonical(page, canon string) bool {
	pu, err1 := url.Parse(page)
	cu, err2 := url.Parse(canon)
	if err1 != nil || err2 != nil {
		return false
	}
	cp := strings.TrimSuffix(cu.Path, "/")
	pp := strings.TrimSuffix(pu.Path, "/")
	if cp == "" && pp != "" {
		return false // the site root names no article
	}
	if cp != pp && strings.HasPrefix(pp, cp+"/") && cu.RawQuery == "" {
		return false // an ancestor of the page: a section front
	}
	return true
}

// titleSeparators split a document title from the site name appended to it.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ", " / "}

// titleSource is one place a page states its headline.
type titleSource struct {
	name string // for tests and debugging: "jsonld", "og", ...
	text string // site name stripped; "" when the page does not give it
}

// titleSources lists the page's headlines in the order of trust: the
// JSON-LD headline (the publisher's structured statement), then the
// OpenGraph, Twitter, microdata and other meta titles with a site name
// stripped, then the visible h1, then the document title stripped of its
// site suffix. The order is the best of all orders on the development
// corpus (TestTitleSourceOrder), not a guess.
func (m *pageMeta) titleSources(site string) []titleSource {
	var h1 string
	if len(m.h1) > 0 {
		h1 = m.h1[0]
	}
	return []titleSource{
		{"jsonld", stripSiteName(m.ld.headline, site)},
		{"og", stripSiteName(m.first("og:title"), site)},
		{"twitter", stripSiteName(m.first("twitter:title"), site)},
		{"microdata", stripSiteName(firstOf(m.micro["headline"]), site)},
		{"meta", stripSiteName(m.first("parsely-title", "sailthru.title", "title", "dc.title", "headline"), site)},
		{"h1", normSpace(h1)},
		{"title", stripSiteName(m.titleTag, site)},
	}
}

// pickTitle chooses the most trusted headline the page gives, else the
// feed's hint.
func (m *pageMeta) pickTitle(site, hint string) string {
	for _, s := range m.titleSources(site) {
		if s.text != "" {
			return s.text
		}
	}
	return normSpace(hint)
}

// titleKey folds a title for comparison: letters and digits only, lower case.
func titleKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stripSiteName removes a site name that leads or trails a headline
// ("Headline | Site", "Site: Headline"). site holds the names the site
// goes by, one a line: the name it declares, and the label of its domain
// ("leadfeeder" for www.leadfeeder.com), so that pages declaring no name
// are stripped too. No site is special-cased.
func stripSiteName(t, site string) string {
	t = normSpace(t)
	names := strings.Split(site, "\n")
	isSite := func(seg string) bool {
		k := titleKey(seg)
		if k == "" {
			return false
		}
		for i, n := range names {
			sk := titleKey(n)
			if sk == "" || i > 0 && (len(sk) < 3 || wordCount(seg) > 5) {
				// A domain label names a site only in a short segment:
				// "Apple" in "Apple Watch review" is no site name.
				continue
			}
			if strings.Contains(k, sk) || strings.Contains(sk, k) {
				return true
			}
		}
		return false
	}
	for _, sep := range titleSeparators {
		i := strings.LastIndex(t, sep)
		if i <= 0 {
			continue
		}
		head, tail := t[:i], t[i+len(sep):]
		if titleKey(tail) == "" {
			continue
		}
		if isSite(tail) {
			return stripSiteName(head, site)
		}
		if wordCount(tail) <= 3 && wordCount(head) >= 4 && sep != " - " {
			return stripSiteName(head, site)
		}
	}
	// A site name may also lead: "Site | Headline".
	for _, sep := range titleSeparators {
		if i := strings.Index(t, sep); i > 0 && isSite(t[:i]) && wordCount(t[i+len(sep):]) >= 2 {
			return strings.TrimSpace(t[i+len(sep):])
		}
	}
	return t
}

// siteNames joins the names a site goes by for stripSiteName: its declared
// name and the label of its registered domain.
func siteNames(pageURL, declared string) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Hostname() == "" {
		return declared
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		host = d
	}
	if ps, _ := publicsuffix.PublicSuffix(host); ps != "" && len(host) > len(ps)+1 {
		host = host[:len(host)-len(ps)-1]
	}
	return declared + "\n" + host
}

// pickAuthors chooses the author names: people from JSON-LD, meta tags,
// microdata or a byline; an organisation only when no person is named.
func (m *pageMeta) pickAuthors(site string) []string {
	var cands [][]string
	cands = append(cands, m.ld.authors)
	var metaNames []string
	for _, k := range []string{"author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "cxenseparse:author", "twitter:creator:name"} {
		for _, v := range m.meta[k] {
			if strings.HasPrefix(v, "http") || strings.HasPrefix(v, "@") {
				continue
			}
			metaNames = append(metaNames, splitNames(v)...)
		}
	}
	cands = append(cands, metaNames, splitAll(m.micro["author"]), splitAll(m.micro["creator"]), splitAll(m.bylines))
	for _, c := range cands {
		people := cleanNames(c, site, false)
		if len(people) > 0 {
			return people
		}
	}
	if orgs := cleanNames(m.ld.orgAuthors, site, true); len(orgs) > 0 {
		return orgs
	}
	for _, c := range cands {
		if names := cleanNames(c, site, true); len(names) > 0 {
			return names
		}
	}
	return nil
}

func splitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, splitNames(v)...)
	}
	return out
}

// splitNames splits "By A, B and C" into names.
func splitNames(s string) []string {
	s = normSpace(s)
	low := strings.ToLower(s)
	for _, p := range []string{"by ", "von ", "par ", "written by ", "words by ", "posted by "} {
		if strings.HasPrefix(low, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.NewReplacer(" and ", ",", " And ", ",", " & ", ",", ";", ",", " AND ", ",", "|", ",").Replace(s)
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// orgWords mark a name as an organisation or a role rather than a person.
var orgWords = []string{"staff", "news", "agency", "agencies", "reporter", "editor", "desk", "team", "press", "reuters", "associated", "media", "newsroom", "correspondent", "wire", "online", "digital", "times", "post", "daily", "guardian", "bbc", "cnn", "afp", "ap"}

// cleanNames removes duplicates, empty and non-name values; with allowOrg
// false it also removes organisation-like names.
func cleanNames(names []string, site string, allowOrg bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = trimTrailingCaps(strings.Trim(normSpace(n), " .,:;-–—"))
		if !plausibleName(n) {
			continue
		}
		if !allowOrg && isOrgName(n, site) {
			continue
		}
		// "Sophie Foster" and the slug "sophie-foster" are one author.
		k := titleKey(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

// plausibleName rejects values that are not names: URLs, e-mail
// addresses, dates, photo credits, slugs and sentences.
func plausibleName(n string) bool {
	if n == "" || len(n) > 80 || wordCount(n) > 6 || strings.ContainsAny(n, "0123456789@()[]:/|") || strings.Contains(n, "http") {
		return false
	}
	if !strings.Contains(n, " ") && strings.Contains(n, "-") && strings.ToLower(n) == n {
		return false // a slug
	}
	return true
}

// trimTrailingCaps drops an outlet printed in capitals after a name
// ("Brian Truitt USA TODAY"), keeping names printed wholly in capitals.
func trimTrailingCaps(n string) string {
	f := strings.Fields(n)
	i := len(f)
	for i > 0 && len([]rune(f[i-1])) > 1 && strings.ToUpper(f[i-1]) == f[i-1] && strings.ToLower(f[i-1]) != f[i-1] {
		i--
	}
	if i == len(f) || i < 2 {
		return n
	}
	return strings.Join(f[:i], " ")
}

func isOrgName(n, site string) bool {
	if sk := titleKey(site); sk != "" && titleKey(n) == sk {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(n)) {
		w = strings.Trim(w, ".,()")
		for _, o := range orgWords {
			if w == o {
				return true
			}
		}
	}
	return false
}
