package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Limits bound the cost of a query; Parse refuses a query beyond them
// with an *Error naming the limit.
const (
	// MaxLength is the longest query, in bytes.
	MaxLength = 4096
	// MaxLeaves is the most words, phrases, prefixes, filters, dates and
	// figures a query may hold once repeated ones are folded.
	MaxLeaves = 64
	// MaxDepth is the deepest nesting of parentheses and NOT.
	MaxDepth = 16
	// MaxPhraseTerms is the most words of one phrase.
	MaxPhraseTerms = 32
	// MaxSlop is the largest proximity of "a b"~N.
	MaxSlop = 100
	// MinPrefix is the fewest letters before '*': a shorter prefix would
	// expand to too many words.
	MinPrefix = 3
)

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

// Parse parses s at the current time (see ParseAt).
func Parse(s string) (Query, error) { return ParseAt(s, time.Now()) }

// ParseAt parses s. An empty query is valid and matches everything. now
// only checks that since: is not after until: when both are absolute;
// relative dates stay relative in the tree (see Node.Bound).
func ParseAt(s string, now time.Time) (Query, error) {
	if len(s) > MaxLength {
		return Query{}, &Error{s, MaxLength, fmt.Sprintf("the query is %d bytes long, more than the %d allowed", len(s), MaxLength)}
	}
	p := &parser{s: s, at: map[*Node]int{}}
	root, err := p.parse()
	if err != nil {
		return Query{}, err
	}
	root = groupEvents(root)
	if err := p.check(root, now); err != nil {
		return Query{}, err
	}
	return Query{Root: root}, nil
}

// MustParse is Parse for queries known to be valid, such as constants in
// tests; it panics on an error.
func MustParse(s string) Query {
	q, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return q
}

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tMinus
	tWord
	tPhrase
	tField
)

type token struct {
	kind tokKind
	at   int
	text string // word, phrase text, or field name
	slop int    // phrase: -1 without ~N
}

type parser struct {
	s     string
	i     int
	peekd *token
	depth int
	// at records where each leaf was written, for errors found after
	// parsing.
	at map[*Node]int
}

func (p *parser) errf(at int, format string, args ...any) error {
	return &Error{p.s, at, fmt.Sprintf(format, args...)}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// isFieldName reports whether s can name a field: ASCII letters, dots
// inside (for names such as event.kind).
func isFieldName(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.') {
			return false
		}
	}
	return true
}

func (p *parser) peek() (token, error) {
	if p.peekd != nil {
		return *p.peekd, nil
	}
	t, err := p.lex()
	if err != nil {
		return token{}, err
	}
	p.peekd = &t
	return t, nil
}

func (p *parser) next() (token, error) {
	t, err := p.peek()
	p.peekd = nil
	return t, err
}

// lex reads the next token.
func (p *parser) lex() (token, error) {
	s := p.s
	for p.i < len(s) && isSpace(s[p.i]) {
		p.i++
	}
	start := p.i
	if p.i >= len(s) {
		return token{kind: tEOF, at: start}, nil
	}
	switch s[p.i] {
	case '(':
		p.i++
		return token{kind: tLParen, at: start}, nil
	case ')':
		p.i++
		return token{kind: tRParen, at: start}, nil
	case '"':
		return p.phrase()
	case '-':
		if p.i+1 < len(s) && !isSpace(s[p.i+1]) && s[p.i+1] != ')' {
			p.i++
			return token{kind: tMinus, at: start}, nil
		}
	}
	// A field: letters, ':' and a value right after it.
	j := p.i
	for j < len(s) && (s[j] == '.' || s[j] < utf8.RuneSelf && ('a' <= s[j]|0x20 && s[j]|0x20 <= 'z')) {
		j++
	}
	if j < len(s) && s[j] == ':' && isFieldName(s[p.i:j]) && !strings.HasPrefix(s[j:], "://") {
		p.i = j + 1
		return token{kind: tField, at: start, text: strings.ToLower(s[start:j])}, nil
	}
	for j = p.i; j < len(s) && !isSpace(s[j]) && s[j] != '(' && s[j] != ')'; j++ {
		if s[j] == '"' {
			return token{}, p.errf(j, "a quote inside a word (put a space before it to start a phrase)")
		}
	}
	p.i = j
	w := s[start:j]
	switch w {
	case "AND":
		return token{kind: tAnd, at: start}, nil
	case "OR":
		return token{kind: tOr, at: start}, nil
	case "NOT":
		return token{kind: tNot, at: start}, nil
	}
	return token{kind: tWord, at: start, text: w}, nil
}

