package events

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or punctuation mark with its byte span in the text it
// was cut from. Norm is the lowercased form with typographic apostrophes
// made plain, which is what lexicons are keyed on.
type token struct {
	text, norm string
	start, end int
	punct      bool
}

// tokenize cuts s into words and punctuation. A word is a run of letters and
// digits, joined across an inner apostrophe, hyphen or dot ("don't",
// "pull-out", "U.S."), so that offsets stay exact without any rewriting.
func tokenize(s string, base int) []token {
	var out []token
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r2) {
					j += n2
					continue
				}
				if r2 == ',' && j+1 < len(s) && isDigitByte(s[j+1]) && isDigitByte(s[j-1]) {
					j++ // "10,000" is one number
					continue
				}
				if r2 == '\'' || r2 == '\u2019' || r2 == '-' || r2 == '.' {
					r3, _ := utf8.DecodeRuneInString(s[j+n2:])
					if j+n2 < len(s) && isWordRune(r3) {
						j += n2
						continue
					}
				}
				break
			}
			// "U.S." keeps its last dot: it is part of the name, and a
			// sentence that ends in it has been split before this point.
			if j < len(s) && s[j] == '.' && isInitials(s[i:j]) {
				j++
			}
			w := s[i:j]
			out = append(out, token{text: w, norm: normWord(w), start: base + i, end: base + j})
			i = j
		default:
			out = append(out, token{text: s[i : i+n], norm: s[i : i+n], start: base + i, end: base + i + n, punct: true})
			i += n
		}
	}
	return out
}

// isInitials reports whether w is letters joined by dots ("U.S", "U.K").
func isInitials(w string) bool {
	if len(w) < 3 {
		return false
	}
	for k := 0; k < len(w); k++ {
		if k%2 == 1 && w[k] != '.' || k%2 == 0 && !(w[k] >= 'A' && w[k] <= 'Z' || w[k] >= 'a' && w[k] <= 'z') {
			return false
		}
	}
	return len(w)%2 == 1
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func normWord(w string) string {
	w = strings.ToLower(w)
	if strings.ContainsRune(w, '\u2019') {
		w = strings.ReplaceAll(w, "\u2019", "'")
	}
	return w
}

// sentence is a byte span of the body.
type sentence struct{ start, end int }

// splitSentences cuts text into sentences: at line breaks, since article
// bodies put paragraphs, headlines and captions on lines of their own, and
// after '.', '!' or '?' followed by space and a capital, digit or quote,
// unless the word before the stop is a known abbreviation or an initial.
// It is a rule, not a model, because it must cost next to nothing.
func splitSentences(text string, abbrev map[string]bool) []sentence {
	var out []sentence
	add := func(s, e int) {
		for s < e && isSpaceByte(text[s]) {
			s++
		}
		for e > s && isSpaceByte(text[e-1]) {
			e--
		}
		if e > s {
			out = append(out, sentence{s, e})
		}
	}
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			add(start, i)
			start = i + 1
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		// Closing quotes and brackets stay with the sentence they end.
		for j < len(text) {
			if text[j] == '"' || text[j] == '\'' || text[j] == ')' {
				j++
				continue
			}
			if strings.HasPrefix(text[j:], "\u201d") || strings.HasPrefix(text[j:], "\u2019") {
				j += 3
				continue
			}
			break
		}
		if j >= len(text) || (text[j] != ' ' && text[j] != '\t') {
			continue
		}
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k >= len(text) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '"' && r != '\u201c' && r != '\'' && r != '\u2018' {
			continue
		}
		if c == '.' && isAbbrev(text[start:i], abbrev) {
			continue
		}
		add(start, j)
		start = j
	}
	add(start, len(text))
	return out
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isAbbrev reports whether the word that ends s (just before a dot) is an
// abbreviation or a single-letter initial, after which a dot ends nothing.
func isAbbrev(s string, abbrev map[string]bool) bool {
	k := len(s)
	for k > 0 && s[k-1] != ' ' && s[k-1] != '\n' && s[k-1] != '(' && s[k-1] != '"' {
		k--
	}
	w := strings.ToLower(s[k:])
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && unicode.IsLetter(r) {
		return true // an initial, as in "George W. Bush"
	}
	return abbrev[w]
}
