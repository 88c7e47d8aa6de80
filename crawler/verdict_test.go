package crawler

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// verdictSets are the pages the crawler's article verdict is measured on.
// The article sets are the cleaner's two dev sets; wcxb-hubs holds the
// collection and listing pages of WCXB's development split (section
// fronts, tag and category pages, shop grids), which a crawl following
// links reaches and must not emit as articles.
//
// maxWrong pins how many pages may get the wrong verdict (an article held
// back, or a hub let through); sampleMaxWrong does the same for the race
// detector's sample, every sampleEvery-th page. The figures are those
// measured when the gate was added: a rule that makes them worse fails
// here, one that improves them lowers the pin.
var verdictSets = []struct {
	name, dir                string
	hubs                     bool
	maxWrong, sampleMaxWrong int
}{
	{"corpus", "../testdata/corpus", false, 1, 0},
	{"corpus-wcxb", "../testdata/corpus-wcxb", false, 10, 3},
	{"wcxb-hubs", "../testdata/wcxb-hubs", true, 49, 6},
}

const sampleEvery = 8

// verdictOutcome is one page's verdict.
type verdictOutcome struct {
	id, url, reason string
	wrong           bool
}

// verdictsOn cleans every page and decides it as the crawler does for a
// page it reached by following a link (frontier.Page): the case with the
// least evidence, since a feed or sitemap entry is taken for an article
// whatever its URL.
func verdictsOn(t testing.TB, pages []cleaneval.Page, hubs bool) []verdictOutcome {
	c := clean.New(clean.Options{})
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []verdictOutcome
	for _, p := range pages {
		if p.URL == "" {
			// A crawler always knows the page's URL, and the verdict
			// reads it; a saved page without one cannot be judged.
			continue
		}
		res, err := c.Clean(context.Background(), clean.Page{URL: p.URL, HTML: p.HTML, FetchedAt: fetched})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		ok, reason := articleVerdict(frontier.Entry{URL: p.URL, Kind: frontier.Page}, p.URL, res, scanResult(res))
		out = append(out, verdictOutcome{id: p.ID, url: p.URL, reason: reason, wrong: ok == hubs})
	}
	return out
}

// TestArticleVerdictDevSets is the gate on the crawler's article verdict
// (the cleaner's quality gate, then the URL shape for pages without article
// markup): articles of the dev sets held back, and hub pages let through,
// may not grow beyond the pinned counts. With WW_SNIPPETS naming a
// trafilatura checkout it also reports, without a pin, how many of that
// held-out set's pages would be held back. Run with -v to print the
// figures and the pages.
func TestArticleVerdictDevSets(t *testing.T) {
	if testing.Short() {
		t.Skip("dev-set verdict gate skipped in -short mode")
	}
	for _, s := range verdictSets {
		pages, err := cleaneval.Load(s.dir)
		if err != nil {
			t.Fatal(err)
		}
		limit := s.maxWrong
		if raceEnabled {
			var sample []cleaneval.Page
			for i := 0; i < len(pages); i += sampleEvery {
				sample = append(sample, pages[i])
			}
			pages, limit = sample, s.sampleMaxWrong
		}
		out := verdictsOn(t, pages, s.hubs)
		wrong := 0
		for _, o := range out {
			if o.wrong {
				wrong++
				t.Logf("%s: %s %s (%s)", s.name, o.id, o.url, o.reason)
			}
		}
		what := "articles held back"
		if s.hubs {
			what = "hubs let through"
		}
		t.Logf("%s: %s: %d of %d pages (%.1f%%)", s.name, what, wrong, len(out), 100*float64(wrong)/float64(len(out)))
		if wrong > limit {
			t.Errorf("%s: %d %s, more than the %d pinned", s.name, wrong, what, limit)
		}
	}
	if dir := os.Getenv("WW_SNIPPETS"); dir != "" && !raceEnabled {
		pages, err := cleaneval.LoadTrafilatura(dir)
		if err != nil {
			t.Fatal(err)
		}
		reasons := make(map[string]int)
		held := 0
		for _, o := range verdictsOn(t, pages, false) {
			if o.wrong {
				held++
				reasons[o.reason]++
			}
		}
		t.Logf("trafilatura-eval (held out, every page an article or a page with main text): held back %d of %d (%s)", held, len(pages), countsLine(reasons))
	}
}

// countsLine prints counts by key, largest first.
func countsLine(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
