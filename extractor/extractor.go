// Package extractor tags articles with the people, places and organisations
// they mention, and with the figures they quote.
//
// prose v2 supplies tokens and sentences; entity recognition on top of it
// is done by this package's own sequence model (package ner),
// gazetteers and rules, because prose's entity tagger alone is far too
// inaccurate on news text (see issue 5).
package extractor

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jdkato/prose/v2"
	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/english"

	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/extractor/ner"
	"github.com/wirewatch/wirewatch/internal/gazetteer"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// Options configures an Extractor.
type Options struct {
	// Figures extracts the figures of a body; Tag calls it with the body
	// and the publication time. Nil means figures.Extract. It is a field so
	// that callers and tests can swap or stub the figures stage.
	Figures func(body string, published *time.Time) []article.Figure

	// ProseOnly makes the extractor use prose's own entity tagger instead
	// of wirewatch's model and rules. It exists to measure the baseline
	// side by side with wirewatch; production code leaves it false.
	ProseOnly bool

	// Logger receives construction-time diagnostics; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Extractor tags articles. Models are loaded once by New; an Extractor is
// read-only afterwards and safe for concurrent use by many goroutines.
type Extractor struct {
	prose     *prose.Model
	punkt     *sentences.DefaultSentenceTokenizer
	figures   func(string, *time.Time) []article.Figure
	proseOnly bool
	gaz       *gazetteer.Gazetteer
	model     *ner.Model
	events    *events.Detector
	log       *slog.Logger
}

// New loads the models and returns a ready Extractor. It is slow (about a
// second) and meant to be called once per process.
func New(opts Options) (*Extractor, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	started := time.Now()
	punkt, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return nil, fmt.Errorf("extractor: load sentence model: %w", err)
	}
	gaz, err := gazetteer.Load()
	if err != nil {
		return nil, fmt.Errorf("extractor: %w", err)
	}
	if opts.Figures == nil {
		opts.Figures = figures.Extract
	}
	det, err := events.New("en")
	if err != nil {
		return nil, fmt.Errorf("extractor: %w", err)
	}
	e := &Extractor{
		punkt:     punkt,
		figures:   opts.Figures,
		proseOnly: opts.ProseOnly,
		gaz:       gaz,
		events:    det,
		log:       log,
	}
	if opts.ProseOnly {
		// Built once and shared: prose.NewDocument without a model would
		// reload it on every call.
		e.prose = prose.ModelFromData("wirewatch")
	} else if e.model, err = ner.Default(gaz); err != nil {
		return nil, fmt.Errorf("extractor: %w", err)
	}
	log.Debug("extractor loaded", "took", time.Since(started), "prose_only", opts.ProseOnly)
	return e, nil
}

// Tag fills a.Entities, a.People, a.Places, a.Organizations, a.Figures and
// a.Events from a.Body, replacing whatever they held. Output depends only on the
// article and the Extractor's models, so it is deterministic.
func (e *Extractor) Tag(ctx context.Context, a *article.Article) error {
	if !isEnglish(a.Language) {
		// The models are English; tagging other languages yields noise
		// (every capitalised word a name), so leave the lists empty.
		a.Entities, a.People, a.Places, a.Organizations = []article.Entity{}, []string{}, []string{}, []string{}
		a.Figures = []article.Figure{}
		a.Events = nil
		return nil
	}
	sents, err := e.analyse(a.Body, e.proseNER())
	if err != nil {
		return fmt.Errorf("extractor: article %s: %w", a.ID, err)
	}
	var mentions []mention
	for _, toks := range sents {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("extractor: article %s: %w", a.ID, err)
		}
		tags := e.label(toks)
		if e.proseOnly {
			mentions = append(mentions, spans(toks, tags)...)
		} else {
			mentions = append(mentions, e.sentenceMentions(toks, tags)...)
		}
	}
	if e.proseOnly {
		a.Entities = plainEntities(a.Body, mentions)
	} else {
		a.Entities = e.resolve(a.Body, sents, mentions)
	}
	a.People, a.Places, a.Organizations = distinct(a.Entities)
	a.Figures = []article.Figure{}
	if f := e.figures(a.Body, a.PublishedAt); f != nil {
		a.Figures = f
	}
	// Events last: their roles link to the entities just found. The
	// headline and date tell news from background.
	a.Events = nil
	if evs := e.events.DetectContext(a.Body, a.Entities, events.Context{Published: a.PublishedAt, Title: a.Title}); len(evs) > 0 {
		a.Events = evs
	}
	return nil
}

// TagTokens tags one pre-tokenised sentence with IOB2 tags over PER, LOC,
// ORG and MISC, one tag per token.
func (e *Extractor) TagTokens(sentence []string) []string {
	if len(sentence) == 0 {
		return []string{}
	}
	return e.label(e.tokens(sentence))
}

