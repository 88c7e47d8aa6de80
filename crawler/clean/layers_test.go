package clean

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// appealParas is a reader-revenue appeal in the style of The Independent's,
// split into paragraphs as the site prints it: only the first and last
// carry the telltale phrases.
var appealParas = []string{
	"Your support helps us to tell the story",
	"From reproductive rights to climate change to Big Tech, our reporters are on the ground when the story is developing, parsing out the facts from the messaging.",
	"At such a critical moment in history, we need reporters on the ground. Your donation allows us to keep sending journalists to speak to both sides of the story.",
	"Unlike many other news outlets, we choose not to lock readers out of our reporting and analysis with paywalls. We believe this journalism should be available to everyone.",
	"Your support makes all the difference.",
}

// independentPage builds an article page with obfuscated class names (as
// CSS-in-JS sites print them) and the appeal boxed in the middle of the
// body, where layer 1 cannot tell it from the story.
func independentPage(i int, appeal []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en-GB"><head><title>Story %d | The Independent</title>
<meta property="og:site_name" content="The Independent">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Story number %d about the harbour","datePublished":"2024-11-22T08:49:59Z","author":{"@type":"Person","name":"Angus Thompson"}}</script>
</head><body><div class="sc-a81kq2"><div class="sc-1x7b9q"><h1 class="sc-9fe2">Story number %d about the harbour</h1>`, i, i, i)
	para := func(j int) string {
		return fmt.Sprintf("Paragraph %d of story %d: the harbour authority said on Tuesday that the new quay, built over %d years, would open to ferries in spring after a long dispute with residents.", j, i, j+i)
	}
	b.WriteString(`<div class="sc-q1w2e3">`)
	for j := 0; j < 3; j++ {
		fmt.Fprintf(&b, `<p class="sc-77a">%s</p>`, para(j))
	}
	if len(appeal) > 0 {
		b.WriteString(`<div class="sc-k3l4m5"><div class="sc-z9y8">`)
		for k, a := range appeal {
			if k == 0 {
				fmt.Fprintf(&b, `<h3 class="sc-p0o9">%s</h3>`, a)
				continue
			}
			fmt.Fprintf(&b, `<p class="sc-p0o8">%s</p>`, a)
		}
		b.WriteString(`<a class="sc-i8u7" href="/donate">Support now</a></div></div>`)
	}
	for j := 3; j < 6; j++ {
		fmt.Fprintf(&b, `<p class="sc-77a">%s</p>`, para(j))
	}
	b.WriteString(`</div></div></div></body></html>`)
	return []byte(b.String())
}

func assertNoAppeal(t *testing.T, res Result, appeal []string) {
	t.Helper()
	for _, a := range appeal {
		if strings.Contains(res.Article.Body, a) {
			t.Errorf("body still holds appeal text %q", a)
		}
	}
	if !strings.Contains(res.Article.Body, "Paragraph 5 of story") || !strings.Contains(res.Article.Body, "Paragraph 0 of story") {
		t.Errorf("story text lost:\n%s", res.Article.Body)
	}
}

func cleanPage(t *testing.T, c *Cleaner, i int, html []byte) Result {
	t.Helper()
	res, err := c.Clean(context.Background(), Page{
		URL:       fmt.Sprintf("https://www.independent.co.uk/news/world/story-%d.html", i),
		HTML:      html,
		FetchedAt: time.Date(2024, 11, 23, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func hasReason(res Result, prefix string) bool {
	for _, r := range res.Article.Removed {
		if strings.HasPrefix(r.Reason, prefix) {
			return true
		}
	}
	return false
}

func TestAppealLayer2Alone(t *testing.T) {
	c := New(Options{})
	res := cleanPage(t, c, 1, independentPage(1, appealParas))
	assertNoAppeal(t, res, appealParas)
	if !hasReason(res, "content: reader-revenue appeal") {
		t.Errorf("removed blocks do not name the appeal: %+v", res.Article.Removed)
	}
	if !res.IsArticle {
		t.Errorf("not an article: %s", res.Reason)
	}
}

func TestAppealLayer3Alone(t *testing.T) {
	c := New(Options{Stats: NewMemoryStats()})
	c.noContent = true
	for i := 1; i <= 6; i++ {
		res := cleanPage(t, c, i, independentPage(i, appealParas))
		if i < 3 {
			continue // too early for the site to have learned anything
		}
		assertNoAppeal(t, res, appealParas)
		if !hasReason(res, "site: recurring block") {
			t.Errorf("page %d: removed blocks do not name layer 3: %+v", i, res.Article.Removed)
		}
	}
}

func TestAppealBothLayers(t *testing.T) {
	c := New(Options{Stats: NewMemoryStats()})
	for i := 1; i <= 5; i++ {
		res := cleanPage(t, c, i, independentPage(i, appealParas))
		assertNoAppeal(t, res, appealParas)
	}
}

// A standard sign-off recurs on every page of a site but is the article's
// own text; layer 3 must keep it while still removing real chrome.
func TestLayer3KeepsSignOff(t *testing.T) {
	c := New(Options{Stats: NewMemoryStats()})
	promo := "Keep the Harbour Gazette lights on: become a friend of the paper for the price of a coffee each month today."
	signOff := "The Associated Press contributed to this report."
	for i := 1; i <= 6; i++ {
		page := strings.Replace(string(independentPage(i, nil)), `</div></div></div></body>`,
			`<p class="sc-77a">`+promo+`</p><p class="sc-77a">`+signOff+`</p></div></div></div></body>`, 1)
		page = strings.Replace(page, `<p class="sc-77a">Paragraph 3`, `<p class="sc-77a">`+promo+`</p><p class="sc-77a">Paragraph 3`, 1)
		c.noContent = true
		res := cleanPage(t, c, i, []byte(page))
		if !strings.Contains(res.Article.Body, signOff) {
			t.Errorf("page %d: sign-off removed", i)
		}
		if i >= 3 && strings.Contains(res.Article.Body, "Harbour Gazette lights") {
			t.Errorf("page %d: recurring promotion kept", i)
		}
	}
}

func TestMemoryStatsRecrawl(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryStats()
	for _, id := range []string{"a", "b", "a", "a"} {
		if _, _, err := m.Observe(ctx, "example.com", id, []uint64{1, 2}); err != nil {
			t.Fatal(err)
		}
	}
	seen, pages, err := m.Observe(ctx, "example.com", "b", []uint64{1, 3})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 2 || seen[0] != 2 || seen[1] != 1 {
		t.Errorf("seen=%v pages=%d, want [2 1] and 2", seen, pages)
	}
	seen, pages, _ = m.Observe(ctx, "other.org", "a", []uint64{1})
	if pages != 1 || seen[0] != 1 {
		t.Errorf("sites not separate: seen=%v pages=%d", seen, pages)
	}
}

func TestContentSignal(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"Sign up for our free morning newsletter", "content: newsletter sign-up"},
		{"We use cookies to improve your experience. By continuing you accept our cookie policy.", "content: consent notice"},
		{"Subscribe to continue reading. Already a subscriber? Log in", "content: subscription wall"},
		{"Read more: Ten things to know about the budget", "content: related list"},
		{"By Jane Doe and John Roe", "content: byline"},
		{"By the end of the year, prices had doubled across the region.", ""},
		{"Updated 3 hours ago", "content: byline"},
		{"Protesters gather in the square (Image: Getty)", "content: photo credit"},
		{"Protesters gather in the square (EPA)", "content: photo credit"},
		{"Protesters gather in the square (Getty)", "content: photo credit"},
		{"Protesters gather in the square (EPA/Jane Roe)", "content: photo credit"},
		// An abbreviation defined in parentheses is not an agency's credit.
		{"The rules were written by the Environmental Protection Agency (EPA).", ""},
		{"Ab Januar bekommen alle Versicherten die elektronische Patientenakte (ePA).", ""},
		{"Advertisement", "content: advertising"},
		{"3 of 12", "content: gallery counter"},
		{"Share this article", "content: share bar"},
		{"Join the conversation", "content: comment prompt"},
		{"Your support helps us to tell the story. Your support makes all the difference.", "content: reader-revenue appeal"},
		{"The charity said donations had fallen by a third since the start of the year, forcing it to close two of its shelters.", ""},
		{"Trending topics on social media shifted sharply after the vote, with many users questioning the count in the capital.", ""},
		// Other languages: the same prompts, and French typography's
		// no-break space before the colon.
		{"Datenschutz & Cookies: Diese Website verwendet Cookies. Wenn du sie weiter nutzt, stimmst du zu.", "content: consent notice"},
		{"Nous utilisons des cookies pour améliorer votre expérience.", "content: consent notice"},
		{"Lesen Sie auch:", "content: related list"},
		{"À lire aussi\u00a0: Dix questions sur le budget de l'État et ses conséquences pour les régions", "content: related list"},
		{"Schreibe einen Kommentar", "content: comment prompt"},
		{"Deja un comentario", "content: comment prompt"},
		{"Abonnez-vous à notre lettre d'information", "content: newsletter sign-up"},
		{"Soutenez-nous : faites un don pour un journalisme indépendant.", "content: reader-revenue appeal"},
		{"Die Regierung verwendet die Mittel für Schulen und Straßen, sagte der Minister am Montag in Berlin vor Journalisten.", ""},
		{"Liked this one? You might also like:", "content: related list"},
		{"Schon gelesen?", "content: related list"},
		{"- Anzeige -", "content: advertising"},
		{"Titelbild: Agentur/Fotograf", "content: photo credit"},
		{"Aktualisiert am 17.01.2021.", "content: byline"},
		{"Möchten Sie den Artikel teilen?", "content: share bar"},
		{"Quiso compartir en familia la noticia de su nombramiento.", ""},
		{"Here is what the readers we asked told us they would also like:", ""},
		{"Lire aussi les romans de cette époque était un privilège réservé à une petite partie de la population du pays.", ""},
	}
	for _, tt := range tests {
		if got := contentSignal(tt.text, true, true); got != tt.want {
			t.Errorf("contentSignal(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Follow-up stories reuse background paragraphs; on a site with many
// pages such a paragraph is article text, not chrome.
func TestLayer3KeepsReusedBackground(t *testing.T) {
	c := New(Options{Stats: NewMemoryStats()})
	background := "The quay was first proposed in 2009, when the harbour authority said ferry traffic would double within a decade; residents' groups have fought it in court ever since, arguing that the dredging would damage the estuary's oyster beds."
	for i := 1; i <= 20; i++ {
		page := string(independentPage(i, nil))
		if i%5 == 0 {
			page = strings.Replace(page, `<p class="sc-77a">Paragraph 3`, `<p class="sc-77a">`+background+`</p><p class="sc-77a">Paragraph 3`, 1)
		}
		res := cleanPage(t, c, i, []byte(page))
		if i%5 == 0 && !strings.Contains(res.Article.Body, background) {
			t.Errorf("page %d: reused background paragraph removed", i)
		}
	}
}

// TestSitePages checks what the crawler's re-cleaning rests on: a result
// says how many pages of its site the learned layer had seen, and the
// first page of a site, cleaned again once the layer has seen more pages,
// loses the block the site repeats, while a re-clean counts no page twice.
func TestSitePages(t *testing.T) {
	promo := "Keep the Harbour Gazette lights on: become a friend of the paper for the price of a coffee each month today."
	page := func(i int) []byte {
		return []byte(strings.Replace(string(independentPage(i, nil)), `<p class="sc-77a">Paragraph 3`,
			`<p class="sc-77a">`+promo+`</p><p class="sc-77a">Paragraph 3`, 1))
	}
	tests := []struct {
		name  string
		stats BlockStats
		want  []int // SitePages of pages 1 to 4, then of page 1 again
	}{
		{"learned layer on", NewMemoryStats(), []int{1, 2, 3, 4, 4}},
		{"learned layer off", nil, []int{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{Stats: tt.stats})
			var got []int
			var first Result
			for i := 1; i <= 4; i++ {
				res := cleanPage(t, c, i, page(i))
				got = append(got, res.SitePages)
				if i == 1 {
					first = res
				}
			}
			again := cleanPage(t, c, 1, page(1))
			got = append(got, again.SitePages)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("SitePages = %v, want %v", got, tt.want)
			}
			if !strings.Contains(first.Article.Body, promo) {
				t.Errorf("the first page lost the promotion before the site was learned; the test no longer shows a leak")
			}
			learned := tt.stats != nil
			if strings.Contains(again.Article.Body, promo) == learned {
				t.Errorf("page 1 cleaned again (learned layer %v): promotion kept = %v", learned, !learned)
			}
			if !strings.Contains(again.Article.Body, "Paragraph 5 of story 1") {
				t.Errorf("page 1 cleaned again lost its own text:\n%s", again.Article.Body)
			}
		})
	}
}

// cancellingStats is the real in-memory statistics behind a fault the
// real store cannot be made to give on cue: the context ends while the
// page's blocks are being observed, as when a crawl process is told to
// stop mid-page.
type cancellingStats struct {
	*MemoryStats
	cancel context.CancelFunc
}

func (s cancellingStats) Observe(ctx context.Context, site, pageID string, blocks []uint64) ([]int, int, error) {
	s.cancel()
	return s.MemoryStats.Observe(ctx, site, pageID, blocks)
}

// TestLayer3CancelledMidPage checks that a page whose statistics could
// not be read because the context ended is not cleaned without them: the
// site's learned chrome would go out in it. A store outage (the context
// still live) degrades to layers 1 and 2 instead, which TestSitePages'
// "learned layer off" row stands for.
func TestLayer3CancelledMidPage(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := New(Options{Stats: cancellingStats{NewMemoryStats(), cancel}})
	res, err := c.Clean(ctx, Page{URL: "https://www.independent.example/news/story-1", HTML: independentPage(1, appealParas)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Clean = %v, %v; want an error wrapping context.Canceled", res.Article.Body != "", err)
	}
}

// TestCreditTail checks the caption test on its own: a parenthesised
// agency or photographer's credit ends a caption, an abbreviation the
// words before it spell out does not.
func TestCreditTail(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Protesters gather in the square (EPA)", true},
		{"Protesters gather in the square (Getty)", true},
		{"Protesters gather in the square (EPA/Jane Roe).", true},
		{"Protesters gather in the square", false},
		// Abbreviations defined in parentheses: spelled by the words
		// before them, or a word that no agency name is written as.
		{"The rules were written by the Environmental Protection Agency (EPA).", false},
		{"Ab Januar bekommen alle Versicherten die elektronische Patientenakte (ePA).", false},
	}
	for _, tt := range tests {
		if got := hasCreditTail(tt.text, strings.ToLower(tt.text)); got != tt.want {
			t.Errorf("hasCreditTail(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
