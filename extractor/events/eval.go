package events

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/wirewatch/wirewatch/extractor/ner"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// Labelled is one labelled item of an evaluation set, in the format of
// GUIDELINES.md: a text (a sentence, with the one before it for context)
// and its main withdrawal event, if any.
type Labelled struct {
	ID              string `json:"id"`
	Source          string `json:"source,omitempty"`
	Text            string `json:"text"`
	Withdrawal      bool   `json:"withdrawal"`
	Kind            string `json:"kind"`
	Status          string `json:"status"`
	Actor           string `json:"actor"`
	What            string `json:"what"`
	From            string `json:"from"`
	NewAnnouncement bool   `json:"new_announcement"`
	// Group names the article, document or authored story the item comes
	// from, so that cross-validation keeps each group in one fold. Empty in
	// older sets; GroupOf derives it then.
	Group string `json:"group,omitempty"`
	// CoNLL points at a sentence of a CoNLL file whose text may not be
	// copied into the repository; Text is then empty and ResolveCoNLL
	// fills it from the file.
	CoNLL *CoNLLRef `json:"conll,omitempty"`
	// Title and Published are the context of the item's article, when
	// known: its headline and its publication date (RFC 3339 or
	// YYYY-MM-DD). Older sets leave them empty; ResolveCoNLL and
	// ResolveCorpus fill them from the source article.
	Title     string `json:"title,omitempty"`
	Published string `json:"published,omitempty"`
}

// Context returns the article context of an item for the detector. A
// Published that is neither RFC 3339 nor YYYY-MM-DD is an error.
func (it Labelled) Context() (Context, error) {
	c := Context{Title: it.Title}
	if it.Published == "" {
		return c, nil
	}
	t, err := parseDate(it.Published)
	if err != nil {
		return Context{}, fmt.Errorf("item %s: published: %w", it.ID, err)
	}
	c.Published = &t
	return c, nil
}

// parseDate reads an RFC 3339 time, a time with a space for the "T", or a
// bare YYYY-MM-DD date.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (RFC 3339 or YYYY-MM-DD)", s)
}

// ResolveCorpus fills the Title and Published of items taken from corpus
// pages (ids "<page>#<n>", optionally prefixed "<set>:") that have none,
// from the truth.jsonl files of the corpus directories dirs. Items of
// pages not found are left as they are; a truth file that does not parse
// is an error.
func ResolveCorpus(items []Labelled, dirs []string) error {
	type page struct{ title, published string }
	pages := map[string]page{}
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, "truth.jsonl"))
		if err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 1; sc.Scan(); n++ {
			var p struct {
				ID        string  `json:"id"`
				Title     *string `json:"title"`
				Published *string `json:"published"`
			}
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				f.Close()
				return fmt.Errorf("corpus: %s line %d: %w", dir, n, err)
			}
			var pg page
			if p.Title != nil {
				pg.title = *p.Title
			}
			if p.Published != nil {
				pg.published = *p.Published
			}
			pages[p.ID] = pg
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return fmt.Errorf("corpus: %s: %w", dir, err)
		}
	}
	for k := range items {
		id, _, ok := strings.Cut(items[k].ID, "#")
		if !ok {
			continue
		}
		if _, rest, ok := strings.Cut(id, ":"); ok {
			id = rest
		}
		pg, ok := pages[id]
		if !ok {
			continue
		}
		if items[k].Title == "" {
			items[k].Title = pg.title
		}
		if items[k].Published == "" {
			if _, err := parseDate(pg.published); err == nil {
				items[k].Published = pg.published
			}
		}
	}
	return nil
}

// CoNLLRef names a sentence of a CoNLL-format file: the 0-based index
// among its sentences, -DOCSTART- lines not counted.
type CoNLLRef struct {
	File     string `json:"file"`
	Sentence int    `json:"sentence"`
}

