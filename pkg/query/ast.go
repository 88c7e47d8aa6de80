package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Op is the kind of a Node.
type Op int

// The kinds of node.
const (
	// And matches when every one of Kids matches.
	And Op = iota
	// Or matches when any of Kids matches.
	Or
	// Not matches when its one kid does not.
	Not
	// Text matches free text: the stems Terms occur consecutively (a
	// single word is a one-word phrase) in the title or in the body, or
	// in the title alone when Field is "title".
	Text
	// Near matches when the stems Terms all occur, in any order, with at
	// most Slop other words between the first and the last of them, in
	// the title or in the body (or the title alone).
	Near
	// Prefix matches a folded word (not stemmed) starting with Terms[0].
	Prefix
	// Filter matches a field's value: Field is a NameField, HostField,
	// KeyField or PhraseField; Value is the value as the field compares
	// it (a site lowercased without "www.", a key folded).
	Filter
	// Date bounds the article's date: Field is "since" or "until".
	Date
	// Figure matches an article with a figure of kind Field whose value
	// compares with Number by Cmp ("" for any value).
	Figure
	// Events matches when one event of the article satisfies every one
	// of Kids: event filters (FieldKind EventField) and ANDs and ORs of
	// them. The parser puts every event filter under one (see events.go).
	Events
)

var opNames = [...]string{"AND", "OR", "NOT", "TEXT", "NEAR", "PREFIX", "FILTER", "DATE", "FIGURE", "EVENTS"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Node is one node of a parsed query. A parsed tree is never changed
// afterwards; stores and the matcher only read it.
type Node struct {
	Op   Op
	Kids []*Node
	// Field is the field of a Filter, Date or title-restricted Text,
	// Near or Prefix node, or the figure kind of a Figure node.
	Field string
	// Value is what the user wrote for a Text, Near, Prefix (without the
	// '*') or Date node, and the compared value of a Filter.
	Value string
	// Quoted marks a Text node written as a quoted phrase.
	Quoted bool
	// Terms are the analysed terms of a Text, Near or Prefix node.
	Terms []string
	// Slop is the proximity of a Near node.
	Slop int
	// Cmp and Number are the comparison of a Figure node.
	Cmp    string
	Number float64
}

// Query is a parsed search. The zero Query matches every article.
type Query struct {
	// Root is the tree; nil matches everything.
	Root *Node
}

// Empty reports whether q matches every article.
func (q Query) Empty() bool { return q.Root == nil }

// String renders q in the query language; Parse(q.String()) gives q
// back.
func (q Query) String() string {
	if q.Root == nil {
		return ""
	}
	return q.Root.String()
}

// String renders n in the query language.
func (n *Node) String() string {
	var b strings.Builder
	n.print(&b, 0)
	return b.String()
}

// precedence of the operators in printing: OR binds loosest.
func (n *Node) prec() int {
	switch n.Op {
	case Or:
		return 1
	case And, Events:
		return 2
	}
	return 3
}

func (n *Node) print(b *strings.Builder, outer int) {
	if n.Op == Events && len(n.Kids) == 1 {
		// The parser makes an Events node of a lone event filter again.
		n.Kids[0].print(b, outer)
		return
	}
	paren := n.prec() < outer
	if paren {
		b.WriteByte('(')
	}
	switch n.Op {
	case And, Or, Events:
		sep := " OR "
		if n.Op != Or {
			sep = n.andSeparator()
		}
		for i, k := range n.Kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.print(b, n.prec()+1)
		}
	case Not:
		k := n.Kids[0]
		if k.Op == Events && len(k.Kids) == 1 {
			k = k.Kids[0] // a lone event filter prints as itself
		}
		if k.Op != And && k.Op != Or && k.Op != Not && k.Op != Events {
			b.WriteString("-" + k.leaf())
			break
		}
		b.WriteString("NOT ")
		n.Kids[0].print(b, 3)
	default:
		b.WriteString(n.leaf())
	}
	if paren {
		b.WriteByte(')')
	}
}

// andSeparator is how the kids of an And or Events node are joined: by
// a space, as users write them, unless two are filters of one field,
// which a space would join by OR (see Parse).
func (n *Node) andSeparator() string {
	seen := map[string]bool{}
	for _, k := range n.Kids {
		if k.Op == Filter {
			if seen[k.Field] {
				return " AND "
			}
			seen[k.Field] = true
		}
	}
	return " "
}

