package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth bounds every recursive walk, so that a hostile, deeply nested
// DOM costs bounded stack and time. Content below it is ignored.
const maxDepth = 400

// attr returns the value of the named attribute of n, or "".
func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n carries the named attribute.
func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// normSpace collapses runs of white space (including NBSP) into one space
// and trims the ends.
func normSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff' {
			space = true
			continue
		}
		if r == '\u00ad' { // soft hyphen: invisible
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// textOf returns the visible text of n with white space normalised,
// skipping scripts and other non-text elements.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth || b.Len() > 1<<20 {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipTag(n.DataAtom) {
				return
			}
			if isBlockTag(n.DataAtom) || n.DataAtom == atom.Br {
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if n.Type == html.ElementNode && isBlockTag(n.DataAtom) {
			b.WriteByte(' ')
		}
	}
	walk(n, 0)
	return normSpace(b.String())
}

// skipTag reports elements whose content is never article text.
func skipTag(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math,
		atom.Button, atom.Select, atom.Option, atom.Textarea, atom.Input, atom.Iframe,
		atom.Object, atom.Embed, atom.Canvas, atom.Head, atom.Title, atom.Meta, atom.Link,
		atom.Audio, atom.Video, atom.Source, atom.Picture, atom.Img, atom.Dialog, atom.Label:
		return true
	}
	return false
}

// isBlockTag reports elements that start a new block of text.
func isBlockTag(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer,
		atom.Aside, atom.Nav, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Ul, atom.Ol, atom.Li, atom.Dl, atom.Dt, atom.Dd, atom.Blockquote, atom.Pre,
		atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption,
		atom.Figure, atom.Figcaption, atom.Form, atom.Fieldset, atom.Address, atom.Hr,
		atom.Body, atom.Html, atom.Details, atom.Summary, atom.Center, atom.Menu:
		return true
	}
	return false
}

// headingLevel returns 1..6 for h1..h6 and 0 otherwise.
func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// findFirst returns the first element below n (depth first) for which f is
// true, or nil.
func findFirst(n *html.Node, f func(*html.Node) bool) *html.Node {
	var found *html.Node
	var walk func(*html.Node, int) bool
	walk = func(n *html.Node, depth int) bool {
		if depth > maxDepth {
			return false
		}
		if n.Type == html.ElementNode && f(n) {
			found = n
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	walk(n, 0)
	return found
}

// eachElement calls f for every element below n in document order; f
// returns false to skip the element's children.
func eachElement(n *html.Node, f func(*html.Node) bool) {
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode && !f(n) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
}

// truncate cuts s to at most n bytes on a rune boundary, adding "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// wordCount counts runs of letters or digits, the token of the body metric,
// and each Han, Hiragana or Katakana character as a word of its own (as
// article.WordCount does): Chinese and Japanese put no spaces between
// words, and a paragraph counted as one "word" would never read as a
// sentence.
func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		if r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			n++
			in = false
			continue
		}
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
