package figures

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// want is the part of a figure a test pins down; the span is checked
// against the body separately.
type want struct {
	Text, Kind string
	Value      float64
	Unit, Qual string
	Date       string
}

func got(figs []article.Figure) []want {
	out := make([]want, len(figs))
	for i, f := range figs {
		out[i] = want{f.Text, f.Kind, f.Value, f.Unit, f.Qualifier, f.Date}
	}
	return out
}

func day(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

// checkInvariants fails the test if figs break the contract of Extract:
// exact spans, position order, no overlaps, known kinds.
func checkInvariants(t testing.TB, body string, figs []article.Figure) {
	t.Helper()
	prevEnd := 0
	for i, f := range figs {
		if f.Start < prevEnd || f.End <= f.Start || f.End > len(body) {
			t.Fatalf("figure %d %+v: span [%d,%d) out of order, empty or outside body of %d bytes (previous end %d)", i, f, f.Start, f.End, len(body), prevEnd)
		}
		if body[f.Start:f.End] != f.Text {
			t.Fatalf("figure %d: body[%d:%d] = %q, Text = %q", i, f.Start, f.End, body[f.Start:f.End], f.Text)
		}
		switch f.Kind {
		case article.Quantity, article.Money, article.Percent, article.Year, article.Date:
		default:
			t.Fatalf("figure %d: unknown kind %q", i, f.Kind)
		}
		if (f.Kind == article.Year || f.Kind == article.Date) != (f.Date != "") {
			t.Fatalf("figure %d %+v: Date set for the wrong kind", i, f)
		}
		prevEnd = f.End
	}
	a := article.New("https://example.com/a", "", time.Unix(0, 0))
	a.Body, a.Figures = body, figs
	if utf8.ValidString(body) {
		if err := a.Validate(); err != nil {
			t.Fatalf("article.Validate: %v", err)
		}
	}
}

// seedStory is written in the style of the AP report "Russia supports
// withdrawal of foreign fighters from Libya" (January 2021).
const seedStory = `MOSCOW (AP) — Russia's foreign minister said Thursday that Moscow supports the withdrawal of foreign fighters from Libya, where the United Nations estimates there are at least 20,000 foreign fighters and mercenaries.

Libya has been in turmoil since 2011, when a NATO-backed uprising toppled and killed longtime dictator Moammar Gadhafi. The country was split between rival governments, and in April 2019 military commander Khalifa Hifter launched an offensive to capture Tripoli. His campaign collapsed in June 2020, and a cease-fire signed in October gave foreign forces three months to leave.

Nearly 2,000 people were killed in the fighting, and more than $1.5 billion in assets were frozen, officials said. Turnout in the talks rose 4.5 percentage points to 45% last month.`

func TestSeedStory(t *testing.T) {
	pub := day("2021-01-08")
	figs := Extract(seedStory, pub)
	checkInvariants(t, seedStory, figs)
	g := got(figs)
	for _, w := range []want{
		{"at least 20,000 foreign fighters", article.Quantity, 20000, "fighters", "at least", ""},
		{"2011", article.Year, 2011, "", "", "2011"},
		{"April 2019", article.Date, 0, "", "", "2019-04"},
		{"June 2020", article.Date, 0, "", "", "2020-06"},
		{"Thursday", article.Date, 0, "", "", "2021-01-07"},
		{"October", article.Date, 0, "", "", "2020-10"},
		{"three months", article.Quantity, 3, "months", "", ""},
		{"Nearly 2,000 people", article.Quantity, 2000, "people", "nearly", ""},
		{"more than $1.5 billion", article.Money, 1.5e9, "USD", "more than", ""},
		{"4.5 percentage points", article.Percent, 4.5, "percentage points", "", ""},
		{"45%", article.Percent, 45, "percent", "", ""},
		{"last month", article.Date, 0, "", "", "2020-12"},
	} {
		found := false
		for _, f := range g {
			if f == w {
				found = true
			}
		}
		if !found {
			t.Errorf("missing %+v\ngot %+v", w, g)
		}
	}
	if len(g) != 12 {
		t.Errorf("got %d figures, want 12: %+v", len(g), g)
	}
}

func TestExtract(t *testing.T) {
	pub := day("2021-01-08") // a Friday
	tests := []struct {
		name string
		body string
		pub  *time.Time
		want []want
	}{
		{"digits and noun", "Officials said 3 people died.", nil,
			[]want{{"3 people", article.Quantity, 3, "people", "", ""}}},
		{"words", "Twenty-five soldiers and a dozen medics arrived.", nil,
			[]want{{"Twenty-five soldiers", article.Quantity, 25, "soldiers", "", ""}, {"a dozen medics", article.Quantity, 12, "medics", "", ""}}},
		{"compound words", "one million refugees, two hundred and fifty tanks", nil,
			[]want{{"one million refugees", article.Quantity, 1e6, "refugees", "", ""}, {"two hundred and fifty tanks", article.Quantity, 250, "tanks", "", ""}}},
		{"scale", "The city has 2.5 million residents and 3m visitors.", nil,
			[]want{{"2.5 million residents", article.Quantity, 2.5e6, "residents", "", ""}, {"3m visitors", article.Quantity, 3e6, "visitors", "", ""}}},
		{"vague", "Hundreds of protesters and tens of thousands of people marched; dozens were held.", nil,
			[]want{
				{"Hundreds of protesters", article.Quantity, 100, "protesters", "hundreds", ""},
				{"tens of thousands of people", article.Quantity, 10000, "people", "tens of thousands", ""},
				{"dozens", article.Quantity, 12, "", "dozens", ""},
			}},
		{"qualifiers", "as many as 300 migrants, roughly 40 boats, fewer than 10 ships", nil,
			[]want{
				{"as many as 300 migrants", article.Quantity, 300, "migrants", "as many as", ""},
				{"roughly 40 boats", article.Quantity, 40, "boats", "roughly", ""},
				{"fewer than 10 ships", article.Quantity, 10, "ships", "fewer than", ""},
			}},
		{"money symbols", "$1.5 billion, £1,000, €20m, ¥500 and US$5", nil,
			[]want{
				{"$1.5 billion", article.Money, 1.5e9, "USD", "", ""},
				{"£1,000", article.Money, 1000, "GBP", "", ""},
				{"€20m", article.Money, 2e7, "EUR", "", ""},
				{"¥500", article.Money, 500, "JPY", "", ""},
				{"US$5", article.Money, 5, "USD", "", ""},
			}},
		{"money words", "100 euros, 5 million dollars, Rs 300, CHF 12, 1.2bn yuan and 4 million pounds", nil,
			[]want{
				{"100 euros", article.Money, 100, "EUR", "", ""},
				{"5 million dollars", article.Money, 5e6, "USD", "", ""},
				{"Rs 300", article.Money, 300, "INR", "", ""},
				{"CHF 12", article.Money, 12, "CHF", "", ""},
				{"1.2bn yuan", article.Money, 1.2e9, "CNY", "", ""},
				{"4 million pounds", article.Money, 4e6, "GBP", "", ""},
			}},
		{"pounds of weight", "He lost 20 pounds.", nil,
			[]want{{"20 pounds", article.Quantity, 20, "pounds", "", ""}}},
		{"percent", "45%, 45 per cent, 12.5 percent and 4.5 percentage points", nil,
			[]want{
				{"45%", article.Percent, 45, "percent", "", ""},
				{"45 per cent", article.Percent, 45, "percent", "", ""},
				{"12.5 percent", article.Percent, 12.5, "percent", "", ""},
				{"4.5 percentage points", article.Percent, 4.5, "percentage points", "", ""},
			}},
		{"years", "In 1998 and again since 2011, the 2020 election", nil,
			[]want{
				{"1998", article.Year, 1998, "", "", "1998"},
				{"2011", article.Year, 2011, "", "", "2011"},
				{"2020", article.Year, 2020, "", "", "2020"},
			}},
		{"year of an event", "Deaf President Now! chronicles 1988 protests at Gallaudet.", nil,
			[]want{{"1988", article.Year, 1988, "", "", "1988"}}},
		{"counts that look like years", "The firm hired 2011 people and 2,011 engineers.", nil,
			[]want{
				{"2011 people", article.Quantity, 2011, "people", "", ""},
				{"2,011 engineers", article.Quantity, 2011, "engineers", "", ""},
			}},
		{"absolute dates", "on Jan. 12, 2021, on 12 January 2021, on January 12th 2021 and 2021-01-12", nil,
			[]want{
				{"Jan. 12, 2021", article.Date, 0, "", "", "2021-01-12"},
				{"12 January 2021", article.Date, 0, "", "", "2021-01-12"},
				{"January 12th 2021", article.Date, 0, "", "", "2021-01-12"},
				{"2021-01-12", article.Date, 0, "", "", "2021-01-12"},
			}},
		{"impossible date", "on February 30, 2021", nil, nil},
		{"date without year and no publication", "on Jan. 5 and in March", nil, nil},
		{"date without year", "on Jan. 5 the talks began; on Dec. 30 they stalled.", pub,
			[]want{
				{"Jan. 5", article.Date, 0, "", "", "2021-01-05"},
				{"Dec. 30", article.Date, 0, "", "", "2020-12-30"},
			}},
		{"relative days", "Yesterday's vote came after talks on Thursday; the court will rule on Monday.", pub,
			[]want{
				{"Yesterday", article.Date, 0, "", "", "2021-01-07"},
				{"Thursday", article.Date, 0, "", "", "2021-01-07"},
				{"Monday", article.Date, 0, "", "", "2021-01-11"},
			}},
		{"weekday of publication", "Officials said Friday that talks had failed.", pub,
			[]want{{"Friday", article.Date, 0, "", "", "2021-01-08"}}},
		{"last and next", "last Friday, next Friday, last week, next month, last year, January last year", pub,
			[]want{
				{"last Friday", article.Date, 0, "", "", "2021-01-01"},
				{"next Friday", article.Date, 0, "", "", "2021-01-15"},
				{"last week", article.Date, 0, "", "", "2020-W53"},
				{"next month", article.Date, 0, "", "", "2021-02"},
				{"last year", article.Date, 0, "", "", "2020"},
				{"January last year", article.Date, 0, "", "", "2020-01"},
			}},
		{"relative without publication", "Yesterday, on Thursday, last month", nil, nil},
		{"holiday", "on Good Friday", pub, nil},
		{"times scores and labels", "at 10:30, at 3 p.m., a 3-1 win, page 12, No. 10, Route 66, a 737 and COVID-19", nil, nil},
		{"phone and ordinals", "call 555-1234 or +44 20 7946 0958; the 2nd and 21st place", nil, nil},
		{"model numbers", "the Boeing 737 Max and Windows 10", nil, nil},
		{"ratios", "About 3 in 10 voters agreed; dips pack over 10 times more calories; a 40 Under 40 award.", nil, nil},
		{"capitalised plural", "More than 600,000 Israelis live there.", nil,
			[]want{{"More than 600,000 Israelis", article.Quantity, 600000, "israelis", "more than", ""}}},
		{"bare numbers", "The score was 3 and one of them left.", nil, nil},
		{"hedged bare number", "The toll rose to more than 20,000.", nil,
			[]want{{"more than 20,000", article.Quantity, 20000, "", "more than", ""}}},
		{"hedged year stays a year", "around 2015 the firm grew", nil,
			[]want{{"2015", article.Year, 2015, "", "", "2015"}}},
		{"unit abbreviations", "a 5km run at 60 mph", nil,
			[]want{{"5km", article.Quantity, 5, "km", "", ""}, {"60 mph", article.Quantity, 60, "mph", "", ""}}},
		{"half a million", "half a million dollars", nil,
			[]want{{"half a million dollars", article.Money, 5e5, "USD", "", ""}}},
		{"non-English", strings.Repeat("Os preços subiram 6 anos depois da crise e 1 ст воды. ", 10), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			figs := Extract(tt.body, tt.pub)
			checkInvariants(t, tt.body, figs)
			if g := got(figs); !reflect.DeepEqual(g, tt.want) && !(len(g) == 0 && len(tt.want) == 0) {
				t.Errorf("Extract(%q)\n got %+v\nwant %+v", tt.body, g, tt.want)
			}
		})
	}
}

