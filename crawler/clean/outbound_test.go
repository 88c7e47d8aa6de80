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
	for _, tc := range []struct {
		name string
		c    *Cleaner
		keep bool
	}{
		{"with the rule", New(Options{}), true},
		{"without it", NewWithout(Options{}, "outbound-links"), false},
	} {
		body := cleanPage(t, tc.c, 1, []byte(page)).Article.Body
		for _, want := range []string{"Eastside Community Clinic", "River Wellbeing Centre", "Student Nightline", "Samaritans helpline"} {
			if got := strings.Contains(body, want); got != tc.keep {
				t.Errorf("%s: %q kept = %v, want %v:\n%s", tc.name, want, got, tc.keep, body)
			}
		}
		for _, bad := range []string{"Free therapy in the city", "Therapy apps we tested", "Share on Facebook", "Share on X"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: %q kept:\n%s", tc.name, bad, body)
			}
		}
		if !strings.Contains(body, "Paragraph 6:") {
			t.Errorf("%s: story lost:\n%s", tc.name, body)
		}
	}
}
