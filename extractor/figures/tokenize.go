package figures

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind says what a token is made of.
type tokKind uint8

const (
	tWord  tokKind = iota + 1 // letters, with inner apostrophes, hyphens and abbreviation dots
	tNum                      // ASCII digits, with inner "," and "." between digits
	tPunct                    // any other single rune
)

// token is one lexical unit of the body. Offsets are byte offsets into the
// body so that figures can be cut out of it exactly.
type token struct {
	kind       tokKind
	start, end int
	// lower is the lowercased text of a word, or the raw text otherwise.
	lower string
	// space is true when whitespace separates this token from the previous
	// one; patterns use it to tell "US$5" from "US $ 5" and "10:30" from
	// "10: 30".
	space bool
	// newline is true when a line break precedes the token; multi-token
	// patterns never cross it, because paragraphs are independent.
	newline bool
}

// isSpace reports whether r separates tokens. No-break and thin spaces are
// common between numbers and units in published copy.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u2009' || r == '\u202f' || r == '\u200b'
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// letterAt reports whether s[i:] starts with a letter.
func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// tokenize splits s into tokens. It never fails: invalid UTF-8 bytes become
// one-byte punctuation tokens, so offsets always stay inside s.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	space, newline := true, true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpace(r):
			space = true
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
				newline = true
			}
			i += size
			continue
		case r < utf8.RuneSelf && isDigit(byte(r)):
			j := i + 1
			for j < len(s) {
				if isDigit(s[j]) {
					j++
					continue
				}
				if (s[j] == ',' || s[j] == '.') && j+1 < len(s) && isDigit(s[j+1]) {
					j += 2
					continue
				}
				break
			}
			toks = append(toks, token{kind: tNum, start: i, end: j, lower: s[i:j], space: space, newline: newline})
			i = j
		case unicode.IsLetter(r):
			j := i + size
			segLetters := 1 // letters since the last connector, for "U.S"
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.Is(unicode.Mn, r2) {
					j += n2
					segLetters++
					continue
				}
				connector := r2 == '\'' || r2 == '\u2019' || r2 == '-' || r2 == '\u2010' || (r2 == '.' && segLetters == 1)
				if connector && letterAt(s, j+n2) {
					j += n2
					segLetters = 0
					continue
				}
				break
			}
			toks = append(toks, token{kind: tWord, start: i, end: j, lower: strings.ToLower(s[i:j]), space: space, newline: newline})
			i = j
		default:
			toks = append(toks, token{kind: tPunct, start: i, end: i + size, lower: s[i : i+size], space: space, newline: newline})
			i += size
		}
		space, newline = false, false
	}
	return toks
}

// capitalized reports whether the token's text starts with an upper-case
// letter; month and weekday names only count when capitalised.
func (t token) capitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s[t.start:t.end])
	return unicode.IsUpper(r)
}

// possessive strips a trailing "'s" or "’s" from a lowercased word and
// returns the base and the number of bytes removed.
func possessive(w string) (string, int) {
	for _, suf := range [...]string{"'s", "\u2019s"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return w[:len(w)-len(suf)], len(suf)
		}
	}
	return w, 0
}
