package extractor

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// roleWords introduce a person's name in news copy ("Foreign Minister X",
// "commander X", "envoy X"). A capitalised name right after one is a
// person even when the model missed it, and the role itself is never part
// of the name.
var roleWords = map[string]bool{
	"president": true, "minister": true, "premier": true, "chancellor": true, "commander": true,
	"general": true, "gen.": true, "envoy": true, "ambassador": true, "spokesman": true,
	"spokeswoman": true, "spokesperson": true, "secretary": true, "king": true, "queen": true,
	"prince": true, "princess": true, "sheikh": true, "leader": true, "chief": true, "director": true,
	"mr.": true, "mrs.": true, "ms.": true, "dr.": true, "sen.": true, "rep.": true, "gov.": true,
	"judge": true, "pope": true, "coach": true, "captain": true, "dictator": true, "strongman": true,
	"warlord": true, "marshal": true, "field-marshal": true, "colonel": true, "col.": true,
	"lt.": true, "sgt.": true, "cmdr.": true, "adm.": true, "admiral": true, "mayor": true, "governor": true, "senator": true, "lawmaker": true,
	"counterpart": true, "secretary-general": true, "premier-designate": true, "president-elect": true, "chairman": true, "chairwoman": true, "ceo": true, "archbishop": true,
	"cardinal": true, "rabbi": true, "imam": true, "ayatollah": true, "emir": true, "sultan": true,
}

