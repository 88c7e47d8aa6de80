package alert

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Matcher decides whether one article matches a saved query, in memory, as
// the stores' search would decide it had the article been found there.
// Evaluating the query's tree against the article at hand, instead of
// searching the store for it, keeps an alert independent of the store's
// other contents and costs microseconds per article.
//
// It follows the stores by construction: free text is compared as
// query.Analyze analyses it (the analysis both stores index), key fields
// as query.KeyValues indexes them, and person:, place:, org: and site: by
// the stores' rules (see package query). The storetest conformance suite
// checks, query by query and article by article, that the matcher and
// both stores agree. A Matcher is safe for concurrent use.
type Matcher struct {
	q query.Query
}

// ErrEmptyQuery is returned for a query that would match every article: as
// a saved search it would alert on every story. Dates alone count as empty:
// new stories are recent, so since: alone would match them all.
var ErrEmptyQuery = errors.New("an alert needs a query: an empty one would match every story, and so would since:, until: or negations alone")

// NewMatcher compiles q. A query that would match almost every story is
// rejected: an empty one, one of dates alone, or one whose every
// condition is a date or a negation (-sport alone).
func NewMatcher(q query.Query) (*Matcher, error) {
	top := []*query.Node{q.Root}
	if q.Root != nil && q.Root.Op == query.And {
		top = q.Root.Kids
	}
	positive := false
	for _, n := range top {
		if n == nil || n.Op == query.Not {
			continue
		}
		n.Walk(func(n *query.Node) {
			if n.Op != query.And && n.Op != query.Or && n.Op != query.Not && n.Op != query.Date {
				positive = true
			}
		})
	}
	if !positive {
		return nil, ErrEmptyQuery
	}
	return &Matcher{q: q}, nil
}

// Query returns the compiled query.
func (m *Matcher) Query() query.Query { return m.q }

// Match reports whether a matches now.
func (m *Matcher) Match(a *article.Article) bool { return m.MatchDoc(NewDoc(a), time.Now()) }

// MatchDoc reports whether the analysed article d matches at the time
// now (which relative dates such as since:now-1d are resolved against).
// Analysing an article once and matching every saved search against the
// result keeps alerting cheap as saved searches grow.
func (m *Matcher) MatchDoc(d *Doc, now time.Time) bool { return Eval(m.q, d, now) }

// Eval reports whether the analysed article d matches q at the time now,
// for any query, including those NewMatcher refuses as alerts (the empty
// query matches every article). It is the matcher's meaning of q, which
// the conformance suite compares with the stores'.
func Eval(q query.Query, d *Doc, now time.Time) bool {
	if q.Root == nil {
		return true
	}
	return d.eval(q.Root, now)
}

// Doc is an article analysed for matching.
type Doc struct {
	a           *article.Article
	date        time.Time
	title, body text
	keys        map[string]bool
	names       map[string][]string // query.PaddedName of each tagged name, by entity type
}

// text is one analysed part of an article.
type text struct {
	at    map[string][]int // positions of each term, ascending
	words []string         // distinct folded words, sorted
}

func analyse(s string) text {
	toks := query.Analyze(s)
	t := text{at: make(map[string][]int, len(toks))}
	for i, tok := range toks {
		t.at[tok.Term] = append(t.at[tok.Term], i)
		t.words = append(t.words, tok.Word)
	}
	slices.Sort(t.words)
	t.words = slices.Compact(t.words)
	return t
}

// NewDoc analyses a once for any number of matchers.
func NewDoc(a *article.Article) *Doc {
	d := &Doc{a: a, date: query.ArticleDate(a.PublishedAt, a.FetchedAt), title: analyse(a.Title), body: analyse(a.Body),
		keys: map[string]bool{}}
	for _, k := range query.KeyValues(a) {
		d.keys[k] = true
	}
	d.names = map[string][]string{}
	add := func(typ, n string) { d.names[typ] = append(d.names[typ], query.PaddedName(n)) }
	for typ, listed := range map[string][]string{article.Person: a.People, article.Place: a.Places, article.Organization: a.Organizations} {
		for _, n := range listed {
			add(typ, n)
		}
	}
	// The canonical names (or, lacking one, the text) of the entities
	// count too, as the store indexes them.
	for _, e := range a.Entities {
		n := e.Canonical
		if n == "" {
			n = e.Text
		}
		add(e.Type, n)
	}
	return d
}

