package clean

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A textDate is a date written for readers ("Published on July 18, 2025")
// and where it stands: at is the element's place in document order, so that
// the date nearest the headline can be told from the dates of a sidebar's
// or a comment thread's entries.
type textDate struct {
	t  time.Time
	at int
}

// maxTextDates bounds the reader-facing dates kept from one page.
const maxTextDates = 40

// dateTextMax is the longest element text read for a date: a byline line
// ("By Jane Doe - Mar 27, 2024"), not a paragraph that mentions one.
const dateTextMax = 80

// dateHints are words of class and id values that mark an element as the
// page's date or the line that carries it.
var dateHints = []string{"date", "time", "publish", "posted", "updated", "byline", "meta", "post-info", "entry-info",
	"article-info", "dateline"}

// dateCues open a line that gives the page's date ("Last updated on:").
var dateCues = []string{"published", "posted", "updated", "last updated", "date:", "veröffentlicht", "aktualisiert",
	"publié", "mis à jour", "publicado", "actualizado", "pubblicato", "aggiornato", "gepubliceerd"}

// textDateOf returns the date an element shows its readers, if it is a
// short text that is mostly a date, or is marked as one by its class, id,
// tag or an opening cue. Only an element with a digit in its own text is
// read: the date's own element, not every container around it.
func textDateOf(n *html.Node) (textDate, bool) {
	if n.DataAtom == atom.Title || n.DataAtom == atom.Option || !ownTextHasDigit(n) {
		// The document's title and a menu's options are not shown as
		// the page's date.
		return textDate{}, false
	}
	s, ok := shortText(n, dateTextMax)
	if !ok || len(s) < 6 {
		return textDate{}, false
	}
	t, rest, ok := findTextDate(s)
	if !ok {
		return textDate{}, false
	}
	if len(rest) <= 25 || n.DataAtom == atom.Time || hasDateCue(s) || hasDateHint(n) {
		return textDate{t: t}, true
	}
	return textDate{}, false
}

// hasDateCue reports a line that opens with a cue such as "Published".
func hasDateCue(s string) bool {
	low := strings.ToLower(s)
	for _, c := range dateCues {
		if strings.HasPrefix(low, c) {
			return true
		}
	}
	return false
}

// hasDateHint reports a class or id that names a date or its line.
func hasDateHint(n *html.Node) bool {
	names := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	for _, h := range dateHints {
		if strings.Contains(names, h) {
			return true
		}
	}
	return false
}

// ownTextHasDigit reports whether a text child of n holds a digit.
func ownTextHasDigit(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			continue
		}
		for i := 0; i < len(c.Data); i++ {
			if c.Data[i]-'0' <= 9 {
				return true
			}
		}
	}
	return false
}

// shortTextNodes bounds the nodes shortText visits: every element with a
// digit in its text is read, so each read must cost little however the
// page nests its elements.
const shortTextNodes = 200

// shortText returns the visible text of n, white space normalised, and
// false when it is longer than max bytes or spread over more than
// shortTextNodes nodes; it stops reading there, so a large container
// costs little.
func shortText(n *html.Node, max int) (string, bool) {
	var b strings.Builder
	long := false
	nodes := 0
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		nodes++
		if nodes > shortTextNodes {
			long = true
		}
		if long || depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
			if b.Len() > 4*max {
				long = true
			}
			return
		case html.ElementNode:
			if skipTag(n.DataAtom) {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	if long {
		return "", false
	}
	s := normSpace(b.String())
	return s, len(s) <= max
}

// textMonths are month names and their usual abbreviations in the
// languages the cleaner's markers cover.
var textMonths = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
	"june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
	"janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8, "septembre": 9,
	"octobre": 10, "novembre": 11, "décembre": 12,
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
	"septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
	"gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
	"ottobre": 10, "dicembre": 12,
	"janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10,
	"dezembro": 12,
	"januari":  1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}

// findTextDate finds the first full date (day, month and year) in s,
// written as readers see it: "July 18, 2025", "Dec 12, 2025", "18 July
// 2025", "18. Juli 2025", "18 de julio de 2025", "2025-07-18" or
// "18.07.2025". It returns the date and the text of s outside it. A
// numeric date with slashes is left alone: "07/08/2025" is July or August
// by the reader's country.
func findTextDate(s string) (time.Time, string, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == '|' || r == '•' || r == '·' || r == '(' || r == ')'
	})
	for i, w := range f {
		if t, ok := numericDate(w); ok {
			return t, strings.Replace(s, w, "", 1), true
		}
		m, ok := textMonths[strings.TrimSuffix(strings.ToLower(w), ".")]
		if !ok {
			continue
		}
		// Day before the month: "18 July 2025", "18. Juli", "18 de julio de 2025".
		if i > 0 {
			j := i - 1
			if strings.EqualFold(f[j], "de") && j > 0 {
				j--
			}
			if d, ok := dayOf(f[j]); ok {
				k := i + 1
				if k < len(f) && (strings.EqualFold(f[k], "de") || strings.EqualFold(f[k], "del")) {
					k++
				}
				if k < len(f) {
					if y, ok := yearOf(f[k]); ok {
						if t, ok := makeDate(y, m, d); ok {
							return t, strings.Join(append(append([]string{}, f[:j]...), f[k+1:]...), " "), true
						}
					}
				}
			}
		}
		// Month first: "July 18, 2025", "Dec. 12 2025", "July 18th, 2025".
		if i+2 < len(f) {
			if d, ok := dayOf(f[i+1]); ok {
				if y, ok := yearOf(f[i+2]); ok {
					if t, ok := makeDate(y, m, d); ok {
						return t, strings.Join(append(append([]string{}, f[:i]...), f[i+3:]...), " "), true
					}
				}
			}
		}
	}
	return time.Time{}, "", false
}

