package clean

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// TestCandidateOracle scores, on the dev set named in WW_ORACLE, the
// candidate bodies the cleaner could choose between, and the oracle that
// picks the best per page: how much a better choice between candidates
// could give. A tool; does nothing otherwise.
func TestCandidateOracle(t *testing.T) {
	pages := toolSet(t, "WW_ORACLE")
	names := []string{"current", "first", "relaxed", "nowiden", "parent", "grandparent", "ld"}
	type pr struct{ p, r float64 }
	sums := make([]pr, len(names))
	var best, bestNoLD pr
	n := 0
	pick := make([]int, len(names))
	for _, p := range pages {
		if p.Body == nil || strings.TrimSpace(*p.Body) == "" {
			continue
		}
		n++
		pm, body, titles := toolPage(t, p)
		c := New(Options{})
		bl, k := c.extract(body, titles, true)
		_, cur := c.cascade(body, titles, bl, k, pm.ld.body)
		_, rel := c.extract(body, titles, false)
		_, nw := NewWithout(Options{}, "widen").extract(body, titles, true)
		ld := ldBlocks(pm.ld.body, body)
		up := func(levels int) []*block {
			return extractUp(c, body, titles, levels)
		}
		cands := [][]*block{cur, k, rel, nw, up(1), up(2), ld}
		bi, bf := 0, -1.0
		bni, bnf := 0, -1.0
		var scores []cleaneval.BodyScore
		for i, cb := range cands {
			s := cleaneval.ScoreBody(*p.Body, keptText(cb))
			scores = append(scores, s)
			sums[i].p += s.Precision()
			sums[i].r += s.Recall()
			if s.F1() > bf+1e-9 {
				bi, bf = i, s.F1()
			}
			if i < len(cands)-1 && s.F1() > bnf+1e-9 {
				bni, bnf = i, s.F1()
			}
		}
		pick[bi]++
		best.p += scores[bi].Precision()
		best.r += scores[bi].Recall()
		bestNoLD.p += scores[bni].Precision()
		bestNoLD.r += scores[bni].Recall()
	}
	f := func(x pr) string {
		P, R := x.p/float64(n), x.r/float64(n)
		return fmt.Sprintf("P %.4f R %.4f F1 %.4f", P, R, 2*P*R/(P+R))
	}
	for i, nm := range names {
		t.Logf("%-8s %s (oracle picks it first on %d pages)", nm, f(sums[i]), pick[i])
	}
	t.Logf("oracle   %s", f(best))
	t.Logf("oracle without ld %s", f(bestNoLD))
}

// extractUp is extract with the chosen container replaced by its
// ancestor levels up.
func extractUp(c *Cleaner, body *html.Node, titles []string, levels int) []*block {
	lin := &linearizer{budget: c.opts.MaxNodes, streamed: true}
	lin.walk(body, 0, walkState{}, body)
	lin.flush()
	blocks := lin.blocks
	assignBoiler(blocks, body, true, c.on)
	conts := pickContainer(blocks, true, true)
	if len(conts) == 0 {
		return nil
	}
	n := conts[0]
	for i := 0; i < levels && n.Parent != nil && n.Parent.Type == html.ElementNode; i++ {
		n = n.Parent
	}
	var kept []*block
	for _, b := range blocks {
		if isAncestor(n, b.elem) {
			kept = append(kept, b)
		}
	}
	c.filterLayers12(kept, titles, true)
	dropRepeats(kept, c.on("repeated-stories"))
	return kept
}