func (d *Doc) eval(n *query.Node, now time.Time) bool {
	switch n.Op {
	case query.And:
		for _, k := range n.Kids {
			if !d.eval(k, now) {
				return false
			}
		}
		return true
	case query.Or:
		for _, k := range n.Kids {
			if d.eval(k, now) {
				return true
			}
		}
		return false
	case query.Not:
		return !d.eval(n.Kids[0], now)
	case query.Text, query.Near, query.Prefix:
		if d.title.has(n) {
			return true
		}
		return n.Field != "title" && d.body.has(n)
	case query.Filter:
		return d.filter(n)
	case query.Date:
		return n.Admits(d.date, now)
	case query.Events:
		return d.events(n)
	case query.Figure:
		for _, f := range d.a.Figures {
			if f.Kind == n.Field && n.Compare(f.Value) {
				return true
			}
		}
		return false
	}
	return false
}

// has reports whether the text leaf n matches t.
func (t text) has(n *query.Node) bool {
	switch n.Op {
	case query.Text:
		return t.phrase(n.Terms)
	case query.Near:
		return t.near(n.Terms, n.Slop)
	case query.Prefix:
		i, _ := slices.BinarySearch(t.words, n.Terms[0])
		return i < len(t.words) && strings.HasPrefix(t.words[i], n.Terms[0])
	}
	return false
}

// phrase reports whether terms occur one after another.
func (t text) phrase(terms []string) bool {
	for _, p := range t.at[terms[0]] {
		ok := true
		for k := 1; k < len(terms) && ok; k++ {
			_, ok = slices.BinarySearch(t.at[terms[k]], p+k)
		}
		if ok {
			return true
		}
	}
	return false
}

// near reports whether the distinct terms all occur, in any order, with
// at most slop other words between the first and the last: some window
// of positions holding each term has length at most len(terms)+slop.
func (t text) near(terms []string, slop int) bool {
	type hit struct{ pos, term int }
	var hits []hit
	for i, term := range terms {
		ps := t.at[term]
		if len(ps) == 0 {
			return false
		}
		for _, p := range ps {
			hits = append(hits, hit{p, i})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	count := make([]int, len(terms))
	have, lo := 0, 0
	for _, h := range hits {
		if count[h.term] == 0 {
			have++
		}
		count[h.term]++
		for have == len(terms) {
			if h.pos-hits[lo].pos+1-len(terms) <= slop {
				return true
			}
			count[hits[lo].term]--
			if count[hits[lo].term] == 0 {
				have--
			}
			lo++
		}
	}
	return false
}

// filter applies a field filter.
func (d *Doc) filter(n *query.Node) bool {
	f, ok := query.FieldNamed(n.Field)
	if !ok {
		return false
	}
	switch f.Kind {
	case query.NameField:
		// The stores' rule: the value occurs in a tagged name as whole
		// words, case and accents folded ("Lavrov" matches "Sergey
		// Lavrov", "ozil" "Mesut Özil"; see query.PaddedName).
		w := query.PaddedName(n.Value)
		if strings.TrimSpace(w) == "" {
			return false // a value of hyphens only names nothing, as in the stores
		}
		for _, padded := range d.names[f.Entity] {
			if strings.Contains(padded, w) {
				return true
			}
		}
		return false
	case query.HostField:
		site := strings.ToLower(d.a.Site)
		return site == n.Value || strings.HasSuffix(site, "."+n.Value)
	case query.KeyField, query.PhraseField:
		return d.keys[query.KeyOf(n.Field, n.Value)]
	}
	return false
}
