package clean

import (
	"fmt"
	"strings"
	"testing"
)

// promptPage is the first page of a new site: obfuscated class names, no
// learned layer, a story that ends with tail, then a prompt box.
func promptPage(tail string, prompt []string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Harbour story</title></head><body><div class="x1"><h1>Harbour story</h1><div class="x2">`)
	for j := range 4 {
		fmt.Fprintf(&b, `<p>Paragraph %d: the harbour authority said on Tuesday that the new quay, built over many years, would open to ferries in spring after a long dispute with residents about noise and traffic.</p>`, j)
	}
	if tail != "" {
		fmt.Fprintf(&b, "<p>%s</p>", tail)
	}
	if len(prompt) > 0 {
		b.WriteString(`<div class="x3">`)
		fmt.Fprintf(&b, `<h2 class="x4">%s</h2>`, prompt[0])
		for _, p := range prompt[1:] {
			fmt.Fprintf(&b, `<p class="x5">%s</p>`, p)
		}
		b.WriteString(`<a role="button" class="x6">Comments</a></div>`)
	}
	b.WriteString(`</div></div></body></html>`)
	return []byte(b.String())
}

// TestTailPromptsFirstPage shows that comment, forum and newsletter
// prompts closing an article are removed on a site's first page, in
// several languages, without the per-site layer, and that a news sentence
// about comment or e-mail in the same place is kept.
func TestTailPromptsFirstPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prompt []string
	}{
		{"forum, English", []string{"Join our commenting forum", "Join thought-provoking conversations, follow other readers and see their replies"}},
		{"comments, German", []string{"Diskutieren Sie mit", "Kommentieren Sie diesen Artikel in unserem Leserforum."}},
		{"comments, French", []string{"Réagissez à cet article", "Laissez un commentaire ci-dessous."}},
		{"comments, Spanish", []string{"Únete a la conversación", "Deja tu comentario sobre esta noticia."}},
		{"newsletter, English", []string{"Never miss a story", "Sign up to our daily newsletter, straight to your inbox."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cleanPage(t, New(Options{}), 1, promptPage("", tc.prompt))
			for _, p := range tc.prompt {
				if strings.Contains(res.Article.Body, p) {
					t.Errorf("body keeps the prompt %q:\n%s", p, res.Article.Body)
				}
			}
			if !strings.Contains(res.Article.Body, "Paragraph 3:") {
				t.Errorf("story lost:\n%s", res.Article.Body)
			}
		})
	}
	for _, tail := range []string{
		"A spokesperson for the ministry declined to comment.",
		"The council said residents could send their objections by email before Friday.",
	} {
		res := cleanPage(t, New(Options{}), 1, promptPage(tail, nil))
		if !strings.Contains(res.Article.Body, tail) {
			t.Errorf("news sentence %q removed:\n%s", tail, res.Article.Body)
		}
	}
}

// TestDropRepeats checks that a page carrying its text twice keeps one
// copy, and that single repeated lines and short repeated runs (the same
// interview question, the same dish on two days) are kept. A run of long
// paragraphs printed again (a live page's summary repeated under its
// updates, a carousel of quotes cloned for its loop) is dropped however
// small a share of the body it is, with the repeated-stories rule only;
// a run with fewer long paragraphs than that is left alone.
func TestDropRepeats(t *testing.T) {
	mk := func(texts ...string) []*block {
		var out []*block
		for _, s := range texts {
			out = append(out, &block{text: s, kind: kindPara})
		}
		return out
	}
	story := []string{"First paragraph of the story, long enough.", "Second paragraph of the story.", "Third paragraph of the story."}
	long := func(s string) string {
		return s + strings.Repeat(" The ferry operator said crossings would resume once the new quay was inspected.", 2)
	}
	summary := []string{long("Residents objected to the noise."), long("The council approved the plan."), long("Work starts in spring.")}
	var updates []string
	for i := range 12 {
		updates = append(updates, long(fmt.Sprintf("Update %d: the harbour master spoke to reporters.", i)))
	}
	live := append(append(append([]string{}, summary...), updates...), summary...)
	shortRun := append(append([]string{}, summary[:2]...), "Work starts in spring.")
	mixed := append(append(append([]string{}, shortRun...), updates...), shortRun...)
	for _, tc := range []struct {
		name          string
		texts         []string
		want, without int // blocks kept with and without repeated-stories
	}{
		{"twice", append(append([]string{}, story...), story...), 3, 3},
		{"one line repeated", []string{"What do you cook?", "Pasta.", "What do you cook?", "Rice.", "A long closing paragraph that is much longer than the rest of this small page."}, 5, 5},
		{"short run in a long body", []string{"Monday: eggs", "Lunch: soup", "Dinner: fish", "Tuesday: eggs", "Lunch: soup", "Dinner: fish",
			strings.Repeat("A long paragraph about planning meals for the week. ", 10)}, 7, 7},
		{"long paragraphs again in a long body", live, 15, 18},
		{"two long paragraphs and a line again", mixed, 18, 18},
	} {
		for _, stories := range []bool{true, false} {
			blocks := mk(tc.texts...)
			dropRepeats(blocks, stories)
			kept := 0
			for _, b := range blocks {
				if b.removed == "" {
					kept++
				}
			}
			want := tc.want
			if !stories {
				want = tc.without
			}
			if kept != want {
				t.Errorf("%s (repeated-stories %v): kept %d blocks, want %d", tc.name, stories, kept, want)
			}
		}
	}
}

// TestLinkyParagraphsInContext shows that link density is judged in
// context: a paragraph written as sentences keeps its place in the text
// however many of its words are links, in any script, while a list of
// short links in the same article is still dropped.
func TestLinkyParagraphsInContext(t *testing.T) {
	prose := "<p>Власти города сообщили во вторник, что новый причал, строившийся много лет, откроется для паромов весной после долгого спора с жителями о шуме.</p>"
	linky := []string{
		`<p>По данным <a href="/a">министерства транспорта</a>, <a href="/b">портового управления</a> и <a href="/c">городской думы</a>, стройка обошлась в два раза дороже плана.</p>`,
		`<p><a href="/d">港口管理局</a>表示，<a href="/e">新码头</a>将于春季开放，<a href="/f">居民</a>对噪音的投诉仍在审理中</p>`,
	}
	nav := `<ul><li><a href="/x">Главная</a></li><li><a href="/y">Новости</a></li><li><a href="/z">Спорт</a></li></ul>`
	page := "<html><body><div><h1>Причал</h1>" + prose + prose + linky[0] + prose + linky[1] + prose + nav + "</div></body></html>"
	res := cleanPage(t, New(Options{}), 1, []byte(page))
	for _, want := range []string{"стройка обошлась в два раза дороже плана", "居民"} {
		if !strings.Contains(res.Article.Body, want) {
			t.Errorf("paragraph with %q dropped:\n%s", want, res.Article.Body)
		}
	}
	if strings.Contains(res.Article.Body, "Главная") {
		t.Errorf("navigation kept:\n%s", res.Article.Body)
	}
}

// TestStoryAmongLinks shows that story text in a link-heavy setting is
// kept when it is written as sentences and does not follow a link: the
// second paragraph of a list article's section titled by a linked
// product name. The summaries of teaser cards, which follow their linked
// headlines, are still removed, and so are they without the rule's
// neighbours test.
func TestStoryAmongLinks(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><body><div class="main"><h1>The best kettles</h1>`)
	for j := range 3 {
		fmt.Fprintf(&b, `<p>Intro %d: we boiled water in twenty kettles over three weeks, timing each one and measuring how loud it was, how hot the handle got and how easily it poured.</p>`, j)
	}
	for _, name := range []string{"Steelmaster", "Quickboil"} {
		fmt.Fprintf(&b, `<div class="pick"><h3><a href="/buy/%s">%s Kettle 1.7 litre in brushed steel</a></h3>`, name, name)
		fmt.Fprintf(&b, `<p>The %s boiled a full litre in two minutes and ten seconds, the fastest of the kettles we tried.</p>`, name)
		fmt.Fprintf(&b, `<p>Second note on the %s: its handle stayed cool, its lid opened with one hand, and it poured without dripping.</p></div>`, name)
	}
	b.WriteString(`<div class="more">`)
	for _, s := range []string{"Toasters", "Blenders", "Mixers"} {
		fmt.Fprintf(&b, `<div><h3><a href="/%s">The best %s we tested this year for every kitchen</a></h3><p>We tried dozens of %s so that you do not have to, and these are the ones to buy.</p></div>`, s, s, s)
	}
	b.WriteString(`</div></div></body></html>`)
	for _, tc := range []struct {
		name     string
		c        *Cleaner
		keepNote bool
	}{
		{"with the rule", New(Options{}), true},
		{"without it", NewWithout(Options{}, "teaser-neighbours"), false},
	} {
		res := cleanPage(t, tc.c, 1, []byte(b.String()))
		body := res.Article.Body
		if got := strings.Contains(body, "Second note on the Quickboil"); got != tc.keepNote {
			t.Errorf("%s: story paragraph kept = %v, want %v:\n%s", tc.name, got, tc.keepNote, body)
		}
		if strings.Contains(body, "We tried dozens of") {
			t.Errorf("%s: teaser summary kept:\n%s", tc.name, body)
		}
		if !strings.Contains(body, "Intro 2:") {
			t.Errorf("%s: intro lost:\n%s", tc.name, body)
		}
	}
}