// leaf renders a leaf node.
func (n *Node) leaf() string {
	prefix := ""
	if n.Field != "" && n.Op != Figure {
		prefix = n.Field + ":"
	}
	switch n.Op {
	case Text:
		if n.Quoted || needsQuotes(n.Value) {
			return prefix + `"` + n.Value + `"`
		}
		return prefix + n.Value
	case Near:
		return prefix + `"` + n.Value + `"~` + strconv.Itoa(n.Slop)
	case Prefix:
		return prefix + n.Value + "*"
	case Filter, Date:
		if needsQuotes(n.Value) {
			return prefix + `"` + n.Value + `"`
		}
		return prefix + n.Value
	case Figure:
		if n.Cmp == "" {
			return "figure:" + n.Field
		}
		return "figure:" + n.Field + n.Cmp + formatNumber(n.Number)
	}
	return "?"
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// needsQuotes reports whether a value must be quoted to be read back as
// one word.
func needsQuotes(v string) bool {
	if v == "" || v == "AND" || v == "OR" || v == "NOT" || v[0] == '-' {
		return true
	}
	if strings.ContainsAny(v, " \t\r\n()\"*~") {
		return true
	}
	// A bare word that looks like a field would be read as one.
	if i := strings.IndexByte(v, ':'); i > 0 && isFieldName(v[:i]) && !strings.HasPrefix(v[i:], "://") {
		return true
	}
	return false
}

// Explain renders the tree of q, one node a line, indented by depth, for
// `wirewatch search --explain`.
func (q Query) Explain() string {
	if q.Root == nil {
		return "ALL (the empty query matches every article)\n"
	}
	var b strings.Builder
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		switch n.Op {
		case And, Or, Not:
			b.WriteString(n.Op.String())
		case Events:
			b.WriteString(explainEvents(n))
		case Text:
			where := "title or body"
			if n.Field == "title" {
				where = "title"
			}
			kind := "word"
			if len(n.Terms) > 1 {
				kind = "phrase"
			}
			fmt.Fprintf(&b, "TEXT %s %q in %s, terms %s", kind, n.Value, where, strings.Join(n.Terms, " "))
		case Near:
			fmt.Fprintf(&b, "NEAR %q: terms %s within %d words, any order", n.Value, strings.Join(n.Terms, " "), n.Slop)
		case Prefix:
			fmt.Fprintf(&b, "PREFIX %s* (words starting %q)", n.Value, n.Terms[0])
		case Filter:
			fmt.Fprintf(&b, "FILTER %s = %q", n.Field, n.Value)
		case Date:
			fmt.Fprintf(&b, "DATE %s %s", n.Field, n.Value)
		case Figure:
			if n.Cmp == "" {
				fmt.Fprintf(&b, "FIGURE %s (any value)", n.Field)
			} else {
				fmt.Fprintf(&b, "FIGURE %s %s %s", n.Field, n.Cmp, formatNumber(n.Number))
			}
		}
		b.WriteByte('\n')
		for _, k := range n.Kids {
			walk(k, depth+1)
		}
	}
	walk(q.Root, 0)
	return b.String()
}

// Walk calls fn for n and every node below it, parents first.
func (n *Node) Walk(fn func(*Node)) {
	if n == nil {
		return
	}
	fn(n)
	for _, k := range n.Kids {
		k.Walk(fn)
	}
}

// ArticleDate is the date the since: and until: filters and timelines use:
// published, else fetched.
func ArticleDate(published *time.Time, fetched time.Time) time.Time {
	if published != nil && !published.IsZero() {
		return *published
	}
	return fetched
}

// Bound returns the instant a Date node stands for at the time now: the
// first instant it admits for since:, the last for until:. A calendar day
// given to until: means its last nanosecond; "today" is the current UTC
// day; "now-7d" is seven days before now (units m, h, d, w).
func (n *Node) Bound(now time.Time) time.Time {
	t, day, err := parseDate(n.Value, now)
	if err != nil {
		// Parse checked the value; a tree built by hand with a bad date
		// admits nothing rather than everything.
		if n.Field == "since" {
			return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return time.Time{}
	}
	if n.Field == "until" && day {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t
}

// Admits reports whether the Date node n admits the article date d at
// the time now.
func (n *Node) Admits(d, now time.Time) bool {
	b := n.Bound(now)
	if n.Field == "since" {
		return !d.Before(b)
	}
	return !d.After(b)
}

// Compare reports whether v satisfies the comparison of a Figure node.
func (n *Node) Compare(v float64) bool {
	switch n.Cmp {
	case ">":
		return v > n.Number
	case ">=":
		return v >= n.Number
	case "<":
		return v < n.Number
	case "<=":
		return v <= n.Number
	case "=":
		return v == n.Number
	}
	return true
}

// parseDate reads a calendar day (as its first instant, UTC), an RFC 3339
// timestamp (converted to UTC), "today", "now" or "now-N<unit>".
func parseDate(v string, now time.Time) (t time.Time, day bool, err error) {
	now = now.UTC()
	switch {
	case v == "today":
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), true, nil
	case v == "now":
		return now, false, nil
	case strings.HasPrefix(v, "now-"):
		d, err := parseAgo(v[len("now-"):])
		if err != nil {
			return time.Time{}, false, err
		}
		return now.Add(-d), false, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, err
	}
	return t.UTC(), false, nil
}

// maxAgo bounds a relative date, so that the arithmetic cannot overflow.
const maxAgo = 100 * 365 * 24 * time.Hour

// parseAgo reads "7d", "12h", "30m" or "2w".
func parseAgo(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("want a number and a unit")
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a number and a unit")
	}
	units := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	u, ok := units[s[len(s)-1]]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q (want m, h, d or w)", s[len(s)-1:])
	}
	if time.Duration(n) > maxAgo/u {
		return 0, fmt.Errorf("more than 100 years")
	}
	return time.Duration(n) * u, nil
}

// TextOnly reports whether n is free text alone: words, phrases,
// proximity and prefixes combined by AND, OR and NOT.
func TextOnly(n *Node) bool {
	ok := n != nil
	n.Walk(func(k *Node) {
		switch k.Op {
		case And, Or, Not, Text, Near, Prefix:
		default:
			ok = false
		}
	})
	return ok
}

// Conjuncts returns the nodes that must all match for q to match: the
// kids of a top-level AND, else the root alone (none for the empty
// query).
func (q Query) Conjuncts() []*Node {
	switch {
	case q.Root == nil:
		return nil
	case q.Root.Op == And:
		return q.Root.Kids
	}
	return []*Node{q.Root}
}

// Ranked reports whether the stores rank q's results by relevance: when
// one of its conjuncts is positive free text. Otherwise they list the
// newest first.
func (q Query) Ranked() bool {
	for _, n := range q.Conjuncts() {
		if n.Op != Not && TextOnly(n) {
			return true
		}
	}
	return false
}
