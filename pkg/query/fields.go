package query

import (
	"slices"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// FieldKind says how a field's values match and so how every store
// renders a filter on it.
type FieldKind int

// The kinds of field.
const (
	// NameField matches a tagged name (entities of type Entity and the
	// article's list of them) holding the value as whole words, case and
	// accents folded (NameWords): person:Lavrov finds "Sergey Lavrov".
	NameField FieldKind = iota
	// HostField matches the article's site or a subdomain of it.
	HostField
	// KeyField matches a value of Values equal to the filter's, ignoring
	// case (Unicode simple folding).
	KeyField
	// PhraseField matches a value of Values that holds the filter's value
	// as whole words, ignoring case: author:Roe finds "Jane Roe". Words
	// are split at spaces.
	PhraseField
	// TextField is free text restricted to one part of the article
	// (title:).
	TextField
	// DateField bounds the article's date (since:, until:).
	DateField
	// FigureField compares the figures the extractor found (figure:).
	FigureField
	// EventField matches the withdrawal events the extractor tagged
	// (event:, event.kind:, event.status:, event.actor:; see events.go).
	EventField
)

// Field describes one field of the language. Adding a field of kind
// KeyField or PhraseField is one entry of Fields: the stores index
// Values of every such field in one generic place (see KeyValues), and
// the matcher calls Values.
type Field struct {
	Name string
	Kind FieldKind
	// Entity is the entity type of a NameField.
	Entity string
	// Values returns the values of a KeyField or PhraseField.
	Values func(a *article.Article) []string
	// Help is one line for --explain and error messages.
	Help string
}

// Fields are the fields the language knows, in the order errors list them.
var Fields = []Field{
	{Name: "person", Kind: NameField, Entity: article.Person, Help: "a tagged person"},
	{Name: "place", Kind: NameField, Entity: article.Place, Help: "a tagged place"},
	{Name: "org", Kind: NameField, Entity: article.Organization, Help: "a tagged organisation"},
	{Name: "site", Kind: HostField, Help: "the site or a subdomain of it"},
	{Name: "lang", Kind: KeyField, Values: func(a *article.Article) []string { return nonEmpty(a.Language) }, Help: "the language code"},
	{Name: "section", Kind: PhraseField, Values: func(a *article.Article) []string { return nonEmpty(a.Section) }, Help: "words of the section"},
	{Name: "author", Kind: PhraseField, Values: func(a *article.Article) []string { return a.Authors }, Help: "words of an author's name"},
	{Name: "story", Kind: KeyField, Values: func(a *article.Article) []string { return nonEmpty(a.StoryID) }, Help: "the story id"},
	{Name: "title", Kind: TextField, Help: "free text in the title"},
	{Name: "since", Kind: DateField, Help: "dated on or after"},
	{Name: "until", Kind: DateField, Help: "dated on or before"},
	{Name: "figure", Kind: FigureField, Help: "a figure of a kind, compared with a number"},
	{Name: "event", Kind: EventField, Help: "a withdrawal event: withdrawal, or new-withdrawal for one announced as news"},
	{Name: "event.kind", Kind: EventField, Help: "the kind of an event (military, diplomatic, ...)"},
	{Name: "event.status", Kind: EventField, Help: "the status of an event (announced, completed, ...)"},
	{Name: "event.actor", Kind: EventField, Help: "who withdraws: words of the actor's name, or its country"},
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// FieldNamed returns the field called name (lowercase).
func FieldNamed(name string) (Field, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func fieldNames() string {
	var names []string
	for _, f := range Fields {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// FoldKey folds a key value for comparison: lowercased, spaces
// collapsed. Stores index the folded values of KeyField and PhraseField
// fields and look filters up by it.
func FoldKey(v string) string {
	return strings.Join(strings.Fields(strings.ToLower(v)), " ")
}

// maxKeyWords bounds the words of a PhraseField value that are indexed:
// a value of n words has n(n+1)/2 runs of whole words.
const maxKeyWords = 8

// KeyValues returns what a store indexes for the key fields of a, as
// "field\x1fvalue" strings, each once: for a KeyField its folded values,
// for a PhraseField every run of whole words of them (of its first eight
// words), so that a filter is one exact lookup.
func KeyValues(a *article.Article) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, f := range Fields {
		for _, v := range valuesOf(f, a) {
			v = FoldKey(v)
			if v == "" {
				continue
			}
			if f.Kind == KeyField {
				add(KeyOf(f.Name, v))
				continue
			}
			words := strings.Split(v, " ")
			if len(words) > maxKeyWords {
				words = words[:maxKeyWords]
			}
			for i := range words {
				for j := i + 1; j <= len(words); j++ {
					add(KeyOf(f.Name, strings.Join(words[i:j], " ")))
				}
			}
		}
	}
	return out
}

func valuesOf(f Field, a *article.Article) []string {
	if f.Values == nil || (f.Kind != KeyField && f.Kind != PhraseField) {
		return nil
	}
	return f.Values(a)
}

// KeyOf is the indexed form of a key field's folded value.
func KeyOf(field, folded string) string { return field + "\x1f" + folded }
