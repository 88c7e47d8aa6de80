// Package query parses the search language shared by the command line and
// every store: free text plus field filters.
//
//	withdrawal "foreign fighters" person:Lavrov place:Libya site:apnews.com org:"United Nations"
//
// Free-text terms must all match (a quoted phrase matches as a phrase);
// filters of different fields must all match; repeating a field means any of
// its values may match. A leading '-' negates a free-text term.
package query

import (
	"fmt"
	"strings"
	"unicode"
)

// Query is a parsed search.
type Query struct {
	// Terms are free-text words or phrases that must all occur.
	Terms []Term
	// People, Places, Orgs and Sites filter on tagged canonical names and
	// the article's site; within a field any value may match.
	People []string
	Places []string
	Orgs   []string
	Sites  []string
}

// Term is a word or a phrase of free text.
type Term struct {
	Text   string
	Phrase bool // quoted in the query
	Not    bool // prefixed with '-'
}

// Empty reports whether q matches every article.
func (q Query) Empty() bool {
	return len(q.Terms) == 0 && len(q.People) == 0 && len(q.Places) == 0 && len(q.Orgs) == 0 && len(q.Sites) == 0
}

// Fields lists the filter names the language accepts.
var fields = map[string]func(*Query, string){
	"person": func(q *Query, v string) { q.People = append(q.People, v) },
	"place":  func(q *Query, v string) { q.Places = append(q.Places, v) },
	"org":    func(q *Query, v string) { q.Orgs = append(q.Orgs, v) },
	"site":   func(q *Query, v string) { q.Sites = append(q.Sites, strings.TrimPrefix(strings.ToLower(v), "www.")) },
}

// Error describes a query that cannot be parsed, with the byte offset of
// the problem.
type Error struct {
	Query  string
	Offset int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("bad query at column %d: %s", e.Offset+1, e.Msg)
}

// Parse parses s. An empty query is valid and matches everything.
func Parse(s string) (Query, error) {
	var q Query
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		not := false
		if s[i] == '-' {
			not = true
			i++
		}
		// A field filter: letters followed by ':'.
		j := i
		for j < len(s) && s[j] < unicode.MaxASCII && unicode.IsLetter(rune(s[j])) {
			j++
		}
		if j > i && j < len(s) && s[j] == ':' && !strings.HasPrefix(s[j:], "://") {
			name := strings.ToLower(s[i:j])
			set, ok := fields[name]
			if !ok {
				return Query{}, &Error{s, start, fmt.Sprintf("unknown field %q (known: org, person, place, site)", name)}
			}
			if not {
				return Query{}, &Error{s, start, "negated filters are not supported"}
			}
			val, next, err := value(s, j+1)
			if err != nil {
				return Query{}, err
			}
			if strings.TrimSpace(val) == "" {
				return Query{}, &Error{s, j + 1, fmt.Sprintf("%s: needs a value", name)}
			}
			set(&q, strings.TrimSpace(val))
			i = next
			continue
		}
		val, next, err := value(s, i)
		if err != nil {
			return Query{}, err
		}
		phrase := i < len(s) && s[i] == '"'
		if hasWord(val) {
			q.Terms = append(q.Terms, Term{Text: val, Phrase: phrase, Not: not})
		}
		i = next
	}
	if len(q.Terms) > 0 {
		positive := false
		for _, t := range q.Terms {
			positive = positive || !t.Not
		}
		if !positive && len(q.People)+len(q.Places)+len(q.Orgs)+len(q.Sites) == 0 {
			return Query{}, &Error{s, 0, "a query cannot consist only of negated terms"}
		}
	}
	return q, nil
}

// value reads a bare word or a quoted phrase starting at i.
func value(s string, i int) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return "", 0, &Error{s, i, "unterminated quote"}
		}
		return s[i+1 : i+1+end], i + 2 + end, nil
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		if s[j] == '"' {
			return "", 0, &Error{s, j, "quote inside a word"}
		}
		j++
	}
	return s[i:j], j, nil
}

// hasWord reports whether a free-text term has something to search for:
// a letter or a digit. A term of punctuation alone ("&", "—") has no words
// for a full-text index, and kept, it would match no article at all, so
// that "Johnson & Johnson" found nothing.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
	}) >= 0
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// String renders q back into the query language.
func (q Query) String() string {
	var parts []string
	quote := func(v string) string {
		if strings.ContainsAny(v, " \t") {
			return `"` + v + `"`
		}
		return v
	}
	for _, t := range q.Terms {
		p := t.Text
		if t.Phrase {
			p = `"` + p + `"`
		}
		if t.Not {
			p = "-" + p
		}
		parts = append(parts, p)
	}
	for _, f := range []struct {
		name string
		vals []string
	}{{"person", q.People}, {"place", q.Places}, {"org", q.Orgs}, {"site", q.Sites}} {
		for _, v := range f.vals {
			parts = append(parts, f.name+":"+quote(v))
		}
	}
	return strings.Join(parts, " ")
}
