package clean_test

import (
	"testing"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// TestDevSetFloorWithoutScripts holds pages that carry no structured data
// to the same gate: every dev page with its script elements (JSON-LD among
// them) removed must meet the body F1 floor, and none may come out empty.
// Issue 14 asks that the cascade not lean on a publisher's articleBody.
func TestDevSetFloorWithoutScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("dev-set gate skipped in -short mode")
	}
	sets := loadDevSets(t)
	c := clean.New(clean.Options{})
	for _, s := range devSets {
		gatedPages, floor := gated(s.name, sets[s.name])
		pages := make([]cleaneval.Page, len(gatedPages))
		for i, p := range gatedPages {
			p.HTML = cleaneval.StripScripts(p.HTML)
			pages[i] = p
		}
		scores := scoreSet(t, c, pages)
		sum := cleaneval.Summarize(scores)
		t.Logf("%s without scripts: pages=%d F1=%.4f P=%.4f R=%.4f empty=%d", s.name, sum.Pages, sum.F1, sum.P, sum.R, sum.Empty)
		if sum.F1 < floor-floorSlack {
			t.Errorf("%s without scripts: body F1 %.4f is more than %.3f below the floor %.3f", s.name, sum.F1, floorSlack, floor)
		}
		for _, ps := range scores {
			if ps.Empty {
				t.Errorf("%s without scripts: %s: empty body, the truth has text", s.name, ps.ID)
			}
		}
	}
}