// ResolveCoNLL fills the text of items that point into CoNLL files in dir,
// joining a sentence's tokens with spaces, and sets the Group of an item
// that has none to its CoNLL document ("file/docN"). An item without a
// Title or Published gets its document's: the first sentence (the
// headline) and the date of the dateline ("LONDON 1996-08-30") when the
// second sentence is one. It fails naming the item whose file or sentence
// is missing.
func ResolveCoNLL(items []Labelled, dir string) error {
	files := map[string][]ner.Sentence{}
	for k := range items {
		ref := items[k].CoNLL
		if ref == nil {
			continue
		}
		sents, ok := files[ref.File]
		if !ok {
			f, err := os.Open(filepath.Join(dir, ref.File))
			if err != nil {
				return fmt.Errorf("item %s: %w", items[k].ID, err)
			}
			sents, err = ner.ReadCoNLL(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("item %s: %s: %w", items[k].ID, ref.File, err)
			}
			files[ref.File] = sents
		}
		if ref.Sentence < 0 || ref.Sentence >= len(sents) {
			return fmt.Errorf("item %s: %s has no sentence %d", items[k].ID, ref.File, ref.Sentence)
		}
		items[k].Text = strings.Join(sents[ref.Sentence].Words, " ")
		if items[k].Title == "" || items[k].Published == "" {
			title, date := documentContext(sents, ref.Sentence)
			if items[k].Title == "" {
				items[k].Title = title
			}
			if items[k].Published == "" {
				items[k].Published = date
			}
		}
		if items[k].Group == "" {
			items[k].Group = fmt.Sprintf("%s/doc%d", strings.TrimSuffix(ref.File, ".txt"), sents[ref.Sentence].Doc)
		}
	}
	return nil
}

// datelineRE matches a Reuters dateline: a place ("LONDON", "SHATOI ,
// Russia") and a date.
var datelineRE = regexp.MustCompile(`^[A-Z][A-Za-z .,'()-]{0,60} (\d{4}-\d{2}-\d{2})$`)

// documentContext returns the headline of sentence i's document (its first
// sentence) and the date of its dateline ("" when the document's second
// sentence is no dateline).
func documentContext(sents []ner.Sentence, i int) (title, date string) {
	first := i
	for first > 0 && sents[first-1].Doc == sents[i].Doc {
		first--
	}
	title = strings.Join(sents[first].Words, " ")
	if first+1 < len(sents) && sents[first+1].Doc == sents[i].Doc {
		if m := datelineRE.FindStringSubmatch(strings.Join(sents[first+1].Words, " ")); m != nil {
			date = m[1]
		}
	}
	return title, date
}

// GroupOf returns the group an item belongs to for cross-validation: its
// Group, or else its id up to a "#" (the page of a corpus sentence), or
// else its whole id (an authored sentence stands alone).
func GroupOf(it Labelled) string {
	if it.Group != "" {
		return it.Group
	}
	id, _, _ := strings.Cut(it.ID, "#")
	return id
}

// Fold returns the fold, in [0, k), of a group: a hash of its name, so
// that folds do not depend on the order of the sets.
func Fold(group string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(group))
	return int(h.Sum32() % uint32(k))
}

// ReadLabelled reads a JSONL set of labelled items. A line that does not
// parse is an error naming its line number.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	var out []Labelled
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var l Labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Prediction is what a system says about one labelled item.
type Prediction struct {
	Withdrawal      bool
	Kind, Status    string
	NewAnnouncement bool
	// Actor, What and From are the words of the main event's roles, "" for
	// a role it does not fill.
	Actor, What, From string
}

// Score holds the figures of one system on one set.
type Score struct {
	Items                      int
	Detect, New                PRF
	KindRight, StatusRight, TP int // on items both labelled and detected
	// RolesLabelled counts, on the same items, the actors, whats and
	// froms (in that order) the label names, and RolesRight those of them
	// the main event agrees with by SameRole. A role the label leaves
	// empty is not scored: several sets name only the actor, so an empty
	// label does not say the sentence has no such role.
	RolesLabelled, RolesRight [3]int
	Sentences                 int
	Elapsed                   time.Duration
}

// PRF counts true and false positives and false negatives.
type PRF struct{ TP, FP, FN int }

// Add counts one decision.
func (p *PRF) Add(gold, pred bool) {
	switch {
	case gold && pred:
		p.TP++
	case pred:
		p.FP++
	case gold:
		p.FN++
	}
}

// P, R and F1 return precision, recall and F1 (0 when undefined).
func (p PRF) P() float64 { return ratio(p.TP, p.TP+p.FP) }

