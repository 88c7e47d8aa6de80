package figures

import (
	"math"
	"strconv"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// numeral is a number found at some token, before its role is known.
type numeral struct {
	value  float64
	end    int  // index of the first token after the number
	digits bool // written with digits rather than words
	year   bool // four plain digits in the range of plausible years
	scaled bool // a scale word or suffix multiplied the value
	// glued is true when the scale was a suffix like "m" that is also a
	// unit of length, so the number needs a currency or a counted noun.
	glued bool
	vague string // "hundreds", "tens of thousands" for vague counts
	abbr  string // unit abbreviation glued to the digits ("5km")
	one   bool   // the word "one" or "a" alone: too often not a count
}

// figure matches a quantity, sum of money, percentage or year starting at
// token i, with an optional hedge before it.
func (x *extractor) figure(i int) (int, bool) {
	if q, k := x.qualifier(i); k > 0 {
		if f, last, ok := x.amount(i+k, true); ok {
			if f.Qualifier != "" {
				q += " " + f.Qualifier
			}
			f.Qualifier = q
			x.emit(f, i, last)
			return last + 1, true
		}
	}
	if f, last, ok := x.amount(i, false); ok {
		x.emit(f, i, last)
		return last + 1, true
	}
	return 0, false
}

// qualifier matches a hedge phrase at token i and returns it with its
// length in tokens.
func (x *extractor) qualifier(i int) (string, int) {
	if x.word(i) == "" {
		return "", 0
	}
next:
	for _, q := range qualifiers {
		for k, w := range q {
			if x.word(i+k) != w || (k > 0 && !x.follows(i+k)) {
				continue next
			}
		}
		return strings.Join(q, " "), len(q)
	}
	return "", 0
}

// amount matches a number and what follows it at token i and returns the
// figure (without its span) and the index of its last token.
func (x *extractor) amount(i int, qualified bool) (article.Figure, int, bool) {
	var f article.Figure
	cur, j := x.currencyPrefix(i)
	if cur != "" && !x.follows(j) {
		return f, 0, false
	}
	n, ok := x.numeral(j, cur != "")
	if !ok {
		return f, 0, false
	}
	j = n.end
	if n.digits && !n.scaled && x.follows(j) {
		if s, ok := scaleWords[x.word(j)]; ok {
			n.value *= s
			n.scaled, n.year = true, false
			j++
		}
	}
	if math.IsInf(n.value, 0) || math.IsNaN(n.value) {
		return f, 0, false
	}
	f.Value = n.value
	if n.vague != "" {
		f.Qualifier = n.vague
	}
	if cur != "" {
		if n.vague != "" || !n.digits {
			return f, 0, false
		}
		f.Kind, f.Unit = article.Money, cur
		if code, k := x.currencySuffix(j, true); k > 0 && code == cur {
			return f, j + k - 1, true // "$7.9 million dollars"
		}
		return f, j - 1, true
	}
	// Vague counts take their noun after "of": "thousands of people".
	if n.vague != "" {
		if x.word(j) == "of" && x.follows(j+1) {
			if code, k := x.currencySuffix(j+1, true); k > 0 {
				f.Kind, f.Unit = article.Money, code
				return f, j + k, true
			}
			if unit, last, ok := x.unit(j+1, false); ok {
				f.Kind, f.Unit = article.Quantity, unit
				return f, last, true
			}
		}
		f.Kind = article.Quantity
		return f, j - 1, true
	}
	if unit, k := x.percent(j); k > 0 {
		f.Kind, f.Unit = article.Percent, unit
		return f, j + k - 1, true
	}
	if code, k := x.currencySuffix(j, n.scaled); k > 0 {
		f.Kind, f.Unit = article.Money, code
		return f, j + k - 1, true
	}
	if n.abbr != "" {
		f.Kind, f.Unit = article.Quantity, n.abbr
		return f, j - 1, true
	}
	if x.follows(j) && unitAbbrevs[x.word(j)] && n.digits {
		f.Kind, f.Unit = article.Quantity, x.word(j)
		return f, j, true
	}
	// "3 in 10 voters" and "10 times more" are ratios, not counts.
	if x.follows(j) && (x.word(j) == "times" || x.word(j) == "in" && x.follows(j+1) && j+1 < len(x.toks) && x.toks[j+1].kind == tNum ||
		x.word(j) == "out" && x.word(j+1) == "of") {
		return f, 0, false
	}
	unit, last, hasUnit := x.unit(j, n.value == 1)
	if n.year && !n.scaled {
		// A four-digit number is a year unless it plainly counts a plural
		// noun ("2011 people") and nothing before it introduces a year.
		count := hasUnit && (qualified || !yearPreps[x.word(i-1)]) && pluralWord(x.word(last)) && !eventNouns[unit]
		if !count {
			if qualified {
				return f, 0, false // let the year be matched without the hedge
			}
			f.Kind, f.Date = article.Year, x.body[x.toks[j-1].start:x.toks[j-1].end]
			return f, j - 1, true
		}
	}
	if hasUnit && !(n.one && !n.scaled) {
		f.Kind, f.Unit = article.Quantity, unit
		return f, last, true
	}
	if n.glued || n.one {
		return f, 0, false
	}
	// A bare number is only worth reporting when the writer marked it as
	// a figure with a hedge or a scale ("more than 20,000", "2.5 million").
	if qualified && n.digits || n.scaled {
		f.Kind = article.Quantity
		return f, j - 1, true
	}
	return f, 0, false
}

// currencyPrefix matches a currency sign or code before an amount and
// returns its ISO code and the index of the token after it.
func (x *extractor) currencyPrefix(i int) (string, int) {
	if i >= len(x.toks) {
		return "", i
	}
	t := x.toks[i]
	switch t.kind {
	case tPunct:
		if code, ok := symbolCurrencies[t.lower]; ok {
			return code, i + 1
		}
	case tWord:
		if code, ok := dollarPrefixes[t.lower]; ok && x.punct(i+1, "$") && x.attached(i+1) {
			return code, i + 2
		}
		raw := x.body[t.start:t.end]
		if code, ok := codeCurrencies[t.lower]; ok && (raw == strings.ToUpper(raw) || raw == "Rs") {
			j := i + 1
			if raw == "Rs" && x.punct(j, ".") && x.attached(j) {
				j++
			}
			if j < len(x.toks) && x.toks[j].kind == tNum {
				return code, j
			}
		}
	}
	return "", i
}

// currencySuffix matches a currency named after an amount ("5 million
// euros", "20 EUR", "10 US dollars") and returns its code and length.
func (x *extractor) currencySuffix(i int, scaled bool) (string, int) {
	if !x.follows(i) || x.toks[i].kind != tWord {
		return "", 0
	}
	w := x.word(i)
	if code, ok := currencyWords[w]; ok {
		return code, 1
	}
	if code, ok := ambiguousCurrencies[w]; ok {
		if scaled || x.word(i+1) == "sterling" && w == "pounds" {
			if x.word(i+1) == "sterling" {
				return code, 2
			}
			return code, 1
		}
		return "", 0
	}
	raw := x.body[x.toks[i].start:x.toks[i].end]
	if code, ok := codeCurrencies[w]; ok && w != "rs" && raw == strings.ToUpper(raw) && len(raw) == 3 {
		return code, 1
	}
	if names, ok := currencyAdjectives[w]; ok && x.follows(i+1) {
		if code, ok := names[x.word(i+1)]; ok {
			return code, 2
		}
		if w == "south" && x.word(i+1) == "korean" && x.word(i+2) == "won" {
			return "KRW", 3
		}
	}
	if x.follows(i+2) && (x.word(i+2) == "dollars" || x.word(i+2) == "dollar") {
		switch w + " " + x.word(i+1) {
		case "hong kong":
			return "HKD", 3
		case "new zealand":
			return "NZD", 3
		}
	}
	return "", 0
}

// percent matches a percent sign or word after a number and returns the
// unit and length.
func (x *extractor) percent(i int) (string, int) {
	if !x.follows(i) {
		return "", 0
	}
	if x.punct(i, "%") {
		return "percent", 1
	}
	switch x.word(i) {
	case "percent", "pct":
		return "percent", 1
	case "per":
		if x.word(i+1) == "cent" && x.follows(i+1) {
			return "percent", 2
		}
	case "percentage":
		if w := x.word(i + 1); (w == "point" || w == "points") && x.follows(i+1) {
			return "percentage points", 2
		}
	case "basis":
		if w := x.word(i + 1); (w == "point" || w == "points") && x.follows(i+1) {
			return "basis points", 2
		}
	}
	return "", 0
}

// numeral parses a number written in digits or words at token i.
// afterCurrency relaxes the checks on what precedes digits.
func (x *extractor) numeral(i int, afterCurrency bool) (numeral, bool) {
	if i >= len(x.toks) {
		return numeral{}, false
	}
	switch x.toks[i].kind {
	case tNum:
		return x.digitNumeral(i, afterCurrency)
	case tWord:
		if afterCurrency {
			return numeral{}, false
		}
		return x.wordNumeral(i)
	}
	return numeral{}, false
}

// digitNumeral parses digits at token i, rejecting numbers that label,
// time, score or identify things rather than count them.
func (x *extractor) digitNumeral(i int, afterCurrency bool) (numeral, bool) {
	t := x.toks[i]
	if !afterCurrency && i > 0 {
		prev := x.toks[i-1]
		if !t.space {
			if prev.kind == tWord {
				return numeral{}, false // "A320", "COVID19"
			}
			switch prev.lower {
			case "-", "\u2010", "\u2013", "/", ":", "#", "+", ".", ",", "_", "@", "=", "\\", "'", "\u2019", "^", "*", "~":
				return numeral{}, false
			}
		}
		if prev.kind == tWord && !t.newline {
			w, _ := possessive(prev.lower)
			if numberLabels[strings.TrimSuffix(w, ".")] {
				return numeral{}, false
			}
			// A capitalised word that does not start a sentence names the
			// thing the number belongs to: "Boeing 737", "Euro 2020".
			if prev.capitalized(x.body) && !x.sentenceStart(i-1) && !strings.ContainsRune(t.lower, ',') &&
				months[prev.lower] == 0 && !isWeekday(w) && !isFunctionWord(prev.lower) {
				return numeral{}, false
			}
		}
		if x.punct(i-1, ".") && x.word(i-2) == "no" {
			return numeral{}, false
		}
		// The second number of a ratio: "3 in 10 voters", "4 out of 5".
		if x.word(i-1) == "in" && i >= 2 && x.toks[i-2].kind == tNum ||
			x.word(i-1) == "of" && x.word(i-2) == "out" && i >= 3 && x.toks[i-3].kind == tNum {
			return numeral{}, false
		}
	}
	raw := t.lower
	v, ok := parseDigits(raw)
	if !ok {
		return numeral{}, false
	}
	n := numeral{value: v, end: i + 1, digits: true}
	// Years before 1900 are rare in news and four-digit counts are not,
	// so they need a word that introduces a year.
	n.year = len(raw) == 4 && (v >= 1900 && v <= 2100 || v >= 1000 && v < 1900 && earlyYearPreps[x.word(i-1)])
	if x.attached(i + 1) {
		nt := x.toks[i+1]
		switch nt.kind {
		case tWord:
			w := nt.lower
			s, ok := scaleSuffixes[w]
			if !ok {
				s, ok = scaleWords[w]
			}
			if ok {
				n.value *= s
				n.scaled, n.year, n.glued = true, false, w == "m" || w == "b" || w == "k"
				n.end++
			} else if unitAbbrevs[w] {
				n.abbr = w
				n.year = false
				n.end++
			} else {
				return numeral{}, false // "2nd", "10am", "1990s", "4G"
			}
		case tPunct:
			switch nt.lower {
			case "-", "\u2010", "\u2013", "/", ":", "\u00b0", "+", "x", "\u00d7", "_", "@", "'", "\u2019":
				return numeral{}, false
			}
		}
	}
	// Times of day written apart: "10 a.m.", "3 pm", "5 o'clock".
	if x.follows(n.end) {
		switch x.word(n.end) {
		case "a.m", "p.m", "am", "pm", "o'clock", "o\u2019clock", "gmt", "utc", "bst", "est", "edt", "pst", "pdt", "cet":
			return numeral{}, false
		}
	}
	return n, true
}

// isWeekday reports whether w is a weekday name; the lookup needs the
// comma-ok form because Sunday is the zero time.Weekday.
func isWeekday(w string) bool {
	_, ok := weekdays[w]
	return ok
}

// isFunctionWord reports whether a capitalised word before a number is an
// ordinary word at the start of a clause rather than part of a name.
func isFunctionWord(w string) bool {
	if stopWords[w] || monthPreps[w] {
		return true
	}
	for _, q := range qualifiers {
		if q[0] == w {
			return true
		}
	}
	return false
}

// parseDigits parses "20,000", "1.5" or "2011"; it rejects separators in
// the wrong places, leading zeros and long digit strings, which are
// identifiers and phone numbers rather than figures.
func parseDigits(raw string) (float64, bool) {
	intPart, frac, hasFrac := strings.Cut(raw, ".")
	if hasFrac && strings.ContainsAny(frac, ".,") {
		return 0, false
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups) > 1 && len(groups[0]) > 3 {
		return 0, false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return 0, false
		}
	}
	digits := strings.ReplaceAll(intPart, ",", "")
	if len(digits) > 1 && digits[0] == '0' || len(digits) > 12 {
		return 0, false
	}
	s := digits
	if hasFrac {
		s += "." + frac
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// wordNumeral parses a number written in words at token i: "twelve",
// "twenty-five", "two hundred", "a dozen", "one million", and the vague
// "hundreds", "tens of thousands".
func (x *extractor) wordNumeral(i int) (numeral, bool) {
	w := x.word(i)
	if v, ok := vagueNumbers[w]; ok {
		n := numeral{value: v, end: i + 1, vague: w}
		for x.word(n.end) == "of" && x.follows(n.end+1) {
			m, ok := vagueNumbers[x.word(n.end+1)]
			if !ok || m < 1000 {
				break
			}
			n.value *= m
			n.vague += " of " + x.word(n.end+1)
			n.end += 2
		}
		if (w == "tens" || w == "scores") && n.value == v && x.word(n.end) != "of" || w == "tens" && n.value == v {
			return numeral{}, false
		}
		return n, true
	}
	switch w {
	case "hundred", "thousand", "million", "billion", "trillion", "dozen":
		return numeral{}, false // "350–375 million": the number is elsewhere
	case "half":
		if x.word(i+1) == "a" && x.follows(i+2) {
			if s := scaleWords[x.word(i+2)]; s >= 1e3 && x.word(i+2) != "bn" {
				return numeral{value: s / 2, end: i + 3, scaled: true}, true
			}
		}
		return numeral{}, false
	}
	var total, cur float64
	j := i
	parts := 0
	for ; j == i || x.follows(j) && x.toks[j].space; j++ {
		w := x.word(j)
		switch {
		case w == "a" && j == i:
			next := x.word(j + 1)
			if next != "hundred" && next != "thousand" && next != "million" && next != "billion" && next != "dozen" {
				return numeral{}, false
			}
			cur = 1
			continue
		case w == "and" && parts > 0 && j > i:
			if _, ok := smallOrTens(x.word(j + 1)); !ok || x.word(j-1) != "hundred" {
				break
			}
			continue
		case w == "hundred":
			cur = max(cur, 1) * 100
			parts++
			continue
		case w == "dozen":
			cur = max(cur, 1) * 12
			parts++
			continue
		case w == "thousand" || w == "million" || w == "billion" || w == "trillion":
			total += max(cur, 1) * scaleWords[w]
			cur = 0
			parts++
			continue
		default:
			if v, ok := smallOrTens(w); ok && (cur == 0 || cur >= 100 && math.Mod(cur, 100) == 0) {
				cur += v
				parts++
				continue
			}
		}
		break
	}
	if parts == 0 {
		return numeral{}, false
	}
	// Drop a trailing "and" that did not lead to a number.
	for j > i && x.word(j-1) == "and" {
		j--
	}
	v := total + cur
	n := numeral{value: v, end: j}
	n.scaled = total > 0
	n.one = v == 1 || parts == 1 && (x.word(i) == "one" || x.word(i) == "zero")
	return n, true
}

// smallOrTens parses a number word below a hundred: "seven", "forty",
// "twenty-five".
func smallOrTens(w string) (float64, bool) {
	if v, ok := smallNumbers[w]; ok {
		return v, true
	}
	if v, ok := tensNumbers[w]; ok {
		return v, true
	}
	tens, unit, ok := strings.Cut(w, "-")
	if !ok {
		tens, unit, ok = strings.Cut(w, "\u2010")
	}
	if ok {
		t, ok1 := tensNumbers[tens]
		u, ok2 := smallNumbers[unit]
		if ok1 && ok2 && u > 0 && u < 10 {
			return t + u, true
		}
	}
	return 0, false
}

// unit finds the noun counted by a number whose text ends before token i:
// the head of the short run of content words that follows, such as
// "fighters" in "20,000 foreign fighters and mercenaries". It returns the
// unit and the index of the head token.
func (x *extractor) unit(i int, single bool) (string, int, bool) {
	var cand [3]int
	n := 0
	for k := i; k < len(x.toks) && n < len(cand); k++ {
		t := x.toks[k]
		if t.kind != tWord || !t.space || t.newline {
			break
		}
		w, _ := possessive(t.lower)
		if stopWords[w] || months[w] != 0 && t.capitalized(x.body) {
			break
		}
		if _, ok := smallOrTens(w); ok || scaleWords[w] != 0 || vagueNumbers[w] != 0 {
			break
		}
		cand[n] = k
		n++
		if w != t.lower {
			break // a possessive ends the noun phrase: "20 workers' pay"
		}
	}
	head := -1
	for c := 0; c < n; c++ {
		if pluralWord(x.toks[cand[c]].lower) {
			head = c
			for head+1 < n && pluralWord(x.toks[cand[head+1]].lower) && !irregularPlurals[x.toks[cand[head+1]].lower] {
				head++
			}
			break
		}
	}
	if head < 0 {
		// One of something: the noun is singular, so take the end of a
		// short lowercase run ("1 medium apple").
		if !single || n == 0 || n > 2 {
			return "", 0, false
		}
		for c := 0; c < n; c++ {
			if x.toks[cand[c]].capitalized(x.body) {
				return "", 0, false
			}
		}
		head = n - 1
	}
	k := cand[head]
	w, _ := possessive(x.toks[k].lower)
	return w, k, true
}

// pluralWord reports whether w looks like a plural noun.
func pluralWord(w string) bool {
	w, _ = possessive(w)
	if irregularPlurals[w] {
		return true
	}
	if len(w) < 3 || !strings.HasSuffix(w, "s") || notPlural[w] || stopWords[w] {
		return false
	}
	return !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "sis") &&
		!strings.HasSuffix(w, "ous") && !strings.HasSuffix(w, "'s") && !strings.HasSuffix(w, "\u2019s")
}