// phrase reads a quoted phrase and an optional ~N after it.
func (p *parser) phrase() (token, error) {
	s, start := p.s, p.i
	end := strings.IndexByte(s[start+1:], '"')
	if end < 0 {
		return token{}, p.errf(start, "unterminated quote")
	}
	t := token{kind: tPhrase, at: start, text: s[start+1 : start+1+end], slop: -1}
	p.i = start + 2 + end
	if p.i < len(s) && s[p.i] == '~' {
		j := p.i + 1
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[p.i+1 : j])
		if err != nil || n > MaxSlop {
			return token{}, p.errf(p.i, "~ after a phrase needs a number of words from 0 to %d", MaxSlop)
		}
		t.slop = n
		p.i = j
	}
	return t, nil
}

// parse reads the whole query.
func (p *parser) parse() (*Node, error) {
	if t, err := p.peek(); err != nil {
		return nil, err
	} else if t.kind == tEOF {
		return nil, nil
	}
	n, err := p.or(nil)
	if err != nil {
		return nil, err
	}
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tEOF:
		return n, nil
	case tRParen:
		return nil, p.errf(t.at, "unbalanced parenthesis: ')' without '('")
	}
	return nil, p.errf(t.at, "unexpected %s", p.describe(t))
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tRParen:
		return "')'"
	case tLParen:
		return "'('"
	}
	return fmt.Sprintf("%q", p.s[t.at:p.i])
}

// startsOperand reports whether t can begin an operand.
func startsOperand(t token) bool {
	switch t.kind {
	case tLParen, tNot, tMinus, tWord, tPhrase, tField:
		return true
	}
	return false
}

// or reads operands joined by OR. field is the field of an enclosing
// field:(...) group, nil for free text.
func (p *parser) or(field *Field) (*Node, error) {
	first, err := p.and(field)
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.kind != tOr {
			break
		}
		p.next()
		if err := p.operandAfter(t, "OR"); err != nil {
			return nil, err
		}
		n, err := p.and(field)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	return combine(Or, kids, true), nil
}

// operandAfter checks that an operand follows the operator op at t.
func (p *parser) operandAfter(t token, op string) error {
	n, err := p.peek()
	if err != nil {
		return err
	}
	if !startsOperand(n) {
		return p.errf(t.at, "dangling operator: %s needs something after it, not %s", op, p.describe(n))
	}
	return nil
}

// and reads operands joined by AND or by nothing.
func (p *parser) and(field *Field) (*Node, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if !startsOperand(t) {
		switch t.kind {
		case tAnd, tOr:
			return nil, p.errf(t.at, "dangling operator: %s needs something before it", p.describe(t))
		case tRParen:
			return nil, p.errf(t.at, "unbalanced parenthesis: ')' without '('")
		}
		return nil, p.errf(t.at, "unexpected %s", p.describe(t))
	}
	var kids []*Node
	explicit := false
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.kind == tAnd {
			p.next()
			explicit = true
			if err := p.operandAfter(t, "AND"); err != nil {
				return nil, err
			}
		} else if !startsOperand(t) {
			break
		}
		n, err := p.unary(field)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if !explicit {
		kids = groupFilters(kids)
	}
	return combine(And, kids, true), nil
}

// groupFilters ORs the filters of one field in a sequence of operands
// joined by nothing: person:Lavrov person:Biden means either, as it
// always has.
func groupFilters(kids []*Node) []*Node {
	var out []*Node
	group := map[string]int{} // field -> index in out
	for _, k := range kids {
		if k == nil || k.Op != Filter {
			out = append(out, k)
			continue
		}
		i, ok := group[k.Field]
		if !ok {
			group[k.Field] = len(out)
			out = append(out, k)
			continue
		}
		out[i] = combine(Or, []*Node{out[i], k}, true)
	}
	return out
}

