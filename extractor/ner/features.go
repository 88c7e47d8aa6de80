package ner

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
)

// Feature templates. Their values are hashed into the weight table, so the
// numbers are part of the model format: append, never renumber.
const (
	fBias byte = iota + 1
	fWord
	fLower
	fShape
	fShort
	fPrefix // +0..3 for lengths 1..4
	_
	_
	_
	fSuffix // +0..3 for lengths 1..4
	_
	_
	_
	fPrev1
	fNext1
	fPrev2
	fNext2
	fShortPrevCur
	fShortCurNext
	_ // 20-24 were part-of-speech templates, dropped (see README.md)
	_
	_
	_
	_
	fBigramPrev
	fBigramNext
	fGaz
	fGazPrev
	fGazNext
	fGazShort
	fHeadlineShape
	fFirstShort
	_ // part-of-speech and shape, dropped
	fLength
	fPrevShort
	fShortTriple
	fNextShort
	fGazPrev2
	fGazNext2
	fPrevWordExact
	fNextWordExact
)

// sentence holds the per-token strings features are built from.
type sentence struct {
	word, lower, shape, short, gaz []string
	headline                       bool
}

func prepare(words []string, g *gazetteer.Gazetteer) *sentence {
	n := len(words)
	s := &sentence{
		word:  words,
		lower: make([]string, n),
		shape: make([]string, n),
		short: make([]string, n),
		gaz:   make([]string, n),
	}
	letters, upper := 0, 0
	for i, w := range words {
		s.lower[i] = strings.ToLower(w)
		s.shape[i], s.short[i] = shapes(w)
		s.gaz[i] = "-"
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
	}
	// CoNLL (and wire copy) has all-capitals headlines and datelines, where
	// capitalisation says nothing.
	s.headline = letters >= 6 && upper*10 >= letters*9
	if g != nil {
		for _, m := range g.Match(s.word, s.lower) {
			k := m.Kind.String()
			s.gaz[m.Start] = "B-" + k
			for j := m.Start + 1; j < m.End; j++ {
				s.gaz[j] = "I-" + k
			}
		}
	}
	return s
}

// shapes returns the word shape ("Xxxxx-dd") capped at 8 characters and
// its short form with repeats collapsed ("Xx-d").
func shapes(w string) (string, string) {
	var full, short []byte
	var last byte
	n := 0
	for _, r := range w {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		case r < utf8.RuneSelf:
			c = byte(r)
		default:
			c = '~'
		}
		if n < 8 {
			full = append(full, c)
		}
		n++
		if c != last {
			short = append(short, c)
			last = c
		}
	}
	return string(full), string(short)
}

// hasher builds FNV-1a hashes of feature templates and values without
// allocating.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashStr(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hash1(t byte, a string) uint64 {
	h := uint64(fnvOffset)
	h ^= uint64(t)
	h *= fnvPrime
	return hashStr(h, a)
}

func hash2(t byte, a, b string) uint64 {
	h := hash1(t, a)
	h ^= 0xff
	h *= fnvPrime
	return hashStr(h, b)
}

func hash3(t byte, a, b, c string) uint64 {
	h := hash2(t, a, b)
	h ^= 0xfe
	h *= fnvPrime
	return hashStr(h, c)
}

func at(xs []string, i int) string {
	if i < 0 {
		return "<S>"
	}
	if i >= len(xs) {
		return "</S>"
	}
	return xs[i]
}

// features appends the hashed features of token i to dst.
func (s *sentence) features(dst []uint64, i int) []uint64 {
	w, lw := s.word[i], s.lower[i]
	short := s.short[i]
	dst = append(dst,
		hash1(fBias, ""),
		hash1(fWord, w),
		hash1(fLower, lw),
		hash1(fShape, s.shape[i]),
		hash1(fShort, short),
		hash1(fPrev1, at(s.lower, i-1)),
		hash1(fNext1, at(s.lower, i+1)),
		hash1(fPrev2, at(s.lower, i-2)),
		hash1(fNext2, at(s.lower, i+2)),
		hash2(fShortPrevCur, at(s.short, i-1), short),
		hash2(fShortCurNext, short, at(s.short, i+1)),
		hash2(fBigramPrev, at(s.lower, i-1), lw),
		hash2(fBigramNext, lw, at(s.lower, i+1)),
		hash1(fGaz, s.gaz[i]),
		hash1(fGazPrev, at(s.gaz, i-1)),
		hash1(fGazNext, at(s.gaz, i+1)),
		hash2(fGazShort, s.gaz[i], short),
		hash2(fPrevShort, at(s.lower, i-1), short),
		hash3(fShortTriple, at(s.short, i-1), short, at(s.short, i+1)),
		hash2(fNextShort, at(s.lower, i+1), short),
		hash1(fGazPrev2, at(s.gaz, i-2)),
		hash1(fGazNext2, at(s.gaz, i+2)),
		hash1(fPrevWordExact, at(s.word, i-1)),
		hash1(fNextWordExact, at(s.word, i+1)),
	)
	if s.headline {
		dst = append(dst, hash2(fHeadlineShape, "H", short))
	}
	if i == 0 {
		dst = append(dst, hash2(fFirstShort, "F", short))
	}
	n := utf8.RuneCountInString(lw)
	dst = append(dst, hash1(fLength, lengthBucket(n)))
	for k := 1; k <= 4 && k <= len(lw); k++ {
		dst = append(dst, hash1(fPrefix+byte(k-1), lw[:k]), hash1(fSuffix+byte(k-1), lw[len(lw)-k:]))
	}
	return dst
}

func lengthBucket(n int) string {
	switch {
	case n <= 1:
		return "1"
	case n <= 2:
		return "2"
	case n <= 3:
		return "3"
	case n <= 5:
		return "5"
	case n <= 8:
		return "8"
	}
	return "9"
}
