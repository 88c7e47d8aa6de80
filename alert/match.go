package alert

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Matcher decides whether one article matches a saved query, in memory, as
// the embedded store's search would decide it had the article been found
// there. Evaluating the query against the article at hand, instead of
// searching the store for it, keeps an alert independent of the store's
// other contents and costs microseconds per article.
//
// Free text is compared word by word over the title and the body: words are
// runs of letters and digits, lowercased, with diacritics removed, and
// folded by a light English plural stemmer (see fold). A term or phrase
// matches when its words occur consecutively in the title or in the body;
// punctuation between them does not matter, as in the store. Differences
// from the store's FTS5 Porter stemmer: only plurals and possessives are
// folded, so "fighter" matches "fighters" but, unlike the store,
// "withdrawal" does not match "withdrawing" and "fight" does not match
// "fighting". since: and until: compare the published time, else the fetch
// time, as the store does. A Matcher is safe for concurrent use.
type Matcher struct {
	q     query.Query
	pos   [][]string // words of each positive term
	neg   [][]string // words of each negated term
	sites []string
}

// ErrEmptyQuery is returned for a query that would match every article: as
// a saved search it would alert on every story. Dates alone count as empty:
// new stories are recent, so since: alone would match them all.
var ErrEmptyQuery = errors.New("an alert needs a query: an empty one would match every story, and so would since: or until: alone")

// NewMatcher compiles q. An empty query, or one of since: and until:
// alone, is rejected.
func NewMatcher(q query.Query) (*Matcher, error) {
	undated := q
	undated.Since, undated.Until = time.Time{}, time.Time{}
	if undated.Empty() {
		return nil, ErrEmptyQuery
	}
	m := &Matcher{q: q}
	for _, t := range q.Terms {
		w := words(t.Text)
		if t.Not {
			m.neg = append(m.neg, w)
		} else {
			m.pos = append(m.pos, w)
		}
	}
	for _, s := range q.Sites {
		m.sites = append(m.sites, strings.TrimPrefix(strings.ToLower(s), "www."))
	}
	return m, nil
}

// Query returns the compiled query.
func (m *Matcher) Query() query.Query { return m.q }

// Match reports whether a matches.
func (m *Matcher) Match(a *article.Article) bool {
	if !m.q.InRange(query.ArticleDate(a.PublishedAt, a.FetchedAt)) {
		return false
	}
	if len(m.sites) > 0 && !m.siteMatch(a.Site) {
		return false
	}
	if !entityMatch(a, article.Person, a.People, m.q.People) ||
		!entityMatch(a, article.Place, a.Places, m.q.Places) ||
		!entityMatch(a, article.Organization, a.Organizations, m.q.Orgs) {
		return false
	}
	if len(m.pos) == 0 && len(m.neg) == 0 {
		return true
	}
	title, body := words(a.Title), words(a.Body)
	has := func(seq []string) bool { return contains(title, seq) || contains(body, seq) }
	for _, seq := range m.pos {
		if !has(seq) {
			return false
		}
	}
	for _, seq := range m.neg {
		if has(seq) {
			return false
		}
	}
	return true
}

// siteMatch applies the store's rule: the site itself or a subdomain of it.
func (m *Matcher) siteMatch(site string) bool {
	site = strings.ToLower(site)
	for _, s := range m.sites {
		if site == s || strings.HasSuffix(site, "."+s) {
			return true
		}
	}
	return false
}

// entityMatch applies the store's rule for person:, place: and org: filters
// to one field: any wanted name equals a tagged canonical name ignoring
// case, or occurs in it as whole words ("Lavrov" matches "Sergey Lavrov").
// The names are the article's list for the field and the canonical names
// (or, lacking one, the text) of its entities of that type, as the store
// indexes them.
func entityMatch(a *article.Article, typ string, listed, want []string) bool {
	if len(want) == 0 {
		return true
	}
	check := func(name string) bool {
		padded := " " + strings.ToLower(name) + " "
		for _, w := range want {
			if strings.EqualFold(name, w) || strings.Contains(padded, " "+strings.ToLower(w)+" ") {
				return true
			}
		}
		return false
	}
	for _, n := range listed {
		if check(n) {
			return true
		}
	}
	for _, e := range a.Entities {
		if e.Type != typ {
			continue
		}
		n := e.Canonical
		if n == "" {
			n = e.Text
		}
		if check(n) {
			return true
		}
	}
	return false
}

// contains reports whether seq occurs consecutively in text. An empty seq
// (a term without letters or digits) matches nothing.
func contains(text, seq []string) bool {
	if len(seq) == 0 {
		return false
	}
	for i := 0; i+len(seq) <= len(text); i++ {
		if text[i] != seq[0] {
			continue
		}
		ok := true
		for j := 1; j < len(seq); j++ {
			if text[i+j] != seq[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// words splits s into folded words: runs of letters and digits, lowercased,
// without diacritics, plural-folded.
func words(s string) []string {
	s = stripMarks(s)
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = append(out, fold(strings.ToLower(w)))
	}
	return out
}

// stripMarks removes diacritics ("Đoàn" → "Đoan"), as the store's
// tokenizer does with remove_diacritics.
func stripMarks(s string) string {
	if isASCII(s) {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// fold is the light stemmer: it reduces English plurals to their singular
// so that "fighters" and "fighter", "casualties" and "casualty", "taxes"
// and "tax" compare equal. Apostrophes split words (the tokenizer drops
// them), so a possessive "'s" is already a separate "s" word, which the
// store also sees. Words of three letters or fewer and words ending in
// "ss", "us" or "is" (class, status, crisis) are left alone.
func fold(w string) string {
	n := len(w)
	switch {
	case n <= 3:
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"),
		strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}