// TestProseInNamedWrappers shows that a paragraph of the story wrapped in
// an element named like a widget or an ad slot, as page builders wrap
// every text block, is kept when it stands between the story's long
// paragraphs and is written as a sentence, while the ad slot's label and
// a widget's button there are still removed.
func TestProseInNamedWrappers(t *testing.T) {
	long := func(i int) string {
		return fmt.Sprintf(`<p>Paragraph %d: the harbour authority said on Tuesday that the new quay, built over many years, would open to ferries in spring after a long dispute with residents about noise.</p>`, i)
	}
	page := `<html><body><div class="content"><h1>Harbour</h1>` + long(1) + long(2) +
		`<div class="widget widget-text"><p>The mayor, who opposed the plan for a decade, said she would ride the first ferry herself.</p></div>` +
		`<div class="ad-slot"><span>Advertisement</span></div>` +
		`<div class="widget"><a href="/subscribe">Subscribe</a></div>` +
		long(3) + long(4) + `</div></body></html>`
	checkRuleKeeps(t, "named-in-story", []byte(page), true, []string{"ride the first ferry"}, []string{"Advertisement", "Subscribe"}, []string{"Paragraph 4:"})
}

// TestCardsInStory shows that the sections of a list article, built as
// cards titled by a linked name, are kept when they stand between the
// story's introduction and its conclusion, while the cards of other
// stories after the conclusion are still removed, and that without the
// rule the sections' prose is lost as teasers.
func TestCardsInStory(t *testing.T) {
	page := listArticle()
	checkRuleKeeps(t, "cards-in-story", page, true, []string{"Southgate is known for its team-based teaching"}, []string{"came out on top"}, []string{"Conclusion:", "Intro 1:"})
}

