// Package gazetteer holds curated lists of countries, demonyms, cities and
// regions, organisations and people, with their canonical names and ISO
// 3166-1 alpha-2 country codes. The entity model uses it for features and
// the extractor for canonical names; see README.md for sources.
package gazetteer

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what a gazetteer entry names.
type Kind uint8

// Kinds of entries. Demonyms ("Russian") point at a country but are not
// place mentions themselves.
const (
	Country Kind = iota + 1
	Demonym
	Place
	Organization
	Person
	// GivenName marks a common first name; Match reports it for single
	// tokens as a model feature, Lookup never returns it.
	GivenName
)

// String returns a short upper-case name used in model features.
func (k Kind) String() string {
	switch k {
	case Country:
		return "COUNTRY"
	case Demonym:
		return "DEMONYM"
	case Place:
		return "PLACE"
	case Organization:
		return "ORG"
	case Person:
		return "PERSON"
	case GivenName:
		return "GIVEN"
	}
	return "NONE"
}

// Entry is what a name resolves to.
type Entry struct {
	Canonical string
	Kind      Kind
	// Country is the ISO 3166-1 alpha-2 code of the country the entry is,
	// lies in, or (for demonyms and national organisations) belongs to.
	Country string
}

// Match is a run of tokens [Start, End) naming an entry.
type Match struct {
	Start, End int
	Entry
}

type phrase struct {
	words []string // lower-cased tokens
	entry Entry
}

// Gazetteer answers name lookups. It is immutable after Load and safe for
// concurrent use.
type Gazetteer struct {
	exact   map[string]Entry    // surface form as written
	folded  map[string]Entry    // lower-cased surface form
	phrases map[string][]phrase // by lower-cased first token, longest first
	country map[string]string   // ISO code to canonical country name
	given   map[string]bool     // lower-cased given names
}

var (
	//go:embed countries.tsv
	countriesTSV string
	//go:embed places.tsv
	placesTSV string
	//go:embed organizations.tsv
	organizationsTSV string
	//go:embed people.tsv
	peopleTSV string
	//go:embed given_names.txt
	givenNames string
)

// Load parses the embedded lists. Earlier lists win when a name is in two:
// a country name beats a capital of the same name ("Luxembourg"), and a
// demonym beats a city.
func Load() (*Gazetteer, error) {
	g := &Gazetteer{
		exact:   map[string]Entry{},
		folded:  map[string]Entry{},
		phrases: map[string][]phrase{},
		country: map[string]string{},
		given:   map[string]bool{},
	}
	for _, line := range strings.Split(givenNames, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, n := range strings.Fields(line) {
			g.given[strings.ToLower(n)] = true
		}
	}
	var capitals [][2]string
	err := eachRow("countries.tsv", countriesTSV, 5, func(f []string) {
		code, name := f[0], f[1]
		g.country[code] = name
		c := Entry{Canonical: name, Kind: Country, Country: code}
		g.add(name, c)
		for _, alias := range list(f[2]) {
			g.add(alias, c)
		}
		for _, d := range list(f[3]) {
			g.add(d, Entry{Canonical: name, Kind: Demonym, Country: code})
		}
		if f[4] != "" {
			capitals = append(capitals, [2]string{f[4], code})
		}
	})
	if err != nil {
		return nil, err
	}
	for _, c := range capitals {
		g.add(c[0], Entry{Canonical: c[0], Kind: Place, Country: c[1]})
	}
	tables := []struct {
		file, data string
		kind       Kind
	}{
		{"places.tsv", placesTSV, Place},
		{"organizations.tsv", organizationsTSV, Organization},
		{"people.tsv", peopleTSV, Person},
	}
	for _, tb := range tables {
		err := eachRow(tb.file, tb.data, 3, func(f []string) {
			e := Entry{Canonical: f[0], Kind: tb.kind}
			if len(f) > 2 {
				e.Country = f[2]
			}
			if tb.kind == Place {
				e.Country = f[1]
			}
			g.add(f[0], e)
			for _, alias := range list(f[1]) {
				if tb.kind != Place {
					g.add(alias, e)
				}
			}
			if tb.kind == Place && len(f) > 2 {
				for _, alias := range list(f[2]) {
					g.add(alias, e)
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	for k := range g.phrases {
		ps := g.phrases[k]
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
	}
	return g, nil
}

// eachRow calls fn with the tab-separated fields of each non-comment line,
// padded to at least min fields.
func eachRow(file, data string, min int, fn func([]string)) error {
	sc := bufio.NewScanner(strings.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if f[0] == "" {
			return fmt.Errorf("gazetteer: %s:%d: empty name", file, n)
		}
		for len(f) < min {
			f = append(f, "")
		}
		fn(f)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("gazetteer: %s: %w", file, err)
	}
	return nil
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func (g *Gazetteer) add(name string, e Entry) {
	name = strings.TrimPrefix(name, "the ")
	if _, ok := g.exact[name]; !ok {
		g.exact[name] = e
	}
	low := strings.ToLower(name)
	if _, ok := g.folded[low]; !ok {
		g.folded[low] = e
		words := strings.Fields(low)
		g.phrases[words[0]] = append(g.phrases[words[0]], phrase{words: words, entry: e})
	}
}

// Lookup resolves a name as written, then ignoring case, ignoring a leading
// "the " and a trailing possessive "'s".
func (g *Gazetteer) Lookup(name string) (Entry, bool) {
	name = strings.TrimSpace(name)
	name = strings.TrimPrefix(strings.TrimPrefix(name, "the "), "The ")
	for _, n := range []string{name, strings.TrimSuffix(strings.TrimSuffix(name, "'s"), "\u2019s")} {
		if e, ok := g.exact[n]; ok {
			return e, true
		}
		// Case-insensitive only for all-caps text (headlines): "LIBYA" is
		// Libya, but "Fed" must not match "fed" and vice versa.
		if isUpper(n) {
			if e, ok := g.folded[strings.ToLower(n)]; ok {
				return e, true
			}
		}
	}
	return Entry{}, false
}

// Match finds the longest gazetteer names in a token sequence, left to
// right. lower holds the lower-cased tokens; a match must start with a
// token that is capitalised in tokens.
func (g *Gazetteer) Match(tokens, lower []string) []Match {
	var out []Match
	for i := 0; i < len(lower); {
		r, _ := utf8.DecodeRuneInString(tokens[i])
		if !unicode.IsUpper(r) {
			i++
			continue
		}
		found := false
		for _, p := range g.phrases[lower[i]] {
			if i+len(p.words) > len(lower) {
				continue
			}
			ok := true
			for k := 1; k < len(p.words); k++ {
				if lower[i+k] != p.words[k] {
					ok = false
					break
				}
			}
			if ok {
				out = append(out, Match{Start: i, End: i + len(p.words), Entry: p.entry})
				i += len(p.words)
				found = true
				break
			}
		}
		if !found {
			if g.given[lower[i]] {
				out = append(out, Match{Start: i, End: i + 1, Entry: Entry{Canonical: tokens[i], Kind: GivenName}})
			}
			i++
		}
	}
	return out
}

func isUpper(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 1
}
