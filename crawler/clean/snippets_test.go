package clean

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// TestSnippetKinds attributes the snippets of trafilatura's evaluation set
// (read from the checkout named in WW_SNIPPETS) that the cleaner fails to
// what did it, by kind and never by page: a must_include snippet missed
// because its block is outside the chosen container (with the block's
// shape), removed inside it (with the reason), or in no block at all (the
// page was refused, or the text is in an attribute, a script or a title
// the body never holds); a must_exclude snippet kept, by the kind of its
// block and whether it stands before the story's first long paragraph,
// inside the story, or after its last. It is a tool for choosing which
// kind of loss to look at on pages never used for tuning; a rule is then
// judged by TestRuleCV on the dev sets, not by these counts.
// WW_SNIPPETS_SHOW names one cause or kind and prints its blocks.
func TestSnippetKinds(t *testing.T) {
	dir := os.Getenv("WW_SNIPPETS")
	if dir == "" {
		t.Skip("set WW_SNIPPETS to a checkout of trafilatura's repository")
	}
	pages, err := cleaneval.LoadTrafilatura(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{})
	missed, kept := map[string]int{}, map[string]int{}
	total := 0
	for _, p := range pages {
		total += len(p.MustInclude) + len(p.MustExclude)
		// Which snippets fail is the evaluation's verdict on the whole
		// cleaner's output; the blocks below only say why.
		res, err := c.Clean(t.Context(), Page{URL: p.URL, HTML: p.HTML})
		if err != nil {
			// A page the cleaner refuses (a stray NUL byte makes a page
			// "not HTML") loses all its must_include snippets.
			missed["page refused: "+errors.Unwrap(err).Error()] += len(p.MustInclude)
			continue
		}
		pm, body, titles := toolPage(t, p)
		blocks, inKept := c.extract(body, titles, true)
		blocks, inKept = c.cascade(body, titles, blocks, inKept, pm.ld.body)
		inside := map[*block]bool{}
		for _, b := range inKept {
			inside[b] = true
		}
		first, last := storySpan(inKept)
		score := cleaneval.ScorePage(p.Truth, cleaneval.Output{Body: res.Article.Body})
		for _, m := range score.Missing {
			s, include := strings.CutPrefix(m, "include: ")
			if include {
				kind, b := snippetLossKind(blocks, inside, cleaneval.FoldSnippet(s))
				missed[kind]++
				if b != nil && os.Getenv("WW_SNIPPETS_SHOW") == kind {
					t.Logf("%s k=%d len=%d ld=%.2f ctx=%.2f sent=%v | %s", p.ID, b.kind, len(b.text), b.linkDensity(), b.ctxLinks, sentenceShaped(b.text), truncate(b.text, 110))
				}
				continue
			}
			f := cleaneval.FoldSnippet(strings.TrimPrefix(m, "exclude: "))
			kind := "spans blocks"
			for i, b := range inKept {
				if b.removed == "" && strings.Contains(cleaneval.FoldSnippet(b.text), f) {
					where := "story"
					if i < first || first < 0 {
						where = "before the story"
					} else if i > last {
						where = "after the story"
					}
					kind = keptKind(b) + ", " + where
					if os.Getenv("WW_SNIPPETS_SHOW") == kind {
						t.Logf("%s boiler=%q ctx=%.2f sent=%v | %s", p.ID, b.boiler, b.ctxLinks, sentenceShaped(b.text), truncate(b.text, 110))
					}
					break
				}
			}
			kept[kind]++
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d pages, %d snippets\n", len(pages), total)
	for _, part := range []struct {
		title  string
		counts map[string]int
	}{{"must_include missed, by cause", missed}, {"must_exclude kept, by block kind and place", kept}} {
		fmt.Fprintf(&sb, "%s:\n", part.title)
		keys := make([]string, 0, len(part.counts))
		for k := range part.counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if part.counts[keys[i]] != part.counts[keys[j]] {
				return part.counts[keys[i]] > part.counts[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			fmt.Fprintf(&sb, "  %-60s %4d\n", k, part.counts[k])
		}
	}
	t.Log("\n" + sb.String())
}

// snippetLossKind names why the folded snippet f is missing from the
// output: the first block holding it (returned too) is outside the
// container or removed.
func snippetLossKind(blocks []*block, inside map[*block]bool, f string) (string, *block) {
	for _, b := range blocks {
		if !strings.Contains(cleaneval.FoldSnippet(b.text), f) {
			continue
		}
		if !inside[b] {
			shape := keptKind(b)
			switch {
			case goodBlock(b):
				shape = "prose"
			case b.boiler != "":
				shape = b.boiler
			case b.teaser():
				shape = "teaser"
			}
			return "outside container, " + shape, b
		}
		if b.removed != "" {
			return b.removed, b
		}
	}
	return "in no single block (spans blocks, or not body text)", nil
}