// leadingWords are function words and sentence adverbs that may be
// capitalised at the start of a sentence but never begin a name.
var leadingWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and or but so yet nor if as at by for from in into of on to with without
		since after before during despite although though because while when whenever where why how what which who
		whom whose however meanwhile moreover furthermore nevertheless nonetheless sadly unfortunately fortunately
		finally first next later earlier instead indeed perhaps maybe already again once thus therefore hence
		overall also still even just only here there this that these those it its we our they their he his she her
		you your my i me us them every each all some many most several both according unlike among between across
		through toward towards against within until upon beyond behind below above near amid following including
		regarding today yesterday tomorrow now then yes no not please thanks about under over`) {
		m[w] = true
	}
	return m
}()

// titleWords qualify a role in a title ("Chief Executive", "Deputy Prime
// Minister") and are never the start of the name that follows.
var titleWords = map[string]bool{
	"executive": true, "officer": true, "operating": true, "financial": true, "foreign": true,
	"defense": true, "defence": true, "interior": true, "prime": true, "deputy": true, "vice": true,
	"state": true, "special": true, "acting": true, "former": true, "crown": true, "supreme": true,
	"attorney": true, "finance": true, "economy": true, "trade": true, "health": true, "justice": true,
}

// agencyCredits are news agencies whose names appear in parentheses in
// datelines ("MOSCOW (AP) —") as a credit rather than as news.
var agencyCredits = map[string]bool{"AP": true, "Reuters": true, "AFP": true, "UPI": true, "dpa": true, "AAP": true}

// compoundSuffixes are the second halves of hyphenated compounds whose
// first half is a named entity: "NATO-backed", "U.N.-supported".
var compoundSuffixes = map[string]bool{
	"backed": true, "supported": true, "led": true, "brokered": true, "sponsored": true, "run": true,
	"allied": true, "based": true, "owned": true, "controlled": true, "aligned": true, "funded": true,
	"recognized": true, "recognised": true, "mediated": true, "style": true, "born": true, "made": true,
}

// sentenceMentions applies the role and compound rules to one tagged
// sentence and groups the result into mentions.
func (e *Extractor) sentenceMentions(toks []token, tags []string) []mention {
	tags = append([]string(nil), tags...)
	// Capitalised function words and sentence adverbs are never the start
	// of a name ("Sadly", "Since Diwali"); the model, trained on few of
	// them, sometimes thinks so at the start of a sentence.
	for i, t := range toks {
		if len(tags[i]) < 3 || tags[i][0] != 'B' || !leadingWords[strings.ToLower(t.text)] {
			continue
		}
		if i+1 < len(tags) && tags[i+1] == "I-"+tags[i][2:] {
			tags[i+1] = tags[i]
		}
		tags[i] = "O"
	}
	for i := 0; i+1 < len(toks); i++ {
		if !roleWords[strings.ToLower(toks[i].text)] {
			continue
		}
		// The role is not part of the name: "Foreign Minister Sergey
		// Lavrov" tagged as one person becomes "Sergey Lavrov".
		if typ := tagType(tags[i]); typ == "PER" {
			for k := i; k >= 0 && tagType(tags[k]) == "PER"; k-- {
				stop := tags[k][0] == 'B'
				tags[k] = "O"
				if stop {
					break
				}
			}
			if tags[i+1] == "I-PER" {
				tags[i+1] = "B-PER"
			}
		}
		// An untagged capitalised name after a role is a person.
		// Title words continue the role ("Chief Executive Tim Cook"); the
		// name starts after the last of them.
		j := i + 1
		for j < len(toks) && j-i <= 4 && isNameWord(toks[j].text) && tags[j] == "O" {
			low := strings.ToLower(toks[j].text)
			if roleWords[low] || titleWords[low] {
				j = i + 1
				break
			}
			if _, ok := e.gaz.Lookup(toks[j].text); ok {
				break
			}
			j++
		}
		if j > i+1 && (j == len(toks) || tags[j] == "O" || tags[j][0] == 'B') {
			tags[i+1] = "B-PER"
			for k := i + 2; k < j; k++ {
				tags[k] = "I-PER"
			}
		}
	}
	ms := spans(toks, tags)
	for _, t := range toks {
		if t.start < 0 {
			continue
		}
		dash := strings.LastIndexByte(t.text, '-')
		if dash <= 0 || !compoundSuffixes[strings.ToLower(t.text[dash+1:])] {
			continue
		}
		head := t.text[:dash]
		en, ok := e.gaz.Lookup(head)
		if !ok || en.Kind == gazetteer.Person {
			continue
		}
		// Drop whatever the model made of the whole compound.
		ms = slicesDeleteFunc(ms, func(m mention) bool { return m.start <= t.start && m.end >= t.end })
		typ := "LOC"
		switch en.Kind {
		case gazetteer.Organization:
			typ = "ORG"
		case gazetteer.Demonym:
			typ = "MISC"
		}
		ms = append(ms, mention{typ: typ, start: t.start, end: t.start + len(head)})
	}
	sort.Slice(ms, func(a, b int) bool { return ms[a].start < ms[b].start })
	return ms
}

func slicesDeleteFunc(ms []mention, del func(mention) bool) []mention {
	out := ms[:0]
	for _, m := range ms {
		if !del(m) {
			out = append(out, m)
		}
	}
	return out
}

func tagType(tag string) string {
	if len(tag) > 2 {
		return tag[2:]
	}
	return ""
}

// isNameWord reports whether w looks like part of a name: capitalised and
// made of letters, apostrophes, hyphens and dots.
func isNameWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' && r != '.' && r != '\u2019' {
			return false
		}
	}
	return true
}

// resolve turns mentions into article entities: it settles each name's
// type by majority within the article, corrects types the gazetteer is sure
// of, links short and variant names to a full name mentioned elsewhere in
// the article ("Lavrov" → "Sergey Lavrov"), finds later untagged mentions
// of names already found, and fills canonical names and country codes.
func (e *Extractor) resolve(body string, sents [][]token, ms []mention) []article.Entity {
	type ent struct {
		mention
		text, canonical, country string
	}
	ents := make([]ent, 0, len(ms))
	for _, m := range ms {
		text := body[m.start:m.end]
		// "MOSCOW (AP) —": the agency credit is not a mention.
		if agencyCredits[text] && m.start > 0 && body[m.start-1] == '(' && strings.HasPrefix(body[m.end:], ")") {
			continue
		}
		// A trailing possessive is not part of the name.
		for _, p := range []string{"'s", "\u2019s"} {
			if strings.HasSuffix(text, p) && len(text) > len(p) {
				text = text[:len(text)-len(p)]
				m.end -= len(p)
			}
		}
		ents = append(ents, ent{mention: m, text: text})
	}
	// Gazetteer types win over the model for names it knows: "Qatar" is a
	// place even where the model read it as a person.
	for i := range ents {
		en, ok := e.gaz.Lookup(ents[i].text)
		if !ok {
			continue
		}
		switch en.Kind {
		case gazetteer.Country, gazetteer.Place:
			if ents[i].typ == "PER" || ents[i].typ == "MISC" {
				ents[i].typ = "LOC"
			}
		case gazetteer.Demonym:
			ents[i].typ = "MISC"
		case gazetteer.Organization:
			ents[i].typ = "ORG"
		case gazetteer.Person:
			ents[i].typ = "PER"
		}
		ents[i].canonical, ents[i].country = en.Canonical, en.Country
	}
	// Majority type per surface form, ties to the first mention.
	votes := map[string]map[string]int{}
	first := map[string]string{}
	for _, en := range ents {
		if votes[en.text] == nil {
			votes[en.text] = map[string]int{}
			first[en.text] = en.typ
		}
		votes[en.text][en.typ]++
	}
	for i, en := range ents {
		best, n := first[en.text], votes[en.text][first[en.text]]
		for _, typ := range []string{"PER", "LOC", "ORG", "MISC"} {
			if votes[en.text][typ] > n {
				best, n = typ, votes[en.text][typ]
			}
		}
		ents[i].typ = best
	}
	// Untagged later mentions of a name already found ("Lavrov said"), and
	// surnames of people found in full.
	// Only names we are sure of spread: gazetteer names and surnames of
	// people named in full. A single capitalised word the model tagged
	// once ("Regime" opening a sentence) must not multiply.
	known := map[string]string{} // surface → type
	for _, en := range ents {
		if en.canonical != "" {
			known[en.text] = en.typ
		}
		if en.typ == "PER" {
			if f := strings.Fields(en.text); len(f) > 1 {
				if _, ok := known[f[len(f)-1]]; !ok {
					known[f[len(f)-1]] = "PER"
				}
			}
		}
	}
	taken := func(s, t int) bool {
		for _, en := range ents {
			if s < en.end && t > en.start {
				return true
			}
		}
		return false
	}
	var extra []ent
	for _, toks := range sents {
		for _, t := range toks {
			if t.start < 0 || !isNameWord(t.text) {
				continue
			}
			typ, ok := known[t.text]
			if !ok || taken(t.start, t.end) {
				continue
			}
			extra = append(extra, ent{mention: mention{typ: typ, start: t.start, end: t.end}, text: t.text})
		}
	}
	ents = append(ents, extra...)
	sort.SliceStable(ents, func(a, b int) bool { return ents[a].start < ents[b].start })
	// Person names: a mention whose words are the tail of a longer name in
	// the article is that person; then the curated alias table.
	var fullNames []string
	for _, en := range ents {
		if en.typ == "PER" && len(strings.Fields(en.text)) > 1 {
			fullNames = append(fullNames, en.text)
		}
	}
	out := make([]article.Entity, 0, len(ents))
	for _, en := range ents {
		canonical, country := en.canonical, en.country
		if canonical == "" {
			canonical = strings.Join(strings.Fields(en.text), " ")
			if en.typ == "PER" {
				canonical = longestWithTail(fullNames, canonical)
			}
			if g, ok := e.gaz.Lookup(canonical); ok && kindMatches(g.Kind, en.typ) {
				canonical, country = g.Canonical, g.Country
			}
		}
		if en.typ == "PER" {
			country = ""
		}
		out = append(out, article.Entity{
			Text:      body[en.start:en.end],
			Type:      articleTypes[en.typ],
			Canonical: canonical,
			Country:   country,
			Start:     en.start,
			End:       en.end,
		})
	}
	return out
}

// longestWithTail returns the longest full name ending with the words of
// name ("Lavrov" → "Sergey Lavrov"), or name itself.
func longestWithTail(fullNames []string, name string) string {
	best := name
	for _, f := range fullNames {
		if len(f) > len(best) && strings.HasSuffix(f, " "+name) {
			best = f
		}
	}
	return best
}

func kindMatches(k gazetteer.Kind, typ string) bool {
	switch typ {
	case "PER":
		return k == gazetteer.Person
	case "LOC":
		return k == gazetteer.Country || k == gazetteer.Place
	case "ORG":
		return k == gazetteer.Organization
	case "MISC":
		return k == gazetteer.Demonym
	}
	return false
}
