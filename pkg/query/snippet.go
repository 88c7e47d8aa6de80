package query

import (
	"strings"
)

// Snippet windows, in words.
const (
	snippetBefore = 6
	snippetWords  = 20
)

// Snippet returns a passage of body around the first word that a
// positive free-text word, phrase, proximity or prefix of q matches, with
// every matching word of the passage in [brackets], and "…" where the
// passage cuts the body; for a query without such free text, the start
// of the body. Both stores make their snippets with it, so a hit reads
// the same from either.
func Snippet(q Query, body string) string {
	terms := map[string]bool{}
	var prefixes []string
	var walk func(n *Node, neg bool)
	walk = func(n *Node, neg bool) {
		if n == nil {
			return
		}
		switch n.Op {
		case Not:
			walk(n.Kids[0], !neg)
		case And, Or:
			for _, k := range n.Kids {
				walk(k, neg)
			}
		case Text, Near:
			if !neg && n.Field == "" {
				for _, t := range n.Terms {
					terms[t] = true
				}
			}
		case Prefix:
			if !neg && n.Field == "" {
				prefixes = append(prefixes, n.Terms[0])
			}
		}
	}
	walk(q.Root, false)
	toks := Analyze(body)
	if len(toks) == 0 {
		return strings.Join(strings.Fields(body), " ")
	}
	hit := func(t Token) bool {
		if terms[t.Term] {
			return true
		}
		for _, p := range prefixes {
			if strings.HasPrefix(t.Word, p) {
				return true
			}
		}
		return false
	}
	first := 0
	for i, t := range toks {
		if hit(t) {
			first = max(0, i-snippetBefore)
			break
		}
	}
	last := min(len(toks), first+snippetWords) - 1
	var b strings.Builder
	if first > 0 {
		b.WriteString("…")
	}
	at := toks[first].Start
	for _, t := range toks[first : last+1] {
		b.WriteString(body[at:t.Start])
		if hit(t) {
			b.WriteString("[" + body[t.Start:t.End] + "]")
		} else {
			b.WriteString(body[t.Start:t.End])
		}
		at = t.End
	}
	if last == len(toks)-1 {
		b.WriteString(body[at:])
	} else {
		b.WriteString("…")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
