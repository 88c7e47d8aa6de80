package figures

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// date matches a calendar date at token i: "Jan. 12, 2021", "January 12",
// "12 January 2021", "April 2019", "in April", "2021-01-12". It reports
// ok when it consumed tokens, even if it emitted nothing because a date
// without a year had no publication date to take one from; the numbers
// inside a date must not be read as counts.
func (x *extractor) date(i int) (int, bool) {
	t := x.toks[i]
	switch t.kind {
	case tWord:
		return x.monthFirst(i)
	case tNum:
		if end, ok := x.isoDate(i); ok {
			return end, true
		}
		return x.dayFirst(i)
	}
	return 0, false
}

// monthAt matches a capitalised month name at token i, with the dot of an
// abbreviation, and returns the month, the index after it and whether it
// was abbreviated.
func (x *extractor) monthAt(i int) (time.Month, int, bool, bool) {
	if i >= len(x.toks) || x.toks[i].kind != tWord || !x.toks[i].capitalized(x.body) {
		return 0, 0, false, false
	}
	w := x.toks[i].lower
	m, ok := months[w]
	if !ok {
		return 0, 0, false, false
	}
	abbr := len(w) <= 4 && w != "june" && w != "july"
	j := i + 1
	if abbr && x.punct(j, ".") && x.attached(j) {
		j++
	}
	return m, j, abbr, true
}

// dayAt matches a day of the month at token i ("12", "12th") and returns
// it with the index after it.
func (x *extractor) dayAt(i int) (int, int, bool) {
	if !x.follows(i) || x.toks[i].kind != tNum || !x.toks[i].space {
		return 0, 0, false
	}
	raw := x.toks[i].lower
	if len(raw) > 2 {
		return 0, 0, false
	}
	d, err := strconv.Atoi(raw)
	if err != nil || d < 1 || d > 31 {
		return 0, 0, false
	}
	j := i + 1
	if x.attached(j) {
		switch x.word(j) {
		case "st", "nd", "rd", "th":
			j++
		default:
			if x.toks[j].kind == tWord || x.punct(j, ":") || x.punct(j, "-") || x.punct(j, "/") {
				return 0, 0, false
			}
		}
	}
	return d, j, true
}

// yearAt matches a four-digit year at token i.
func (x *extractor) yearAt(i int) (int, bool) {
	if !x.follows(i) || x.toks[i].kind != tNum || !x.toks[i].space {
		return 0, false
	}
	raw := x.toks[i].lower
	if len(raw) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(raw)
	if err != nil || y < 1000 || y > 2100 {
		return 0, false
	}
	if x.attached(i+1) && (x.toks[i+1].kind == tWord || x.punct(i+1, "-") || x.punct(i+1, "/")) {
		return 0, false
	}
	return y, true
}

// validDay reports whether day exists in the month of year.
func validDay(y int, m time.Month, d int) bool {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Day() == d
}

func (x *extractor) monthFirst(i int) (int, bool) {
	m, j, abbr, ok := x.monthAt(i)
	if !ok {
		return 0, false
	}
	if d, k, ok := x.dayAt(j); ok {
		end := k
		if x.punct(end, ",") && x.attached(end) {
			end++
		}
		if y, ok := x.yearAt(end); ok {
			if validDay(y, m, d) {
				x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, i, end)
			}
			return end + 1, true
		}
		if y := x.yearFor(m, d, i); x.hasPub && validDay(y, m, d) {
			x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, i, k-1)
		}
		return k, true
	}
	if y, ok := x.yearAt(j); ok {
		x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d", y, m)}, i, j)
		return j + 1, true
	}
	// "January last year" names its year in words.
	if y, ok := x.pub.Year(), x.follows(i+2); ok && !abbr && x.hasPub && x.word(i+2) == "year" {
		switch x.word(i + 1) {
		case "last":
			y--
		case "next":
			y++
		case "this":
		default:
			ok = false
		}
		if ok {
			x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d", y, m)}, i, i+2)
			return i + 3, true
		}
	}
	// A bare month name needs a preposition to be a date ("in April");
	// abbreviations alone are too ambiguous ("Mar", "Dec").
	if abbr || !x.hasPub || !monthPreps[x.word(i-1)] {
		return 0, false
	}
	if x.word(i-1) == "last" || x.word(i-1) == "next" || x.word(i-1) == "this" {
		return 0, false // handled by relative, which includes the word
	}
	x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d", x.yearFor(m, 0, i), m)}, i, i)
	return i + 1, true
}

