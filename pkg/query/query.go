// Package query parses the search language shared by the command line and
// every store: free text plus field filters. It also defines the facets and
// timelines every store computes for a query.
//
//	withdrawal "foreign fighters" person:Lavrov place:Libya site:apnews.com org:"United Nations"
//
// Free-text terms must all match (a quoted phrase matches as a phrase);
// filters of different fields must all match; repeating a field means any of
// its values may match. A leading '-' negates a free-text term.
//
// since: and until: bound the article's date, both inclusive, in UTC:
//
//	since:2024-05-01 until:2024-05-31     the whole of May 2024
//	since:2024-05-01T12:00:00+02:00       from that instant on
//
// A calendar day means the whole day (until:2024-05-31 includes 23:59:59 and
// its fractions); an RFC 3339 timestamp means that instant. The article's
// date is its published time, or, when it has none, the time it was
// fetched: undated articles are common (feeds and pages without metadata),
// and leaving them out of every dated search would hide them entirely,
// while the fetch time of a news page is usually within hours of its
// publication. Repeating since: or until: keeps the last value.
package query

import (
	"fmt"
	"strings"
	"time"
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
	// Since and Until bound the article's date (published, else fetched),
	// both inclusive; the zero time leaves that side open. A calendar day
	// given as until: is stored as its last nanosecond.
	Since time.Time
	Until time.Time
}

// Term is a word or a phrase of free text.
type Term struct {
	Text   string
	Phrase bool // quoted in the query
	Not    bool // prefixed with '-'
}

// Empty reports whether q matches every article.
func (q Query) Empty() bool {
	return len(q.Terms) == 0 && len(q.People) == 0 && len(q.Places) == 0 && len(q.Orgs) == 0 && len(q.Sites) == 0 &&
		q.Since.IsZero() && q.Until.IsZero()
}

// InRange reports whether an article's date d lies within Since and Until.
func (q Query) InRange(d time.Time) bool {
	return (q.Since.IsZero() || !d.Before(q.Since)) && (q.Until.IsZero() || !d.After(q.Until))
}

// ArticleDate is the date the since: and until: filters and timelines use:
// published, else fetched.
func ArticleDate(published *time.Time, fetched time.Time) time.Time {
	if published != nil && !published.IsZero() {
		return *published
	}
	return fetched
}

// Fields lists the filter names the language accepts.
var fields = map[string]func(*Query, string){
	"person": func(q *Query, v string) { q.People = append(q.People, v) },
	"place":  func(q *Query, v string) { q.Places = append(q.Places, v) },
	"org":    func(q *Query, v string) { q.Orgs = append(q.Orgs, v) },
	"site":   func(q *Query, v string) { q.Sites = append(q.Sites, strings.TrimPrefix(strings.ToLower(v), "www.")) },
	// Dates are checked by setDate, which can fail.
	"since": nil,
	"until": nil,
}

// setDate sets Since or Until from a calendar day or an RFC 3339 timestamp.
func setDate(q *Query, name, v string) error {
	t, day, err := parseDate(v)
	if err != nil {
		return fmt.Errorf("%s: %q is not a date (want 2024-05-31 or an RFC 3339 time such as 2024-05-31T18:00:00Z)", name, v)
	}
	if name == "since" {
		q.Since = t
	} else {
		if day {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		q.Until = t
	}
	return nil
}

// parseDate reads a calendar day (as its first instant, UTC) or an RFC 3339
// timestamp (converted to UTC).
func parseDate(v string) (t time.Time, day bool, err error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, err
	}
	return t.UTC(), false, nil
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
	dateAt := 0 // offset of the last since: or until:, where a conflict is reported
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
				return Query{}, &Error{s, start, fmt.Sprintf("unknown field %q (known: org, person, place, site, since, until)", name)}
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
			if set == nil {
				if err := setDate(&q, name, strings.TrimSpace(val)); err != nil {
					return Query{}, &Error{s, j + 1, err.Error()}
				}
				dateAt = start
			} else {
				set(&q, strings.TrimSpace(val))
			}
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
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return Query{}, &Error{s, dateAt, fmt.Sprintf("since: %s is after until: %s", formatSince(q.Since), formatUntil(q.Until))}
	}
	if len(q.Terms) > 0 {
		positive := false
		for _, t := range q.Terms {
			positive = positive || !t.Not
		}
		if !positive && len(q.People)+len(q.Places)+len(q.Orgs)+len(q.Sites) == 0 && q.Since.IsZero() && q.Until.IsZero() {
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
	if !q.Since.IsZero() {
		parts = append(parts, "since:"+formatSince(q.Since))
	}
	if !q.Until.IsZero() {
		parts = append(parts, "until:"+formatUntil(q.Until))
	}
	return strings.Join(parts, " ")
}

// formatSince renders a since: bound as a calendar day when it is the start
// of one, so that String gives back what the user wrote.
func formatSince(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// formatUntil renders an until: bound as a calendar day when it is the last
// nanosecond of one.
func formatUntil(t time.Time) string {
	if next := t.Add(time.Nanosecond); next.Equal(next.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}