// unary reads NOT x, -x or x.
func (p *parser) unary(field *Field) (*Node, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind != tNot && t.kind != tMinus {
		return p.primary(field)
	}
	p.next()
	if t.kind == tNot {
		if err := p.operandAfter(t, "NOT"); err != nil {
			return nil, err
		}
	}
	if err := p.enter(t.at); err != nil {
		return nil, err
	}
	defer p.leave()
	kid, err := p.unary(field)
	if err != nil || kid == nil {
		return nil, err
	}
	return &Node{Op: Not, Kids: []*Node{kid}}, nil
}

func (p *parser) enter(at int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errf(at, "nested deeper than %d levels of parentheses and NOT", MaxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// primary reads a group, a field filter, a phrase or a word.
func (p *parser) primary(field *Field) (*Node, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tLParen:
		if err := p.enter(t.at); err != nil {
			return nil, err
		}
		defer p.leave()
		if n, err := p.peek(); err != nil {
			return nil, err
		} else if n.kind == tRParen {
			return nil, p.errf(t.at, "empty parentheses")
		} else if n.kind == tEOF {
			return nil, p.errf(t.at, "unbalanced parenthesis: '(' is never closed")
		}
		n, err := p.or(field)
		if err != nil {
			return nil, err
		}
		c, err := p.next()
		if err != nil {
			return nil, err
		}
		if c.kind != tRParen {
			return nil, p.errf(t.at, "unbalanced parenthesis: '(' is never closed")
		}
		return n, nil
	case tField:
		if field != nil {
			return nil, p.errf(t.at, "%s: inside %s:(...); a group holds values of its own field only", t.text, field.Name)
		}
		f, ok := FieldNamed(t.text)
		if !ok {
			return nil, p.errf(t.at, "unknown field %q (known: %s)", t.text, fieldNames())
		}
		n, err := p.fieldValue(f, t)
		if n != nil && (n.Op == Date || n.Op == Figure) {
			p.at[n] = t.at // a conflict of dates is reported at the field
		}
		return n, err
	case tPhrase:
		return p.textLeaf(field, t)
	case tWord:
		if field == nil || field.Kind == TextField {
			return p.textLeaf(field, t)
		}
		return p.filterLeaf(*field, t.text, t.at)
	}
	return nil, p.errf(t.at, "unexpected %s", p.describe(t))
}

// fieldValue reads what follows field: at t.
func (p *parser) fieldValue(f Field, t token) (*Node, error) {
	valueAt := p.i
	if p.peekd == nil && (p.i >= len(p.s) || isSpace(p.s[p.i]) || p.s[p.i] == ')') {
		return nil, p.errf(valueAt, "empty field value: %s: needs a value right after the colon", f.Name)
	}
	v, err := p.next()
	if err != nil {
		return nil, err
	}
	switch v.kind {
	case tLParen:
		p.peekd = &v
		return p.primary(&f)
	case tPhrase:
		if f.Kind == TextField {
			return p.textLeaf(&f, v)
		}
		if v.slop >= 0 {
			return nil, p.errf(v.at, "%s: takes no ~N; proximity is for free text and title:", f.Name)
		}
		return p.filterLeaf(f, v.text, v.at)
	case tWord:
		if f.Kind == TextField {
			return p.textLeaf(&f, v)
		}
		return p.filterLeaf(f, v.text, v.at)
	case tAnd, tOr, tNot:
		// AND, OR and NOT right after a colon are values.
		return p.filterLeaf(f, p.s[v.at:p.i], v.at)
	case tMinus:
		return nil, p.errf(v.at, "a '-' negates the whole filter: write -%s:value", f.Name)
	}
	return nil, p.errf(valueAt, "empty field value: %s: needs a value right after the colon", f.Name)
}

// textLeaf makes a Text, Near or Prefix node of a word or phrase, in the
// title only when field is title:. A word or phrase without letters or
// digits ("&", "—") has nothing to search for and is left out, so that
// "Johnson & Johnson" finds Johnson.
func (p *parser) textLeaf(field *Field, t token) (*Node, error) {
	name := ""
	if field != nil {
		name = field.Name
	}
	if t.kind == tPhrase {
		if strings.Contains(t.text, "*") {
			return nil, p.errf(t.at, "a prefix (*) cannot be inside a phrase")
		}
		terms := Terms(t.text)
		if len(terms) > MaxPhraseTerms {
			return nil, p.errf(t.at, "a phrase of %d words; at most %d", len(terms), MaxPhraseTerms)
		}
		if t.slop >= 0 {
			var distinct []string
			for _, w := range terms {
				if !slices.Contains(distinct, w) {
					distinct = append(distinct, w)
				}
			}
			if len(distinct) < 2 {
				return nil, p.errf(t.at, "proximity needs two or more different words inside the quotes")
			}
			n := &Node{Op: Near, Field: name, Value: t.text, Terms: distinct, Slop: t.slop}
			p.at[n] = t.at
			return n, nil
		}
		if len(terms) == 0 {
			return nil, nil
		}
		n := &Node{Op: Text, Field: name, Value: t.text, Quoted: true, Terms: terms}
		p.at[n] = t.at
		return n, nil
	}
	w := t.text
	if i := strings.IndexByte(w, '*'); i >= 0 {
		if i != len(w)-1 {
			return nil, p.errf(t.at+i, "'*' only ends a word (a prefix such as withdraw*)")
		}
		toks := Analyze(w[:i])
		if len(toks) != 1 || toks[0].Start != 0 || toks[0].End != i {
			return nil, p.errf(t.at, "a prefix must be letters or digits only before '*', not %q", w)
		}
		if n := utf8.RuneCountInString(toks[0].Word); n < MinPrefix {
			return nil, p.errf(t.at, "prefix %q is too short: at least %d letters before '*'", w, MinPrefix)
		}
		n := &Node{Op: Prefix, Field: name, Value: w[:i], Terms: []string{toks[0].Word}}
		p.at[n] = t.at
		return n, nil
	}
	if strings.Contains(w, "~") && strings.Trim(w, "~") != "" {
		return nil, p.errf(t.at+strings.IndexByte(w, '~'), "'~' follows a quoted phrase (\"a b\"~5)")
	}
	terms := Terms(w)
	if len(terms) == 0 {
		return nil, nil
	}
	if len(terms) > MaxPhraseTerms {
		return nil, p.errf(t.at, "a word of %d parts; at most %d", len(terms), MaxPhraseTerms)
	}
	n := &Node{Op: Text, Field: name, Value: w, Terms: terms}
	p.at[n] = t.at
	return n, nil
}

// figureKinds are the kinds figure: accepts, as the extractor names them.
var figureKinds = []string{article.Date, article.Money, article.Percent, article.Quantity, article.Year}

// filterLeaf makes the node of a field's value v written at at.
func (p *parser) filterLeaf(f Field, v string, at int) (*Node, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, p.errf(at, "empty field value: %s: needs a value", f.Name)
	}
	var n *Node
	switch f.Kind {
	case NameField:
		n = &Node{Op: Filter, Field: f.Name, Value: v}
	case HostField:
		n = &Node{Op: Filter, Field: f.Name, Value: strings.TrimPrefix(strings.ToLower(v), "www.")}
	case KeyField, PhraseField:
		n = &Node{Op: Filter, Field: f.Name, Value: FoldKey(v)}
	case DateField:
		if l := strings.ToLower(v); l == "today" || l == "now" || strings.HasPrefix(l, "now-") {
			v = l
		} else {
			// RFC 3339 wants an upper-case T and Z.
			v = strings.ToUpper(v)
		}
		if _, _, err := parseDate(v, time.Now()); err != nil {
			if strings.HasPrefix(v, "now-") {
				return nil, p.errf(at, "%s: %q: %v (e.g. now-7d, now-12h)", f.Name, v, err)
			}
			return nil, p.errf(at, "%s: %q is not a date (want 2024-05-31, an RFC 3339 time such as 2024-05-31T18:00:00Z, today, now-7d or now-12h)", f.Name, v)
		}
		n = &Node{Op: Date, Field: f.Name, Value: v}
	case FigureField:
		return p.figureLeaf(v, at)
	case EventField:
		return p.eventLeaf(f, v, at)
	default:
		return nil, p.errf(at, "%s: is not a filter", f.Name)
	}
	if strings.ContainsRune(n.Value, '*') && f.Kind != DateField {
		return nil, p.errf(at, "%s: takes no wildcards; '*' is for free text and title:", f.Name)
	}
	p.at[n] = at
	return n, nil
}