// yearFor picks the year of a month (and day, when d > 0) written without
// one. AP style leaves out the current year, so the publication year is
// the default; but a date more than two months ahead of publication in a
// sentence with no sign of the future is last year's ("waived her
// anonymity in September", published in April), and a date already past
// in a sentence about the future is next year's.
func (x *extractor) yearFor(m time.Month, d int, i int) int {
	y := x.pub.Year()
	pm, pd := x.pub.Month(), x.pub.Day()
	behind := m < pm || m == pm && d > 0 && d < pd
	if x.future(i) {
		if behind {
			y++
		}
		return y
	}
	if int(m)-int(pm) > 2 {
		y--
	}
	return y
}

func (x *extractor) dayFirst(i int) (int, bool) {
	if i > 0 && !x.toks[i].space {
		return 0, false
	}
	t := x.toks[i]
	raw := t.lower
	if len(raw) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(raw)
	if err != nil || d < 1 || d > 31 {
		return 0, false
	}
	j := i + 1
	if x.attached(j) {
		switch x.word(j) {
		case "st", "nd", "rd", "th":
			j++
		default:
			return 0, false
		}
	}
	if !x.follows(j) || !x.toks[j].space {
		return 0, false
	}
	m, k, _, ok := x.monthAt(j)
	if !ok {
		return 0, false
	}
	if y, ok := x.yearAt(k); ok {
		if validDay(y, m, d) {
			x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, i, k)
		}
		return k + 1, true
	}
	if !x.hasPub {
		return j + 1, true
	}
	if y := x.yearFor(m, d, i); validDay(y, m, d) {
		x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, i, j)
	}
	return j + 1, true
}

