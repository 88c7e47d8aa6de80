// Package events finds withdrawal events in article bodies: who withdraws
// what from where, whether it is announced, done, demanded, backed, refused,
// past or only possible, and whether it is news in the article.
//
// It is a rule system over tokens, not a statistical model, for two reasons:
// it must be fast (it runs on every article the pipeline tags), and every
// event must be explainable, so each keeps the trigger words that fired and
// the cue words that decided its status. The rules speak of word classes; a
// Lexicon per language holds the words (see lexicon_en.go). The labelling
// guideline the rules follow is GUIDELINES.md in this directory.
package events

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Detector finds withdrawal events. It is read-only after New and safe for
// concurrent use.
type Detector struct {
	lex *Lexicon
	// starts marks the lowercase ASCII letter pairs that begin a trigger
	// word; all is set when some trigger does not begin with two ASCII
	// letters, which turns the pre-filter off.
	starts [26 * 26]bool
	all    bool
}

// New returns a detector for a language given as a BCP 47 tag ("en",
// "en-GB"). An empty tag means English. Languages without a lexicon are an
// error, so that a caller never gets silent empty results.
func New(lang string) (*Detector, error) {
	primary := strings.ToLower(lang)
	primary, _, _ = strings.Cut(primary, "-")
	primary, _, _ = strings.Cut(primary, "_")
	if primary == "" || primary == "eng" {
		primary = "en"
	}
	lex, ok := lexicons()[primary]
	if !ok {
		return nil, fmt.Errorf("events: no lexicon for language %q", lang)
	}
	d := &Detector{lex: lex}
	mark := func(w string) {
		if len(w) < 2 || w[0] < 'a' || w[0] > 'z' || w[1] < 'a' || w[1] > 'z' {
			d.all = true
			return
		}
		d.starts[int(w[0]-'a')*26+int(w[1]-'a')] = true
	}
	for w := range lex.Triggers {
		mark(w)
	}
	for w := range lex.Constructions {
		mark(w)
	}
	return d, nil
}

// Context is what the detector may know of the article around a body,
// beyond its text. Every field is optional; the zero Context means nothing
// is known, and the detector then judges each sentence alone.
type Context struct {
	// Published is the article's publication time. It tells a background
	// year or month ("in 2019", "withdrew in March" in an April article)
	// from the article's own ("in March" in a March article).
	Published *time.Time
	// Title is the article's headline. When it reports a withdrawal as
	// news, a bare noun in the body that refers back to it ("the recall",
	// "its exit", which read alone could be anything) is that withdrawal,
	// and a body event without a kind word takes the headline's kind.
	Title string
}

// Detect returns the withdrawal events of body, in order of their triggers.
// ents are the body's entities (offsets into body, any order; nil is fine):
// roles that fall on an entity carry its canonical name and country.
// published, when known, tells a background year from the current one.
// The result is never nil. It is DetectContext with only the publication
// time known.
func (d *Detector) Detect(body string, ents []article.Entity, published *time.Time) []article.Event {
	return d.DetectContext(body, ents, Context{Published: published})
}

// DetectContext is Detect for a body whose article context is known: its
// publication time and headline (see Context). The result is never nil.
func (d *Detector) DetectContext(body string, ents []article.Entity, c Context) []article.Event {
	var a articleInfo
	if c.Published != nil {
		a.pubYear, a.pubMonth = c.Published.Year(), int(c.Published.Month())
	}
	if c.Title != "" {
		// The headline is read like a sentence of the body, with the same
		// date; only its news counts.
		for _, s := range splitSentences(c.Title, d.lex.Abbrev) {
			for _, ev := range d.appendSentence(nil, c.Title, s, nil, a) {
				if ev.NewAnnouncement && a.titleKind == "" {
					a.titleKind = ev.Kind
				}
			}
		}
	}
	out := []article.Event{}
	for _, s := range splitSentences(body, d.lex.Abbrev) {
		out = d.appendSentence(out, body, s, ents, a)
	}
	return out
}

// articleInfo is what the sentences of one body share: the publication
// year and month (0 when unknown) and the kind of the withdrawal its
// headline reports as news ("" when none or no headline).
type articleInfo struct {
	pubYear, pubMonth int
	titleKind         string
}

// sent is one sentence under analysis.
type sent struct {
	d        *Detector
	body     string
	s        sentence
	toks     []token
	ents     []article.Entity
	pubYear  int // 0 when unknown
	art      articleInfo
	consumed map[int]bool // particle tokens already part of a trigger
}

func (d *Detector) appendSentence(out []article.Event, body string, s sentence, ents []article.Entity, a articleInfo) []article.Event {
	text := body[s.start:s.end]
	if !d.mayHaveTrigger(text) {
		return out
	}
	st := &sent{d: d, body: body, s: s, toks: tokenize(text, s.start), ents: ents, pubYear: a.pubYear, art: a}
	background := false // an earlier event of the sentence is told as background
	for i := range st.toks {
		ev, ok := st.event(i)
		if !ok {
			continue
		}
		if background && len(ev.Cues) == 0 {
			// "is in the process of leaving the EU, termed Brexit for
			// British exit": a later mention without a status cue of its
			// own names the withdrawal the sentence has already told as
			// background.
			ev.NewAnnouncement = false
		}
		if !ev.NewAnnouncement && (ev.Status == "announced" || ev.Status == "completed" || ev.Status == "supported") {
			background = true
		}
		out = append(out, ev)
	}
	return out
}