// figureLeaf reads kind, kind>N, kind>=N, kind<N, kind<=N or kind=N.
func (p *parser) figureLeaf(v string, at int) (*Node, error) {
	i := 0
	for i < len(v) && ('a' <= v[i]|0x20 && v[i]|0x20 <= 'z') {
		i++
	}
	kind := strings.ToLower(v[:i])
	if kind == "count" {
		kind = article.Quantity // what analysts call a count of things
	}
	if !slices.Contains(figureKinds, kind) {
		return nil, p.errf(at, "figure: unknown kind %q (known: %s)", kind, strings.Join(figureKinds, ", "))
	}
	n := &Node{Op: Figure, Field: kind}
	rest := v[i:]
	if rest != "" {
		for _, op := range []string{">=", "<=", ">", "<", "="} {
			if strings.HasPrefix(rest, op) {
				n.Cmp = op
				break
			}
		}
		if n.Cmp == "" {
			return nil, p.errf(at+i, "figure:%s needs a comparison: >, >=, <, <= or = and a number", kind)
		}
		num, err := strconv.ParseFloat(rest[len(n.Cmp):], 64)
		if err != nil || num != num || num > 1e300 || num < -1e300 {
			return nil, p.errf(at+i+len(n.Cmp), "figure:%s%s needs a number, not %q", kind, n.Cmp, rest[len(n.Cmp):])
		}
		n.Number = num
	}
	p.at[n] = at
	return n, nil
}

