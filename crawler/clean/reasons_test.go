package clean

import (
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestRemovalReasons tallies, over a dev set (WW_REASONS=corpus or
// corpus-wcxb), the text each removal reason takes out that the ground
// truth keeps (lost) and that it does not (right), with the number of
// sites losing text to it: a tool for finding the rules that cost recall
// across many sites rather than on one page. It does nothing otherwise.
func TestRemovalReasons(t *testing.T) {
	pages := toolSet(t, "WW_REASONS")
	type tally struct {
		lost, right int
		sites       map[string]bool
		example     string
	}
	tallies := map[string]*tally{}
	c := New(Options{})
	for _, p := range pages {
		if p.Body == nil {
			continue
		}
		truth := strings.Join(strings.Fields(*p.Body), " ")
		res, err := c.Clean(t.Context(), Page{URL: p.URL, HTML: p.HTML})
		if err != nil {
			continue
		}
		for _, r := range res.Article.Removed {
			txt := strings.TrimSuffix(r.Text, "…")
			tl := tallies[r.Reason]
			if tl == nil {
				tl = &tally{sites: map[string]bool{}}
				tallies[r.Reason] = tl
			}
			if len(txt) >= 20 && strings.Contains(truth, txt) {
				tl.lost += len(txt)
				tl.sites[p.Site] = true
				if len(txt) > len(tl.example) && len(txt) < 200 {
					tl.example = p.ID + ": " + txt
				}
			} else {
				tl.right += len(txt)
			}
		}
	}
	var keys []string
	for k := range tallies {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return tallies[keys[i]].lost > tallies[keys[j]].lost })
	var b strings.Builder
	for _, k := range keys {
		tl := tallies[k]
		b.WriteString(strings.Join([]string{k, strconv.Itoa(tl.lost), strconv.Itoa(tl.right), strconv.Itoa(len(tl.sites)), tl.example}, " | ") + "\n")
	}
	t.Log("reason | lost bytes | right bytes | sites losing | example\n" + b.String())
}