// tokens runs prose over a pre-tokenised sentence joined by spaces and,
// for the prose baseline, maps its entity labels back onto the tokens.
func (e *Extractor) tokens(sentence []string) []token {
	if !e.proseOnly {
		toks := make([]token, len(sentence))
		for i, w := range sentence {
			toks[i] = token{text: w}
		}
		return toks
	}
	var b strings.Builder
	starts := make([]int, len(sentence))
	for i, w := range sentence {
		if i > 0 {
			b.WriteByte(' ')
		}
		starts[i] = b.Len()
		b.WriteString(w)
	}
	san := sanitize(b.String(), 0)
	ptoks, err := e.proseDoc(san.text, e.proseNER())
	var located []token
	if err == nil {
		located = locate(san, ptoks)
	}
	// Give each input token the tags of the first prose token inside it:
	// prose splits on whitespace first, so none straddles two inputs.
	toks := make([]token, len(sentence))
	j := 0
	for i, w := range sentence {
		end := starts[i] + len(w)
		toks[i] = token{text: w, start: starts[i], end: end}
		for j < len(located) && (located[j].start < 0 || located[j].start < starts[i]) {
			j++
		}
		if j < len(located) && located[j].start < end {
			toks[i].label = located[j].label
		}
	}
	return toks
}

// label returns IOB2 tags for one sentence of tokens.
func (e *Extractor) label(toks []token) []string {
	if e.proseOnly {
		return proseLabels(toks)
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.text
	}
	return e.model.Tag(words)
}

// proseTypes maps prose's entity labels to CoNLL types. prose's model has
// more labels than its README names; GSP (geo-socio-political) and
// facilities are places.
var proseTypes = map[string]string{
	"PERSON": "PER", "GPE": "LOC", "LOCATION": "LOC", "GSP": "LOC", "FACILITY": "LOC",
	"ORGANIZATION": "ORG",
}

// proseLabels converts prose's per-token labels to valid IOB2, grouping
// tokens ourselves (prose's own chunking loses many entities).
func proseLabels(toks []token) []string {
	out := make([]string, len(toks))
	prev := "O"
	for i, t := range toks {
		out[i] = "O"
		if len(t.label) < 3 || t.label == "O" {
			prev = "O"
			continue
		}
		typ, ok := proseTypes[t.label[2:]]
		if !ok {
			typ = "MISC"
		}
		// prose often starts every token of a name afresh ("Sergey/B-PERSON
		// Lavrov/B-PERSON"), so adjacent tokens of one type are one entity.
		if prev == typ {
			out[i] = "I-" + typ
		} else {
			out[i] = "B-" + typ
		}
		prev = typ
	}
	return out
}

// mention is one recognised entity span over body bytes.
type mention struct {
	typ        string // PER, LOC, ORG or MISC
	start, end int
}

// spans groups IOB2 tags into mentions, dropping tokens without a location.
func spans(toks []token, tags []string) []mention {
	var out []mention
	for i := 0; i < len(toks); {
		if len(tags[i]) < 3 {
			i++
			continue
		}
		typ := tags[i][2:]
		j := i + 1
		for j < len(toks) && tags[j] == "I-"+typ {
			j++
		}
		if toks[i].start >= 0 && toks[j-1].end >= 0 {
			out = append(out, mention{typ: typ, start: toks[i].start, end: toks[j-1].end})
		}
		i = j
	}
	return out
}

// articleTypes maps CoNLL types to the article model's entity types.
var articleTypes = map[string]string{
	"PER": article.Person, "LOC": article.Place, "ORG": article.Organization, "MISC": article.Misc,
}

// plainEntities reports mentions as they are, for the prose baseline.
func plainEntities(body string, ms []mention) []article.Entity {
	out := make([]article.Entity, 0, len(ms))
	for _, m := range ms {
		text := body[m.start:m.end]
		out = append(out, article.Entity{Text: text, Type: articleTypes[m.typ], Canonical: text, Start: m.start, End: m.end})
	}
	return out
}

// distinct lists the distinct canonical names of people, places and
// organisations in order of first mention.
func distinct(ents []article.Entity) (people, places, orgs []string) {
	people, places, orgs = []string{}, []string{}, []string{}
	seen := map[string]bool{}
	for _, en := range ents {
		key := en.Type + "\x00" + en.Canonical
		if seen[key] {
			continue
		}
		seen[key] = true
		switch en.Type {
		case article.Person:
			people = append(people, en.Canonical)
		case article.Place:
			places = append(places, en.Canonical)
		case article.Organization:
			orgs = append(orgs, en.Canonical)
		}
	}
	return people, places, orgs
}

// proseNER reports whether prose's entity classifier must run.
func (e *Extractor) proseNER() bool { return e.proseOnly }

// isEnglish reports whether a BCP 47 language tag is English or unknown.
func isEnglish(lang string) bool {
	if lang == "" {
		return true
	}
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	primary, _, _ = strings.Cut(primary, "_")
	return primary == "en" || primary == "eng"
}