// R returns recall.
func (p PRF) R() float64 { return ratio(p.TP, p.TP+p.FN) }

// F1 returns the harmonic mean of P and R.
func (p PRF) F1() float64 {
	if p.P()+p.R() == 0 {
		return 0
	}
	return 2 * p.P() * p.R() / (p.P() + p.R())
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Evaluate scores predictions against the labels.
func Evaluate(items []Labelled, preds []Prediction) Score {
	s := Score{Items: len(items)}
	for k, it := range items {
		p := preds[k]
		s.Detect.Add(it.Withdrawal, p.Withdrawal)
		s.New.Add(it.NewAnnouncement, p.NewAnnouncement)
		if it.Withdrawal && p.Withdrawal {
			s.TP++
			if p.Kind == it.Kind {
				s.KindRight++
			}
			if p.Status == it.Status {
				s.StatusRight++
			}
			for r, pair := range [3][2]string{{it.Actor, p.Actor}, {it.What, p.What}, {it.From, p.From}} {
				if strings.TrimSpace(pair[0]) == "" {
					continue
				}
				s.RolesLabelled[r]++
				if SameRole(pair[0], pair[1]) {
					s.RolesRight[r]++
				}
			}
		}
	}
	return s
}

// PredictContext runs the detector over an item's text in its article's
// context: the item is a withdrawal when any event is found, and the first
// event is its main one.
func (d *Detector) PredictContext(text string, c Context) Prediction {
	return PredictionOf(d.DetectContext(text, nil, c))
}

// PredictionOf is the prediction the events found in an item's text make:
// a withdrawal when there is any, of the first event's kind and status,
// and a new announcement when any event is one. It lets a caller that
// also needs the events detect once.
func PredictionOf(evs []article.Event) Prediction {
	if len(evs) == 0 {
		return Prediction{}
	}
	p := Prediction{Withdrawal: true, Kind: evs[0].Kind, Status: evs[0].Status,
		Actor: roleText(evs[0].Actor), What: roleText(evs[0].What), From: roleText(evs[0].From)}
	for _, e := range evs {
		if e.NewAnnouncement {
			p.NewAnnouncement = true
		}
	}
	return p
}

func roleText(r *article.Role) string {
	if r == nil {
		return ""
	}
	return r.Text
}

// SameRole reports whether a predicted role's words agree with a label's:
// both empty, or, once lowercased, stripped of punctuation, of "'s" and of
// leading articles, possessives and quantifiers, one holds the other as
// whole words ("Russia's defence ministry" agrees with "Russia", "its
// troops" with "troops"; "Russia" does not agree with "Russian troops").
// It is lenient on purpose: labellers and the detector cut phrases at
// different places, and what an analyst needs is the right participant,
// not the same span.
func SameRole(gold, pred string) bool {
	g, p := roleWords(gold), roleWords(pred)
	if g == "" || p == "" {
		return g == p
	}
	return strings.Contains(" "+g+" ", " "+p+" ") || strings.Contains(" "+p+" ", " "+g+" ")
}

// roleDeterminers are dropped from the front of a role before comparing.
var roleDeterminers = map[string]bool{"the": true, "a": true, "an": true, "its": true, "their": true, "his": true,
	"her": true, "our": true, "all": true, "some": true, "remaining": true}

// roleWords is a role's words as SameRole compares them, joined by single
// spaces.
func roleWords(s string) string {
	s = strings.NewReplacer("’s", " ", "'s", " ").Replace(strings.ToLower(s))
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for len(words) > 0 && roleDeterminers[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// keywordRE is the saved search an analyst writes today,
// withdraw* OR pullout OR "pull out" OR recall*, as plain case-insensitive
// word and prefix matching.
var keywordRE = regexp.MustCompile(`(?i)\b(withdraw\w*|pullout|pull out|recall\w*)\b`)

// Keyword is the baseline: it fires on every mention of its words and so
// calls every hit a new announcement; it knows no kind or status.
func Keyword(text string) Prediction {
	hit := keywordRE.MatchString(text)
	return Prediction{Withdrawal: hit, NewAnnouncement: hit}
}

// CountSentences returns how many sentences the detector sees in text.
func (d *Detector) CountSentences(text string) int {
	return len(splitSentences(text, d.lex.Abbrev))
}
