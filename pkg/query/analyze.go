package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of analysed text.
type Token struct {
	// Term is what free text, phrases and proximity compare: Word stemmed.
	Term string
	// Word is the word folded (case and accents) but not stemmed: what a
	// prefix compares, so that universit* finds "university", whose
	// stem is "univers".
	Word string
	// Start and End are the byte offsets of the word in the analysed text.
	Start, End int
}

// maxTokenRunes bounds a token. Longer runs of letters (URLs without
// punctuation, base64) are cut, in documents and queries alike, so that
// no index meets a token longer than it accepts.
const maxTokenRunes = 64

// Analyze splits s into tokens: runs of letters, digits and the marks
// attached to them, folded (see Fold) and stemmed (see Stem). It is the
// one analysis of free text in wirewatch: both stores index its output
// and the alert matcher compares it, so that a query means the same
// everywhere.
func Analyze(s string) []Token {
	var out []Token
	// Stemming is most of the cost and words repeat: each is stemmed once.
	stems := map[string]string{}
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := Fold(s[start:end])
		if w != "" {
			t, ok := stems[w]
			if !ok {
				t = Stem(w)
				stems[w] = t
			}
			out = append(out, Token{Term: t, Word: w, Start: start, End: end})
		}
		start = -1
	}
	for i, r := range s {
		if isTokenRune(r) || (start >= 0 && unicode.Is(unicode.M, r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// isTokenRune reports whether r starts or continues a word: a letter, a
// digit or a private-use character.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// Fold lowercases one word and removes the accents of Latin, Greek and
// Cyrillic letters ("Ötzi" → "otzi", "Ἀθῆναι" → "αθηναι"). Marks of other
// scripts (Devanagari vowel signs, Arabic harakat) are part of their
// letters and are kept. Final sigma folds to sigma. The word is cut to
// 64 runes.
func Fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		if len(w) > maxTokenRunes {
			w = w[:maxTokenRunes]
		}
		return strings.ToLower(w)
	}
	var b strings.Builder
	var base rune
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) && (unicode.Is(unicode.Latin, base) || unicode.Is(unicode.Greek, base) || unicode.Is(unicode.Cyrillic, base)) {
			continue
		}
		if !unicode.Is(unicode.M, r) {
			base = r
		}
		if r == 'ς' {
			r = 'σ'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	out := norm.NFC.String(b.String())
	if utf8.RuneCountInString(out) > maxTokenRunes {
		n := 0
		for i := range out {
			if n == maxTokenRunes {
				out = out[:i]
				break
			}
			n++
		}
	}
	return out
}

// Stem reduces a folded English word to its stem with the Snowball
// English (Porter2) stemmer: "withdrawal", "withdrawing" and "withdraw"
// share the stem "withdraw", "fighters" and "fighter" the stem "fighter".
// Words with anything but the letters a to z (numbers, other scripts)
// are left alone: the stemmer's rules are for English.
func Stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	return english.Stem(w, true)
}

// Terms returns the stems of the words of s, in order.
func Terms(s string) []string {
	toks := Analyze(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

// NameWords returns the words of a tagged name, or of the value of a name
// filter (person:, place:, org:), as the filters compare them: split at
// spaces and hyphens and folded (Fold: case and accents), so that
// person:Erdogan finds "Recep Tayyip Erdoğan", place:"sao paulo" finds
// "São Paulo" and person:Assad "Bashar al-Assad".
func NameWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '\u2010' || r == '\u2011' }) {
		if f := Fold(w); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// PaddedName returns the words of NameWords(s) joined by single spaces,
// with a space each side: a name holds a filter's value as whole words
// exactly when PaddedName(name) contains PaddedName(value).
func PaddedName(s string) string { return " " + strings.Join(NameWords(s), " ") + " " }

// TermsAndWords returns Terms(s) and Words(s) from one analysis of s,
// which is what a store indexes a text as: an article's body analysed
// once instead of twice.
func TermsAndWords(s string) (terms, words []string) {
	toks := Analyze(s)
	terms = make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return terms, distinctWords(toks)
}

// Words returns the folded words of s, in order, each once.
func Words(s string) []string { return distinctWords(Analyze(s)) }

// distinctWords returns the words of toks, in order, each once.
func distinctWords(toks []Token) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range toks {
		if !seen[t.Word] {
			seen[t.Word] = true
			out = append(out, t.Word)
		}
	}
	return out
}
