package clean

import (
	"fmt"
	"strings"
	"testing"
)

// TestIsDisclosure checks the shape of an affiliate disclosure in several
// languages, and that prose about affiliate marketing, which speaks of
// others, is not one.
func TestIsDisclosure(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"We may earn commission from links on this page, but we only recommend products we back.", true},
		{"This post may contain affiliate links. Read more in my disclosure policy.", true},
		{"Wenn Sie über diese Links einkaufen, erhalten wir eine kleine Provision.", true},
		{"Si vous achetez via nos liens, nous pouvons toucher une commission.", true},
		{"Si compras a través de nuestros enlaces, podemos recibir una comisión.", true},
		{"Affiliate programs: streamers earn a commission when viewers buy games or gear via affiliate links.", false},
		{"The agency takes a commission of 10 percent on every flight booked through the portal.", false},
		{"I use this liquid soap, just in case you were wondering (both are affiliate links).", false},
		{"We may earn commission from links on this page. " + strings.Repeat("This review explains how we test every vacuum in our lab. ", 10), false},
	} {
		if got := isDisclosure(tc.text); got != tc.want {
			t.Errorf("isDisclosure(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// edgePage is an article whose story has the given blocks before and
// after it.
func edgePage(before, after string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Best kettles</title></head><body><article><h1>Best kettles</h1>`)
	b.WriteString(before)
	for j := range 4 {
		fmt.Fprintf(&b, `<p>Paragraph %d: we boiled water in twelve kettles over three weeks, timing each one and measuring how loud it was, how hot the handle got and how much scale it left.</p>`, j)
	}
	b.WriteString(after)
	b.WriteString(`</article></body></html>`)
	return []byte(b.String())
}

// TestArticleEdges shows that a disclosure above or below the story and a
// heading left with nothing after it are removed on a site's first page,
// while a disclosure sentence inside the story, a heading followed by
// text and a closing list written as headings are kept.
func TestArticleEdges(t *testing.T) {
	const disclosure = "We may earn a commission when you buy through links on our site."
	for _, tc := range []struct {
		name          string
		before, after string
		gone, kept    []string
	}{
		{"disclosure above", "<p>" + disclosure + "</p>", "", []string{disclosure}, []string{"Paragraph 0:"}},
		{"disclosure below", "", "<p><em>" + disclosure + "</em></p>", []string{disclosure}, []string{"Paragraph 3:"}},
		{"heading at the end", "", "<h3>Other Posts You May Enjoy</h3>", []string{"Other Posts"}, []string{"Paragraph 3:"}},
		{"heading with text", "", "<h3>The verdict</h3><p>Buy the cheapest one that is quiet enough.</p>", nil, []string{"The verdict", "cheapest"}},
		{"list of headings", "", "<h4>Steel kettles</h4><h4>Glass kettles</h4><h4>Plastic kettles</h4>", nil, []string{"Steel kettles", "Plastic kettles"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cleanPage(t, New(Options{}), 1, edgePage(tc.before, tc.after))
			for _, s := range tc.gone {
				if strings.Contains(res.Article.Body, s) {
					t.Errorf("body keeps %q:\n%s", s, res.Article.Body)
				}
			}
			for _, s := range tc.kept {
				if !strings.Contains(res.Article.Body, s) {
					t.Errorf("body lost %q:\n%s", s, res.Article.Body)
				}
			}
		})
	}
	// Inside the story, between long paragraphs, the same sentence is text.
	page := edgePage("", "")
	page = []byte(strings.Replace(string(page), "<p>Paragraph 2", "<p>"+disclosure+"</p><p>Paragraph 2", 1))
	if res := cleanPage(t, New(Options{}), 1, page); !strings.Contains(res.Article.Body, disclosure) {
		t.Errorf("disclosure inside the story removed:\n%s", res.Article.Body)
	}
}

// listPage is a list article: sections titled by headings, the given
// block between its second and third section, and a related-stories list
// after it.
func listPage(heading func(i int) string, middle string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Best tents</title></head><body><article><h1>Best tents</h1>`)
	for i := range 4 {
		b.WriteString(heading(i))
		fmt.Fprintf(&b, `<p>Tent %d: we pitched it in wind and rain on three weekends, and it stayed dry and upright through every night, though the zips stuck once the fabric was wet. The poles are aluminium, the pegs too short for sand, and the porch holds two packs and a pair of boots.</p>`, i)
		if i == 1 {
			b.WriteString(middle)
		}
	}
	b.WriteString(`<div class="x9"><h3><a href="/other-1">Best sleeping bags</a></h3><h3><a href="/other-2">Best stoves</a></h3><h3><a href="/other-3">Best boots</a></h3></div>`)
	b.WriteString(`</article></body></html>`)
	return []byte(b.String())
}

// TestStoryBlocksInLinkyContext shows that blocks inside the story that a
// link-heavy context would make look like teasers or link lists are kept:
// section headings linked to the product they review, a short label in a
// box of product links, and a table that a block editor wrapped in a
// figure; the card of another story between two paragraphs and the list
// of other stories after the story still go.
func TestStoryBlocksInLinkyContext(t *testing.T) {
	linked := func(i int) string {
		return fmt.Sprintf(`<h2><a href="https://shop.example/tent-%d">Tent model %d</a></h2>`, i, i)
	}
	plain := func(i int) string { return fmt.Sprintf(`<h2>Tent model %d</h2>`, i) }
	for _, tc := range []struct {
		name    string
		heading func(int) string
		middle  string
		kept    []string
		gone    []string
	}{
		{"linked section headings", linked, "", []string{"Tent model 1", "Tent model 3"}, nil},
		{"label among product links", plain, `<div><p>Plan to spend: $150–$400</p><p>Prices checked in May.</p><p><a href="https://shop.example/a">Shop A: check price</a></p><p><a href="https://shop.example/b">Shop B: check price</a></p></div>`,
			[]string{"Plan to spend: $150–$400", "Prices checked in May."}, nil},
		{"table in a figure", plain, `<figure class="wp-block-table"><table><tr><td>Weight</td><td>2.1 kg</td></tr><tr><td>Berths</td><td>two</td></tr></table><figcaption>Specifications</figcaption></figure>`,
			[]string{"2.1 kg", "Berths"}, nil},
		{"card of another story", plain, `<div class="card"><a href="/news/other-story"><div><h3>Council votes to close the harbour car park</h3></div></a></div>`,
			[]string{"Tent model 2"}, []string{"Council votes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cleanPage(t, New(Options{}), 1, listPage(tc.heading, tc.middle))
			for _, s := range tc.kept {
				if !strings.Contains(res.Article.Body, s) {
					t.Errorf("body lost %q:\n%s", s, res.Article.Body)
				}
			}
			for _, s := range tc.gone {
				if strings.Contains(res.Article.Body, s) {
					t.Errorf("body keeps %q:\n%s", s, res.Article.Body)
				}
			}
			if strings.Contains(res.Article.Body, "Best sleeping bags") {
				t.Errorf("related list kept:\n%s", res.Article.Body)
			}
		})
	}
}

// TestAuthorSections shows that the box about the author after a story is
// removed with its title, boxed or flat, in other languages too, and that
// the story's own heading that merely starts like one is kept.
func TestAuthorSections(t *testing.T) {
	const bio = "Jane Doe has covered consumer technology for a decade and lives in Leeds."
	for _, tc := range []struct {
		name, after string
		gone, kept  []string
	}{
		{"boxed", `<div class="a1"><h3>About the author</h3><p>` + bio + `</p></div>`, []string{"About the author", bio}, nil},
		{"flat, German", `<h3>Über den Autor</h3><p>` + bio + `</p><h3>The verdict</h3><p>Buy the cheapest one that is quiet enough.</p>`,
			[]string{"Über den Autor", bio}, []string{"The verdict", "cheapest"}},
		{"not a title", `<h3>About the author of the test</h3><p>` + bio + `</p>`, nil, []string{"About the author of the test", bio}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cleanPage(t, New(Options{}), 1, edgePage("", tc.after))
			for _, s := range tc.gone {
				if strings.Contains(res.Article.Body, s) {
					t.Errorf("body keeps %q:\n%s", s, res.Article.Body)
				}
			}
			for _, s := range append(tc.kept, "Paragraph 3:") {
				if !strings.Contains(res.Article.Body, s) {
					t.Errorf("body lost %q:\n%s", s, res.Article.Body)
				}
			}
		})
	}
}

// TestWidenToWholeArticle shows that when one part of an article scores
// best because the rest carries a long list of links, the element
// holding the whole story is taken, so the paragraphs outside the part
// are kept and the links still go.
func TestWidenToWholeArticle(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Free courses</title></head><body><div class="c1"><h1>Free courses</h1>`)
	// The story outside the part: short sections, none worth a container
	// of its own.
	section := func(i int) {
		b.WriteString(`<div class="s">`)
		for j := range 2 {
			fmt.Fprintf(&b, `<p>Outside %d.%d: universities still give away many courses, though most certificates now cost money.</p>`, i, j)
		}
		b.WriteString(`</div>`)
	}
	for i := range 9 {
		section(i)
	}
	b.WriteString(`<ul>`)
	for i := range 230 {
		fmt.Fprintf(&b, `<li><a href="/course-%d">Free course no. %d</a></li>`, i, i)
	}
	b.WriteString(`</ul><div class="part">`)
	for i := range 8 {
		fmt.Fprintf(&b, `<p>Part %d: the table below lists what each platform asks for a certificate, which courses still give one free of charge, how long each takes, and whether the exam can be taken again.</p>`, i)
	}
	b.WriteString(`</div>`)
	for i := 9; i < 18; i++ {
		section(i)
	}
	b.WriteString(`</div></body></html>`)
	res := cleanPage(t, New(Options{}), 1, []byte(b.String()))
	for _, s := range []string{"Outside 0.0:", "Part 7:", "Outside 17.1:"} {
		if !strings.Contains(res.Article.Body, s) {
			t.Errorf("body lost %q:\n%s", s, res.Article.Body)
		}
	}
	if strings.Contains(res.Article.Body, "Free course no.") {
		t.Errorf("link list kept:\n%s", res.Article.Body)
	}
}

// storyPage is an article whose story paragraphs are given as groups, each
// group in an element of its own, followed by after inside the same
// article element.
func storyPage(groups []int, after string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Winter cycling</title></head><body><main><article><h1>Winter cycling</h1>`)
	n := 0
	for _, g := range groups {
		b.WriteString(`<div class="field">`)
		for range g {
			fmt.Fprintf(&b, `<p>Paragraph %d: riders who kept commuting through January said studded tyres, mudguards and a second pair of gloves mattered more to them than the bike they rode.</p>`, n)
			n++
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(after)
	b.WriteString(`</article></main></body></html>`)
	return []byte(b.String())
}

// TestStoryElement shows that a service blurb set below the element that
// holds the story, inside the same wrapper, is cut (story-element), while
// the same box after a story split over several elements or after a page
// of only two paragraphs, and short paragraphs after the element that
// hold more text than it, are kept as before.
func TestStoryElement(t *testing.T) {
	const blurb = "Our team of seasoned advisers has helped hundreds of growing companies plan their finances, and we would love to hear about yours."
	const short = "Most riders in the survey kept to the same route all winter, and few of them changed bikes."
	box := `<div class="box"><h3>Work with us</h3><p>` + blurb + `</p></div>`
	for _, tc := range []struct {
		name   string
		groups []int
		after  string
		text   string
		gone   bool
	}{
		{"blurb after the story's element", []int{5}, box, blurb, true},
		{"story split over two elements", []int{2, 2}, box, "Paragraph 3:", false},
		{"blurb after two paragraphs", []int{2}, box, blurb, false},
		{"more prose after the element than in it", []int{3}, strings.Repeat(`<div class="box"><p>`+short+`</p></div>`, 6), short, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := storyPage(tc.groups, tc.after)
			checkRuleCut(t, "story-element", page, tc.text, tc.gone)
		})
	}
}

// TestStoryElementCards shows that teaser cards under the story's element
// (a linked title over a summary long enough to read as prose) no longer
// count as the story's continuation (story-element-cards), so
// story-element cuts them, while sections of a list article titled by
// linked names inside the story's element, and unlinked sections after
// it, are kept.
func TestStoryElementCards(t *testing.T) {
	const summary = "The ferry operator said the new timetable, agreed with the port after months of talks, adds two evening crossings in summer and keeps the winter service as it is, while fares for foot passengers rise by a fifth. Residents of the island, who rely on the boat for school and hospital trips, asked for a later last sailing on Fridays. The council will review the timetable again next year, after the new quay opens."
	card := func(i int) string {
		return fmt.Sprintf(`<div class="item"><div class="kicker"><a href="/travel">Travel news</a></div><h3><a href="/story-%d">Other story number %d</a></h3><div class="when">December 19, 2025</div><p>%s</p></div>`, i, i, summary)
	}
	section := func(i int, linked bool) string {
		title := fmt.Sprintf("Section %d of the guide", i)
		if linked {
			title = fmt.Sprintf(`<a href="/product-%d">%s</a>`, i, title)
		}
		return fmt.Sprintf(`<h2>%s</h2><p>%s</p>`, title, summary)
	}
	for _, tc := range []struct {
		name string
		page []byte
		text string
		gone bool
	}{
		{"cards under the story", storyPage([]int{5}, card(1)+card(2)+card(3)), "The ferry operator said", true},
		{"unlinked sections after the element", storyPage([]int{3}, section(1, false)+section(2, false)+section(3, false)+section(4, false)), "Section 4 of the guide", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRuleCut(t, "story-element-cards", tc.page, tc.text, tc.gone)
		})
	}
	// A list article: its story's element holds sections titled by
	// linked names; they are the story.
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Ferries</title></head><body><main><article><h1>Ferries</h1><div class="field">`)
	for i := range 3 {
		fmt.Fprintf(&b, `<p>Paragraph %d: riders who kept commuting through January said studded tyres, mudguards and a second pair of gloves mattered more to them than the bike they rode.</p>`, i)
	}
	for i := range 4 {
		b.WriteString(section(i, true))
	}
	b.WriteString(`</div></article></main></body></html>`)
	body := cleanPage(t, New(Options{}), 1, []byte(b.String())).Article.Body
	if !strings.Contains(body, "Section 3 of the guide") || strings.Count(body, "The ferry operator said") != 4 {
		t.Errorf("list article's linked sections lost:\n%s", body)
	}
}

// TestRuleLineTail shows that what follows a line drawn with text
// ("----------", "* * *") after the story (credits, a pitch) is cut when
// it is smaller than the story before it (rule-line-tail), while a line
// that opens a longer part of the story, one before the story's first
// long paragraph and one in a code listing cut nothing.
func TestRuleLineTail(t *testing.T) {
	const credits = "The music in this episode is by the Harbour Quartet, and the cover art was drawn by a student of the town's art school."
	const more = `<p>Later that winter the club opened a second workshop, where volunteers fixed donated bikes and gave them to students who could not afford one.</p>`
	// page holds the story's paragraphs and what is around them in one
	// element, as a CMS body field does.
	page := func(before string, paras int, after string) []byte {
		var b strings.Builder
		b.WriteString(`<!doctype html><html><head><title>Winter cycling</title></head><body><main><article><h1>Winter cycling</h1><div class="field">`)
		b.WriteString(before)
		for i := range paras {
			fmt.Fprintf(&b, `<p>Paragraph %d: riders who kept commuting through January said studded tyres, mudguards and a second pair of gloves mattered more to them than the bike they rode.</p>`, i)
		}
		b.WriteString(after)
		b.WriteString(`</div></article></main></body></html>`)
		return []byte(b.String())
	}
	for _, tc := range []struct {
		name string
		page []byte
		text string
		gone bool
	}{
		{"dashes before credits", page("", 4, `<p>----------</p><p>`+credits+`</p>`), credits, true},
		{"asterisks before credits", page("", 4, `<p>* * *</p><p>`+credits+`</p>`), credits, true},
		{"a break before a longer part", page("", 2, `<p>* * *</p>`+strings.Repeat(more, 4)), "Later that winter", false},
		{"a line before the story", page(`<p>=====</p>`, 4, `<p>`+credits+`</p>`), credits, false},
		{"a line in a code listing", page("", 4, `<pre>$ go test<br>----------<br>ok</pre><p>`+credits+`</p>`), credits, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRuleCut(t, "rule-line-tail", tc.page, tc.text, tc.gone)
		})
	}
}

// TestStoryElementBulk shows that a standfirst set above the story's
// element no longer hides the element (story-element-bulk): the blurb
// under the story is cut, while the standfirst and the story stay, and a
// story whose long paragraphs are not mostly in one element is left
// alone.
func TestStoryElementBulk(t *testing.T) {
	const (
		standfirst = "Standfirst: the city will close three of its oldest bike lanes this spring while it rebuilds the bridges they cross, and riders are asked to take the river path instead."
		blurb      = "Our team of seasoned advisers has helped hundreds of growing companies plan their finances, and we would love to hear about yours."
	)
	page := func(field, loose int) []byte {
		var b strings.Builder
		b.WriteString(`<!doctype html><html><head><title>Winter cycling</title></head><body><main><article><h1>Winter cycling</h1>`)
		b.WriteString(`<div class="intro"><p>` + standfirst + `</p></div><div class="field">`)
		for i := range field {
			fmt.Fprintf(&b, `<p>Paragraph %d: riders who kept commuting through January said studded tyres, mudguards and a second pair of gloves mattered more to them than the bike they rode.</p>`, i)
		}
		b.WriteString(`</div>`)
		for i := range loose {
			fmt.Fprintf(&b, `<p>Loose paragraph %d: the council said the river path would be gritted every morning before seven, and that lights along it would stay on all night.</p>`, i)
		}
		b.WriteString(`<div class="box"><h3>Work with us</h3><p>` + blurb + `</p></div></article></main></body></html>`)
		return []byte(b.String())
	}
	for _, tc := range []struct {
		name        string
		field, more int
		gone        bool
	}{
		{"standfirst above the story's element", 5, 0, true},
		{"long paragraphs spread over the page", 3, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := page(tc.field, tc.more)
			with := checkRuleCut(t, "story-element-bulk", p, blurb, tc.gone)
			for _, s := range []string{standfirst, fmt.Sprintf("Paragraph %d:", tc.field-1)} {
				if !strings.Contains(with, s) {
					t.Errorf("%q lost:\n%s", s, with)
				}
			}
		})
	}
}

// TestFAQTail shows that a FAQ set as a module of its own after the
// story's element (questions, each followed by its answer) is kept
// (faq-tail), in English and in German, with the toggle icon's ligature
// after the question, while the service blurb before it is still cut, and
// a list of questions whose answers are folded away, or a blurb with one
// question, still goes with the rest of the tail.
func TestFAQTail(t *testing.T) {
	const blurb = "Our team of seasoned advisers has helped hundreds of growing companies plan their finances, and we would love to hear about yours."
	box := `<div class="box"><h3>Work with us</h3><p>` + blurb + `</p></div>`
	faq := func(qs, as []string) string {
		var b strings.Builder
		b.WriteString(`<section class="faq"><h2>FAQ</h2>`)
		for i, q := range qs {
			fmt.Fprintf(&b, `<div class="item"><h3>%s</h3>`, q)
			if as != nil {
				fmt.Fprintf(&b, `<div class="answer"><p>%s</p></div>`, as[i])
			}
			b.WriteString(`</div>`)
		}
		b.WriteString(`</section>`)
		return b.String()
	}
	en := []string{"Do I need studded tyres?", "How do I keep my hands warm?"}
	enA := []string{"Only where the roads freeze often: on wet but mild days ordinary tyres with a good tread grip well enough.", "Wear a thin glove under a windproof one, and keep a dry spare pair in your bag for the ride home."}
	de := []string{"Brauche ich Spikereifen? expand_more", "Wie bleiben meine Hände warm? expand_more"}
	deA := []string{"Nur wo die Straßen oft frieren: an nassen, milden Tagen greifen normale Reifen mit gutem Profil genug.", "Tragen Sie dünne Handschuhe unter winddichten und haben Sie ein trockenes Paar für den Heimweg dabei."}
	for _, tc := range []struct {
		name  string
		after string
		text  string
		kept  bool
	}{
		{"FAQ after the story", box + faq(en, enA), enA[1], true},
		{"German FAQ with toggle icons", faq(de, deA), deA[1], true},
		{"blurb before the FAQ", box + faq(en, enA), blurb, false},
		{"questions without answers", box + faq(append(en, "Which lights are legal?"), nil) + box, blurb, false},
		{"one question", `<div class="box"><h3>Want to grow?</h3><p>` + blurb + `</p></div>`, blurb, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := storyPage([]int{5}, tc.after)
			with := cleanPage(t, New(Options{}), 1, page).Article.Body
			without := cleanPage(t, NewWithout(Options{}, "faq-tail"), 1, page).Article.Body
			if strings.Contains(without, tc.text) {
				t.Fatalf("without the rule the body keeps %q:\n%s", tc.text, without)
			}
			if got := strings.Contains(with, tc.text); got != tc.kept {
				t.Errorf("%q kept = %v, want %v:\n%s", tc.text, got, tc.kept, with)
			}
			if !strings.Contains(with, "Paragraph 0:") {
				t.Errorf("story lost:\n%s", with)
			}
		})
	}
}

// checkRuleCut cleans page with every rule and without rule, and checks
// that text is in the body without the rule, removed with it exactly when
// gone, and that the story's first paragraph stays. It returns the body
// cleaned with every rule.
func checkRuleCut(t *testing.T, rule string, page []byte, text string, gone bool) string {
	t.Helper()
	with := cleanPage(t, New(Options{}), 1, page).Article.Body
	without := cleanPage(t, NewWithout(Options{}, rule), 1, page).Article.Body
	if !strings.Contains(without, text) {
		t.Fatalf("without %s the body lacks %q:\n%s", rule, text, without)
	}
	if got := !strings.Contains(with, text); got != gone {
		t.Errorf("%q removed = %v, want %v:\n%s", text, got, gone, with)
	}
	if !strings.Contains(with, "Paragraph 0:") {
		t.Errorf("story lost:\n%s", with)
	}
	return with
}