// corpusArticle is the part of a testdata/corpus/truth.jsonl record these
// tests use.
type corpusArticle struct {
	ID        string  `json:"id"`
	Body      *string `json:"body"`
	Published *string `json:"published"`
}

func loadCorpus(tb testing.TB) []corpusArticle {
	tb.Helper()
	f, err := os.Open("../../testdata/corpus/truth.jsonl")
	if err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	var out []corpusArticle
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a corpusArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatalf("decode corpus line %d: %v", len(out)+1, err)
		}
		if a.Body != nil {
			out = append(out, a)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	return out
}

func (a corpusArticle) published(tb testing.TB) *time.Time {
	if a.Published == nil {
		return nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05-07:00", time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, *a.Published); err == nil {
			return &t
		}
	}
	tb.Fatalf("%s: published %q: no known layout", a.ID, *a.Published)
	return nil
}

// TestCorpus runs Extract over real article bodies, concurrently, and
// checks the invariants and determinism on each.
func TestCorpus(t *testing.T) {
	corpus := loadCorpus(t)
	first := make([][]article.Figure, len(corpus))
	total := 0
	for i, a := range corpus {
		first[i] = Extract(*a.Body, a.published(t))
		checkInvariants(t, *a.Body, first[i])
		total += len(first[i])
	}
	if total < 1000 {
		t.Errorf("only %d figures in %d articles", total, len(corpus))
	}
	var wg sync.WaitGroup
	errs := make([]string, len(corpus))
	for i, a := range corpus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if again := Extract(*a.Body, a.published(t)); !reflect.DeepEqual(again, first[i]) {
				errs[i] = fmt.Sprintf("%s: second run differs", a.ID)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	corpus := loadCorpus(b)
	var sb strings.Builder
	for _, a := range corpus {
		sb.WriteString(*a.Body)
		sb.WriteString("\n\n")
	}
	body := sb.String()
	pub := day("2021-01-08")
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		Extract(body, pub)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		seedStory,
		"$1.5 billion, £1,000, €20m, US$5, Rs. 300, 45%, 4.5 percentage points",
		"on Jan. 12, 2021, 12 January 2021, 2021-01-12, last Friday, next month",
		"Twenty-five soldiers, two hundred and fifty tanks, tens of thousands of people",
		"half a million, a dozen, 10:30, 3-1, 555-1234, 1,2,3, 1.2.3, 0.5",
		"\xff\xfe 12\xc3 %",
	} {
		f.Add(s, int64(1610064000))
	}
	f.Fuzz(func(t *testing.T, body string, unix int64) {
		pub := time.Unix(unix%(1<<35), 0).UTC()
		figs := Extract(body, &pub)
		checkInvariants(t, body, figs)
		if again := Extract(body, &pub); !reflect.DeepEqual(figs, again) {
			t.Fatalf("not deterministic")
		}
		checkInvariants(t, body, Extract(body, nil))
	})
}
