package clean

import (
	"fmt"
	"strings"
	"testing"
)

// TestOutboundLinks checks that the linked names of a guide (section
// headings in boxes of their own, so that linked-headings does not apply,
// and list items, whose links lead to other sites) are kept, and
// that a related list linking to the site's own pages, share buttons
// carrying the page's address and a list of the site's sister domain are
// still removed.
func TestOutboundLinks(t *testing.T) {
	long := func(i int) string {
		return fmt.Sprintf(`<p>Paragraph %d: we called every clinic on this list twice, asked about waiting times, sliding-scale fees and languages spoken, and visited the ones that answered.</p>`, i)
	}
	page := `<html><head><link rel="canonical" href="https://www.harbourguide.co.uk/clinics/low-cost"></head><body><div class="content">` +
		`<h1>Low-cost counselling in the city</h1>` + long(1) +
		`<div class="entry-title"><h2><a href="https://www.eastsideclinic.org/">Eastside Community Clinic</a></h2></div>` + long(2) +
		`<div class="entry-title"><h2><a href="https://riverwellbeing.com/about">River Wellbeing Centre</a></h2></div>` + long(3) +
		`<p>Other services worth a call:</p><ul>` +
		`<li><a href="https://www.nightline.org.uk/">Student Nightline</a></li>` +
		`<li><a href="https://www.samaritans.example/">Samaritans helpline</a></li></ul>` + long(4) +
		`<ul><li><a href="/clinics/free-therapy">Free therapy in the city</a></li>` +
		`<li><a href="https://www.harbourguide.com/clinics/apps">Therapy apps we tested</a></li></ul>` + long(5) +
		`<ul><li><a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.harbourguide.co.uk%2Fclinics%2Flow-cost">Share on Facebook</a></li>` +
		`<li><a href="https://twitter.com/intent/tweet?url=https://www.harbourguide.co.uk/clinics/low-cost">Share on X</a></li></ul>` +
		long(6) + `</div></body></html>`
	checkRuleKeeps(t, "outbound-links", []byte(page), true, []string{"Eastside Community Clinic", "River Wellbeing Centre", "Student Nightline", "Samaritans helpline"}, []string{"Free therapy in the city", "Therapy apps we tested", "Share on Facebook", "Share on X"}, []string{"Paragraph 6:"})
}

// TestIntroducedLists checks that a list of links introduced by a
// sentence ending in a colon is kept, in English and in German, and that
// the same links after a short label or after a sentence that does not
// introduce them are still removed.
func TestIntroducedLists(t *testing.T) {
	long := func(i int) string {
		return fmt.Sprintf(`<p>Paragraph %d: the bench took two weekends, four boards of pine and a borrowed mitre saw, and the finish is three thin coats of oil rubbed in by hand.</p>`, i)
	}
	links := func(names ...string) string {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, `<p><a href="/projects/%d">%s</a></p>`, len(n), n)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, lead string
		items      []string
		keep       bool
	}{
		{"English sentence", "I can't wait to see what my friends built this spring:", []string{"Pipe bookshelf", "Garden lanterns"}, true},
		{"German sentence", "Hier sind die Projekte, die meine Freunde diesen Frühling gebaut haben:", []string{"Regal aus Rohren", "Gartenlaternen"}, true},
		{"short label", "Read more:", []string{"Pipe bookshelf", "Garden lanterns"}, false},
		{"sentence without a colon", "I can't wait to see what my friends built this spring.", []string{"Pipe bookshelf", "Garden lanterns"}, false},
	} {
		page := `<html><body><div class="content"><h1>A pine bench</h1>` + long(1) + long(2) +
			`<p>` + tc.lead + `</p>` + links(tc.items...) + long(3) + `</div></body></html>`
		t.Run(tc.name, func(t *testing.T) {
			checkRuleKeeps(t, "introduced-lists", []byte(page), tc.keep, tc.items, nil, []string{"Paragraph 3:"})
		})
	}
}
