package clean

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// TestLossKinds attributes, on the dev set named in WW_LOSSES, the true
// text the cleaner loses and the false text it keeps to what did it: the
// container choice (text outside the chosen container) or the removal
// reason inside it, and the kind and position of the blocks kept against
// the truth (head: before the first true block, tail: after the last).
// Shares are means over pages of the page's lost (kept) bytes over its
// true (output) bytes, so that they approximate the set's 1-R (1-P); a
// block counts as true when half of its 4-token shingles are in the
// truth. WW_LOSSES_PAGES (comma-separated ids) narrows the pages, and
// WW_LOSSES_SHOW=head|middle|tail prints the false blocks kept there. It
// is a tool for choosing what to work on and does nothing otherwise.
func TestLossKinds(t *testing.T) {
	pages := toolSet(t, "WW_LOSSES")
	c := New(Options{})
	lost, extra := map[string]float64{}, map[string]float64{}
	lostPages, extraPages := map[string][]string{}, map[string][]string{}
	n := 0
	for _, p := range pages {
		if p.Body == nil || strings.TrimSpace(*p.Body) == "" {
			continue
		}
		if only := os.Getenv("WW_LOSSES_PAGES"); only != "" && !strings.Contains(","+only+",", ","+p.ID+",") {
			continue
		}
		n++
		truth := shingleSet(*p.Body)
		truthToks := " " + strings.Join(cleaneval.Tokens(*p.Body), " ") + " "
		pm, body, titles := toolPage(t, p)
		blocks, kept := c.extract(body, titles, true)
		blocks, kept = c.cascade(body, titles, blocks, kept, pm.ld.body)
		inside := map[*block]bool{}
		for _, b := range kept {
			inside[b] = true
		}
		trueBytes, outBytes := float64(len(*p.Body)), 0.0
		for _, b := range kept {
			if b.removed == "" {
				outBytes += float64(len(b.text))
			}
		}
		pl, pe := map[string]float64{}, map[string]float64{}
		firstTrue, lastTrue := -1, -1
		for i, b := range kept {
			if b.removed == "" && truthShare(b.text, truth) >= 0.5 {
				if firstTrue < 0 {
					firstTrue = i
				}
				lastTrue = i
			}
		}
		pos := map[*block]string{}
		for i, b := range kept {
			switch {
			case i < firstTrue:
				pos[b] = "head"
			case i > lastTrue:
				pos[b] = "tail"
			default:
				pos[b] = "middle"
			}
		}
		seen := map[string]bool{}
		firstKept, lastKept := len(blocks), -1
		for i, b := range blocks {
			if inside[b] {
				firstKept, lastKept = min(firstKept, i), max(lastKept, i)
			}
		}
		for bi, b := range blocks {
			if seen[b.text] {
				continue
			}
			inTruth := isTrue(b.text, truth, truthToks)
			switch {
			case inTruth && !inside[b]:
				side := "before"
				if bi > lastKept {
					side = "after"
				} else if bi > firstKept {
					side = "between"
				}
				shape := "other"
				switch {
				case goodBlock(b):
					shape = "prose"
				case b.boiler != "":
					shape = b.boiler
				case b.teaser():
					shape = "teaser"
				default:
					shape = keptKind(b)
				}
				pl["outside container "+side+", "+shape] += float64(len(b.text))
			case inTruth && b.removed != "":
				pl[b.removed] += float64(len(b.text))
				if os.Getenv("WW_LOSSES_SHOW") == "lost:"+b.removed {
					t.Logf("%s lost k=%d ld=%.2f ctx=%.2f card=%v sent=%v | %s", p.ID, b.kind, b.linkDensity(), b.ctxLinks, b.inCard, sentenceShaped(b.text), truncate(b.text, 110))
				}
			case !inTruth && inside[b] && b.removed == "":
				pe[keptKind(b)+" @"+pos[b]] += float64(len(b.text))
				if os.Getenv("WW_LOSSES_SHOW") == pos[b] && len(b.text) >= 80 {
					t.Logf("%s %s ctx=%.2f card=%v | %s", p.ID, pos[b], b.ctxLinks, b.inCard, truncate(b.text, 110))
				}
			}
			if inTruth || inside[b] && b.removed == "" {
				seen[b.text] = true
			}
		}
		if os.Getenv("WW_LOSSES_MILD") != "" {
			s := cleaneval.ScoreBody(*p.Body, keptText(kept))
			if r := s.Recall(); r < 0.9 || r >= 0.99 {
				continue
			}
		}
		for k, v := range pl {
			lost[k] += min(1, v/trueBytes)
			if v/trueBytes >= 0.1 {
				lostPages[k] = append(lostPages[k], p.ID)
			}
		}
		for k, v := range pe {
			if outBytes > 0 {
				extra[k] += min(1, v/outBytes)
				if v/outBytes >= 0.2 {
					extraPages[k] = append(extraPages[k], p.ID)
				}
			}
		}
	}
	report := func(name string, m map[string]float64, pg map[string][]string) {
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s (mean share per page):\n", name)
		for _, k := range keys {
			fmt.Fprintf(&sb, "  %-40s %.4f  pages (lost >= 0.1 of truth / kept >= 0.2 of output): %d %s\n", k, m[k]/float64(n), len(pg[k]), strings.Join(pg[k][:min(40, len(pg[k]))], " "))
		}
		t.Log("\n" + sb.String())
	}
	report("true text lost, by cause", lost, lostPages)
	report("false text kept, by block kind", extra, extraPages)
}

func shingleSet(s string) map[string]bool {
	toks := cleaneval.Tokens(s)
	m := map[string]bool{}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], " ")] = true
	}
	if len(toks) < 4 && len(toks) > 0 {
		m[strings.Join(toks, " ")] = true
	}
	return m
}

func truthShare(s string, truth map[string]bool) float64 {
	sh := shingleSet(s)
	if len(sh) == 0 {
		return 0
	}
	hit := 0
	for k := range sh {
		if truth[k] {
			hit++
		}
	}
	return float64(hit) / float64(len(sh))
}

func keptKind(b *block) string {
	k := [...]string{"text", "paragraph", "heading", "list item", "quote", "pre", "table cell", "caption"}[b.kind]
	switch {
	case b.linkDensity() > 0.3:
		k += ", linky"
	case len(b.text) < 80:
		k += ", short"
	}
	return k
}

// isTrue reports a block whose text is in the truth: half of its
// shingles are, or, for a block too short to have a shingle of its own,
// its words stand in the truth in that order (truthToks: the truth's
// tokens joined and framed by spaces).
func isTrue(text string, truth map[string]bool, truthToks string) bool {
	if toks := cleaneval.Tokens(text); len(toks) < 4 {
		return len(toks) > 0 && strings.Contains(truthToks, " "+strings.Join(toks, " ")+" ")
	}
	return truthShare(text, truth) >= 0.5
}