// listArticle is a list article: an introduction, three sections built
// as cards titled by a linked name, a conclusion, then two cards of other
// stories.
func listArticle() []byte {
	var b strings.Builder
	b.WriteString(`<html><body><div class="main"><h1>The best business schools</h1>`)
	for j := range 2 {
		fmt.Fprintf(&b, `<p>Intro %d: rankings come and go, but a handful of schools stay near the top every year, and here is what each of them does best for students who want to lead.</p>`, j)
	}
	for _, name := range []string{"Northfield", "Southgate", "Eastbay"} {
		fmt.Fprintf(&b, `<div class="school"><h3><a href="/schools/%s">%s School of Management and Public Policy</a></h3>`, name, name)
		fmt.Fprintf(&b, `<p>%s is known for its team-based teaching, and its graduates go into finance, technology and the public sector in equal numbers.</p></div>`, name)
	}
	b.WriteString(`<p>Conclusion: whichever school you choose, visit the campus, talk to students and alumni, and weigh the cost against what you want to do after the degree.</p>`)
	for _, s := range []string{"Law schools", "Medical schools"} {
		fmt.Fprintf(&b, `<div class="more"><h3><a href="/%s">The best %s we ranked this year for students and employers</a></h3><p>We ranked the %s that employers trust, and these are the ones that came out on top.</p></div>`, s, s, s)
	}
	b.WriteString(`</div></body></html>`)
	return []byte(b.String())
}