// isoDate matches "2021-01-12".
func (x *extractor) isoDate(i int) (int, bool) {
	if len(x.toks[i].lower) != 4 || i+4 >= len(x.toks) {
		return 0, false
	}
	if !x.punct(i+1, "-") || !x.punct(i+3, "-") {
		return 0, false
	}
	for k := i + 1; k <= i+4; k++ {
		if !x.attached(k) {
			return 0, false
		}
	}
	if len(x.toks[i+2].lower) != 2 || len(x.toks[i+4].lower) != 2 || x.toks[i+2].kind != tNum || x.toks[i+4].kind != tNum {
		return 0, false
	}
	y, e1 := strconv.Atoi(x.toks[i].lower)
	m, e2 := strconv.Atoi(x.toks[i+2].lower)
	d, e3 := strconv.Atoi(x.toks[i+4].lower)
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || !validDay(y, time.Month(m), d) {
		return 0, false
	}
	if x.attached(i+5) && x.toks[i+5].kind != tPunct {
		return 0, false
	}
	x.emit(article.Figure{Kind: article.Date, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, i, i+4)
	return i + 5, true
}

// relative matches a date relative to publication: "yesterday",
// "Thursday", "last Thursday", "last month", "next year", "this week",
// "last April". Without a publication date it matches nothing.
func (x *extractor) relative(i int) (int, bool) {
	if !x.hasPub || x.toks[i].kind != tWord {
		return 0, false
	}
	w, cut := possessive(x.toks[i].lower)
	endOf := func(k int, cut int) int { return x.toks[k].end - cut }
	switch w {
	case "yesterday", "today", "tomorrow":
		d := 0
		switch w {
		case "yesterday":
			d = -1
		case "tomorrow":
			d = 1
		}
		x.emitSpan(article.Figure{Kind: article.Date, Date: isoDay(x.pub.AddDate(0, 0, d))}, x.toks[i].start, endOf(i, cut))
		return i + 1, true
	case "last", "next", "this", "past":
		if x.word(i-1) == "the" || !x.follows(i+1) {
			return 0, false // "the next year" is relative to the story, not to publication
		}
		nw, ncut := possessive(x.word(i + 1))
		step := 0
		switch w {
		case "last", "past":
			step = -1
		case "next":
			step = 1
		}
		var iso string
		switch nw {
		case "week":
			y, wk := x.pub.AddDate(0, 0, 7*step).ISOWeek()
			iso = fmt.Sprintf("%04d-W%02d", y, wk)
		case "month":
			first := time.Date(x.pub.Year(), x.pub.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, step, 0)
			iso = fmt.Sprintf("%04d-%02d", first.Year(), first.Month())
		case "year":
			iso = fmt.Sprintf("%04d", x.pub.Year()+step)
		default:
			if wd, ok := weekdays[nw]; ok && x.toks[i+1].capitalized(x.body) && w != "past" {
				iso = isoDay(x.weekday(wd, step, step == 0))
			} else if m, ok := months[nw]; ok && len(nw) > 4 && x.toks[i+1].capitalized(x.body) && w != "past" {
				y := x.pub.Year()
				switch {
				case step < 0 && m >= x.pub.Month():
					y--
				case step > 0 && m <= x.pub.Month():
					y++
				}
				iso = fmt.Sprintf("%04d-%02d", y, m)
			} else {
				return 0, false
			}
		}
		x.emitSpan(article.Figure{Kind: article.Date, Date: iso}, x.toks[i].start, endOf(i+1, ncut))
		return i + 2, true
	}
	wd, ok := weekdays[w]
	if !ok || !x.toks[i].capitalized(x.body) {
		return 0, false
	}
	if holidayWeekdays[x.word(i-1)] && x.toks[i-1].capitalized(x.body) {
		return i + 1, true
	}
	// "Friday, Jan. 8": the calendar date that follows says it better.
	j := i + 1
	if x.punct(j, ",") {
		j++
	}
	if _, _, _, ok := x.monthAt(j); ok && x.follows(j) {
		return i + 1, true
	}
	if _, _, ok := x.dayAt(j); ok {
		return i + 1, true
	}
	x.emitSpan(article.Figure{Kind: article.Date, Date: isoDay(x.weekday(wd, 0, x.future(i)))}, x.toks[i].start, endOf(i, cut))
	return i + 1, true
}

// weekday resolves a weekday name against the publication date. With step
// 0 it is the nearest such day on or before publication, or on or after it
// when forward is set; step -1 and 1 ("last", "next") exclude the
// publication day itself.
func (x *extractor) weekday(wd time.Weekday, step int, forward bool) time.Time {
	back := (int(x.pub.Weekday()) - int(wd) + 7) % 7
	fwd := (int(wd) - int(x.pub.Weekday()) + 7) % 7
	switch {
	case step < 0:
		if back == 0 {
			back = 7
		}
		return x.pub.AddDate(0, 0, -back)
	case step > 0:
		if fwd == 0 {
			fwd = 7
		}
		return x.pub.AddDate(0, 0, fwd)
	case forward:
		return x.pub.AddDate(0, 0, fwd)
	}
	return x.pub.AddDate(0, 0, -back)
}

// future reports whether the sentence around token i is about the
// future: a marker such as "will" or "scheduled" within a few words before
// it, or after it before any reporting verb. A past-tense verb right next to
// the date ("said Sunday", "on Monday said") wins over both.
func (x *extractor) future(i int) bool {
	for _, k := range [...]int{i - 2, i - 1, i + 1, i + 2} {
		if pastMarkers[x.word(k)] {
			return false
		}
	}
	for k := i - 1; k >= 0 && k >= i-12; k-- {
		t := x.toks[k]
		if endsSentence(t) {
			break
		}
		if isFutureWord(t.lower) {
			return true
		}
		if t.newline {
			break
		}
	}
	for k := i + 1; k < len(x.toks) && k <= i+8 && !x.toks[k].newline && !endsSentence(x.toks[k]); k++ {
		if pastMarkers[x.toks[k].lower] {
			return false
		}
		if isFutureWord(x.toks[k].lower) {
			return true
		}
	}
	return false
}

func endsSentence(t token) bool {
	return t.kind == tPunct && (t.lower == "." || t.lower == "!" || t.lower == "?" || t.lower == ";")
}

func isFutureWord(w string) bool {
	return futureMarkers[w] || strings.HasSuffix(w, "'ll") || strings.HasSuffix(w, "\u2019ll")
}

func isoDay(t time.Time) string {
	return fmt.Sprintf("%04d-%02d-%02d", t.Year(), t.Month(), t.Day())
}