// numericDate reads "2025-07-18" (with or without a time after it) and
// "18.07.2025".
func numericDate(w string) (time.Time, bool) {
	if len(w) >= 10 && w[4] == '-' && w[7] == '-' {
		y, e1 := strconv.Atoi(w[:4])
		mo, e2 := strconv.Atoi(w[5:7])
		d, e3 := strconv.Atoi(w[8:10])
		if e1 == nil && e2 == nil && e3 == nil && (len(w) == 10 || w[10] == 'T') {
			return makeDate(y, time.Month(mo), d)
		}
	}
	if len(w) == 10 && w[2] == '.' && w[5] == '.' {
		d, e1 := strconv.Atoi(w[:2])
		mo, e2 := strconv.Atoi(w[3:5])
		y, e3 := strconv.Atoi(w[6:])
		if e1 == nil && e2 == nil && e3 == nil {
			return makeDate(y, time.Month(mo), d)
		}
	}
	return time.Time{}, false
}

// dayOf reads a day of the month: "18", "18.", "18th".
func dayOf(w string) (int, bool) {
	w = strings.TrimSuffix(w, ".")
	for _, suf := range []string{"st", "nd", "rd", "th", "er"} {
		w = strings.TrimSuffix(w, suf)
	}
	d, err := strconv.Atoi(w)
	return d, err == nil && len(w) <= 2 && d >= 1 && d <= 31
}

// yearOf reads a four-digit year.
func yearOf(w string) (int, bool) {
	w = strings.TrimSuffix(w, ".")
	y, err := strconv.Atoi(w)
	return y, err == nil && len(w) == 4
}

// makeDate returns the date if it exists on the calendar and is plausible.
func makeDate(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || !plausibleYear(t) {
		return time.Time{}, false
	}
	return t, true
}

// urlDate reads the date that blogs and news sites put in their article
// paths: /2016/02/09/slug or /2016-02-09-slug.
func urlDate(pageURL string) (time.Time, bool) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return time.Time{}, false
	}
	parts := strings.Split(u.Path, "/")
	for i := 0; i+2 < len(parts); i++ {
		y, ok1 := yearOf(parts[i])
		mo, err2 := strconv.Atoi(parts[i+1])
		d, err3 := strconv.Atoi(parts[i+2])
		if ok1 && err2 == nil && err3 == nil && len(parts[i+1]) == 2 && len(parts[i+2]) == 2 {
			return makeDate(y, time.Month(mo), d)
		}
	}
	for _, p := range parts {
		if len(p) >= 10 {
			if t, ok := numericDate(p[:10]); ok && (len(p) == 10 || p[10] == '-' || p[10] == '_') {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// shownDate returns the date the page shows its readers nearest its
// headline (see nearestTextDate). It walks the page again, and is called
// only for a page whose metadata, feed and path give no date: most news
// pages never pay for it.
func shownDate(doc *html.Node, fetched time.Time) (time.Time, bool) {
	var dates []textDate
	h1At, at := -1, 0
	eachElement(doc, func(n *html.Node) bool {
		at++
		if len(dates) < maxTextDates {
			if d, ok := textDateOf(n); ok {
				d.at = at
				dates = append(dates, d)
			}
		}
		switch n.DataAtom {
		case atom.H1:
			if h1At < 0 {
				h1At = at
			}
		case atom.Title, atom.Script, atom.Style, atom.Noscript, atom.Template:
			return false // as gatherMeta: no page text below them
		}
		return true
	})
	return nearestTextDate(dates, h1At, fetched)
}

// nearestTextDate returns the reader-facing date nearest the headline (the
// first h1, at element h1At; the first date when the page has none), if it
// is not after the fetch: a date ahead of it names an event to come.
// Preferring a date its markup marks as the page's over a bare one (a list
// of other posts shows bare dates) was tried: it dated 4 fewer WCXB pages
// right, two of five site folds worse, none better.
func nearestTextDate(dates []textDate, h1At int, fetched time.Time) (time.Time, bool) {
	best, bestDist := -1, 0
	for i, d := range dates {
		if !fetched.IsZero() && d.t.After(fetched.Add(48*time.Hour)) {
			continue
		}
		dist := 0
		if h1At >= 0 {
			dist = d.at - h1At
			if dist < 0 {
				dist = -dist
			}
		}
		if best < 0 || dist < bestDist {
			best, bestDist = i, dist
		}
	}
	if best < 0 {
		return time.Time{}, false
	}
	return dates[best].t, true
}