func TestSentenceShaped(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"The council voted on Tuesday to close the old bridge for repairs.", true},
		{"Home News Sport Business Culture", false},
		// Chinese and Japanese are counted a word per character, as
		// article.WordCount counts them: a sentence, not one long word.
		{"秦皇岛、承德、张家口等10个设区市演出，引起强烈反响。", true},
		{"法律では虐待をした親に専門家が子どもの育て方を教えます。", true},
		{"首页 新闻 体育", false},
		{"ニュース", false},
	}
	for _, tt := range tests {
		if got := sentenceShaped(tt.text); got != tt.want {
			t.Errorf("sentenceShaped(%q) = %v, want %v (words %d)", tt.text, got, tt.want, wordCount(tt.text))
		}
	}
}

// TestLabelText shows that elements named "label" keep their text (a
// product's badge in a list article, the names in a specification table),
// and that a label of the same look inside a sign-up box or a menu still
// goes with the box; without the rule the badge and the names are lost.
func TestLabelText(t *testing.T) {
	long := func(i int) string {
		return fmt.Sprintf(`<p>Paragraph %d: we tested each of these cordless drills for a month on brick, oak and steel, timing every hole and weighing every battery after a full day on site.</p>`, i)
	}
	page := `<html><body><div class="content"><h1>The best cordless drills</h1>` + long(1) + long(2) +
		`<h2>Makita DHP485</h2><div class="product-label">Best overall pick</div>` + long(3) +
		`<table><tr><td class="spec-label">Battery runtime</td><td>Ten hours</td></tr>` +
		`<tr><td class="spec-label">Drill weight</td><td>1.7 kg</td></tr></table>` + long(4) +
		`<div class="newsletter-box"><label class="form-label">Your e-mail address</label><input type="email" name="e"></div>` +
		long(5) + `</div><nav><span class="label">Power tools</span></nav></body></html>`
	checkRuleKeeps(t, "label-text", []byte(page), true, []string{"Best overall pick", "Battery runtime", "Drill weight"}, []string{"e-mail address", "Power tools"}, []string{"Paragraph 5:"})
}