// combine makes an And or Or node of kids: nil kids (terms without
// words) are dropped, kids of the same operator are merged into it, and
// repeated kids are folded into one, so that a word written 400 times
// costs what it costs once.
func combine(op Op, kids []*Node, fold bool) *Node {
	var out []*Node
	seen := map[string]bool{}
	var add func(k *Node)
	add = func(k *Node) {
		if k == nil {
			return
		}
		if k.Op == op {
			for _, kk := range k.Kids {
				add(kk)
			}
			return
		}
		if fold {
			key := k.key()
			if seen[key] {
				return
			}
			seen[key] = true
		}
		out = append(out, k)
	}
	for _, k := range kids {
		add(k)
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return &Node{Op: op, Kids: out}
}

// key identifies what a node matches, for folding repeats: words by
// their analysed terms, so that Libya and libya are one.
func (n *Node) key() string {
	if n.Op == Text {
		return fmt.Sprintf("text %s %q", n.Field, n.Terms)
	}
	return n.String()
}

// check applies the limits that need the whole tree: the number of
// leaves, and since: after until: in the top-level conjunction.
func (p *parser) check(root *Node, now time.Time) error {
	leaves := 0
	var err error
	root.Walk(func(n *Node) {
		if err != nil || n.Op == And || n.Op == Or || n.Op == Not || n.Op == Events {
			return
		}
		leaves++
		if leaves > MaxLeaves {
			err = p.errf(p.at[n], "too many terms: more than %d words, phrases and filters", MaxLeaves)
		}
	})
	if err != nil {
		return err
	}
	top := []*Node{root}
	if root != nil && root.Op == And {
		top = root.Kids
	}
	var since, until *Node
	for _, n := range top {
		if n == nil || n.Op != Date || strings.Contains(n.Value, "now") || n.Value == "today" {
			continue
		}
		if n.Field == "since" && (since == nil || n.Bound(now).After(since.Bound(now))) {
			since = n
		}
		if n.Field == "until" && (until == nil || n.Bound(now).Before(until.Bound(now))) {
			until = n
		}
	}
	if since != nil && until != nil && since.Bound(now).After(until.Bound(now)) {
		at := max(p.at[since], p.at[until])
		return p.errf(at, "since: %s is after until: %s", since.Value, until.Value)
	}
	return nil
}