// mayHaveTrigger is a cheap pre-filter: most sentences contain no trigger
// word at all, and tokenising plus a map lookup per word costs more than a
// scan for the letter pairs that begin the lexicon's trigger words.
func (d *Detector) mayHaveTrigger(text string) bool {
	if d.all {
		return true
	}
	for i := 0; i+1 < len(text); i++ {
		c, n := text[i]|0x20, text[i+1]|0x20
		if c < 'a' || c > 'z' || n < 'a' || n > 'z' || i > 0 && isASCIIAlnum(text[i-1]) {
			continue
		}
		if d.starts[int(c-'a')*26+int(n-'a')] {
			return true
		}
	}
	return false
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func (st *sent) class(i int) Class {
	if i < 0 || i >= len(st.toks) {
		return 0
	}
	w := st.toks[i].norm
	if st.d.lex.Acronyms[w] && !st.acronym(i) {
		return 0
	}
	if c, ok := st.d.lex.Classes[w]; ok {
		if c&(Money|Market) != 0 && i > 0 && st.isCapitalized(i) && st.isCapitalized(i-1) {
			c &^= Money | Market // "West Bank", "World Bank": part of a name
		}
		if c&Medical != 0 && st.inName(i) {
			c &^= Medical // "the Social Democratic Party" withdraws no socially
		}
		if c&Military != 0 && (w == "base" || w == "bases") && st.is(SetCivilBases, st.norm(i-1)) {
			c &^= Military // "moving its legal base out of Catalonia"
		}
		if c&Squad != 0 && w == "side" && st.norm(i+1) == "of" {
			c &^= Squad // "the Syrian side of the border crossing" is a place, not a team
		}
		return c
	}
	if w == "open" && i > 0 && st.isCapitalized(i) && st.isCapitalized(i-1) && !st.isCapitalized(i+1) {
		return Sports // "the U.S. Open", not "the Open Skies Treaty"
	}
	if stem, ok := strings.CutSuffix(w, "'s"); ok {
		return st.d.lex.Classes[stem]
	}
	return 0
}

// kindEvidence reports whether anything near trigger i says what kind of
// withdrawal it is: a kind word, or a name (capitalised word not opening
// the sentence, or an entity). Without any, "withdraw" is almost always
// personal or figurative ("withdrawal from social activities").
func (st *sent) kindEvidence(i, last int) bool {
	all := Military | Diplomatic | Agreement | Political | Business | Sports | Race
	if st.anyClass(i-8, last+8, all) {
		return true
	}
	for j := max(1, i-6); j < len(st.toks) && j <= last+8; j++ {
		if j != i && (st.isName(j) || st.entityAt(j)) {
			return true
		}
	}
	return false
}

// isName reports whether token j is capitalised where a lowercase word
// would not be: not at the start of the sentence or after a colon or
// quote, and not a capitalised pronoun or determiner.
func (st *sent) isName(j int) bool {
	if j <= 0 || !st.isCapitalized(j) {
		return false
	}
	if p := st.toks[j-1]; p.punct && p.norm != "," && p.norm != "(" {
		return false
	}
	w := st.norm(j)
	return !st.d.lex.Pronouns[w] && !st.d.lex.Determiners[w] && w != "i"
}

// is reports whether w is in the lexicon's word set set.
func (st *sent) is(set WordSet, w string) bool { return st.d.lex.Sets[set][w] }

func (st *sent) norm(i int) string {
	if i < 0 || i >= len(st.toks) {
		return ""
	}
	return st.toks[i].norm
}

// anyClass reports whether a token in [from, to] has a class of c.
func (st *sent) anyClass(from, to int, c Class) bool {
	from, to = max(from, 0), min(to, len(st.toks)-1)
	for j := from; j <= to; j++ {
		if st.class(j)&c != 0 {
			return true
		}
	}
	return false
}

// acronym reports whether token i is one of the lexicon's acronyms written
// in capitals ("WHO"), which is a name, not the common word it spells.
func (st *sent) acronym(i int) bool {
	t := st.toks[i]
	return st.d.lex.Acronyms[t.norm] && t.text == strings.ToUpper(t.text)
}

// phraseEnd returns the index just past the phrase that starts at i: up to
// the first punctuation mark, or the limit.
func (st *sent) phraseEnd(i, limit int, stopAt map[string]bool) int {
	j := i
	for j < len(st.toks) && j < i+limit {
		t := st.toks[j]
		if t.punct && !st.amount(j) || (j > i && stopAt[t.norm] && !st.acronym(j) && !st.comparedNumber(j)) {
			// A currency sign before a number is a word ("its $28 billion
			// merger"), and so is "than" before one ("more than 570,000
			// minivans").
			break
		}
		j++
	}
	return j
}

// trigger is an accepted trigger: its tokens, family and form.
type trigger struct {
	i, last  int // first and last token (the particle, for phrasal verbs)
	particle int // particle token, or -1
	tr       Trigger
	form     Form
	anaphor  bool // a noun accepted only as referring to the headline's withdrawal
}

// event decides whether token i is the trigger of a withdrawal event and
// builds the event.
func (st *sent) event(i int) (article.Event, bool) {
	if st.consumed[i] {
		return article.Event{}, false
	}
	if st.triggerInName(i) {
		return article.Event{}, false
	}
	w := st.toks[i].norm
	if tr, ok := st.d.lex.Triggers[w]; ok {
		if ev, ok := st.try(i, tr); ok {
			return ev, true
		}
	}
	for _, tr := range st.d.lex.Constructions[w] {
		if ev, ok := st.try(i, tr); ok {
			return ev, true
		}
	}
	return article.Event{}, false
}

// try decides whether token i is trigger tr of a withdrawal event and
// builds the event.
func (st *sent) try(i int, tr Trigger) (article.Event, bool) {
	tg := trigger{i: i, last: i, particle: -1, tr: tr, form: tr.Form}
	if tr.Particle != "" {
		p := st.findParticle(i, tr)
		if p < 0 {
			return article.Event{}, false
		}
		tg.particle, tg.last = p, p
	}
	if !st.accept(&tg) {
		if !st.headlineAnaphor(tg) {
			return article.Event{}, false
		}
		tg.anaphor = true
	}
	if st.expulsion(tg) {
		return article.Event{}, false
	}
	if tg.particle >= 0 {
		if st.consumed == nil {
			st.consumed = map[int]bool{}
		}
		st.consumed[tg.particle] = true
	}
	return st.build(tg), true
}

// expulsion reports whether the trigger is a host's order, request or
// ultimatum that another state's diplomats leave or be recalled: "orders
// EU ambassador Oliver Nette to leave the country", "gives the United
// States ambassador 72 hours to leave", "requests that Cuba recall its
// ambassador". The guideline's labels call these expulsions, as they call
// "expels", not withdrawals; an order to one's own staff, or to another's
// forces ("ordered French troops to leave"), stays a withdrawal.
func (st *sent) expulsion(tg trigger) bool {
	i := tg.i
	if tg.form != Base || tg.tr.Family != FamExit && tg.tr.Family != FamRecall {
		return false
	}
	if _, ok := st.orderedOwnStaff(tg, -1); ok {
		return false
	}
	verb := -1
	if v, ok := st.ultimatum(i); ok {
		verb = v
	} else if v, ok := st.orderedOther(tg, -1); ok {
		verb = v
	} else {
		for k := i - 1; k > 0 && k >= i-6 && !st.toks[k].punct; k-- {
			if st.norm(k) == "that" && st.is(SetRequestVerbs, st.norm(k-1)) {
				verb = k // "requests that Cuba recall its ambassador"
				break
			}
		}
	}
	if verb < 0 {
		return false
	}
	end := min(i+6, len(st.toks)-1)
	if !st.anyClass(verb+1, end, Diplomatic) || st.anyClass(verb+1, end, Military) {
		return false
	}
	// Another state's: a name or demonym marks them ("several Malawian
	// diplomats", "Cuba ... its ambassador"); "ordered the families of
	// diplomats to leave" may be the ministry's own.
	for m := verb + 1; m < i; m++ {
		if st.demonymAt(m) || st.isName(m) || st.entityAt(m) {
			return true
		}
	}
	return false
}

// headlineAnaphor reports whether a trigger the sentence alone does not
// accept is a noun that refers back to the withdrawal the headline
// reports: "Spain said the recall would not change its decision" under
// "Israel recalls envoy to Spain". The noun must stand alone after a
// definite determiner or a possessive ("the exit", "its withdrawal",
// "Halden's recall"), with no word of another sense near (a recall vote,
// a cash withdrawal, markets, symptoms).
func (st *sent) headlineAnaphor(tg trigger) bool {
	i := tg.i
	if st.art.titleKind == "" || tg.particle >= 0 || (tg.form != Noun && tg.form != Base) {
		return false
	}
	if tr, ok := st.d.lex.Triggers[st.norm(i)]; !ok || tr.Family != tg.tr.Family {
		// Only a trigger word names a withdrawal by itself: a construction
		// noun or verb ("the end of 2026", "the cut") needs its object.
		return false
	}
	p := st.norm(i - 1)
	if p == "'s" {
		p = st.norm(i-2) + "'s"
	}
	definite := p == "the" || p == "this" || p == "that" || p == "its" || st.is(SetPersonalPossessive, p) || strings.HasSuffix(p, "'s")
	if !definite || st.is(SetCompoundBlocked, st.norm(i+1)) || st.anyClass(i-5, i+5, Money|Medical|Vote|Market|Figurative|Squad) {
		return false
	}
	// A noun is followed by a verb, a preposition or the end, not by an
	// object as "the recall" a verb would be ("they recall the day").
	if tg.form == Base && i+1 < len(st.toks) && !st.toks[i+1].punct {
		switch st.norm(i + 1) {
		case "would", "will", "was", "is", "has", "had", "could", "may", "might", "should", "of", "from", "in", "on", "by",
			"to", "came", "comes", "followed", "follows", "leaves", "left", "means", "ends", "ended":
		default:
			return false
		}
	}
	return true
}

// findParticle finds the particle of a phrasal trigger: right after it for
// "drop out", "walk away", or after a short object for "pull troops out".
func (st *sent) findParticle(i int, tr Trigger) int {
	reach := 1
	if tr.Family == FamPullOut || tr.Family == FamRetreat || tr.Family == FamHome || tr.Family == FamMove && tr.Particle == "out" {
		// An object may stand between the verb and its particle: "pulled
		// its troops out", "moved the brigade back".
		reach = 6
	}
	for j := i + 1; j <= i+reach && j < len(st.toks); j++ {
		t := st.toks[j]
		if t.punct {
			return -1
		}
		if t.norm == tr.Particle || (tr.Alt != "" && t.norm == tr.Alt) {
			return j
		}
	}
	return -1
}

// accept applies the family's rules for telling a withdrawal from the
// word's other senses.
func (st *sent) accept(tg *trigger) bool {
	i := tg.i
	next := tg.last + 1
	if st.generic(*tg) {
		return false
	}
	switch tg.tr.Family {
	case FamWithdraw, FamPullOut, FamRetreat:
		if st.notWithdrawn(*tg) {
			return false
		}
	}
	switch tg.tr.Family {
	case FamWithdraw:
		if st.anyClass(i-5, i+4, Money|Medical) {
			return false
		}
		if st.squadAfter(i) || st.careerAfter(i) {
			return false
		}
		if st.norm(i+1) == "into" || st.norm(i+1) == "inward" || st.norm(i+1) == "inwards" {
			return false
		}
		if tg.form == Participle && st.d.lex.Adjectival[st.norm(i-1)] && !st.d.lex.From[st.norm(i+1)] && st.norm(i+1) != "by" {
			return false
		}
		if tg.form == Noun && st.is(SetCompoundBlocked, st.norm(i+1)) {
			return false // "the withdrawal letter", "the IDF's withdrawal line": a thing, not an event
		}
		return st.kindEvidence(i, i) || tg.form == Noun && st.nounLead(i)
	case FamPullOut:
		if strings.HasPrefix(st.norm(i), "order") {
			// "ordered the troops out of Iraq", nothing less.
			return tg.particle > i+1 && st.anyClass(i+1, tg.particle-1, Military|Diplomatic) && st.norm(tg.particle+1) == "of"
		}
		if tg.particle < 0 { // the nouns pullout, pullback
			if st.anyClass(i-4, i+6, Figurative|Money|Market) {
				return false
			}
			return st.nounLead(i) || st.anyClass(i-8, i+8, Military|Diplomatic|Agreement|Business|Political)
		}
		if st.toks[tg.particle].norm == "back" {
			return st.anyClass(i-6, tg.particle+6, Military|Diplomatic) && !st.anyClass(i-6, tg.particle+6, Market)
		}
		// Between "pull" and "out" there may be an object ("pulled its
		// troops out"); "pull out all the stops" and "pulled out his
		// phone" are physical or figurative.
		if st.anyClass(i+1, tg.particle+5, Figurative) || st.norm(tg.particle+1) == "all" {
			return false
		}
		if st.squadAfter(tg.particle) {
			return false
		}
		withdrawable := Military | Diplomatic | Agreement | Business | Political | Sports | Race
		if st.norm(next) == "of" {
			end := st.phraseEnd(next+1, 6, st.d.lex.FromBoundary)
			if st.careerAfter(tg.particle) {
				return false
			}
			// "pulled out of the U.S. Open", or forces pulling out of "the
			// village of Shatoi"; or forces or diplomats pulled out as the
			// object, whatever the place ("pulled its peacekeepers out of
			// the valley").
			if tg.particle > i+1 && st.anyClass(i+1, tg.particle-1, Military|Diplomatic) {
				return true
			}
			return st.anyClass(next+1, max(end-1, next+6), withdrawable) || st.capitalizedAt(next+1) || st.entityAt(next+1) ||
				st.is(SetExitObjects, st.norm(next+1)) || st.norm(next+1) == "the" && st.is(SetExitObjects, st.norm(next+2)) ||
				end > next+1 && st.is(SetExitObjects, st.norm(end-1)) ||
				st.entityAt(next+2) || st.anyClass(i-10, i-1, Military) || st.placeAt(next+1) && st.anyClass(0, len(st.toks)-1, Military)
		}
		if tg.particle > i+1 {
			return st.anyClass(i+1, tg.particle-1, withdrawable) || st.isCapitalized(i+1) || st.capitalizedAt(i+1) || st.entityAt(i+1) || st.entityAt(i+2)
		}
		if st.anyClass(next, next+3, Military|Diplomatic) || st.entityAt(next) {
			return true
		}
		// "The company pulled out.", "Fernandez pulled out because of
		// tendinitis": needs a withdrawing context.
		return (next >= len(st.toks) || st.toks[next].punct || st.d.lex.Boundary[st.norm(next)] ||
			st.norm(next) == "because" || st.norm(next) == "due") &&
			st.anyClass(i-8, next+6, Military|Agreement|Business|Political|Diplomatic|Sports)
	case FamRecall:
		if st.anyClass(i-3, i+6, Vote) || st.is(SetStrongMemory, st.norm(i+1)) {
			return false
		}
		obj := st.partHead(i + 1)
		if st.anyClass(obj, obj+3, Diplomatic|Military) {
			return true
		}
		if st.is(SetPersonalSubjects, st.norm(i-1)) {
			return false // "She recalls the food her mother cooked": a memory; a person recalls no goods
		}
		if st.anyClass(i+1, i+6, Product) {
			return true
		}
		if from, to, ok := st.passiveSubject(i); ok && st.anyClass(from, to, Diplomatic|Military|Product) && !st.anyClass(from, to, Squad|Sports) {
			// "the ambassador was recalled", "other products could be
			// recalled": in the passive what is recalled comes first.
			return true
		}
		if tg.form == Base && st.d.lex.Determiners[st.norm(i-2)] && !st.isCapitalized(i-1) && !st.is(SetMemory, st.norm(i+1)) &&
			st.class(i-1) == 0 && !st.toks[max(i-1, 0)].punct && st.anyClass(i-8, i+8, Business|Product|Diplomatic|Military) {
			return true // "issued the abrupt recall"
		}
		if tg.form == Base && st.d.lex.Determiners[st.norm(i-1)] && st.is(SetIssueVerbs, st.norm(i-2)) {
			return true // "Frigidaire issues a recall for 330,000 mini-fridges"
		}
		if st.norm(i+1) == "of" || isNumber(st.norm(i+1)) || st.quantityAt(i+1) {
			// "widens recall of F-150 pickups", "recalls 130,000 cars",
			// "recalls more than 570,000 Windstar minivans"
			return true
		}
		if st.is(SetNounModifiers, st.norm(i-1)) && tg.form == Base && !st.is(SetMemory, st.norm(i+1)) {
			return st.norm(i+1) == "of" || st.toks[min(i+1, len(st.toks)-1)].punct || i+1 >= len(st.toks) ||
				st.anyClass(i-6, i+10, Business|Product)
		}
		return false
	case FamRetreat:
		if st.anyClass(i-6, tg.last+6, Market|Money) || st.careerAfter(tg.last) {
			return false // "disengagement from politics" is a retirement
		}
		if tg.particle >= 0 || tg.form == Noun || tg.form == Base && st.nounLead(i) {
			// "the drawdown of 100,000 U.S. forces", "after Russian
			// retreat", "Moscow's retreat"; not "a weekend retreat".
			p := st.norm(i - 1)
			return st.anyClass(i-5, tg.last+10, Military) || st.demonymAt(i-1) || strings.HasSuffix(p, "'s") ||
				(tg.tr.Particle == "" && tg.form == Noun && st.d.lex.Determiners[p] && !st.anyClass(i-8, i+8, Business|Sports))
		}
		if ok, decided := st.forcedRetreat(i); decided {
			return ok
		}
		return st.anyClass(i-6, i+6, Military) || st.demonymAt(i-1) || st.fromPlace(i)
	case FamEvacuate:
		if tg.form == Noun && st.is(SetEvacuationBlocked, st.norm(i+1)) {
			return false // "evacuation orders", "an evacuation corridor": civilians
		}
		if st.anyClass(i-4, i+6, Diplomatic) {
			return true
		}
		for j := i + 1; j < len(st.toks) && j <= i+4; j++ {
			if n := st.norm(j); n == "staff" || n == "personnel" {
				return true
			}
		}
		if tg.form == Noun {
			return st.anyClass(i+1, i+4, Military) && !st.anyClass(i+1, i+4, Figurative)
		}
		// What is evacuated, up to its head: "evacuates the remaining 100
		// Special Operations forces members", "evacuate the airbase".
		end := st.phraseEnd(i+1, 8, st.d.lex.Boundary)
		if st.anyClass(i+1, max(end-1, i+4), Military) && !st.anyClass(i+1, max(end-1, i+4), Figurative) {
			return true
		}
		// Forces that evacuate, with nothing evacuated after the verb:
		// "Rebel fighters start evacuating from Douma", "rebels begin to
		// evacuate after agreeing to surrender"; not "soldiers evacuated
		// people from their homes".
		if !st.intransitiveAt(i+1) || st.anyClass(i-6, i-1, Squad|Sports|Figurative) {
			return false
		}
		for k := i - 1; k >= max(i-6, 0); k-- {
			if st.class(k)&Military != 0 && !st.forceVerb(k) {
				return true
			}
		}
		return false
	case FamExit:
		return st.acceptExit(tg)
	case FamEnd:
		return st.acceptEnd(tg)
	case FamReduce:
		return st.acceptReduce(tg)
	case FamClose:
		return st.acceptClose(tg)
	case FamRecognition:
		// A state stops recognising another, or switches its recognition
		// from one government to another: recognition withdrawn from a
		// name ("stopped recognising Taiwan in 1979", "to switch
		// recognition from Taiwan to China").
		if tg.form == Noun {
			return st.is(SetSwitchVerbs, st.norm(i-1)) && st.norm(i+1) == "from" && st.capitalizedAt(i+2)
		}
		return st.is(SetStopVerbs, st.norm(i-1)) && st.capitalizedAt(i+1)
	case FamMove:
		if tg.particle > i+1 && st.anyClass(i+1, tg.particle-1, Military) && !st.anyClass(i+1, tg.particle-1, Squad|Sports) {
			// The forces are the object: "moved its troops out of the
			// valley", "moved the brigade back from the border".
			switch st.toks[tg.particle].norm {
			case "out":
				return st.norm(tg.particle+1) == "of"
			case "back":
				return st.d.lex.From[st.norm(tg.particle+1)]
			}
		}
		// The forces are the subject: "Russian units were returning to
		// their bases", "troops moved back from the border".
		if !st.anyClass(i-6, i-1, Military) || st.anyClass(i-6, i-1, Squad|Sports) {
			return false
		}
		switch st.toks[tg.particle].norm {
		case "to":
			end := st.phraseEnd(tg.particle+1, 4, st.d.lex.Boundary)
			return end > tg.particle+1 && (st.norm(end-1) == "bases" || st.norm(end-1) == "barracks")
		case "out":
			return st.norm(tg.particle+1) == "of"
		}
		return st.d.lex.From[st.norm(tg.particle+1)]
	case FamHome:
		between := st.anyClass(i+1, tg.particle-1, Military|Diplomatic) && !st.anyClass(i+1, tg.particle-1, Squad|Sports)
		if from, to, ok := st.passiveSubject(i); ok && tg.particle == i+1 {
			// "the troops will be brought home", "the diplomats were flown
			// out of Haiti": in the passive the forces come first.
			between = st.anyClass(from, to, Military|Diplomatic) && !st.anyClass(from, to, Squad|Sports)
			if st.toks[tg.particle].norm == "out" {
				return between && st.norm(tg.particle+1) == "of"
			}
			return between
		}
		if st.toks[tg.particle].norm == "out" {
			// "flown its embassy staff out of Haiti"
			return tg.particle > i+1 && between && st.norm(tg.particle+1) == "of"
		}
		if tg.particle == i+1 {
			// "bring home the troops", not "brought home Ivan Rodriguez"
			return st.anyClass(i+2, i+5, Military|Diplomatic) && !st.anyClass(i+2, i+5, Squad|Sports)
		}
		return between
	}
	return false
}

// passiveSubject reports whether verb i is a passive ("was recalled",
// "will be brought home", "were also being called home") and returns the
// tokens before its auxiliaries, up to eight and not across a punctuation
// mark, where its subject, the thing the verb acts on, stands.
func (st *sent) passiveSubject(i int) (from, to int, ok bool) {
	k := i - 1
	for k >= 0 && (st.is(SetPerfectAdverbs, st.norm(k)) || strings.HasSuffix(st.norm(k), "ly")) {
		k-- // "were immediately brought home"
	}
	switch st.norm(k) {
	case "be", "been", "being", "is", "are", "was", "were":
	default:
		return 0, 0, false
	}
	for k >= 0 && st.isAuxiliary(k) {
		k--
	}
	from = k
	for from > 0 && from > k-8 && !st.toks[from-1].punct {
		from--
	}
	return from, k, k >= 0 && !st.toks[k].punct
}

// isAuxiliary reports whether token k is an auxiliary, a modal, a
// negation or an adverb between them ("could also be", "have not been").
func (st *sent) isAuxiliary(k int) bool {
	switch w := st.norm(k); w {
	case "be", "been", "being", "is", "are", "was", "were", "has", "have", "had", "will", "would", "could",
		"can", "may", "might", "must", "should", "shall", "'ll", "not", "n't":
		return true
	default:
		return st.is(SetPerfectAdverbs, w)
	}
}

// notWithdrawn reports whether what the trigger withdraws, or withdraws
// from, is a thing the guideline does not count: a topic ("try to withdraw
// from the divisive political issue"), a publication, which is retracted
// ("has withdrawn 920 photographs", "Research ... is withdrawn"), or a step
// of a court case ("withdraws its case"). A word of a counted kind in the
// phrase keeps it ("withdrew the book from sale", "the report's troops").
func (st *sent) notWithdrawn(tg trigger) bool {
	counted := Military | Diplomatic | Agreement | Business | Product | Sports | Race
	what, from := st.objectRoles(tg)
	for _, sp := range []span{what, from} {
		for j := sp.i; j < sp.j && j < sp.i+5; j++ {
			if st.norm(j) == "of" {
				break // "the issue of troops": the head comes first
			}
			if st.is(SetNotWithdrawn, st.norm(j)) {
				return !st.anyClass(sp.i, sp.j-1, counted)
			}
		}
	}
	for j := what.i; j < what.j && j < what.i+9; j++ {
		// "withdraws Georgian Prime Minister Irakli Kobakhidze's
		// invitation to attend a summit": the head may stand behind a long
		// possessor, and what follows "of", "to" or "for" is the grant's,
		// not the head.
		if w := st.norm(j); w == "of" || w == "to" || w == "for" || w == "from" {
			break
		}
		if st.is(SetGrantedThings, st.norm(j)) {
			return true
		}
	}
	if tg.form == Participle && tg.particle < 0 {
		// A passive: what is withdrawn is the subject, which news
		// summaries put first ("Research claiming ... is withdrawn").
		switch st.norm(tg.i - 1) {
		case "is", "are", "was", "were", "been", "be":
			if a := tg.i - 2; a >= 1 && (st.norm(a) == "that" || st.norm(a) == "which") {
				// "a Russia-related article involving President Donald
				// Trump that was retracted": the subject is the noun the
				// relative pronoun follows.
				for k := a - 1; k >= 0 && k >= a-6 && !st.toks[k].punct; k-- {
					if st.is(SetNotWithdrawn, st.norm(k)) {
						return !st.anyClass(k, tg.i-1, counted)
					}
				}
			}
			j := 0
			for k := 0; k < tg.i-1; k++ {
				if st.norm(k) == ":" {
					// "ROC presidential election, 2004: An ad comparing
					// ... is withdrawn": the topic before a colon is
					// not the subject.
					j = k + 1
				}
			}
			if st.d.lex.Determiners[st.norm(j)] {
				j++
			}
			return j < tg.i && st.is(SetNotWithdrawn, st.norm(j)) && !st.anyClass(j, tg.i-1, counted)
		}
	}
	return false
}

// placeAt reports whether the phrase at j is a place that forces hold ("the
// region", "positions").
func (st *sent) placeAt(j int) bool {
	if st.d.lex.Determiners[st.norm(j)] {
		j++
	}
	return st.is(SetPlaceNouns, st.norm(j))
}

// fromPlace reports whether a "from" phrase shortly after trigger i names
// a place that forces hold: "agreed to retreat via Red Cross corridors from
// Gaza areas", which markets and hikers do not.
func (st *sent) fromPlace(i int) bool {
	for j := i + 1; j < len(st.toks) && j <= i+6; j++ {
		if st.d.lex.From[st.norm(j)] {
			for k := j + 1; k < len(st.toks) && k <= j+3 && !st.toks[k].punct; k++ {
				if st.is(SetPlaceNouns, st.norm(k)) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// acceptEnd handles the verbs of ending (FamEnd): a withdrawal when the
// head of their object is a campaign, bid, agreement or membership ("ended
// his re-election campaign", "terminates acquisition pact"), or a
// military mission, deployment or presence. Not "abandon plans to sign a
// treaty" (the head is "plans"), nor "ends vote boycott".
//
// The noun "end" is the same ending told as a thing ("announced the end
// of his campaign", "declares an end to joint operations with the French
// military") after a determiner and before "of" or "to", unless a
// preposition makes it a time ("at the end of his campaign").
func (st *sent) acceptEnd(tg *trigger) bool {
	i := tg.i
	if tg.form == Noun {
		if !st.d.lex.Determiners[st.norm(i-1)] || st.norm(i+1) != "of" && st.norm(i+1) != "to" {
			return false
		}
		if p := st.norm(i - 2); i < 2 || st.toks[i-2].punct || st.d.lex.Boundary[p] || st.is(SetTimePreps, p) {
			return false
		}
		i++ // the object follows "of" or "to"
	}
	if tg.particle >= 0 {
		i = tg.particle // "wind down its business": the object follows the particle
	}
	end := st.phraseEnd(i+1, 7, st.d.lex.Boundary)
	if end <= i+1 || st.d.lex.Boundary[st.norm(i+1)] {
		// "loose ends on the deal": no object, so no verb.
		return false
	}
	for j := max(i-4, 0); j < end; j++ {
		// Money or markets ended are no withdrawal, but an amount is what
		// a deal is worth: "the cancellation of their $28 billion merger".
		if st.class(j)&(Money|Market) != 0 && !st.amount(j) {
			return false
		}
	}
	head := st.norm(end - 1)
	there := head == "there" && end-2 > i
	if there {
		end--
		head = st.norm(end - 1) // "end its business there"
	}
	if st.norm(end) == "of" && st.is(SetEndObjects, head) && !st.isCapitalized(end+1) {
		// "end its campaign of strikes": a campaign of actions, not a
		// race; "a deal of" is no deal.
		return false
	}
	if strings.HasPrefix(st.norm(i), "abandon") && st.is(SetHeldPlaces, head) && st.norm(end) != "on" && st.norm(end) != "that" &&
		(st.anyClass(i-6, i-1, Military) || st.anyClass(i+1, end-1, Military)) {
		return true // "soldiers abandoned their positions": forces pulling back; not "its positions on tax"
	}
	if (head == "campaign" || head == "campaigns") && st.is(SetCombatWords, st.norm(end-2)) {
		return false // "suspends its bombing campaign": fighting, not a race
	}
	if st.is(SetSuspendVerbs, st.norm(i)) {
		// A campaign suspended is over; an agreement suspended is paused,
		// and so are campaigns suspended together ("all major parties
		// suspend their campaigns" after an attack, "authorities suspend
		// election campaigns"): SetSuspendObjects has no plural
		// "campaigns".
		return st.is(SetSuspendObjects, head)
	}
	if st.is(SetEndObjects, head) {
		return true
	}
	if st.is(SetFirmPresence, head) && st.is(SetOrgPossessive, st.norm(i+1)) &&
		(there || st.norm(end) == "in" && (st.capitalizedAt(end+1) || st.norm(end+1) == "the" && st.norm(end+2) == "country")) {
		// A company ending its business in a country: "end its business
		// there", "winding down its business in the country", "ending its
		// operations in Africa".
		return true
	}
	if (head == "mission" || head == "missions") && st.missionPlace(end) &&
		(st.anyClass(max(i-6, 0), end-1, Military|Diplomatic|Agreement) || st.anyCapitalized(i+1, end-1)) {
		// "ends the 14 year RAMSI mission in the Solomon Islands", "The
		// European Union ... will end its mission to reform security
		// forces in Guinea-Bissau": a named mission, or one of a state,
		// a bloc or forces, in a country ended; not rescuers' search
		// mission, nor a probe's.
		return true
	}
	// "joint operations with the French military": the forces may be
	// named in a "with" phrase after the head.
	return st.is(SetPresenceNouns, head) && (st.anyClass(i+1, end-2, Military) || st.anyClass(i-6, i-1, Military) ||
		st.norm(end) == "with" && st.anyClass(end+1, st.phraseEnd(end+1, 5, st.d.lex.Boundary)-1, Military))
}

// acceptClose handles a business ending its activity in a named place
// (FamClose): "closes its English-language bureau in China", "had closed
// its last stores in Russia", a state its embassy ("shuts its embassy in
// Algiers"), or a verb of flying or operating after a
// verb of stopping, "will stop flying to Bangkok and Singapore". The place
// must be a name or "the country": "closed its offices for the holiday"
// and "shut its doors" leave nothing.
func (st *sent) acceptClose(tg *trigger) bool {
	i := tg.i
	for k := range st.toks {
		if st.is(SetTemporary, st.norm(k)) {
			return false // "temporarily closes its stores in China": it will reopen
		}
	}
	if st.is(SetServeVerbs, st.norm(i)) {
		if !st.is(SetStopVerbs, st.norm(i-1)) {
			return false
		}
		p := st.norm(i + 1)
		return (p == "to" || p == "in") && st.closedPlace(i+2) && st.anyClass(0, len(st.toks)-1, Business)
	}
	if !st.is(SetOrgPossessive, st.norm(i+1)) {
		return false // "its" or "their": a firm's own; not "closed the deal"
	}
	end := st.phraseEnd(i+2, 4, st.d.lex.Boundary)
	if end <= i+2 || !st.is(SetOutlets, st.norm(end-1)) || st.norm(end) != "in" {
		return false
	}
	return st.closedPlace(end + 1)
}

// endorsesAfter reports whether a named person drops out at the verb
// ending at last for a named rival, within its clause: "François Bayrou
// drops out in an effort to boost Emmanuel Macron".
func (st *sent) endorsesAfter(last int) bool {
	if last < 2 || !st.isCapitalized(last-2) {
		return false // a name right before the verb
	}
	if st.anyClass(0, len(st.toks)-1, Sports|Squad) {
		return false // "Nadal drops out to support Spain at the Davis Cup"
	}
	for k := last + 1; k < len(st.toks) && k <= last+8 && !st.toks[k].punct; k++ {
		if st.is(SetEndorseWords, st.norm(k)) && st.capitalizedAt(k+1) && st.capitalizedAt(k+2) {
			return true // a rival's full name
		}
	}
	return false
}

// anyCapitalized reports whether a word from token a to b (inclusive)
// after the sentence's first is capitalized: a name in a phrase.
func (st *sent) anyCapitalized(a, b int) bool {
	for k := max(a, 1); k <= b && k < len(st.toks); k++ {
		if st.isCapitalized(k) {
			return true
		}
	}
	return false
}

// missionPlace reports whether a country or region named after "in"
// follows the mission ending at token end, within its clause.
func (st *sent) missionPlace(end int) bool {
	for k := end; k < len(st.toks) && k < end+8 && !st.toks[k].punct; k++ {
		if st.norm(k) != "in" {
			continue
		}
		if st.norm(k+1) == "the" {
			k++
		}
		// "in Saturn's atmosphere" is no country.
		return st.capitalizedAt(k+1) && st.d.lex.Months[st.norm(k+1)] == 0 && !possessive(st.norm(k+1))
	}
	return false
}

// closedPlace reports whether a place a business leaves starts at j: a
// name, or "the country".
func (st *sent) closedPlace(j int) bool {
	return st.capitalizedAt(j) || st.norm(j) == "the" && st.norm(j+1) == "country"
}

// acceptReduce handles the verbs of reducing (FamReduce): a partial
// withdrawal when what they reduce is forces ("will cut its troops in Iraq
// by half"), the number of forces ("lower the number of troops", "reduce
// troop levels") or a military presence; not "cut military spending".
func (st *sent) acceptReduce(tg *trigger) bool {
	i := tg.i
	end := st.phraseEnd(i+1, 6, st.d.lex.Boundary)
	if end <= i+1 {
		return false
	}
	head := st.norm(end - 1)
	if st.is(SetCountNouns, head) && st.norm(end) == "of" {
		// "the number of troops": what is counted is what is reduced.
		start := end + 1
		end = st.phraseEnd(start, 4, st.d.lex.Boundary)
		if end <= start {
			return false
		}
		head = st.norm(end - 1)
	}
	if st.anyClass(i+1, end-1, Squad|Sports|Money|Market) {
		return false
	}
	if st.is(SetPresenceNouns, head) {
		return st.anyClass(i+1, end-2, Military) // "its military presence"
	}
	// Forces as the head, or counted by it ("troop levels").
	return st.class(end-1)&Military != 0 || st.is(SetCountNouns, head) && st.class(end-2)&Military != 0
}

// amount reports whether token j is a currency next to a number: "$" in
// "$28 billion" or "US$227-million", "francs" in "500 francs".
func (st *sent) amount(j int) bool {
	digit := func(k int) bool {
		w := st.norm(k)
		return w != "" && w[0] >= '0' && w[0] <= '9'
	}
	return st.class(j)&Money != 0 && (digit(j+1) || digit(j-1))
}

// forceVerb reports whether "force" or "forces" at k is the verb of
// compelling people, not armed forces: "fires force 15,000 people to
// evacuate", "explosions force thousands to be evacuated".
func (st *sent) forceVerb(k int) bool {
	if w := st.norm(k); w != "force" && w != "forces" {
		return false
	}
	next := st.norm(k + 1)
	return isNumber(next) || st.is(SetCrowdWords, next) || st.d.lex.Determiners[next] || st.d.lex.Pronouns[next] || next == "them"
}

// forcedRetreat decides a retreat that someone is forced into ("forcing
// them to retreat", "they were forced to retreat", "an explosion forces
// rescue teams to retreat"): it is a withdrawal when the ones forced are
// forces, named between the verb and "to", or, for a pronoun, named
// earlier in the sentence. The verb "forces" itself is no forces.
func (st *sent) forcedRetreat(i int) (ok, decided bool) {
	if st.norm(i-1) != "to" {
		return false, false
	}
	v := -1
	for k := i - 2; k >= 0 && k >= i-6 && !st.toks[k].punct; k-- {
		switch st.norm(k) {
		case "forced", "forcing", "forces", "force", "compelled", "compelling", "compels":
			v = k
		}
		if v >= 0 {
			break
		}
	}
	if v < 0 || st.wordBetween(v, i-1, "may", "might", "must", "have", "has", "had", "will", "would", "can", "could", "should") {
		return false, false // "Ukrainian forces may have to retreat": the noun, and a modal
	}
	for k := v + 1; k < i-1; k++ {
		if st.verbForm(k) || st.is(SetPastVerbs, st.norm(k)) || st.is(SetToVerbs, st.norm(k)) {
			return false, false // "Russian forces began to retreat": the noun, and a verb of its own
		}
	}
	obj := span{v + 1, i - 1}
	if obj.j == obj.i && !st.passiveAux(v-1) {
		return false, false // "Rebel forces, forced to retreat, regrouped": read as before
	}
	if obj.j == obj.i {
		// "they were forced to retreat": the subject of the passive.
		k := v - 1
		for k >= 0 && st.isAuxiliary(k) {
			k--
		}
		obj = span{max(k-5, 0), k + 1}
	}
	if obj.j-obj.i == 1 && (st.d.lex.Pronouns[st.norm(obj.i)] || st.norm(obj.i) == "them" || st.norm(obj.i) == "they") {
		// "forcing them to retreat": whoever the pronoun stands for,
		// named earlier in the sentence.
		for k := obj.i - 1; k >= 0 && k >= obj.i-16; k-- {
			if st.class(k)&Military != 0 && !st.forceVerb(k) && k != v {
				return true, true
			}
		}
		return false, true
	}
	return st.anyClass(obj.i, obj.j-1, Military), true
}

// intransitiveAt reports whether a verb whose next token is j takes no
// object: the sentence or a clause ends there, or a phrase of place, time
// or cause opens ("evacuate from Douma", "evacuate after agreeing").
func (st *sent) intransitiveAt(j int) bool {
	if j >= len(st.toks) || st.toks[j].punct {
		return true
	}
	return st.is(SetIntransitiveNext, st.norm(j))
}

// comparedNumber reports whether token j is "than" before a number, a
// word of an amount ("more than 570,000 minivans"), not a boundary.
func (st *sent) comparedNumber(j int) bool {
	return st.norm(j) == "than" && isNumber(st.norm(j+1))
}

// partHead returns where the head of a phrase starting at j begins: past a
// partitive and its "of" ("half of its 1,200 troops": at "its"), else j.
func (st *sent) partHead(j int) int {
	if st.is(SetPartitives, st.norm(j)) && st.norm(j+1) == "of" {
		return j + 2
	}
	return j
}

// quantityAt reports whether words of quantity starting at j lead to a
// number ("more than 570,000", "approximately 50,000", "up to 1,000").
func (st *sent) quantityAt(j int) bool {
	k := j
	for k < j+3 && st.is(SetQuantifiers, st.norm(k)) {
		k++
	}
	return k > j && isNumber(st.norm(k))
}

// possessive reports whether w is a noun in the possessive ("bloc's",
// "states'").
func possessive(w string) bool {
	return len(w) > 2 && (strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "s'") || strings.HasSuffix(w, "s’"))
}

// isNumber reports whether w is written in digits ("130,000", "1.2").
func isNumber(w string) bool {
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for k := 0; k < len(w); k++ {
		if (w[k] < '0' || w[k] > '9') && w[k] != ',' && w[k] != '.' {
			return false
		}
	}
	return true
}

// nounLead reports whether a noun trigger at i is introduced as a thing of
// its own: after a determiner or possessive ("the pullout", "Ince's
// withdrawal") or a name or demonym ("Russian retreat", "US troop
// pullout"). Such a noun names an event even without a kind word near.
func (st *sent) nounLead(i int) bool {
	p := st.norm(i - 1)
	if p == "'s" {
		p = st.norm(i-2) + "'s" // tokenised text: "Russia 's withdrawal"
	}
	if st.is(SetCompoundBlocked, st.norm(i+1)) {
		return false // "a withdrawal letter", "the withdrawal period"
	}
	if st.d.lex.Determiners[p] || strings.HasSuffix(p, "'s") || st.isName(i-1) || st.demonymAt(i-1) {
		return true
	}
	if i >= 2 && st.d.lex.Determiners[st.norm(i-2)] && !st.toks[i-1].punct && !st.isCapitalized(i-1) && st.class(i-1) == 0 {
		return true // "an immediate withdrawal"
	}
	// "US troop withdrawal": a name before a military noun.
	return st.class(i-1)&Military != 0 && (st.isCapitalized(i-2) || st.d.lex.Determiners[st.norm(i-2)])
}

// demonymAt reports whether token i is a capitalised demonym ("Russian",
// "Russians", "Chinese"), which makes a withdrawal a state's.
func (st *sent) demonymAt(i int) bool {
	if !st.isCapitalized(i) {
		return false
	}
	w := st.norm(i)
	for _, suf := range st.d.lex.DemonymSuffixes {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
			return true
		}
	}
	return false
}

// careerAfter reports whether the phrase after token i is a career or an
// office ("withdrew from politics"): a resignation, not a withdrawal.
func (st *sent) careerAfter(i int) bool {
	j := i + 1
	if st.d.lex.From[st.norm(j)] || st.norm(j) == "of" {
		j++
	}
	end := st.phraseEnd(j, 4, st.d.lex.Boundary)
	if st.anyClass(j, end-1, Race|Agreement) {
		return false
	}
	return st.anyClass(j, end-1, Career) || end > j && st.is(SetCareerHeads, st.norm(end-1))
}

// squadAfter reports whether the phrase after token i names a team's
// line-up ("pulled out of the squad"), which the guideline does not count.
func (st *sent) squadAfter(i int) bool {
	end := st.phraseEnd(i+1, 6, nil)
	return st.anyClass(i+1, end-1, Squad)
}

// acceptExit handles exit, quit, leave, drop out, bow out and walk
// out/away: they are withdrawals only when what is left is an
// organisation, an agreement, talks, a market or a race.
func (st *sent) acceptExit(tg *trigger) bool {
	i := tg.i
	w := st.toks[i].norm
	if strings.HasPrefix(w, "departure") {
		return st.acceptDeparture(tg)
	}
	obj := tg.last + 1
	if st.d.lex.From[st.norm(obj)] || st.norm(obj) == "of" || st.norm(obj) == "on" {
		obj++
	}
	end := st.phraseEnd(obj, 6, st.d.lex.Boundary)
	objClass := Class(0)
	for j := obj; j < end; j++ {
		objClass |= st.class(j)
	}
	// "exit from all of its projects in Russia": the head noun may lie
	// past an "of".
	wide := Class(0)
	for j := obj; j < len(st.toks) && j < obj+7 && !st.toks[j].punct; j++ {
		wide |= st.class(j)
	}
	if tg.particle >= 0 {
		if tg.last+1 < len(st.toks) && st.is(SetDropBlocked, st.norm(obj)) || st.anyClass(obj, end-1, Squad) {
			return false
		}
		if strings.HasPrefix(w, "walk") {
			// Walking out of parliament is a protest; walking out of talks
			// is a withdrawal from them.
			return objClass&(Agreement|Race) != 0
		}
		if objClass&(Agreement|Political|Race|Sports) != 0 {
			return true
		}
		if strings.HasPrefix(w, "drop") && st.endorsesAfter(tg.last) {
			return true // "Jadot drops out in an effort to boost Hamon": a race left
		}
		// "Gillibrand dropped out ahead of the debate" under "Gillibrand
		// ends US presidential bid": a bare "drop out" in an article whose
		// headline reports a withdrawal tells that withdrawal again.
		return st.art.titleKind != "" && !strings.HasPrefix(w, "walk") && objClass&(Career|Money|Medical|Market|Figurative) == 0
	}
	for k := 0; k < i; k++ {
		if st.is(SetExpulsion, st.norm(k)) {
			return false // expelled, not withdrawn: "declared personae non gratae and ordered to leave"
		}
	}
	if st.norm(obj) == "for" {
		return false // "leave for South Korea": a journey
	}
	if tg.form == Progressive && st.norm(i-1) == "from" {
		for k := i - 2; k >= 0 && k >= i-24; k-- {
			if w := st.norm(k); w == ";" || w == ":" || w == "." {
				break
			}
			if st.is(SetBanVerbs, st.norm(k)) {
				// "bans all Malaysian nationals (estimated to be at least
				// 11 people including embassy employees) from leaving the
				// country": kept in, not withdrawn.
				return false
			}
		}
	}
	if st.norm(i-1) == "to" && (st.is(SetCitizens, st.norm(i-2)) || st.demonymAt(i-2) && strings.HasSuffix(st.norm(i-2), "s")) &&
		objClass&(Agreement|Political|Race) == 0 && !st.is(SetPartyNouns, st.norm(end-1)) {
		// "warns Americans to leave the country", "urge their citizens to
		// leave areas near combat zones": civilians told to go; not
		// "urged Republicans to leave the party".
		return false
	}
	for k := obj; k < len(st.toks) && k <= obj+5 && !st.toks[k].punct; k++ {
		if st.is(SetResultStates, st.norm(k)) {
			return false // "leaves at least 19 dead": a result, not a departure
		}
	}
	for k := obj; k < len(st.toks) && k <= obj+6 && !st.toks[k].punct; k++ {
		if st.norm(k) == "in" && st.norm(k+1) == "place" {
			return false // "agreed to leave some EU rules in place"
		}
	}
	if st.is(SetLeaveKinds, st.norm(i-1)) && (w == "leave" || w == "leaves") {
		return false // "military leave", "on sick leave": time off
	}
	if objClass&Career != 0 && objClass&(Agreement|Race) == 0 {
		return false // "quit the ring", "left his job"
	}
	isExit := strings.HasPrefix(w, "exit")
	if isExit && st.is(SetExitBlocked, st.norm(i+1)) {
		return false
	}
	noun := isExit && (st.is(SetNounModifiers, st.norm(i-1)) || strings.HasSuffix(st.norm(i-1), "'s") || st.isCapitalized(i-1))
	if noun {
		tg.form = Noun
		if st.anyClass(obj, end-1, Squad) {
			return false
		}
		return st.anyClass(i-10, i+6, Agreement) || hasMarket(st, obj, end) || st.norm(i+1) == "from" && st.capitalizedAt(obj) ||
			st.is(SetPersonalPossessive, st.norm(i-1)) && st.anyClass(i+1, i+8, Race|Political) && !st.anyClass(i+1, i+8, Career) ||
			st.norm(i+1) == "from" && wide&Business != 0 && !st.is(SetPersonalPossessive, st.norm(obj))
	}
	if objClass&(Squad) != 0 {
		return false
	}
	if (w == "quit" || w == "quits" || w == "quitting") && wide&Sports != 0 && wide&Career == 0 {
		return true // "quitting this year's tour of England"
	}
	if !isExit && (obj >= len(st.toks) || st.toks[obj].punct || st.d.lex.Boundary[st.norm(obj)] || st.norm(obj) == "the" && st.norm(obj+1) == "country") &&
		st.anyClass(i-8, i-1, Military|Diplomatic) && !st.anyClass(i-8, i-1, Squad) && w != "left" {
		// "foreign troops should leave", "the attache was asked to
		// leave": forces or diplomats leaving where they are.
		return true
	}
	if objClass&(Agreement|Race) != 0 || st.is(SetExitObjects, st.norm(obj)) || st.norm(obj) == "the" && st.is(SetExitObjects, st.norm(obj+1)) ||
		end > obj && st.is(SetExitObjects, st.norm(end-1)) {
		return true // "leaves Netanyahu's government": the head of what is left
	}
	if !isExit && w != "leaving" && st.norm(obj) == "the" && st.isCapitalized(obj+1) && end > obj+2 && st.is(SetPartyNouns, st.norm(end-1)) {
		// "Yoon leaves the People Power Party", "will leave the Freedom
		// Caucus": a named party, left for good; not "leaving the
		// Democratic Party to seek a replacement".
		return true
	}
	if !isExit && w != "leaving" && (st.norm(obj) == "the" || st.is(SetPersonalPossessive, st.norm(obj))) &&
		st.is(SetPartyNouns, st.norm(obj+1)) && st.norm(obj+2) != "for" {
		// "later leaves the party", "MPs quit the party": the party named
		// before, or the subject's own, left for good, as a named one is.
		return true
	}
	if hasMarket(st, obj, end) && !st.anyClass(i-8, i+4, Money) {
		return true // "companies that leave the Russian market"
	}
	if st.leftBody(obj, end) {
		return true // "Burundi leaves the International Criminal Court"
	}
	if _, ok := st.memberSubject(i); ok && !isExit && w != "left" && st.namedBody(obj) {
		// Members leave the body they belong to: "Forty deputies of the
		// Sejm leave the Law and Justice party", "eight teams declare that
		// they will leave Formula One", "party official Yukio Hatoyama,
		// who says he will leave Sakigake".
		return true
	}
	military := st.anyClass(i-4, i-1, Military)
	if !isExit && (military || st.anyClass(i-4, i-1, Diplomatic) && !st.journeyAfter(obj)) && !st.anyClass(i-4, i-1, Squad) &&
		(st.capitalizedAt(obj) || st.norm(obj) == "north" || st.norm(obj) == "south" || st.norm(obj) == "the" && (st.norm(obj+1) == "country" || st.norm(obj+1) == "region") ||
			military && st.norm(obj) == "the" && st.placeAt(obj)) {
		// "Syrian troops quit north Lebanon", "troops will leave the
		// country", "rebels leave the neighborhood of Bab Amr", "the
		// South Korean envoy in Tokyo left Japan": forces or diplomats
		// leaving a place.
		return true
	}
	if !isExit && st.anyClass(i-4, i-1, Military) && !st.anyClass(i-4, i-1, Squad) {
		for j := obj; j < len(st.toks) && j < obj+4 && !st.toks[j].punct; j++ {
			if st.is(SetPlaceNouns, st.norm(j)) {
				return true // "Russian forces have left dozens of villages"
			}
		}
	}
	if !isExit && tg.form == Base && (st.norm(i-1) == "to" || st.norm(i-1) == "and") && st.capitalizedAt(obj) &&
		st.forcesBefore(st.reachBack(i, 8), i-2) && !st.anyClass(i-8, i-2, Squad|Sports) {
		// The subject of an infinitive or a second verb stands further
		// back: "ordered 2,000 troops from the National Guard to leave Los
		// Angeles", "personnel and family members are allowed to leave
		// Israel", "rebels ... disarm and leave Congo".
		return true
	}
	if !isExit && w != "left" && st.anyClass(i-4, i-1, Diplomatic) && st.capitalizedAt(obj) {
		// "the remaining diplomats would leave Niger"; "the envoy left
		// Baghdad for talks" is travel.
		return true
	}
	if !isExit && w != "left" && st.capitalizedAt(obj) && st.norm(st.phraseEnd(obj, 5, st.d.lex.Boundary)) != "for" &&
		(st.anyClass(i-8, i-1, Business) && !st.anyClass(i-8, i+8, Money|Sports) || st.sellsAfter(i)) {
		// A company leaving a country: the company before it ("the miner
		// said it would leave Myanmar") or selling up after it ("will
		// leave Russia and sell its restaurants there"); not "leave
		// London for Tokyo", a journey, nor a person "leaving South
		// Africa" whose application is heard.
		return true
	}
	if isExit {
		// "exited most markets", "exit Russia": a market, or a place.
		// "exit its 20% stake in Rosneft", "exited most markets", "exit
		// Russia"; not a firm's owners who "exit their businesses".
		if wide&Business != 0 && !businessOwners(st, obj, end) {
			return true
		}
		return st.capitalizedAt(obj) && (st.anyClass(i-6, i+6, Business) || st.namedSubject(i))
	}
	return false
}

// journeyAfter reports whether the clause after the place left at obj
// tells a journey, not a recall: "The US ambassador left Kyiv on Friday
// for talks in Washington".
func (st *sent) journeyAfter(obj int) bool {
	for k := obj; k < len(st.toks) && k <= obj+10 && !st.toks[k].punct; k++ {
		if st.is(SetJourneyWords, st.norm(k)) {
			return true
		}
	}
	return false
}

// acceptDeparture accepts the noun "departure" when it is the leaving of
// forces, diplomats, firms or a party from a country, a race or a body:
// "the departure of U.S. troops from Afghanistan", "the party's departure",
// "since his departure from the presidential race". A journey's start
// ("after its departure from Singapore"), a person leaving a post or a
// band, and a change of policy ("a departure from ambiguity") are not.
func (st *sent) acceptDeparture(tg *trigger) bool {
	i := tg.i
	if !st.nounLead(i) && !st.is(SetClauseOpeners, st.norm(i-1)) {
		return false
	}
	end := i + 1
	if n := st.norm(i + 1); n == "of" || n == "from" {
		end = i + 2
		for end < len(st.toks) && end < i+10 && !st.toks[end].punct {
			end++
		}
	}
	from := i - 1
	if p := st.norm(i - 1); strings.HasSuffix(p, "'s") || st.is(SetPersonalPossessive, p) || p == "its" || p == "their" {
		from = max(i-4, 0)
	}
	if st.anyClass(from, end-1, Career|Squad|Figurative|Money|Medical) {
		return false
	}
	for k := from; k < end; k++ {
		if st.is(SetTransport, st.norm(k)) || st.is(SetPersonRoles, st.norm(k)) {
			return false // a flight's departure; "the departure of the company's chief executive"
		}
	}
	return st.anyClass(from, end-1, Military|Diplomatic|Agreement|Race|Business)
}

// memberSubject reports whether the subject of trigger i, up to eight
// words before it (an apposition between commas counting as one), is a
// word for members of a party, a parliament or a league ("deputies",
// "teams", "party official"), with no verb of ordering, asking or advising
// between, whose object would be someone else; sports is true for the
// members of a league ("teams", "clubs").
func (st *sent) memberSubject(i int) (sports, ok bool) {
	for k := i - 1; k >= 0 && k >= st.reachBack(i, 8); k-- {
		w := st.norm(k)
		if st.is(SetOrderVerbs, w) || st.is(SetAskVerbs, w) || st.is(SetAdviseVerbs, w) {
			return false, false
		}
		if st.is(SetMemberNouns, w) || (w == "official" || w == "officials") && st.class(k-1)&Political != 0 {
			return w == "teams" || w == "clubs", true // "deputies", "teams", "party official"
		}
	}
	return false, false
}

// namedBody reports whether a name starts at j ("Sakigake", "Formula One",
// "the Law and Justice party") that is not a place: an entity of the
// article that is a place, or a name followed by "for" ("leave Melbourne
// for Bahrain"), is left on a journey.
func (st *sent) namedBody(j int) bool {
	if st.norm(j) == "the" {
		j++
	}
	if j >= len(st.toks) || !st.isCapitalized(j) || st.toks[j].punct {
		return false
	}
	if e, ok := st.entityOver(st.toks[j].start, st.toks[j].end); ok && e.Type == article.Place {
		return false
	}
	k := j + 1
	for k < len(st.toks) && (st.isCapitalized(k) || (st.norm(k) == "and" || st.norm(k) == "of") && st.isCapitalized(k+1)) {
		k++
	}
	return st.norm(k) != "for"
}

// leftBody reports whether the object [obj, end) of a verb of leaving is
// a named body by its last word: "the Pacific Islands Forum", "the
// International Criminal Court"; not "the forum", "a news conference" or
// "the Supreme Court".
func (st *sent) leftBody(obj, end int) bool {
	if st.norm(obj) != "the" || end <= obj+2 || !st.isCapitalized(obj+1) || !st.isCapitalized(end-1) {
		return false
	}
	head := st.norm(end - 1)
	return st.is(SetBodyHeads, head) || st.is(SetCourtHeads, head) && st.is(SetSupranational, st.norm(obj+1))
}

// sellsAfter reports whether an organisation's selling up follows trigger
// i in its sentence, a verb of selling with "its" or "their" after it
// ("and sell its 850 restaurants there"): what leaves a place and sells
// up there is a business; a person who sells "his house" is not.
func (st *sent) sellsAfter(i int) bool {
	for k := i + 1; k < len(st.toks) && k <= i+12; k++ {
		if st.is(SetSellVerbs, st.norm(k)) && (st.norm(k+1) == "its" || st.norm(k+1) == "their") {
			return true
		}
	}
	return false
}

// supportsGovernment reports whether the support withdrawn at j is a
// party's support for a government or its head ("withdraws support for
// prime minister Ilie Bolojan"), or a coalition partner's ("after
// coalition partner Five Star withdraws its support"): political, as the
// guideline counts a party leaving a government.
func (st *sent) supportsGovernment(tg trigger, j int) bool {
	if st.norm(j+1) == "for" {
		for k := j + 2; k < len(st.toks) && k <= j+6 && !st.toks[k].punct; k++ {
			if st.is(SetOffices, st.norm(k)) {
				return true
			}
		}
		return false
	}
	for k := max(0, tg.i-6); k < tg.i; k++ {
		if st.is(SetPoliticalBackers, st.norm(k)) {
			return true
		}
	}
	return false
}

// forcesBefore reports whether a word of forces or diplomats stands in
// [from, to] as the subject of what follows: a noun (not "force" after
// "to", "plans to force all residents to leave") with no verb of ordering,
// asking or advising after it, whose object would be someone else ("the
// Embassy in Kabul warns Americans to leave").
func (st *sent) forcesBefore(from, to int) bool {
	for k := min(to, len(st.toks)-1); k >= max(from, 0); k-- {
		w := st.norm(k)
		if st.is(SetOrderVerbs, w) || st.is(SetAskVerbs, w) || st.is(SetAdviseVerbs, w) {
			return false
		}
		if st.class(k)&(Military|Diplomatic) != 0 && st.norm(k-1) != "to" {
			return true
		}
	}
	return false
}

// namedSubject reports whether a name comes shortly before trigger i
// ("Shell is exiting Russia"), as opposed to "tourists exiting Japan".
func (st *sent) namedSubject(i int) bool {
	for j := max(0, i-4); j < i; j++ {
		if st.isName(j) || j == 0 && st.isCapitalized(j) || st.entityAt(j) {
			return true
		}
	}
	return false
}

// businessOwners reports the objects "their business(es)" and "the
// company": owners selling up or an employee leaving a job, not a company
// leaving a market.
func businessOwners(st *sent, from, to int) bool {
	for j := from; j < to; j++ {
		n := st.norm(j)
		if n == "company" || n == "firm" {
			return true
		}
		if (n == "business" || n == "businesses") && st.is(SetPersonalPossessive, st.norm(from)) {
			return true
		}
	}
	return false
}

func hasMarket(st *sent, from, to int) bool {
	for j := from; j < to; j++ {
		if n := st.norm(j); n == "market" || n == "markets" {
			return true
		}
	}
	return false
}

// capitalizedAt reports whether token i (skipping a leading "the") starts
// with a capital letter: a name, with or without a recognised entity.
func (st *sent) capitalizedAt(i int) bool {
	if st.norm(i) == "the" {
		i++
	}
	return st.isCapitalized(i)
}

func (st *sent) isCapitalized(i int) bool {
	if i < 0 || i >= len(st.toks) || st.toks[i].punct {
		return false
	}
	r, _ := utf8.DecodeRuneInString(st.toks[i].text)
	return unicode.IsUpper(r)
}

// bodySentence reports whether the sentence ends as a body sentence does, with a
// full stop, question or exclamation mark: a headline in title case
// capitalises every word, so only a body sentence tells names by case.
func (st *sent) bodySentence() bool {
	switch st.toks[len(st.toks)-1].norm {
	case ".", "!", "?":
		return true
	}
	return false
}

// inName reports whether token i is a capitalised word inside a name of a
// body sentence ("Social" in "the Social Democratic Party", "Support" in
// "the Rapid Support Forces"): a word that sits there names, it does not
// mean.
func (st *sent) inName(i int) bool {
	return i > 0 && st.isCapitalized(i) && (st.isCapitalized(i-1) || st.isCapitalized(i+1)) && st.bodySentence()
}

// triggerInName reports whether trigger word i is a word of a name in a body
// sentence, written with a capital between capitalised words, a bracket
// allowed on either side: "the Brexit Withdrawal Agreement", "the European
// Union (Withdrawal) Bill". A name of a treaty, a bill or a plan names it
// whenever it is mentioned; it reports no one withdrawing.
func (st *sent) triggerInName(i int) bool {
	if i == 0 || !st.isCapitalized(i) || !st.bodySentence() {
		return false
	}
	prev, next := i-1, i+1
	if st.norm(prev) == "(" && st.norm(next) == ")" {
		prev, next = prev-1, next+1
	}
	return st.isCapitalized(prev) || st.isCapitalized(next)
}

// entityAt reports whether token i lies in a known entity.
func (st *sent) entityAt(i int) bool {
	if i < 0 || i >= len(st.toks) {
		return false
	}
	_, ok := st.entityOver(st.toks[i].start, st.toks[i].end)
	return ok
}

// entityOver returns the entity that overlaps [start, end) most.
func (st *sent) entityOver(start, end int) (article.Entity, bool) {
	var best article.Entity
	bestLen := 0
	for _, e := range st.ents {
		s, en := max(e.Start, start), min(e.End, end)
		if en-s > bestLen {
			best, bestLen = e, en-s
		}
	}
	return best, bestLen > 0
}

// build turns an accepted trigger into an event: roles, kind, status.
func (st *sent) build(tg trigger) article.Event {
	first, last := st.toks[tg.i], st.toks[tg.last]
	words := first.text
	if tg.particle >= 0 {
		words += " " + last.text
	}
	ev := article.Event{
		Type:         article.Withdrawal,
		Sentence:     st.body[st.s.start:st.s.end],
		Start:        st.s.start,
		End:          st.s.end,
		Trigger:      words,
		TriggerStart: first.start,
		TriggerEnd:   last.end,
	}
	what, from := st.objectRoles(tg)
	status, cues, background := st.status(tg)
	ev.Status, ev.Cues = status, cues
	// The kind reads the object as found after the trigger, before roles
	// adds a what from an order or a passive.
	ev.Kind = st.kind(tg, what, from)
	actor, what := st.roles(tg, status, what)
	ev.Actor, ev.What, ev.From = st.role(actor), st.role(what), st.role(from)
	if tg.anaphor || ev.Kind == "other" && st.art.titleKind != "" {
		// Without a kind word of its own, a withdrawal in an article
		// whose headline reports one is most likely that one.
		ev.Kind = st.art.titleKind
	}
	if ev.Kind == "business" && (status == "announced" || status == "completed") {
		if w, ok := st.regulatorRecall(tg); ok {
			// "The Ministry of Health issues a recall of contaminated
			// products from RCL Foods": an authority's order on a maker,
			// which the maker has yet to carry out.
			status = "demanded"
			if !slices.Contains(ev.Cues, w) {
				ev.Cues = append([]string{w}, ev.Cues...)
			}
			ev.Status = status
		}
	}
	ev.NewAnnouncement = !background && (status == "announced" || status == "completed" || status == "supported")
	return ev
}

// regulatorRecall reports the verb by which an authority puts out a
// recall noun ("The U.S. National Highway Traffic Safety Administration
// orders a product recall"); a maker's own ("Tesla orders a recall") is
// not one.
func (st *sent) regulatorRecall(tg trigger) (string, bool) {
	if tg.tr.Family != FamRecall || tg.form != Base || !st.d.lex.Determiners[st.norm(tg.i-1)] && st.norm(tg.i-1) != "product" {
		return "", false // "recall" is a noun after "a", "the" or "product"
	}
	for v := tg.i - 1; v >= 0 && v >= tg.i-3; v-- {
		if !st.is(SetIssueVerbs, st.norm(v)) && !st.is(SetOrderVerbs, st.norm(v)) {
			continue
		}
		subj := st.subjectOf(v)
		for k := subj.i; k < subj.j; k++ {
			if st.is(SetRegulators, st.norm(k)) {
				return st.norm(v), true
			}
		}
		return "", false
	}
	return "", false
}

// span is a token range [i, j); i == j is empty.
type span struct{ i, j int }

func (st *sent) role(sp span) *article.Role {
	if sp.j <= sp.i {
		return nil
	}
	start, end := st.toks[sp.i].start, st.toks[sp.j-1].end
	r := &article.Role{Text: st.body[start:end], Start: start, End: end}
	if e, ok := st.entityOver(start, end); ok {
		// The entity names the role when it is most of it ("the United
		// States"); inside a longer phrase ("all U.S. troops") it only
		// tells the country.
		covered := min(e.End, end) - max(e.Start, start)
		if 2*covered >= end-start-len(leadingDeterminer(r.Text)) {
			r.Canonical = e.Canonical
		}
		r.Country = e.Country
	}
	return r
}

// leadingDeterminer returns "the " when text starts with it.
func leadingDeterminer(text string) string {
	for _, d := range []string{"the ", "The "} {
		if strings.HasPrefix(text, d) {
			return d
		}
	}
	return ""
}

// objectRoles finds what is withdrawn and where from.
func (st *sent) objectRoles(tg trigger) (what, from span) {
	lex := st.d.lex
	n := len(st.toks)
	j := tg.last + 1
	if tg.tr.Family == FamExit && tg.form != Noun && tg.particle < 0 {
		// exit/quit/leave X: X is what is left.
		if lex.From[st.norm(j)] {
			j++
		}
		if lex.FromBoundary[st.norm(j)] {
			return span{}, span{} // "ordered to leave amid riots": nothing left named
		}
		return span{}, span{j, st.phraseEnd(j, 8, lex.FromBoundary)}
	}
	// "pulled its troops out": the object sits before the particle.
	if tg.particle > tg.i+1 {
		what = span{tg.i + 1, tg.particle}
	}
	if tg.form == Noun && lex.Of[st.norm(j)] {
		j++
		e := st.phraseEnd(j, 8, lex.Boundary)
		what = span{j, e}
		j = e
	} else if what.j == 0 && j < n && !st.toks[j].punct && !lex.From[st.norm(j)] && st.norm(j) != "of" && !lex.Boundary[st.norm(j)] && tg.tr.Family != FamExit && tg.tr.Family != FamRetreat {
		e := st.phraseEnd(j, 8, lex.Boundary)
		for e > j && e < n && lex.Determiners[st.norm(e-1)] && (st.norm(e) == "last" || st.norm(e) == "next") {
			e = st.phraseEnd(e, 8, lex.Boundary) // "its last stores": an adjective, not "last year"
		}
		if w := st.norm(e - 1); lex.Of[st.norm(e)] && (st.is(SetPartitives, w) || isNumber(w)) {
			// "withdraws all of its staff", "half of its 2,500 troops"
			e = st.phraseEnd(e+1, 8, lex.Boundary)
		}
		what = span{j, e}
		j = e
	}
	if tg.tr.Family == FamEvacuate && what.j > what.i && st.is(SetPlaceNouns, st.norm(what.j-1)) {
		return span{}, what // "forces evacuate the airbase": the place left, not a thing taken away
	}
	// from: the first "from" / "out of" / "of" (after a particle) within reach.
	if sp, ok := st.postedIn(what, j); ok {
		return what, sp
	}
	for k := j; k < n && k < j+7; k++ {
		if st.toks[k].punct {
			break
		}
		if lex.From[st.norm(k)] || (k == tg.last+1 && tg.particle >= 0 && st.norm(k) == "of") {
			e := st.phraseEnd(k+1, 8, lex.FromBoundary)
			if isNumber(st.norm(k+1)) && st.norm(e) == "to" {
				break // "reduce its troops from 5,200 to 3,000": a number, not a place
			}
			from = span{k + 1, e}
			break
		}
	}
	return what, from
}

// postedIn returns the place a thing withdrawn is posted in, named right
// after it: "recalls its ambassador to Israel", "evacuates its diplomats
// in Ukraine", "closed its last stores in Russia". "to" counts only after
// a diplomatic word; the place must be a name ("in 2021" is a date).
func (st *sent) postedIn(what span, j int) (span, bool) {
	if what.j <= what.i || what.j != j {
		return span{}, false
	}
	w := st.norm(j)
	if w != "in" && !(w == "to" && st.anyClass(what.i, what.j-1, Diplomatic)) {
		return span{}, false
	}
	p := j + 1
	if st.norm(p) == "the" {
		p++
	}
	if !st.isCapitalized(p) && !st.entityAt(p) {
		return span{}, false
	}
	if _, month := st.d.lex.Months[st.norm(p)]; month {
		return span{}, false
	}
	// The name's capitalised words, with "of" and "and" inside it ("the
	// Democratic Republic of the Congo"); "China due to a defect" ends at
	// "China".
	e := p + 1
	for e < len(st.toks) && e < p+8 {
		if st.isCapitalized(e) || st.entityAt(e) {
			e++
			continue
		}
		if w := st.norm(e); (w == "of" || w == "and" || w == "the") && st.isCapitalized(e+1) {
			e++
			continue
		}
		if st.norm(e) == "of" && st.norm(e+1) == "the" && st.isCapitalized(e+2) {
			e += 2
			continue
		}
		break
	}
	return span{j + 1, e}, true
}

// actor finds who withdraws: for a demand, whom it is addressed to
// ("called on X to withdraw"); for a noun trigger, its possessor ("Russia's
// withdrawal"); otherwise the subject before the verb, with a pronoun
// resolved to the first name in the sentence.
func (st *sent) actor(tg trigger, status string) span {
	lex := st.d.lex
	i := tg.i
	if status == "refused" && tg.form == Base && st.norm(i-1) == "to" && st.is(SetDemandNouns, st.norm(i-2)) {
		if r, ok := st.rejectedDemand(i-2, -1); ok {
			// "Rwanda rejects the United States' calls to withdraw": the
			// one who rejects, not the one who calls.
			return st.resolve(st.subjectOf(r))
		}
	}
	if status == "demanded" && tg.form != Noun {
		// "called on X to (immediately) withdraw"
		for k := i - 1; k >= 1 && k >= i-2; k-- {
			if st.norm(k) == "to" {
				for c := k - 1; c >= 0 && c >= k-7; c-- {
					if cue, ok := lex.Cues[st.norm(c)]; ok && cue == CueDemand {
						if st.norm(c+1) == "on" || st.norm(c+1) == "for" {
							c++
						}
						if c+1 < k {
							return span{c + 1, k}
						}
						break
					}
				}
				break
			}
		}
	}
	if tg.form == Noun {
		return st.nounActor(tg)
	}
	k := i - 1
	if tg.tr.Family == FamClose && st.is(SetStopVerbs, st.norm(k)) {
		k-- // "Nordair will stop flying to Bangkok": the verb of stopping is the trigger's
	}
	k = st.skipToSubject(k)
	if k < 0 {
		return span{}
	}
	if st.norm(k) == "having" && st.norm(k+1) == "to" && st.is(SetClauseOpeners, st.norm(k-1)) {
		// "Rahm was leading the tournament before having to withdraw":
		// the main clause's subject, a name that opens the sentence.
		e := 0
		for e < k-1 && st.isCapitalized(e) && st.d.lex.Cues[st.norm(e)] == 0 && !st.d.lex.Boundary[st.norm(e)] && !st.d.lex.Determiners[st.norm(e)] {
			e++
		}
		return span{0, e}
	}
	if w := st.norm(k); st.is(SetDemandNouns, w) || w == "obligation" {
		// "Syria has failed in its obligation to pull its troops out":
		// the demand's owner, not the demand.
		if p := st.norm(k - 1); p == "its" || p == "their" || st.is(SetPersonalPossessive, p) {
			return st.governingSubject(k - 1)
		}
		return span{}
	}
	if st.norm(k) == "," {
		if tg.form == Progressive {
			// "Iran said it would no longer respect the limits, effectively
			// abandoning the deal": a participle's subject is the clause's.
			return st.resolve(st.mainSubject(k))
		}
		return st.appositionActor(k)
	}
	if st.toks[k].punct {
		return span{}
	}
	if w := st.norm(k); tg.form != Progressive && lex.Determiners[w] && !lex.Pronouns[w] && k+1 == i {
		// "issues a recall": a noun the tagger took for a verb.
		return st.governingSubject(k)
	}
	if tg.form == Progressive && (lex.Boundary[st.norm(k)] || lex.Determiners[st.norm(k)]) && st.norm(k) != "and" {
		// "pressure on retreating Russian forces": the participle
		// describes the noun phrase after it.
		if e := st.phraseEnd(i+1, 4, lex.Boundary); e > i+1 && st.anyClass(i+1, e-1, Military) {
			return span{i + 1, e}
		}
		return span{}
	}
	if lex.Boundary[st.norm(k)] && st.norm(k) != "and" && st.norm(k) != "but" && st.norm(k) != "or" {
		return span{} // "a reason for pulling out": no subject in reach
	}
	if w := st.norm(k); w == "and" || w == "but" || w == "or" {
		// "shuttered its embassy and pulled out its staff": the subject
		// of the first verb.
		k = 0
		for k < i && !st.isCapitalized(k) && !st.entityAt(k) {
			k++
		}
		if k == i {
			return span{}
		}
		e := k + 1
		for e < i && (st.isCapitalized(e) || st.entityAt(e)) {
			e++
		}
		return span{k, e}
	}
	if lex.Pronouns[st.norm(k)] {
		return st.resolve(span{k, k + 1})
	}
	return st.nounPhraseAt(k)
}

// roles finds who withdraws, and what is withdrawn when the object after
// the trigger names nothing: an order to one's own people gives the one
// who orders and the group told ("orders all non-essential staff to
// leave"), a passive its agent or announcer and its subject ("the bill was
// withdrawn"); otherwise the actor is actor's and what stays as found.
func (st *sent) roles(tg trigger, status string, what span) (actor, thing span) {
	if c, group, ok := st.orderedGroup(tg); ok && status != "demanded" {
		if what.j <= what.i {
			what = group
		}
		if sp := st.resolve(st.subjectOf(c)); sp.j > sp.i {
			return sp, what
		}
		return st.actor(tg, status), what
	}
	if what.j <= what.i {
		if a, t, ok := st.passiveRoles(tg); ok {
			return a, t
		}
	}
	return st.actor(tg, status), what
}

// passiveRoles reads a passive trigger ("the bill was withdrawn", "all
// troops will be withdrawn", "other products could be recalled"): its
// subject is what is withdrawn, and who withdraws is the agent after "by"
// or, in a clause under a verb of saying or announcing ("Belgium announces
// that all troops will be withdrawn"), that verb's subject; else no one.
func (st *sent) passiveRoles(tg trigger) (actor, what span, ok bool) {
	if tg.form != Past && tg.form != Participle || tg.particle >= 0 && tg.particle != tg.i+1 || !st.passiveAux(tg.i-1) {
		return span{}, span{}, false
	}
	k := st.skipToSubject(tg.i - 1)
	if k < 0 || st.toks[k].punct || st.d.lex.Boundary[st.norm(k)] || st.d.lex.Pronouns[st.norm(k)] {
		return span{}, span{}, false
	}
	what = st.passiveThing(k)
	for b := tg.last + 1; b < len(st.toks) && b <= tg.last+6; b++ {
		if st.toks[b].punct {
			break
		}
		// The agent is a name, after "the" or not ("by Ruritania", "by
		// the Israeli army"), not a date ("by May") or a time ("by the end
		// of the year").
		a := b + 1
		if st.norm(a) == "the" {
			a++
		}
		if st.norm(b) == "by" && st.isCapitalized(a) && !st.dateWord(a) {
			return span{b + 1, st.phraseEnd(b+1, 6, st.d.lex.Boundary)}, what, true
		}
	}
	for v := what.i - 1; v >= 1 && v >= what.i-3; v-- {
		if w := st.norm(v); w == "that" || w == "all" || st.d.lex.Determiners[w] {
			continue
		}
		if st.is(SetSubjectVerbs, st.norm(v)) {
			return st.subjectOf(v), what, true
		}
		break
	}
	return span{}, what, true
}

// passiveThing returns the subject of a passive that ends at token k:
// the clause's words before it, prepositional phrases included ("The EU
// ambassador to Russia is recalled", "Products from 900 food makers are
// being recalled"), when there are at most eight; else the noun phrase
// ending at k.
func (st *sent) passiveThing(k int) span {
	s := k
	for s-1 >= 0 && k-s < 8 {
		w := st.norm(s - 1)
		if st.toks[s-1].punct || w == "that" || st.is(SetRelatives, w) || st.is(SetSubjectVerbs, w) || st.is(SetClauseOpeners, w) {
			return span{s, k + 1}
		}
		s--
	}
	if s == 0 {
		return span{0, k + 1}
	}
	return st.nounPhraseAt(k)
}

// orderedGroup finds an order, request or advice to a group to withdraw
// ("orders all non-essential staff to leave Iraq", "advises its citizens to
// leave"): the verb's token and the group told, between the verb and the
// "to" before the trigger.
func (st *sent) orderedGroup(tg trigger) (int, span, bool) {
	i := tg.i
	to := i - 1
	for to >= 0 && st.adverb(to) {
		to--
	}
	if tg.form != Base || st.norm(to) != "to" {
		return 0, span{}, false
	}
	for k := to - 1; k >= 0 && k >= to-20; k-- {
		w := st.norm(k)
		if st.toks[k].punct && w != "," && w != "\"" && w != "“" && w != "”" || w == "that" || st.is(SetRelatives, w) {
			return 0, span{}, false // "warns that the country will not meet the deadline to withdraw"
		}
		if st.is(SetOrderVerbs, w) || st.is(SetAskVerbs, w) || st.is(SetAdviseVerbs, w) {
			if k+1 < to {
				return k, span{k + 1, to}, true
			}
			return 0, span{}, false
		}
	}
	return 0, span{}, false
}

// skipToSubject walks back from token k over the words that stand between
// a subject and its verb (auxiliaries, adverbs, "is reported to", "was
// encouraged to") and returns where the subject may end, -1 if nothing is
// left.
func (st *sent) skipToSubject(k int) int {
	for k >= 0 {
		w := st.norm(k)
		switch {
		case st.is(SetSkippable, w) || st.is(SetIntentNouns, w) || st.is(SetSayVerbs, w) || st.adverb(k):
		case (st.is(SetHearsay, w) || st.is(SetToVerbs, w)) && st.norm(k+1) == "to":
		case strings.HasSuffix(w, "ed") && !st.isCapitalized(k) && st.passiveAux(k-1):
			// "Hickenlooper was actively encouraged to drop out"
		case st.is(SetTimeUnits, w) && isNumber(st.norm(k-1)) && st.norm(k+1) == "to":
			// "the Israeli military given 24 hours to withdraw",
			// "gives the ambassador 72 hours to leave"
			k--
			if st.is(SetGiveVerbs, st.norm(k-1)) || st.norm(k-1) == "given" {
				k--
			}
		default:
			return k
		}
		k--
	}
	return k
}

// adverb reports whether token k is a lowercase adverb in -ly ("is
// temporarily pulling"), which stands between a subject and its verb.
func (st *sent) adverb(k int) bool {
	if k < 0 || k >= len(st.toks) || st.isCapitalized(k) {
		return false
	}
	w := st.norm(k)
	return len(w) > 4 && strings.HasSuffix(w, "ly")
}

// passiveAux reports whether a form of "be" ends at token k, adverbs
// skipped: the participle after it is passive.
func (st *sent) passiveAux(k int) bool {
	for k >= 0 && st.adverb(k) {
		k--
	}
	switch st.norm(k) {
	case "is", "are", "was", "were", "be", "been", "being":
		return true
	}
	return false
}

// nounPhraseAt returns the noun phrase that ends at token k: back to a
// determiner or a boundary, at most five words. A description of the
// subject after a verb of being ("Canada becomes the first country to
// withdraw") gives way to that subject.
func (st *sent) nounPhraseAt(k int) span {
	lex := st.d.lex
	if strings.HasSuffix(st.norm(k), "'s") && st.isCapitalized(k) {
		// A possessor is a name: "Washington welcomed Belgrade's decision"
		// gives Belgrade's.
		s := k
		for s-1 >= 0 && s > k-5 && (st.isCapitalized(s-1) || lex.Determiners[st.norm(s-1)] && s-1 == 0) {
			s--
		}
		return span{s, k + 1}
	}
	s := k
	for s-1 >= 0 && s > k-5 {
		p := st.norm(s - 1)
		if p == "of" && st.isCapitalized(s) && st.isCapitalized(s-2) {
			s-- // "The Ministry of Health": "of" inside a name
			continue
		}
		if st.toks[s-1].punct || lex.Boundary[p] || st.is(SetSkippable, p) || st.is(SetGiveVerbs, p) || st.verbForm(s-1) || st.dateWord(s-1) {
			break
		}
		s--
		if lex.Determiners[p] {
			break
		}
	}
	if lex.Determiners[st.norm(s)] && st.is(SetOrdinals, st.norm(s+1)) && s >= 2 {
		switch st.norm(s - 1) {
		case "becomes", "became", "become", "is", "was", "are", "were":
			if k := st.skipToSubject(s - 2); k >= 0 && !st.toks[k].punct && !lex.Boundary[st.norm(k)] {
				return st.nounPhraseAt(k)
			}
		}
	}
	return span{s, k + 1}
}

// verbForm reports whether token k is a lowercase -ed or -ing form after
// a punctuation mark or a lowercase word other than a determiner: a verb
// ("prompting Turkey to recall", "have indicated Hickenlooper"), which no
// noun phrase before a subject crosses, unlike an adjective ("the
// remaining troops", "Syrian armed forces").
func (st *sent) verbForm(k int) bool {
	if k < 1 || st.isCapitalized(k) || st.isCapitalized(k-1) || st.d.lex.Determiners[st.norm(k-1)] || isNumber(st.norm(k-1)) {
		return false
	}
	w := st.norm(k)
	return len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// dateWord reports whether token k is a month or a number after one ("On
// September 1 Tbilisi withdrew"): a date, not part of a subject.
func (st *sent) dateWord(k int) bool {
	_, month := st.d.lex.Months[st.norm(k)]
	if month && st.isCapitalized(k) {
		return true
	}
	_, monthBefore := st.d.lex.Months[st.norm(k-1)]
	return isNumber(st.norm(k)) && monthBefore
}

// resolve returns the antecedent of a pronoun role ("it", "they", "its"):
// the subject of the nearest verb of saying or announcing before it
// ("Israel said it would withdraw"), else the first name in the sentence.
// Without either, the pronoun itself.
func (st *sent) resolve(p span) span {
	if p.j <= p.i || !st.d.lex.Pronouns[st.norm(p.i)] && !st.placeholder(p) {
		return p
	}
	for v := p.i - 1; v >= 1; v-- {
		if w := st.norm(v); w == ";" || w == ":" {
			break
		}
		if !st.is(SetSubjectVerbs, st.norm(v)) {
			continue
		}
		if sp := st.subjectOf(v); sp.j > sp.i && !st.d.lex.Pronouns[st.norm(sp.i)] {
			return sp
		}
		break
	}
	for j := 0; j < p.i; j++ {
		if st.isCapitalized(j) && j > 0 || st.entityAt(j) {
			e := j + 1
			for e < p.i && st.isCapitalized(e) {
				e++
			}
			return span{j, e}
		}
	}
	return p
}

// placeholder reports whether a role is "the country" or "the country's",
// which stands for a state named before.
func (st *sent) placeholder(p span) bool {
	if p.j-p.i != 2 || st.norm(p.i) != "the" {
		return false
	}
	switch st.norm(p.i + 1) {
	case "country", "country's", "nation", "nation's":
		return true
	}
	return false
}

// subjectOf returns the subject of the verb at token v: the noun phrase
// before it, across an apposition ("Raila Odinga, Kenya's presidential
// aspirant, pulls out").
func (st *sent) subjectOf(v int) span {
	k := st.skipToSubject(v - 1)
	if k < 0 {
		return span{}
	}
	if st.norm(k) == "," {
		return st.appositionActor(k)
	}
	if st.toks[k].punct || st.d.lex.Boundary[st.norm(k)] {
		return span{}
	}
	return st.nounPhraseAt(k)
}

// appositionActor returns the subject whose apposition ends at the comma
// at token k: the apposition itself when it is a name of at most five
// words ("Former Governor of New York, George Pataki, ends his
// campaign"), else the noun phrase before it ("John Hickenlooper, who was
// a candidate, ended his campaign").
func (st *sent) appositionActor(k int) span {
	open := -1
	for c := k - 1; c >= 0 && c >= k-20; c-- {
		if st.norm(c) == "," {
			open = c
			break
		}
		if w := st.norm(c); w == ";" || w == ":" || w == "." {
			break
		}
	}
	if open < 0 {
		return span{}
	}
	name := open+1 < k && k-open-1 <= 5
	for j := open + 1; j < k && name; j++ {
		name = st.isCapitalized(j) || st.entityAt(j)
	}
	if name {
		return span{open + 1, k}
	}
	b := open - 1
	if b < 0 || st.toks[b].punct || st.d.lex.Boundary[st.norm(b)] {
		return span{}
	}
	return st.nounPhraseAt(b)
}

// mainSubject returns the subject of the sentence's first clause, for a
// participle clause that ends before token k: the subject of the first
// verb of saying or announcing, or an empty span when there is none (the
// name that opens the sentence, tried as well, lowered the actor CV).
func (st *sent) mainSubject(k int) span {
	for v := 1; v < k; v++ {
		if st.is(SetSubjectVerbs, st.norm(v)) {
			return st.subjectOf(v)
		}
	}
	return span{}
}

// nounActor finds who withdraws for a noun trigger: its possessor
// ("Russia's withdrawal", "US troop withdrawal"), the subject of a verb
// that announces or orders it ("Colombia announces its withdrawal",
// "Putin ordered the withdrawal of troops"), or the forces it is of ("after
// the withdrawal of SDF forces").
func (st *sent) nounActor(tg trigger) span {
	lex := st.d.lex
	i := tg.i
	k := i - 1
	if k >= 0 && lex.Pronouns[st.norm(k)] {
		// "its withdrawal": its owner is the subject that governs it.
		if sp := st.governingSubject(k); sp.j > sp.i {
			return sp
		}
		if sp := st.resolve(span{k, k + 1}); sp != (span{k, k + 1}) {
			return sp
		}
		return span{} // "His exit leaves three candidates": told in an earlier sentence
	}
	if k >= 1 && st.placeholder(span{k - 1, k + 1}) {
		if sp := st.governingSubject(k - 1); sp.j > sp.i {
			return sp
		}
	}
	if k >= 0 && (strings.HasSuffix(st.norm(k), "'s") || st.isName(k) || st.demonymAt(k)) {
		return span{st.nameStart(k), k + 1}
	}
	if w := st.norm(k); (w == "'" || w == "’") && k >= 1 && st.isCapitalized(k-1) && strings.HasSuffix(st.norm(k-1), "s") {
		// "the Rapid Support Forces' withdrawal"
		return span{st.nameStart(k - 1), k}
	}
	if k >= 1 && st.isName(k-1) && !st.toks[k].punct { // "US troop withdrawal"
		return span{st.nameStart(k - 1), k}
	}
	if sp := st.governingSubject(k); sp.j > sp.i {
		return sp
	}
	if of := tg.last + 1; lex.Of[st.norm(of)] {
		e := st.phraseEnd(of+1, 8, lex.Boundary)
		p := of + 1
		if st.norm(p) == "all" || st.norm(p) == "both" {
			p++
		}
		if lex.Pronouns[st.norm(p)] {
			// "the withdrawal of all its forces": the forces' owner.
			if sp := st.resolve(span{p, p + 1}); sp != (span{p, p + 1}) {
				return sp
			}
		}
		for j := of + 1; j < e; j++ {
			if st.class(j)&Military != 0 || st.isName(j) || st.demonymAt(j) || st.entityAt(j) {
				return span{of + 1, e}
			}
		}
	}
	return span{}
}

// nameStart returns where the capitalised words that end at token k
// begin.
func (st *sent) nameStart(k int) int {
	for k-1 >= 0 && st.isCapitalized(k-1) {
		if w := st.norm(k - 1); k-1 == 0 && (st.d.lex.Cues[w] == CueBackground || st.is(SetClauseOpeners, w)) {
			break // "Following Time Warner's withdrawal": the sentence's first word
		}
		k--
	}
	return k
}

// governingSubject returns the subject of the verb of saying, announcing
// or ordering that governs the noun phrase starting at or before token k
// ("announces the partial withdrawal": from "the" back over at most two
// modifiers), or an empty span.
func (st *sent) governingSubject(k int) span {
	lex := st.d.lex
	for n := 0; n < 3 && k >= 0; n++ {
		w := st.norm(k)
		if st.is(SetSubjectVerbs, w) {
			return st.subjectOf(k)
		}
		if st.toks[k].punct || lex.Boundary[w] && !lex.Determiners[w] {
			return span{}
		}
		if !lex.Determiners[w] && !st.adverb(k) && (st.isCapitalized(k) || n > 0 && lex.Determiners[st.norm(k+1)]) {
			return span{}
		}
		k--
	}
	if k >= 0 && st.is(SetSubjectVerbs, st.norm(k)) {
		return st.subjectOf(k)
	}
	return span{}
}

// status decides the status from cue words before the trigger (and "will"
// after a noun trigger), and whether the event is background. It returns
// the cues it used.
func (st *sent) status(tg trigger) (status string, cues []string, background bool) {
	lex := st.d.lex
	i := tg.i
	type hit struct {
		kind CueKind
		at   int
		text string
	}
	var hits []hit
	from := st.reachBack(i, 12)
	for k := i - 1; k >= from; k-- {
		w := st.norm(k)
		if st.toks[k].punct && (w == ";" || w == ":") {
			break
		}
		if w == "may" && k > 0 && st.isCapitalized(k) {
			continue // the month
		}
		if st.inName(k) {
			continue // "after the Rapid Support Forces' withdrawal" backs nothing
		}
		if k+2 < i {
			if p := w + " " + st.norm(k+1) + " " + st.norm(k+2); lex.Cues[p] != 0 {
				hits = append(hits, hit{lex.Cues[p], k, p})
				continue
			}
		}
		if k+1 < i {
			if c, ok := lex.Cues[w+" "+st.norm(k+1)]; ok {
				hits = append(hits, hit{c, k, w + " " + st.norm(k+1)})
				continue
			}
		}
		if c, ok := lex.Cues[w]; ok {
			hits = append(hits, hit{c, k, w})
		}
	}
	// bgAt is the nearest background word before the trigger: a cue
	// before it belongs to another clause ("called on after Voinea
	// withdrew").
	bgAt := -1
	for _, h := range hits {
		if h.kind == CueBackground {
			bgAt = h.at
			break
		}
	}
	near := func(kind CueKind, reach int) (hit, bool) {
		for _, h := range hits {
			if h.kind == kind && h.at >= st.reachBack(i, reach) && (kind == CueBackground || h.at > bgAt) {
				return h, true
			}
		}
		return hit{}, false
	}
	pastYear := st.pastTime(tg)
	if m, ok := strings.CutPrefix(pastYear, "month:"); ok && strings.HasPrefix(m, "last ") && (tg.form == Past || tg.form == Participle) {
		// "when three publishers pulled out last September": the
		// withdrawal itself is dated to an earlier year's month or a month
		// well past, told as done; it is history, as "last year" is.
		pastYear = m
	} else if ok {
		// "announced in January": an earlier month dates the report, not
		// the event, so it only makes it background.
		background = true
		cues = append(cues, m)
		pastYear = ""
	}
	if h, ok := near(CueBackground, 8); ok && !st.commaBetween(h.at, i) && !st.announcedBetween(h.at, i) &&
		!(tg.form == Noun && st.is(SetPlannedNoun, st.norm(i-1))) && !st.recentCause(h.at, tg) && !st.notSubordinate(h.at, tg) {
		// "after its planned exit" looks ahead, not back.
		background = true
		cues = append(cues, h.text)
	}
	if pastYear != "" {
		cues = append(cues, pastYear)
	}
	if p := st.norm(i - 1); (tg.form == Past || tg.form == Participle) && i+1 < len(st.toks) && !st.toks[i+1].punct &&
		!st.d.lex.Boundary[st.norm(i+1)] && (st.d.lex.Determiners[p] || st.is(SetAttributivePrep, p) ||
		possessive(p) && !st.d.lex.Determiners[st.norm(i+1)] && !isNumber(st.norm(i+1)) && !st.is(SetQuantifiers, st.norm(i+1))) {
		// "linked to recalled pasta products", "the bloc's recalled
		// ambassador": a withdrawal named as known, not told ("Russia's
		// recalled its envoy", "Toyota's recalled more than one million
		// vehicles" are "has recalled").
		background = true
		cues = append(cues, p+" "+st.norm(i))
	}
	if h, ok := st.relativeClause(tg); ok {
		// "Mali, which withdrew from the bloc, is now aligned with
		// Russia", "the deal, which includes a full withdrawal": a clause
		// between commas that describes a noun tells what its reader is
		// taken to know.
		background = true
		cues = append(cues, h)
	}
	if h, ok := st.topicOf(tg); ok {
		// "will hold hearings into the withdrawal of American troops",
		// "blames the security situation on the sudden withdrawal": a
		// withdrawal that an inquiry, a judgement or blame is about is
		// one the reader knows; the inquiry is the news.
		background = true
		cues = append(cues, h)
	}
	if tg.form == Progressive && tg.tr.Family != FamRetreat && st.is(SetGerundPreps, st.norm(i-1)) {
		// "a Treasury estimate of the cost of leaving the European
		// Union", "in the face of opposition to leaving", "an agreement
		// on withdrawing American troops would be signed": a gerund after
		// a preposition names the withdrawal as a thing spoken of; the
		// sentence's news is elsewhere. The retreat verbs take no object,
		// so there the form is an adjective ("piled pressure on
		// retreating Russian forces"), and the forces retreat now.
		background = true
		cues = append(cues, st.norm(i-1)+" "+st.norm(i))
	}
	if h, ok := st.commentedOn(tg); ok {
		// "The recall affected 103,000 cars", "the withdrawal of the bill
		// was far too little": the sentence comments on a withdrawal its
		// reader knows; the comment is the news.
		background = true
		cues = append(cues, h)
	}
	aimed := false
	if h, ok := st.effortFor(tg); ok {
		// "is in the process of leaving the EU", "his efforts to
		// complete the withdrawal": a withdrawal decided before, which
		// the sentence's news only serves.
		background = true
		cues = append(cues, h)
		aimed = st.is(SetAimNouns, strings.Fields(h)[0])
	}
	if h, ok := st.addresseeSaid(tg); ok {
		// "On your website you state that the troops will be brought
		// home": an interviewer quoting the interviewee's own position
		// back to them tells nothing new.
		background = true
		cues = append(cues, h)
	}
	if h, ok := st.pastPerfect(tg); ok {
		// "Kyiv's troops had also retreated from Bakhmut": the past
		// perfect sets an event before the article's news, unless a verb
		// of saying reports it ("said it had withdrawn").
		background = true
		cues = append(cues, h)
	}
	decide := func(s string, h hit) (string, []string, bool) {
		// "the decision to switch recognition from Taiwan to China last
		// year": a plan or a demand dated in a past year is background.
		// Without a publication date a bare year may be a future one
		// ("will withdraw in 2027"), so only "last year" counts then.
		return s, append([]string{h.text}, cues...), background || pastYear != "" && (st.pubYear != 0 || strings.HasPrefix(pastYear, "last "))
	}
	if p := i - 1; tg.form == Noun && (st.is(SetPlannedNoun, st.norm(p)) || st.demonymAt(p) && st.is(SetPlannedNoun, st.norm(p-1))) {
		// "in protest against the planned Israeli withdrawal", "the
		// proposed pull-out": a plan, whoever opposes it; the news is then
		// the opposition, not the plan ("after its planned exit" stays
		// news).
		if !st.demonymAt(p) {
			p++
		}
		_, against := near(CueRefuse, 6)
		_, hypo := near(CueHypo, 6)
		_, demand := near(CueDemand, 12)
		_, support := near(CueSupport, 8)
		return "announced", append([]string{st.norm(p - 1)}, cues...), background || against || hypo || demand || support
	}
	if h, ok := st.timeLimitFor(tg); ok {
		// "Iraq will not extend the deadline for the United States Armed
		// Forces to withdraw", "there is no timeline for the withdrawal":
		// the time limit of a plan the reader knows is the news, not the
		// plan; "refused" would misread "no timeline" too.
		return "announced", append([]string{h}, cues...), true
	}
	if h, ok := near(CueDemand, 12); ok && st.is(SetDemandNouns, st.norm(h.at)) {
		if r, ok := st.rejectedDemand(h.at, bgAt); ok {
			// "Rwanda rejects the United States' calls to withdraw its
			// troops": the demand is another's, the answer the actor's.
			return decide("refused", hit{CueRefuse, r, st.norm(r)})
		}
	}
	if h, ok := near(CueRefuse, 6); ok && !st.wordBetween(h.at, i, "whether", "if") && !st.coordinatedAfter(h.at, tg) {
		return decide("refused", h)
	}
	if v, ok := st.ultimatum(i); ok {
		// "gives Turkey 48 hours to withdraw its forces", "giving American
		// diplomats 72 hours to leave": a time granted to another party is
		// a demand on it.
		return decide("demanded", hit{CueDemand, i, st.norm(v) + " ... " + st.norm(i-2) + " to"})
	}
	if w, ok := st.orderedOwnStaff(tg, bgAt); ok {
		// "The European Union advises non-essential staff to evacuate",
		// "orders all non-emergency government employees at the embassy
		// to leave Iraq": an organisation withdrawing its own people.
		return decide("announced", hit{CueAnnounce, i, w})
	}
	if v, ok := st.orderedOther(tg, bgAt); ok {
		return decide("demanded", hit{CueDemand, i, st.norm(v)})
	}
	if h, ok := near(CueDemand, 12); ok && (!st.is(SetWeakDemand, h.text) || st.norm(i-1) == "to" || st.norm(i-1) == "for" ||
		tg.form == Noun && st.wordBetween(h.at, i, "for", "to")) && st.demandOf(h.at, h.text, i) {
		return decide("demanded", h)
	}
	if h, ok := near(CueSupport, 8); ok && !adjectivalCue(st.norm(h.at+1)) {
		return decide("supported", h)
	}
	if h, ok := near(CueHypo, 6); ok && (!st.is(SetAdjacentHypo, h.text) || h.at == i-1) {
		// "nearly pulled out", but "almost all troops have left".
		if h.text != "any" || tg.form == Noun {
			return decide("hypothetical", h)
		}
	}
	if w, ok := st.conditionAfter(tg); ok {
		// "will quit the agreement if its flaws can't be fixed", "a
		// referendum on withdrawal from the European Union if a new deal is
		// agreed": a withdrawal under a condition is hypothetical; "even
		// if" keeps the plan.
		return decide("hypothetical", hit{CueHypo, i, w})
	}
	if st.is(SetOrderVerbs, st.norm(i)) {
		return decide("announced", hit{CueAnnounce, i, st.norm(i)})
	}
	if (tg.form == Past || tg.form == Participle) && st.norm(i-1) == "be" && st.is(SetFutureAux, st.norm(i-2)) {
		// "troops will be pulled out": passive, and to come.
		return decide("announced", hit{CueAnnounce, i - 2, st.norm(i-2) + " be"})
	}
	after := i
	if tg.tr.Family == FamEnd {
		after++ // "an end to": the preposition of the noun, not an infinitive
	}
	if h, ok := near(CueAnnounce, 3); ok && tg.form == Noun && (strings.HasPrefix(h.text, "confirm") || tg.tr.Family == FamEnd && st.is(SetDoneEndNouns, st.norm(i))) &&
		!st.wordAfter(after, 8, "will", "would", "is", "to") {
		// "The Ukrainian Armed Forces confirm their withdrawal from
		// Siversk": a withdrawal confirmed is done, and so is an end
		// announced ("announced the end of his campaign").
		return decide("completed", h)
	}
	if h, ok := near(CueAnnounce, 4); ok && (tg.form != Past && h.at >= i-3 || st.is(SetOrderVerbs, h.text)) {
		// "will withdraw"; "ordered Spanish troops pulled out"
		return decide("announced", h)
	}
	_, longPast := near(CuePast, 10)
	longPast = longPast || pastYear != ""
	if w, ok := st.reportedProgressive(tg); ok && !longPast {
		// "Ted Cruz announces that he is withdrawing from the race",
		// "Sweden is temporarily pulling its staff out, the ministry
		// said": what an actor says it is doing is its decision, told
		// before it is done; told by the writer ("The UN is evacuating
		// its staff") the progressive is under way.
		return decide("announced", hit{CueAnnounce, i, w})
	}
	if tg.form == Base && st.norm(i-1) == "to" && st.d.lex.Cues[st.norm(i-2)] == CueUnderway && !longPast {
		// "Russia begins to withdraw its troops": under way.
		return decide("completed", hit{CueUnderway, i - 2, st.norm(i-2) + " to"})
	}
	if tg.form == Base && st.norm(i-1) == "to" && st.is(SetPlanInfinitive, st.norm(i-2)) && !longPast {
		// "announce their intentions to leave", "are permitted to leave":
		// a plan or a permission, not yet done.
		return decide("announced", hit{CueAnnounce, i - 2, st.norm(i-2) + " to"})
	}
	if tg.form == Base && st.norm(i-1) == "to" && (st.headline(i) || st.isCapitalized(i-2)) {
		// "US to pull troops out of Niger": a plan, as headlines put it.
		return decide("announced", hit{CueAnnounce, i - 1, "to"})
	}
	if w, ok := st.governingModal(tg); ok && !longPast {
		// "will sell its plant and end its business there", "would, for
		// the second time, exit": the verb's own auxiliary, out of reach.
		return decide("announced", hit{CueAnnounce, i, w})
	}
	if tg.form == Noun {
		if h, ok := near(CueAnnounce, 8); ok {
			return decide("announced", h)
		}
		for k := i + 1; k < len(st.toks) && k <= i+8; k++ {
			if st.norm(k) == "," && background {
				// "meetings since the departure of U.S. troops from
				// Afghanistan, will begin today": the verb after the
				// background clause is the main clause's.
				break
			}
			if w := st.norm(k); w == "will" || w == "is" && st.norm(k+1) == "to" {
				// "the troop withdrawal is to resume on Wednesday" is news;
				// "the exit will not become official until" speaks of a
				// plan already known.
				if st.norm(k+1) == "not" || st.norm(k+1) == "n't" {
					background = true
				}
				return decide("announced", hit{CueAnnounce, k, w})
			} else if w == "would" && st.reported(i) {
				// "sources say the withdrawal would take a month":
				// reported speech about a plan.
				return "announced", append([]string{w}, cues...), background
			} else if w == "would" || w == "could" || w == "might" {
				return "hypothetical", append([]string{w}, cues...), true
			} else if st.is(SetPastVerbs, w) || w == "under" && st.norm(k+1) == "way" {
				// "The pullback of troops began on Monday."
				cues = append(cues, w)
				break
			} else if st.is(SetPresentVerbs, w) {
				// A noun the sentence speaks of in the present ("the
				// drawdown is not as swift as expected") is a plan that
				// is news, not yet done.
				return "announced", append([]string{w}, cues...), background
			}
		}
	}
	if h, ok := near(CuePast, 10); ok || pastYear != "" {
		if ok {
			cues = append(cues, h.text)
		}
		if (!ok || st.is(SetRecentPast, h.text)) && (pastYear == "" || pastYear == "last week") {
			// "had earlier withdrawn from negotiations", "had pulled out
			// of last week's tournament": before the news, but not long
			// past; history is what is long past.
			return "completed", cues, true
		}
		return "historical", cues, true
	}
	if aimed {
		// "efforts on leaving the EU": what an effort aims at is not done
		// yet, whatever tense the sentence is told in.
		return "announced", cues, background
	}
	if st.absoluteWith(tg) {
		if w, ok := st.byLaterDate(tg); ok {
			// "agree to end the mission by 2025, with all remaining
			// troops withdrawing by the end of 2026": the plan's detail,
			// news with it.
			return "announced", append(cues, w), background
		}
		// "die after being treated with feeding bags, with the
		// manufacturer withdrawing the product": the circumstance of the
		// news, told alongside it.
		return "completed", append(cues, "with"), true
	}
	return "completed", cues, background
}

// byLaterDate reports a deadline after the trigger that lies ahead: "by"
// and, within five words, a year after the article's ("withdrawing by the
// end of 2026"). Without a publication date no year is known to lie ahead.
func (st *sent) byLaterDate(tg trigger) (string, bool) {
	for k := tg.i + 1; k < len(st.toks) && k <= tg.i+8; k++ {
		if st.norm(k) != "by" {
			continue
		}
		for j := k + 1; j < len(st.toks) && j <= k+5; j++ {
			if w := st.norm(j); isYear(w) {
				y, _ := strconv.Atoi(w)
				return "by " + w, st.pubYear != 0 && y > st.pubYear
			}
		}
		return "", false
	}
	return "", false
}

// absoluteWith reports whether a progressive trigger heads an absolute
// clause opened by "with" and a noun phrase ("with foreign forces
// withdrawing from the country").
func (st *sent) absoluteWith(tg trigger) bool {
	if tg.form != Progressive {
		return false
	}
	for k := tg.i - 2; k >= 0 && k >= tg.i-7; k-- {
		w := st.norm(k)
		if w == "with" {
			// "met with soldiers withdrawing from Bakhmut": after a verb,
			// "with" takes its object, no clause.
			return k == 0 || !(st.verbAt(k-1) || st.is(SetPastForms, st.norm(k-1)) || st.norm(k-1) == "meets" || st.norm(k-1) == "meet")
		}
		if st.toks[k].punct || st.d.lex.Boundary[w] || st.verbAt(k) {
			return false
		}
	}
	return false
}

// coordinatedAfter reports whether a finite trigger is a verb of its own
// joined by "and" to the cue at a ("suspends diplomatic relations with
// Venezuela and withdraws its diplomatic personnel", "did not regroup and
// withdrew"), which then does not govern it. A base form may share the
// cue's infinitive or auxiliary ("refused to negotiate and withdraw", "did
// not stop and withdraw"), so only a finite one counts.
func (st *sent) coordinatedAfter(a int, tg trigger) bool {
	finite := tg.form == Past || tg.form == Base && strings.HasSuffix(st.norm(tg.i), "s")
	return finite && st.norm(tg.i-1) == "and" && a < tg.i-1
}

// demandOf reports whether the demand cue at a (its text given) asks
// another for the trigger at i: "want" only with an object before "to"
// ("want the United Kingdom to leave", not "The Conservatives want to
// leave the EU"), and "calls to" only right before the trigger ("calls to
// withdraw", not "in phone calls to allies, Biden said he would
// withdraw").
func (st *sent) demandOf(a int, text string, i int) bool {
	switch text {
	case "want", "wants", "wanted":
		return st.norm(a+1) != "to"
	case "calls to", "call to":
		return a+2 == i
	}
	return true
}

// rejectedDemand reports the verb that rejects the demand noun at a
// ("rejects the United States' calls", "defying U.S. and NATO calls"),
// within its clause and after the background word at bgAt.
func (st *sent) rejectedDemand(a, bgAt int) (int, bool) {
	for k := a - 1; k >= 0 && k >= a-7 && k > bgAt; k-- {
		if w := st.norm(k); st.toks[k].punct && w != "'" && w != "’" && w != "." {
			return 0, false // another clause; "U.S." keeps its stops
		}
		if st.is(SetRejectVerbs, st.norm(k)) {
			return k, true
		}
		if st.verbAt(k) || st.verbForm(k) {
			return 0, false // "rejected the criticism and renewed calls for Russia to withdraw"
		}
	}
	return 0, false
}

// reportedProgressive reports whether a progressive trigger is in the
// present progressive ("is withdrawing", "are temporarily pulling") and a
// verb of saying or announcing reports the sentence, before the auxiliary
// or after the trigger; it returns the auxiliary.
func (st *sent) reportedProgressive(tg trigger) (string, bool) {
	if tg.form != Progressive {
		return "", false
	}
	k := tg.i - 1
	if k >= 0 && strings.HasSuffix(st.norm(k), "ly") {
		k-- // "is temporarily pulling"
	}
	if k < 0 {
		return "", false
	}
	switch aux := st.norm(k); aux {
	case "is", "are", "am", "'s", "'re":
		for j := range st.toks {
			if j != k && j != tg.i && st.is(SetSayVerbs, st.norm(j)) {
				return aux, true
			}
		}
	}
	return "", false
}

// governingModal returns the modal auxiliary that governs a base-form
// trigger from further back than the cue words are looked for: across a
// parenthetical between commas ("would, for the second time, exit") or across
// a verb phrase the trigger's verb is coordinated with ("will sell its plant
// in the region and end its business there"). It returns "" and false when
// there is none.
func (st *sent) governingModal(tg trigger) (string, bool) {
	i := tg.i
	if tg.form != Base || i < 2 {
		return "", false
	}
	switch k := i - 1; st.norm(k) {
	case ",":
		j := k - 1
		for j >= 0 && j >= k-6 && st.norm(j) != "," {
			if st.toks[j].punct {
				return "", false
			}
			j--
		}
		if j >= 1 && st.norm(j) == "," && st.is(SetModalAux, st.norm(j-1)) {
			return st.norm(j - 1), true
		}
	case "and":
		for j := k - 1; j >= 0 && j >= k-10; j-- {
			if st.toks[j].punct || st.norm(j) == "and" {
				return "", false // another clause or another coordination
			}
			if st.is(SetModalAux, st.norm(j)) {
				return st.norm(j), true
			}
		}
	}
	return "", false
}

// recentCause reports whether the background word at a ("after",
// "following") opens a clause that gives the recent cause of a main clause
// told before it in the present tense, as news summaries tell the day's
// news: "The Rapid Support Forces capture Heglig after the army withdraws
// from the area", "retakes the palace after the Rapid Support Forces'
// withdrawal". The withdrawal is then news too. A main clause in the past
// ("seized the town after"), a clause opening the sentence ("After Biden
// withdrew, donors regrouped") and every other background word keep the
// clause background; a date in it makes it background anyway.
func (st *sent) recentCause(a int, tg trigger) bool {
	if w := st.norm(a); w != "after" && w != "following" {
		return false
	}
	if a == 0 {
		return st.openingCause(tg)
	}
	if p := st.norm(a - 1); st.is(SetGapUnits, p) || st.is(SetFollowVerbs, p) {
		// "rejoins the Paris Agreement, 107 days after it left", "the
		// decision comes after Fiji closed its embassy": the clause is
		// set apart from the news as earlier.
		return false
	}
	if p := st.norm(a + 1); p == "its" || st.is(SetPersonalPossessive, p) || p == "the" && st.is(SetBackReferences, st.norm(a+2)) {
		// "Japan resumes commercial whaling following the country's
		// withdrawal from the IWC", "Biden addresses the nation following
		// his decision to withdraw": a possessive pronoun, or "the
		// country's" for a state ("the company's" for a firm), refers
		// back to an actor already named and makes the withdrawal that
		// actor's own earlier step, which the news follows. A recent cause is another's, named in the
		// clause ("following the withdrawal of SDF forces", "after the
		// army's withdrawal").
		return false
	}
	for k := a + 1; k < len(st.toks) && !st.toks[k].punct; k++ {
		if c, ok := st.d.lex.Cues[st.norm(k)]; ok && c == CuePast || st.norm(k) == "yesterday" ||
			st.norm(k) == "last" && (st.d.lex.Months[st.norm(k+1)] > 0 || st.is(SetTimeNouns, st.norm(k+1))) {
			return false // "following the withdrawal of 160 French soldiers earlier this week"
		}
	}
	main := false // a main clause has a word beyond names and adverbs: not "Shortly after"
	for k := 0; k < a; k++ {
		if st.isCapitalized(k) {
			continue // names, and the sentence's first word
		}
		w := st.norm(k)
		if st.norm(k+1) == "by" {
			continue // "rebel forces led by Tahrir al-Sham": a participle in a name's phrase
		}
		if st.is(SetPastForms, w) {
			return false
		}
		if !st.toks[k].punct && !strings.HasSuffix(w, "ly") {
			main = true
		}
		if p := st.norm(k - 1); len(w) > 4 && strings.HasSuffix(w, "ed") &&
			p != "has" && p != "have" && p != "is" && p != "are" && p != "be" && p != "been" {
			return false // "seized", not "have regained" or "are evacuated"
		}
	}
	return main
}

// openingCause reports whether an "after" or "following" clause that opens
// the sentence gives the recent cause of a main clause told after it in
// the present, as news summaries do: "After rebels retreat outside Ra's
// Lanuf, the coalition has begun launching air-strikes", "Following Time
// Warner's withdrawal, the management of MGM accepts an offer". The
// withdrawal must be another's, told in the present or as a named
// party's noun; a gerund is the subject's own earlier step ("After
// withdrawing from the race, she endorses"), and a main clause in the past
// keeps the clause background ("After Biden withdrew, donors regrouped").
func (st *sent) openingCause(tg trigger) bool {
	i := tg.i
	switch {
	case tg.form == Base && !st.wordBetween(0, i, "to"):
	case tg.form == Noun && possessive(st.norm(i-1)) && st.isCapitalized(i-1):
	default:
		return false
	}
	c := i + 1
	for c < len(st.toks) && c <= i+12 && st.norm(c) != "," {
		c++
	}
	if c >= len(st.toks) || st.norm(c) != "," {
		return false
	}
	present := false
	for k := c + 1; k < len(st.toks) && k <= c+12 && !st.toks[k].punct; k++ {
		w := st.norm(k)
		if st.is(SetModalAux, w) || w == "could" || w == "may" || w == "might" || w == "expected" || w == "likely" {
			return false // "After the US withdraws its troops, Afghan forces will collapse": ahead
		}
		if p := st.norm(k - 1); st.is(SetPastForms, w) || len(w) > 4 && strings.HasSuffix(w, "ed") && p != "has" && p != "have" && !st.passiveAux(k-1) {
			return false
		}
		if w == "has" || w == "have" || w == "is" || w == "are" ||
			!st.isCapitalized(k) && len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && st.norm(k-1) != "the" && !st.d.lex.Determiners[st.norm(k-1)] {
			present = true
		}
	}
	return present
}

// orderedOther reports an order or request addressed to another party to
// withdraw: "Niger ordered French troops to leave", "Jordan has asked an
// Iraqi diplomat to leave". The withdrawal is demanded of them; an order to
// one's own forces ("ordered its troops to withdraw") is announced instead.
// It returns the token of the verb of ordering or asking.
func (st *sent) orderedOther(tg trigger, bgAt int) (int, bool) {
	i := tg.i
	if tg.form != Base || st.norm(i-1) != "to" {
		return 0, false
	}
	for k := i - 3; k >= 0 && k >= st.reachBack(i, 12) && k > bgAt; k-- {
		if st.toks[k].norm == "," {
			if open, ok := st.appositionOpen(k); ok {
				k = open // "asked Mr. Adel Ibrahim, the Iraqi embassy's press attache, to leave"
				continue
			}
		}
		if st.toks[k].punct && st.toks[k].norm != "," {
			return 0, false
		}
		w := st.norm(k)
		if st.is(SetOrderVerbs, w) || st.is(SetAskVerbs, w) {
			if st.is(SetPersonalPossessive, st.norm(k+1)) || st.norm(k+1) == "its" {
				return 0, false
			}
			// "Malawian President Chakwera orders Malawian troops to
			// withdraw", "The U.S. State Department orders the families
			// of U.S. diplomats to leave": the orderer's own people.
			for m := k + 1; m < i-1; m++ {
				if st.demonymAt(m) || st.isName(m) {
					for j := 0; j < k; j++ {
						if st.norm(j) == st.norm(m) {
							return 0, false
						}
					}
				}
			}
			return k, true
		}
	}
	return 0, false
}

// orderedOwnStaff returns the verb of ordering, asking or advising that
// governs an infinitive trigger ("to leave", "to evacuate") when its object
// is staff, employees or personnel that no name or demonym marks as
// another's: an organisation's order to its own people is its withdrawal of
// them, announced, as an order to its own troops is; "orders 20 Czech
// embassy staff to leave" expels another's. Staff seldom stand near the
// verb ("all non-emergency, non-essential government employees at the U.S.
// Embassy in Baghdad"), so the verb is looked for further back than the
// cue words are.
func (st *sent) orderedOwnStaff(tg trigger, bgAt int) (string, bool) {
	i := tg.i
	if tg.form != Base || st.norm(i-1) != "to" {
		return "", false
	}
	staff := -1
	for k := i - 2; k >= 0 && k >= i-20 && k > bgAt; k-- {
		w := st.norm(k)
		if st.toks[k].punct && w != "," {
			return "", false
		}
		if st.is(SetStaffNouns, w) && staff < 0 {
			staff = k
		}
		if st.is(SetOrderVerbs, w) || st.is(SetAskVerbs, w) || st.is(SetAdviseVerbs, w) {
			if staff < 0 {
				return "", false
			}
			for m := k + 1; m < staff; m++ {
				if st.demonymAt(m) || st.isName(m) || strings.HasSuffix(st.norm(m), "'s") {
					return "", false
				}
			}
			return w, true
		}
	}
	return "", false
}

// generic reports whether the trigger speaks of withdrawing in general,
// not of an event: the reader is addressed in its clause ("once you
// announce your intention to exit a business"), or an indefinite noun
// opening the sentence is defined ("A product recall is a request from a
// manufacturer").
func (st *sent) generic(tg trigger) bool {
	i := tg.i
	for k := i - 1; k >= 0 && k >= i-6 && !st.toks[k].punct; k-- {
		if st.is(SetSecondPerson, st.norm(k)) {
			return true
		}
	}
	k := i - 1
	if k >= 1 && !st.is(SetIndefinite, st.norm(k)) {
		k-- // one modifier: "a product recall"
	}
	if k != 0 || !st.is(SetIndefinite, st.norm(k)) {
		return false
	}
	be := st.norm(i + 1)
	return (be == "is" || be == "are") && st.is(SetIndefinite, st.norm(i+2))
}

// commentedOn reports whether a noun trigger after "the" is the subject of
// its clause ("The recall affected", "said the withdrawal of the bill was
// far too little") and its verb, an auxiliary or a past form right after
// it or after its "of" or "from" phrase, says something else of it than
// that it happens, is planned or is announced ("the withdrawal was
// completed", "will begin"); it returns the subject's determiner and noun.
func (st *sent) commentedOn(tg trigger) (string, bool) {
	i := tg.i
	if tg.form != Noun || st.norm(i-1) != "the" || st.art.titleKind != "" {
		// Under a headline that reports a withdrawal as news, "the
		// pullout" is that news ("The pullout of the Russian troops is a
		// key element of the peace plan").
		return "", false
	}
	if p := i - 2; p >= 0 && !st.toks[p].punct && st.norm(p) != "that" && !st.is(SetSayVerbs, st.norm(p)) {
		return "", false // not the subject: "after the withdrawal", "backs the withdrawal"
	}
	k := i + 1
	if w := st.norm(k); w == "of" || w == "from" {
		for k++; k < len(st.toks) && k <= i+8 && !st.toks[k].punct; k++ {
			if st.verbAt(k) {
				break
			}
		}
	}
	if k >= len(st.toks) || !st.verbAt(k) {
		return "", false
	}
	v := st.norm(k)
	next := k + 1
	for next < len(st.toks) && st.toks[next].punct && st.norm(next) != "," && st.norm(next) != "." {
		next++ // a quotation mark: "the withdrawal had 'much more to do with'"
	}
	if st.is(SetHappenWords, v) || next < len(st.toks) && st.is(SetHappenWords, st.norm(next)) {
		return "", false
	}
	return "the " + st.norm(i), true
}

// topicOf reports whether a noun trigger ends a noun phrase that a word of
// inquiry, judgement or blame governs: directly ("defends the U.S.
// withdrawal"), through "of" ("his handling of the withdrawal"), or through
// a preposition of topic ("into", "over", "on", ...) at most ten words after
// it in the same clause ("hearings into the withdrawal", "blames the crisis
// on the sudden withdrawal"). It returns the governing words.
func (st *sent) topicOf(tg trigger) (string, bool) {
	if tg.form != Noun {
		return "", false
	}
	lex := st.d.lex
	for k := tg.i - 1; k >= 1 && k >= tg.i-8; k-- {
		w := st.norm(k)
		if st.toks[k].punct {
			return "", false
		}
		if st.is(SetScrutiny, w) {
			return w, true // "defends the U.S. withdrawal"
		}
		if w == "of" && st.is(SetScrutiny, st.norm(k-1)) {
			return st.norm(k-1) + " of", true // "his handling of the withdrawal"
		}
		if !st.is(SetTopicPreps, w) {
			if lex.Boundary[w] && w != "of" {
				return "", false // "inquiry into deaths during the withdrawal"
			}
			continue
		}
		for j := k - 1; j >= 0 && j >= k-10; j-- {
			if st.toks[j].punct {
				return "", false
			}
			if st.is(SetScrutiny, st.norm(j)) {
				return st.norm(j) + " " + w, true
			}
		}
		return "", false
	}
	return "", false
}

// relativeClause reports whether the trigger stands in a non-restrictive
// relative clause: "which", "who" or "whose" right after a comma, at most
// twelve words before it, with no clause boundary between. It returns the
// comma and the pronoun.
func (st *sent) relativeClause(tg trigger) (string, bool) {
	i := tg.i
	for k := i - 1; k >= 1 && k >= i-12; k-- {
		w := st.norm(k)
		if w == ";" || w == ":" || w == "—" || w == "–" || st.is(SetSayVerbs, w) {
			return "", false
		}
		if (w == "which" || w == "who" || w == "whose") && st.norm(k-1) == "," {
			return ", " + w, true
		}
	}
	return "", false
}

// verbAt reports whether token k is an auxiliary or a lower-case past
// form, the verbs commentedOn reads.
func (st *sent) verbAt(k int) bool {
	switch w := st.norm(k); w {
	case "was", "were", "is", "are", "had", "has", "will", "would":
		return true
	default:
		return !st.isCapitalized(k) && len(w) > 4 && strings.HasSuffix(w, "ed")
	}
}

// effortFor reports whether the trigger completes a noun of an effort
// under way ("the process of leaving", "efforts to complete the
// withdrawal", "efforts on leaving"), with at most a verb and a
// determiner between them, and the effort is not started in the sentence
// ("initiated a process to withdraw" is news); it returns the noun and
// its preposition.
func (st *sent) effortFor(tg trigger) (string, bool) {
	for k := tg.i - 1; k >= 1 && k >= tg.i-4; k-- {
		if st.toks[k].punct {
			return "", false
		}
		w := st.norm(k)
		switch w {
		case "of", "to", "on", "at", "toward", "towards":
		default:
			continue
		}
		n := st.norm(k - 1)
		if !st.is(SetEffortNouns, n) {
			continue
		}
		for j := k - 2; j >= 0 && j >= k-4; j-- {
			if st.is(SetEffortStarts, st.norm(j)) {
				return "", false
			}
		}
		return n + " " + w, true
	}
	return "", false
}

// timeLimitFor returns the time-limit noun and its preposition when the
// trigger is what a deadline, timetable or schedule is for ("the deadline
// for the United States Armed Forces to withdraw", "no timeline for the
// withdrawal of U.S. troops", "the August 31 withdrawal deadline"), up to
// ten words back in its clause, unless a
// verb of setting governs the noun ("sets a deadline for", "agreed on a
// timetable for"): a limit set in the sentence is news, one spoken of
// (extended, missed, lacking) belongs to a plan already known.
func (st *sent) timeLimitFor(tg trigger) (string, bool) {
	if tg.form == Noun && st.is(SetTimeLimitNouns, st.norm(tg.last+1)) {
		// "past the August 31 withdrawal deadline": the noun names the
		// limit, unless a verb of setting governs the phrase.
		for j := tg.i - 1; j >= 0 && j >= tg.i-6 && !st.toks[j].punct; j-- {
			if st.is(SetLimitSetters, st.norm(j)) {
				return "", false
			}
		}
		return st.norm(tg.last) + " " + st.norm(tg.last+1), true
	}
	for k := tg.i - 1; k >= 1 && k >= tg.i-10; k-- {
		if st.toks[k].punct {
			return "", false
		}
		n := st.norm(k)
		p := st.norm(k + 1)
		if !st.is(SetTimeLimitNouns, n) || (p != "for" && p != "of" && p != "to") {
			continue
		}
		for j := k - 1; j >= 0 && j >= k-4 && !st.toks[j].punct; j-- {
			if st.is(SetLimitSetters, st.norm(j)) {
				return "", false
			}
		}
		return n + " " + p, true
	}
	return "", false
}

// ultimatum reports whether the trigger is the infinitive of a time granted
// by a verb of giving ("gives Turkey 48 hours to withdraw"); it returns
// the verb's token. The passive ("the military was given 24 hours to withdraw") is
// left to the orderer's own rules: it may be the actor's own government.
func (st *sent) ultimatum(i int) (int, bool) {
	if st.norm(i-1) != "to" || !st.is(SetTimeUnits, st.norm(i-2)) {
		return 0, false
	}
	for k := i - 3; k >= 0 && k >= i-10 && !st.toks[k].punct; k-- {
		if st.is(SetGiveVerbs, st.norm(k)) {
			return k, true
		}
	}
	return 0, false
}

// conditionAfter returns the conditional word ("if", "unless") that opens
// a clause after a trigger not told as done, at most fourteen words on and
// in its sentence, unless it is concessive ("even if").
func (st *sent) conditionAfter(tg trigger) (string, bool) {
	if tg.form == Past || tg.form == Participle {
		return "", false // "withdrew its troops to see if the talks hold": done
	}
	i := tg.i
	for k := i + 1; k < len(st.toks) && k <= i+14; k++ {
		w := st.norm(k)
		if w == ";" || w == "." || w == ":" {
			return "", false
		}
		if st.is(SetConditionals, w) && !st.is(SetConcessives, st.norm(k-1)) {
			return w, true
		}
	}
	return "", false
}

// addresseeSaid reports whether a second-person subject and a verb of
// stating come before the trigger ("you state", "you have said"): the
// sentence puts the addressee's known words to them; it returns the two
// words.
func (st *sent) addresseeSaid(tg trigger) (string, bool) {
	for k := 0; k+1 < tg.i; k++ {
		if !st.is(SetSecondPerson, st.norm(k)) {
			continue
		}
		v := k + 1
		for v < tg.i && st.isAuxiliary(v) {
			v++ // "you have said"
		}
		if v < tg.i && st.is(SetStateVerbs, st.norm(v)) {
			return st.norm(k) + " " + st.norm(v), true
		}
	}
	return "", false
}

// pastPerfect reports whether a past or participle trigger is in the past
// perfect ("had withdrawn", "had already pulled out") and not reported by a
// verb of saying before the "had"; it returns the auxiliary.
func (st *sent) pastPerfect(tg trigger) (string, bool) {
	if tg.form != Past && tg.form != Participle {
		return "", false
	}
	k := tg.i - 1
	for k >= 0 && k >= tg.i-3 && st.is(SetPerfectAdverbs, st.norm(k)) {
		k--
	}
	if !st.is(SetPerfectAux, st.norm(k)) || st.reported(k) {
		return "", false
	}
	for j := 0; j < k; j++ {
		// "confirmed the envoy had left", "to learn that he had dropped
		// out": a complement clause reports the news.
		if w := st.norm(j); w == "that" || st.is(SetSayVerbs, w) {
			return "", false
		}
	}
	return st.norm(k), true
}

// wordBetween reports whether one of words lies strictly between tokens a
// and b.
func (st *sent) wordBetween(a, b int, words ...string) bool {
	for k := a + 1; k < b; k++ {
		for _, w := range words {
			if st.norm(k) == w {
				return true
			}
		}
	}
	return false
}

// wordAfter reports whether one of words comes within n tokens after i.
func (st *sent) wordAfter(i, n int, words ...string) bool {
	for k := i + 1; k < len(st.toks) && k <= i+n; k++ {
		if slices.Contains(words, st.norm(k)) {
			return true
		}
	}
	return false
}

// adjectivalCue reports whether the word after a cue shows it describing
// a noun rather than backing the withdrawal: "the candidate endorsed for
// the election".
func adjectivalCue(next string) bool { return next == "for" || next == "by" || next == "as" }

// notSubordinate reports whether the background word at a does not make
// the trigger subordinate after all: "while" after a comma joins two main
// clauses ("call it a coup, while Peru recalls its ambassador"); a "that"
// between, after a verb of saying, opens a clause of its own ("announced
// hours before the match that Courtois had pulled out"); "before having
// to" tells the later step, which is the news ("was leading the
// tournament before having to withdraw"); and "during" or "follows" govern
// only a noun phrase.
func (st *sent) notSubordinate(a int, tg trigger) bool {
	i := tg.i
	switch w := st.norm(a); {
	case w == "while" && st.norm(a-1) == ",":
		return true
	case w == "before" && st.norm(a+1) == "having" && st.norm(a+2) == "to":
		return true
	case w == "during" || w == "follows":
		// A preposition or "follows" takes a noun phrase: a verb after
		// it is another clause's ("During talks in Geneva Russia agreed
		// to withdraw", "Russia follows the United States and withdraws"),
		// not "during a mission to evacuate".
		for k := a + 1; k < i; k++ {
			if n := st.norm(k); st.verbAt(k) || st.is(SetPastForms, n) || st.is(SetToVerbs, n) || n == "and" && tg.form != Noun {
				return true
			}
		}
		return false
	}
	if !st.wordBetween(a, i, "that") {
		return false
	}
	for k := 0; k < a; k++ {
		if st.is(SetSayVerbs, st.norm(k)) || st.d.lex.Cues[st.norm(k)] == CueAnnounce {
			return true // "announced hours before the match that Courtois had pulled out"
		}
	}
	return false // "after the troops that had occupied the town withdrew": a relative clause
}

// announcedBetween reports whether an announcement lies between tokens a
// and b: "after its announcement that it would pull out" reports the
// withdrawal, it does not date it.
func (st *sent) announcedBetween(a, b int) bool {
	for k := a + 1; k < b; k++ {
		switch st.norm(k) {
		case "announcement", "announced", "announces", "said", "says", "statement":
			return true
		}
	}
	return false
}

// reported reports whether a verb of saying comes before token i.
func (st *sent) reported(i int) bool {
	for k := 0; k < i; k++ {
		switch st.norm(k) {
		case "say", "says", "said", "told", "according", "announced", "stated":
			return true
		}
	}
	return false
}

// headline reports whether trigger i is in a headline: a line without a
// closing full stop, whose first words report rather than mention.
func (st *sent) headline(i int) bool {
	last := st.toks[len(st.toks)-1].norm
	return i <= 6 && last != "." && last != "!" && last != "?" && last != "\"" && last != "”"
}

// reachBack returns the index n words before token i, where an
// apposition between commas counts as one word: in "Jordan has asked Mr.
// Adel Ibrahim, the Iraqi embassy's press attache, to leave" the request
// governs the verb as closely as without the apposition, and so do the
// forces in "demands that Rwandan rebels, the Democratic Forces for the
// Liberation of Rwanda (FDLR), immediately disarm and leave". News copy
// names people and bodies this way, and a fixed reach would lose them.
func (st *sent) reachBack(i, n int) int {
	k := i
	for ; n > 0 && k > 0; n-- {
		k--
		if st.toks[k].norm == "," {
			if open, ok := st.appositionOpen(k); ok {
				k = open
			}
		}
	}
	return k
}

// appositionOpen reports whether the comma at close ends an apposition and
// returns its opening comma: a noun phrase of two to twelve words after a
// name or noun, opening with a determiner or a capital ("the Iraqi
// embassy's press attache"), with no cue word, no relative pronoun and no
// verb of saying in it, whose clause would be its own.
func (st *sent) appositionOpen(close int) (int, bool) {
	for k := close - 1; k >= 0 && k >= close-13; k-- {
		t := st.toks[k]
		if t.punct {
			if t.norm == "(" || t.norm == ")" || t.norm == "'" || t.norm == "’" {
				continue // "(FDLR)", "embassy 's"
			}
			if t.norm != "," || close-k < 3 || k == 0 || st.toks[k-1].punct {
				return 0, false
			}
			first := st.norm(k + 1)
			if !st.d.lex.Determiners[first] && !st.isCapitalized(k+1) || st.d.lex.Pronouns[first] {
				return 0, false
			}
			return k, true
		}
		w := t.norm
		if _, cue := st.d.lex.Cues[w]; cue || st.is(SetRelatives, w) || st.is(SetSayVerbs, w) {
			return 0, false
		}
	}
	return 0, false
}

func (st *sent) commaBetween(a, b int) bool {
	for k := a + 1; k < b; k++ {
		if st.toks[k].norm == "," {
			return true
		}
	}
	return false
}

// pastTime returns the words that date the event in the past: "in 2019"
// (before the publication year, or any year when it is unknown), "in
// January" (before the trigger, or after a past-tense trigger when the
// publication month is known; never the publication month itself), "last
// year", "years ago". "" when there are none.
func (st *sent) pastTime(tg trigger) string {
	i := tg.i
	lex := st.d.lex
	// Only words near the trigger date it: in "not seeded for the first
	// time since 1990, ... after Kafelnikov withdrew" the year is another
	// clause's.
	lo, hi := max(0, i-12), min(len(st.toks), i+12)
	for k := i + 1; k < hi; k++ {
		if c, ok := lex.Cues[st.norm(k)]; ok && c == CueBackground || st.is(SetRelatives, st.norm(k)) {
			// "issues a recall, after previously recalling 634,000 last
			// year": the date is the later clause's; "terminate their
			// proposed merger that had been blocked last month": a
			// relative clause dates the noun it describes.
			hi = k
			break
		}
	}
	for k := lo; k < hi; k++ {
		w := st.norm(k)
		if y := st.monthYear(k); y != "" {
			// "voted on June 23, 2016, to leave", "withdrew around August
			// 2019": a month with its year dates the event whatever
			// preposition comes before it.
			return y
		}
		if w != "in" && w != "since" && w != "last" && w != "during" && w != "of" {
			continue
		}
		if w == "since" && st.norm(k-1) == "time" {
			continue // "for the first time since 1987" measures, it does not date
		}
		nx := st.norm(k + 1)
		if w == "in" && (nx == "a" || nx == "the" || nx == "early" || nx == "mid" || nx == "late") {
			// "in a 2016 referendum", "in early March": the date is the
			// word after the article or the part of the month.
			if lex.Months[st.norm(k+2)] > 0 || isYear(st.norm(k+2)) {
				k++
				nx = st.norm(k + 1)
			}
		}
		if w == "last" && lex.Months[nx] > 0 && !(nx == "may" && !st.isCapitalized(k+1)) {
			// "last May": an earlier month, background like "in January".
			return "month:" + w + " " + nx
		}
		if w == "last" {
			// "last year's championships" dates the event as "last year" does.
			nx = strings.TrimSuffix(nx, "'s")
		}
		if w == "last" && (nx == "year" || nx == "month" || nx == "week" || nx == "decade" || nx == "autumn" ||
			nx == "fall" || nx == "spring" || nx == "summer" || nx == "winter") {
			return w + " " + nx
		}
		if lex.Months[nx] > 0 && (w == "in" || w == "since") {
			// "since May 1994": the year after the month dates it.
			if y, err := strconv.Atoi(st.norm(k + 2)); err == nil && y >= 1900 && y <= 2100 && (st.pubYear == 0 || y < st.pubYear) {
				return w + " " + nx + " " + st.norm(k+2)
			}
		}
		if y, err := strconv.Atoi(nx); err == nil && len(nx) == 4 && y >= 1900 && y <= 2100 {
			if st.pubYear == 0 || y < st.pubYear {
				return w + " " + nx
			}
		}
		if y, err := strconv.Atoi(st.norm(k + 2)); err == nil && lex.Months[nx] > 0 && isYear(st.norm(k+2)) && st.pubYear != 0 && y > st.pubYear {
			continue // "to resume whaling in July 2019" in a 2018 article: ahead
		}
		if (w == "in" || w == "since") && lex.Months[nx] > 0 && !st.currentMonth(lex.Months[nx]) {
			// "withdrew from the Miami Open in March" in an April
			// article: only a known date tells that March is past.
			past := k < i && !st.isFutureMonth(k) || k > i && st.art.pubMonth != 0 && (tg.form == Past || tg.form == Participle)
			if past {
				return "month:" + w + " " + nx
			}
		}
	}
	return ""
}

// monthYear returns the words of a month named with a year before the
// publication year ("June 23, 2016", "August 2019") starting at k, or "".
// Without a publication date every such year is past.
func (st *sent) monthYear(k int) string {
	w := st.norm(k)
	if st.d.lex.Months[w] == 0 || !st.isCapitalized(k) {
		return ""
	}
	j := k + 1
	if _, err := strconv.Atoi(st.norm(j)); err == nil && len(st.norm(j)) <= 2 {
		j++ // the day
		if st.norm(j) == "," {
			j++
		}
	}
	y := st.norm(j)
	if !isYear(y) {
		return ""
	}
	if n, _ := strconv.Atoi(y); st.pubYear != 0 && n >= st.pubYear {
		return ""
	}
	return w + " " + y
}

// isYear reports whether w is a four-digit year of the last two centuries
// or this one.
func isYear(w string) bool {
	y, err := strconv.Atoi(w)
	return err == nil && len(w) == 4 && y >= 1900 && y <= 2100
}

// currentMonth reports whether month m, named without a year, is the
// month the article was published in: "announced in August" in an August
// article is this month's news. Any other month named in a past clause
// dates it as background; without a publication date no month is known to
// be the article's own.
func (st *sent) currentMonth(m int) bool {
	return st.art.pubMonth != 0 && m == st.art.pubMonth
}

// isFutureMonth reports whether "in <Month>" at k is followed by a future
// marker before the trigger ("will withdraw in March" reads as a plan).
func (st *sent) isFutureMonth(k int) bool {
	for j := max(0, k-4); j < k; j++ {
		if w := st.norm(j); w == "will" || w == "by" || w == "until" {
			return true
		}
	}
	return false
}

// kind scores the kind classes of the words near the trigger, words in the
// roles counting three times, nearer words more.
func (st *sent) kind(tg trigger, what, from span) string {
	var score [6]float64
	in := func(j int) bool { return j >= what.i && j < what.j || j >= from.i && j < from.j }
	raceSeen := false
	for j := st.reachBack(tg.i, 8); j < len(st.toks) && j <= tg.last+10; j++ {
		c := st.class(j)
		if c&Race != 0 && (in(j) || j > tg.last && j <= tg.last+4) {
			raceSeen = true // the race withdrawn from, not a poll nearby
		}
		if st.is(SetExitObjects, st.norm(j)) && in(j) {
			score[2] += 1 // "leave the government": a coalition
		}
		if c == 0 {
			continue
		}
		dist := tg.i - j
		if j > tg.last {
			dist = j - tg.last
		}
		w := 1 / float64(1+max(dist, 0))
		if in(j) {
			w *= 3
		}
		for k, kc := range kindClasses {
			if c&kc.c != 0 {
				score[k] += w
			}
		}
	}
	if tg.tr.Family == FamExit && strings.HasPrefix(st.norm(tg.i), "drop") && st.endorsesAfter(tg.last) {
		raceSeen = true
	}
	if raceSeen {
		// A race is political unless sport is in the air.
		if score[5] > score[3] && score[5] > 0.3 {
			score[5] += 1
		} else {
			score[3] += 1
		}
	}
	if tg.tr.Family == FamExit && st.sellsAfter(tg.i) {
		score[4] += 1 // "leave Russia and sell its restaurants": a business
	}
	if tg.tr.Family == FamExit && from.j > from.i && st.leftBody(from.i, from.j) {
		// A named body left: an athletic conference is a sport's, any
		// other a state's or a party's membership.
		college := false
		for j := range st.toks {
			college = college || st.is(SetCollegeWords, st.norm(j))
		}
		if college {
			score[5] += 2
		} else {
			score[2] += 2
		}
	}
	if tg.tr.Family == FamExit {
		// What members leave is their party, parliament or league: "party
		// official Yukio Hatoyama, who says he will leave Sakigake". A
		// light weight, so that a coalition or a treaty named still wins.
		if sports, ok := st.memberSubject(tg.i); ok && st.namedBody(tg.last+1) {
			if sports {
				score[5] += 0.5
			} else {
				score[3] += 0.5
			}
		}
	}
	switch tg.tr.Family {
	case FamRetreat:
		score[0] += 2
	case FamRecall:
		// A state recalls its diplomats or its forces ("Chad recalls half
		// of its 1,200 troops", "its frigate"), anyone else products.
		if score[1] == 0 && (!st.anyClass(what.i, what.j-1, Military) || st.anyClass(what.i, what.j-1, Product)) {
			score[4] += 2
		}
	case FamEvacuate:
		// Embassies evacuate their staff; forces that evacuate a place
		// ("Rebels in Qalamoun begin to evacuate") withdraw from it.
		if score[0] == 0 {
			score[1] += 0.5
		}
	case FamRecognition:
		score[1] += 2
	case FamClose:
		if score[1] == 0 {
			score[4] += 2 // a business closing its outlets or stopping its flights
		}
	}
	// A place to withdraw from, with no other clue, is a military matter.
	if from.j > from.i {
		if e, ok := st.entityOver(st.toks[from.i].start, st.toks[from.j-1].end); ok && e.Type == article.Place {
			score[0] += 0.3
		}
	}
	best, bestScore := "other", 0.0
	for k, kc := range kindClasses {
		if score[k] > bestScore {
			best, bestScore = kc.name, score[k]
		}
	}
	if what.j > what.i {
		for j := what.i; j < what.j; j++ {
			if st.is(SetSupportNouns, st.norm(j)) {
				// "withdraw its support for the occupation": support,
				// aid or an offer is withdrawn, whatever it concerned;
				// but support for a bill or a candidate is political, as
				// the guideline says.
				if st.class(j)&Diplomatic != 0 && st.norm(j+1) == "of" && st.capitalizedAt(j+2) {
					// "withdraws its recognition of Abkhazia", of a state or
					// a government; not "of the event as a Masterpiece".
					return "diplomatic"
				}
				if (st.norm(j) == "support" || st.norm(j) == "backing" || st.norm(j) == "endorsement") &&
					!st.anyClass(j+1, j+5, Military) && (st.anyClass(j+1, j+5, Political) || st.supportsGovernment(tg, j)) {
					return "political"
				}
				return "other"
			}
		}
	}
	if h := st.norm(what.j - 1); tg.tr.Family == FamEnd && what.j > what.i && (h == "mission" || h == "missions") &&
		!st.anyClass(what.i, what.j-1, Military) {
		// "end its mission to reform security forces", "the RAMSI
		// mission": a civil mission, whoever runs it; a peacekeeping
		// mission is military.
		return "other"
	}
	if best == "other" && (tg.tr.Family == FamWithdraw || tg.tr.Family == FamPullOut) && what.j == what.i &&
		(st.demonymAt(tg.i-1) || st.demonymAt(tg.i-2)) {
		// "Russians withdraw from around Kharkiv", "Russian withdrawal":
		// a people withdrawing itself from somewhere is an army.
		best = "military"
	}
	return best
}