// TestCallToActionClass shows that boxes the markup names a call to
// action ("cta", "call-to-action"), inside or under the story, are
// removed (cta-class), while the same pitch written as a paragraph of the
// story and a class word that only contains the letters ("octane") are
// kept.
func TestCallToActionClass(t *testing.T) {
	long := func(i int) string {
		return fmt.Sprintf(`<p>Paragraph %d: the harbour authority said on Tuesday that the new quay, built over many years, would open to ferries in spring after a long dispute with residents.</p>`, i)
	}
	const (
		boxed  = "Plan your crossing with our timetable app and book a seat today."
		named  = "Ask our travel desk for a group fare on the spring sailings."
		inline = "Readers planning a crossing can book seats on the operator's website from March."
		octane = "Fuel prices at the harbour station were the highest in the region."
	)
	page := `<html><body><article><h1>The new quay</h1>` + long(1) + long(2) +
		`<div class="inline-cta"><p>` + boxed + `</p><a href="/app">Get the app</a></div>` + long(3) +
		`<p>` + inline + `</p><p class="octane">` + octane + `</p>` + long(4) +
		`<div class="callToAction"><p>` + named + `</p></div></article></body></html>`
	for _, tc := range []struct {
		name string
		c    *Cleaner
		gone bool
	}{
		{"with the rule", New(Options{}), true},
		{"without it", NewWithout(Options{}, "cta-class"), false},
	} {
		body := cleanPage(t, tc.c, 1, []byte(page)).Article.Body
		for _, s := range []string{boxed, named} {
			if got := !strings.Contains(body, s); got != tc.gone {
				t.Errorf("%s: %q removed = %v, want %v:\n%s", tc.name, s, got, tc.gone, body)
			}
		}
		for _, s := range []string{inline, octane, "Paragraph 4:"} {
			if !strings.Contains(body, s) {
				t.Errorf("%s: %q lost:\n%s", tc.name, s, body)
			}
		}
	}
}

// TestRepeatedStories shows the repeated-stories rule on a whole page: a
// live page prints its summary of three long paragraphs at the top and
// again under its updates, and the second copy, a small share of the
// page, goes; without the rule both copies stay.
func TestRepeatedStories(t *testing.T) {
	para := func(s string) string {
		return "<p>" + s + " The harbour authority said on Tuesday that the new quay, built over many years, would open to ferries in spring after a long dispute with residents.</p>"
	}
	summary := para("Summary one:") + para("Summary two:") + para("Summary three:")
	var b strings.Builder
	b.WriteString(`<html><body><article><h1>Harbour live</h1><div class="summary">` + summary + `</div><div class="updates">`)
	for i := range 14 {
		b.WriteString(para(fmt.Sprintf("Update %d:", i)))
	}
	b.WriteString(`</div><div class="recap">` + summary + `</div></article></body></html>`)
	for _, tc := range []struct {
		name string
		c    *Cleaner
		want int // copies of the summary kept
	}{
		{"with the rule", New(Options{}), 1},
		{"without it", NewWithout(Options{}, "repeated-stories"), 2},
	} {
		body := cleanPage(t, tc.c, 1, []byte(b.String())).Article.Body
		if got := strings.Count(body, "Summary two:"); got != tc.want {
			t.Errorf("%s: summary kept %d times, want %d:\n%s", tc.name, got, tc.want, body)
		}
		if !strings.Contains(body, "Update 13:") {
			t.Errorf("%s: updates lost:\n%s", tc.name, body)
		}
	}
}

// checkRuleKeeps cleans page with every rule and without rule. With the
// rule each of kept is in the body exactly when keepWith, without it none
// is; in both, none of gone is kept and all of story is.
func checkRuleKeeps(t *testing.T, rule string, page []byte, keepWith bool, kept, gone, story []string) {
	t.Helper()
	for _, arm := range []struct {
		name string
		c    *Cleaner
		keep bool
	}{
		{"with " + rule, New(Options{}), keepWith},
		{"without " + rule, NewWithout(Options{}, rule), false},
	} {
		body := cleanPage(t, arm.c, 1, page).Article.Body
		for _, want := range kept {
			if got := strings.Contains(body, want); got != arm.keep {
				t.Errorf("%s: %q kept = %v, want %v:\n%s", arm.name, want, got, arm.keep, body)
			}
		}
		for _, bad := range gone {
			if strings.Contains(body, bad) {
				t.Errorf("%s: %q kept:\n%s", arm.name, bad, body)
			}
		}
		for _, want := range story {
			if !strings.Contains(body, want) {
				t.Errorf("%s: story lost (%q):\n%s", arm.name, want, body)
			}
		}
	}
}
