// Package figures finds the numbers a news article reports — counts of
// things, sums of money, percentages, years and dates — in its body text,
// in the spirit of the "Counts" and "Amounts" fields of the GDELT Global
// Knowledge Graph: each figure carries its value, what it counts and any
// hedge ("at least", "nearly") the writer put on it.
//
// The extractor is a single left-to-right pass over a light tokenisation of
// the text with hand-written patterns; it has no model and no state beyond
// one call, so it is deterministic and safe for concurrent use. It prefers
// precision to recall: a number whose role is unclear (page numbers, times
// of day, scores, model numbers, phone numbers) is skipped rather than
// guessed at.
//
// Conventions:
//   - Start and End are byte offsets into the body and body[Start:End] is
//     Text; figures never overlap and come in order of position.
//   - Kind year: Value is the year and Date is "YYYY".
//   - Kind date: Date is ISO 8601 ("2021-01-12", "2019-04", "2020", or an
//     ISO week such as "2021-W01" for "last week") and Value is 0, since the
//     precision of Date varies and a single number would overstate it.
//   - Relative dates ("yesterday", "Thursday", "last month") need the
//     publication time; without it they are not reported.
//   - A month or month and day written without a year ("in April",
//     "Jan. 12") is taken to be in the publication year, as AP style omits
//     the year only for the current year; without a publication time it is
//     not reported.
//   - A bare weekday refers to the most recent such day on or before the
//     publication date (news copy reports the past week), unless the
//     sentence marks the future ("will", "scheduled", "next"), in which case
//     it is the first such day on or after it. "last Thursday" is strictly
//     before, "next Thursday" strictly after.
//   - The patterns are for English. A body that is plainly in another
//     language (long, with few English function words) yields no figures,
//     rather than counts of Portuguese "anos" or Russian "ст".
//   - Money Unit is the ISO 4217 code; "$" alone is USD and "¥" is JPY.
//   - Quantity Unit is the counted noun as written, lowercased ("fighters");
//     vague counts ("hundreds of people") take the lower bound as Value and
//     the vague phrase as Qualifier.
package figures

import (
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Extract returns the figures in body, in order of position. published, when not nil, anchors relative dates.
func Extract(body string, published *time.Time) []article.Figure {
	x := extractor{body: body, toks: tokenize(body)}
	if !english(x.toks) {
		return nil
	}
	if published != nil {
		y, m, d := published.Date()
		x.pub = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		x.hasPub = true
	}
	for i := 0; i < len(x.toks); {
		i = x.at(i)
	}
	return x.out
}

// extractor holds the state of one Extract call.
type extractor struct {
	body   string
	toks   []token
	pub    time.Time // publication date at midnight UTC, in the publisher's calendar
	hasPub bool
	out    []article.Figure
}

// at tries every pattern at token i and returns the index of the first
// token it did not consume; it always makes progress.
func (x *extractor) at(i int) int {
	if end, ok := x.date(i); ok {
		return end
	}
	if end, ok := x.relative(i); ok {
		return end
	}
	if end, ok := x.figure(i); ok {
		return end
	}
	return i + 1
}

// emit records a figure spanning tokens [first, last].
func (x *extractor) emit(f article.Figure, first, last int) {
	f.Start = x.toks[first].start
	f.End = x.toks[last].end
	f.Text = x.body[f.Start:f.End]
	x.out = append(x.out, f)
}

// emitSpan records a figure spanning the given byte range.
func (x *extractor) emitSpan(f article.Figure, start, end int) {
	f.Start, f.End = start, end
	f.Text = x.body[start:end]
	x.out = append(x.out, f)
}

// word returns the lowercased text of token i if it is a word, or "".
func (x *extractor) word(i int) string {
	if i < 0 || i >= len(x.toks) || x.toks[i].kind != tWord {
		return ""
	}
	return x.toks[i].lower
}

// follows reports whether token i exists and continues the phrase before
// it, i.e. is on the same line.
func (x *extractor) follows(i int) bool {
	return i >= 0 && i < len(x.toks) && !x.toks[i].newline
}

// attached reports whether token i exists and touches the token before it.
func (x *extractor) attached(i int) bool {
	return i > 0 && i < len(x.toks) && !x.toks[i].space
}

// punct reports whether token i is the punctuation p.
func (x *extractor) punct(i int, p string) bool {
	return i >= 0 && i < len(x.toks) && x.toks[i].kind == tPunct && x.toks[i].lower == p
}

// sentenceStart reports whether token i begins a sentence or line, where a
// capital letter says nothing about being a name.
func (x *extractor) sentenceStart(i int) bool {
	if i == 0 || x.toks[i].newline {
		return true
	}
	switch x.toks[i-1].lower {
	case ".", "!", "?", ":", ";", "\"", "\u201c", "\u201d", "(", "\u2014", "\u2013", "-", "'", "\u2018", "\u2019", "[":
		return true
	}
	return false
}

// english reports whether the words of a text look English: in English
// prose roughly one word in five is one of a handful of function words, in
// other languages almost none are. Short texts are given the benefit of the
// doubt.
func english(toks []token) bool {
	words, common := 0, 0
	for _, t := range toks {
		if t.kind != tWord {
			continue
		}
		words++
		switch t.lower {
		case "the", "and", "of", "to", "in", "is", "a", "that", "for", "was", "on", "with", "it", "as", "are", "be":
			common++
		}
	}
	return words < 40 || common*100 >= words*6
}
