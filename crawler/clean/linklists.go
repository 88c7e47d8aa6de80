package clean

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// Link-dense blocks inside the story are usually menus, related lists and
// "read also" pointers, but a guide, a review or a list article names
// the things it discusses (clinics, courses, products, friends' projects)
// as links, in its headings and in its lists, and a link density test
// alone takes those for a menu. Link density judged by the context's
// links was tried and dropped (see README: links-in-prose,
// link-items-in-prose): in a news story the link-dense lines in quiet
// context are "Read more" pointers. The two rules here judge instead
// where the links lead (keepOutbound) and what the text before the list
// says of it (keepIntroducedLists).

// keepOutbound takes back headings and list items removed as link-dense
// that stand between the first and the last long paragraph of the story
// and whose links all lead to other sites than the page's own (the label
// of the registered domain its canonical address names: "bbc" for
// bbc.co.uk and bbc.com, one publisher in several countries). A share
// button also links elsewhere, but carries the page's own address in its
// query, so a link that names the site anywhere keeps the block out.
// signal gives the layer-2 verdict the blocks get instead.
func keepOutbound(blocks []*block, signal func(string) string) {
	first, last := storySpan(blocks)
	site, looked := "", false
	for i := first + 1; i < last; i++ {
		b := blocks[i]
		if b.removed != "dom: link-dense" || b.kind != kindHeading && b.kind != kindItem {
			continue
		}
		if !looked {
			// Read once per page, and only for a page that has a
			// candidate.
			site, looked = pageSite(b.elem), true
		}
		if site != "" && linksLeave(b.elem, site) {
			b.removed = signal(b.text)
		}
	}
}

// linksLeave reports whether n holds links and every one of them leads to
// an absolute http(s) address on a registered domain not labelled site,
// not naming site in its path or query.
func linksLeave(n *html.Node, site string) bool {
	links, ok := 0, true
	eachElement(n, func(e *html.Node) bool {
		if !ok || e.DataAtom != atom.A {
			return ok
		}
		links++
		href := strings.TrimSpace(attr(e, "href"))
		u, err := url.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || siteLabel(u.Hostname()) == site {
			ok = false
			return false
		}
		rest := u.Path + "?" + u.RawQuery
		if q, err := url.QueryUnescape(u.RawQuery); err == nil {
			rest += "?" + q
		}
		if strings.Contains(strings.ToLower(rest), site) {
			ok = false
		}
		return false
	})
	return ok && links > 0
}

// pageSite returns the label of the registered domain a page declares for
// itself in its rel=canonical link or og:url, read from the document n
// belongs to, or "" when it declares none as an absolute address.
func pageSite(n *html.Node) string {
	for d := 0; n != nil && n.Parent != nil && d < 1000; d++ {
		n = n.Parent
	}
	if n == nil {
		return ""
	}
	var declared string
	eachElement(n, func(e *html.Node) bool {
		if declared != "" {
			return false
		}
		switch {
		case e.DataAtom == atom.Body:
			return false
		case e.DataAtom == atom.Link && hasToken(strings.ToLower(attr(e, "rel")), "canonical"):
			declared = attr(e, "href")
		case e.DataAtom == atom.Meta && strings.EqualFold(attr(e, "property"), "og:url"):
			declared = attr(e, "content")
		}
		return true
	})
	u, err := url.Parse(strings.TrimSpace(declared))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	return siteLabel(u.Hostname())
}

// siteLabel returns the label a host's registered domain is named by
// ("bbc" for "www.bbc.co.uk" and for "bbc.com"), or the host itself when
// it has none: a publisher's sites in several countries are one site.
func siteLabel(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	if ps, _ := publicsuffix.PublicSuffix(d); ps != "" && len(d) > len(ps)+1 {
		return d[:len(d)-len(ps)-1]
	}
	return d
}

// keepIntroducedLists takes back the run of link-dense list items and
// paragraphs that follows a kept sentence ending in a colon, in any
// script that writes one: the sentence introduces them as the story's
// list ("Here are my friends' favourite projects:"). A related list is
// introduced by a short label ("Read more:"), which is not a sentence,
// or by a line layer 2 removes.
func keepIntroducedLists(blocks []*block, signal func(string) string) {
	lead := false
	for _, b := range blocks {
		if b.removed != "dom: link-dense" {
			lead = b.removed == "" && sentenceShaped(b.text) && strings.HasSuffix(b.text, ":")
			continue
		}
		if lead && (b.kind == kindItem || b.kind == kindPara) {
			b.removed = signal(b.text)
		}
	}
}
