package query

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
)

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestParse checks how queries are read, through their canonical
// printed form, and that printing and parsing again gives the same tree.
func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"libya", "libya"},
		{`withdrawal "foreign fighters" -syria`, `withdrawal "foreign fighters" -syria`},
		{`person:Lavrov place:Libya`, `person:Lavrov place:Libya`},
		{`org:"United Nations" site:WWW.APnews.com`, `org:"United Nations" site:apnews.com`},
		{`PERSON:"Sergey Lavrov" person:Mangoush`, `person:"Sergey Lavrov" OR person:Mangoush`}, // today's meaning: either
		{`person:Lavrov AND person:Biden`, `person:Lavrov AND person:Biden`},                    // explicit AND: both
		{"http://example.com 10:30", `http://example.com 10:30`},
		{"Johnson & Johnson — -– \"...\"", "Johnson"}, // no words: left out; repeats folded
		{"& place:Libya", "place:Libya"},
		{"-syria place:Libya", `-syria place:Libya`},
		{"-person:x", `-person:x`},
		{"since:2024-05-01", "since:2024-05-01"},
		{"SINCE:2024-05-01 until:2024-05-01", `since:2024-05-01 until:2024-05-01`},
		{"since:2024-05-01t12:30:00+02:00", "since:2024-05-01T12:30:00+02:00"},
		{`since:"2024-05-01"`, "since:2024-05-01"},
		{"since:NOW-7D until:Today", `since:now-7d until:today`},
		{"Libya OR Sweden", "Libya OR Sweden"},
		{"laos or sweden", `laos or sweden`}, // lower-case or is a word
		{`a OR b c`, `a OR b c`},
		{`NOT a b`, `-a b`},
		{`NOT (a OR b)`, `NOT (a OR b)`},
		{`(a (b (c)))`, `a b c`},
		{`a -(b OR -c)`, `a NOT (b OR -c)`},
		{`(withdraw* OR pullout OR "pull out") AND (troops OR forces) NOT "cash withdrawal"`,
			`(withdraw* OR pullout OR "pull out") (troops OR forces) -"cash withdrawal"`},
		{`"foreign fighters"~3`, `"foreign fighters"~3`},
		{`title:(peace OR "cease fire") universit*`, `(title:peace OR title:"cease fire") universit*`},
		{`title:withdr* title:"a b"~2`, `title:withdr* title:"a b"~2`},
		{`place:(Libya OR Syria)`, `place:Libya OR place:Syria`},
		{`lang:EN section:"World  News" author:Roe story:S1`, `lang:en section:"world news" author:roe story:s1`},
		{`figure:money>1000000 figure:COUNT>=100`, `figure:money>1000000 figure:quantity>=100`},
		{`figure:percent`, `figure:percent`},
		{`the the the the`, `the`},
		{`Libya libya LIBYA`, `Libya`},
		{`"AND" OR "or"`, `"AND" OR "or"`},
		{`covid-19`, `covid-19`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
		again, err := Parse(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Parse(String(%q)) = %v, %v; want the same tree", tt.in, again, err)
		}
	}
}

func TestParseTerms(t *testing.T) {
	q, err := Parse(`Withdrawals "Foreign FIGHTERS" Café covid-19 universit*`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	q.Root.Walk(func(n *Node) {
		if n.Op == Text || n.Op == Prefix {
			got = append(got, fmt.Sprintf("%s%v", n.Op, n.Terms))
		}
	})
	want := "[TEXT[withdraw] TEXT[foreign fighter] TEXT[cafe] TEXT[covid 19] PREFIX[universit]]"
	if fmt.Sprint(got) != want {
		t.Errorf("terms %v, want %s", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		column int
		msg    string
	}{
		{`"unterminated`, 1, "unterminated quote"},
		{`author:`, 8, "empty field value"},
		{`writer:smith`, 1, "unknown field"},
		{`person:`, 8, "empty field value"},
		{`person:""`, 8, "empty field value"},
		{`person: x`, 8, "empty field value"},
		{`ab"c`, 3, "quote inside a word"},
		{`libya since:2024-13-01`, 13, "not a date"},
		{`since:yesterday`, 7, "not a date"},
		{`since:now-7y`, 7, "unknown unit"},
		{`until:2024-05-31T25:00:00Z`, 7, "not a date"},
		{`until:2024-05-31T10:00:00`, 7, "not a date"}, // RFC 3339 needs a zone
		{`since:05/01/2024`, 7, "not a date"},
		{`since:`, 7, "empty field value"},
		{`since:2024-06-01 until:2024-05-31`, 18, "is after"},
		{`until:2024-05-31 libya since:2024-06-01`, 24, "is after"},
		{`since:2024-05-31T12:00:00Z until:2024-05-31T11:59:59Z`, 28, "is after"},
		{`(withdrawal`, 1, "unbalanced parenthesis"},
		{`a (b (c)`, 3, "unbalanced parenthesis"},
		{`withdrawal)`, 11, "unbalanced parenthesis"},
		{`()`, 1, "empty parentheses"},
		{`a AND`, 3, "dangling operator"},
		{`a OR`, 3, "dangling operator"},
		{`OR a`, 1, "dangling operator"},
		{`a AND OR b`, 3, "dangling operator"},
		{`a NOT`, 3, "dangling operator"},
		{`(a OR) b`, 4, "dangling operator"},
		{`wi*`, 1, "too short"},
		{`title:ab*`, 7, "too short"},
		{`w*d`, 2, "only ends a word"},
		{`"withdr* troops"`, 1, "inside a phrase"},
		{`u.s*`, 1, "letters or digits only"},
		{`"a b"~`, 6, "needs a number"},
		{`"a b"~1000`, 6, "needs a number"},
		{`"a a"~2`, 1, "two or more different words"},
		{`word~2`, 5, "follows a quoted phrase"},
		{`person:(a title:b)`, 11, "inside person:"},
		{`figure:bananas>3`, 8, "unknown kind"},
		{`figure:money>lots`, 14, "needs a number"},
		{`figure:money~3`, 13, "needs a comparison"},
		{`person:a*`, 8, "no wildcards"},
		{`person:-x`, 8, "negates the whole filter"},
		{strings.Repeat("((", 10) + "a" + strings.Repeat("))", 10), 17, "nested deeper"},
		{strings.Repeat("x", MaxLength+1), MaxLength + 1, "more than the 4096 allowed"},
		{manyWords(MaxLeaves + 1), 6*MaxLeaves + 1, "too many terms"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%.40q) = %v, want *Error", tt.in, err)
			continue
		}
		if qe.Offset+1 != tt.column || !strings.Contains(qe.Msg, tt.msg) {
			t.Errorf("Parse(%.40q): %v; want column %d and %q", tt.in, err, tt.column, tt.msg)
		}
	}
}

// manyWords returns n different words of five letters and a space.
func manyWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "w%04d ", i)
	}
	return b.String()
}

// TestRepeatsFolded is the bounded cost of the example: 400
// repeated words are one word.
func TestRepeatsFolded(t *testing.T) {
	q, err := Parse(strings.Repeat("the ", 400) + strings.Repeat("Libya libya ", 200))
	if err != nil {
		t.Fatal(err)
	}
	if q.String() != "the Libya" {
		t.Errorf("400 repeated words = %s", q)
	}
}

func TestDates(t *testing.T) {
	now := instant("2024-05-15T10:30:00Z")
	tests := []struct {
		q    string
		at   string
		want bool
	}{
		{"since:2024-05-01", "2024-04-30T23:59:59.999999999Z", false},
		{"since:2024-05-01", "2024-05-01T00:00:00Z", true},
		{"until:2024-05-31", "2024-05-31T23:59:59.999999999Z", true},
		{"until:2024-05-31", "2024-06-01T00:00:00Z", false},
		{"until:2024-06-01T00:00:00Z", "2024-06-01T00:00:00.1Z", false}, // an instant, not the whole day
		{"since:2024-05-01T01:00:00+02:00", "2024-04-30T23:00:00Z", true},
		{"since:now-7d", "2024-05-08T10:30:00Z", true},
		{"since:now-7d", "2024-05-08T10:29:59Z", false},
		{"since:now-12h", "2024-05-14T22:30:00Z", true},
		{"until:now-1h", "2024-05-15T09:31:00Z", false},
		{"since:today", "2024-05-15T00:00:00Z", true},
		{"since:today", "2024-05-14T23:59:59Z", false},
		{"until:today", "2024-05-15T23:59:59Z", true},
		{"until:today", "2024-05-16T00:00:00Z", false},
	}
	for _, tt := range tests {
		q := MustParse(tt.q)
		if got := q.Root.Admits(instant(tt.at), now); got != tt.want {
			t.Errorf("%s admits %s = %v, want %v", tt.q, tt.at, got, tt.want)
		}
	}
	pub, fetched := instant("2024-04-01T00:00:00Z"), instant("2024-05-02T00:00:00Z")
	if got := ArticleDate(&pub, fetched); !got.Equal(pub) {
		t.Errorf("ArticleDate with a published time = %v, want it", got)
	}
	if got := ArticleDate(nil, fetched); !got.Equal(fetched) {
		t.Errorf("ArticleDate without a published time = %v, want the fetch time", got)
	}
}

func TestAnalyze(t *testing.T) {
	tests := []struct{ in, terms, words string }{
		{"Withdrawal, withdrawing; WITHDRAWS", "withdraw withdraw withdraw", "withdrawal withdrawing withdraws"},
		{"Fighters' fighter's", "fighter fighter s", "fighters fighter s"},
		{"Café Riche, Ötzi, São Paulo", "cafe rich otzi sao paulo", "cafe riche otzi sao paulo"},
		{"Ἀθῆναι ΟΔΥΣΣΕΥΣ", "αθηναι οδυσσευσ", "αθηναι οδυσσευσ"},
		{"Москва, МОСКВЕ", "москва москве", "москва москве"},
		{"東京 タワー 2024", "東京 タワー 2024", "東京 タワー 2024"},
		{"नमस्ते दुनिया", "नमस्ते दुनिया", "नमस्ते दुनिया"}, // Devanagari signs are kept
		{"covid-19 U.S. e-mail", "covid 19 u s e mail", "covid 19 u s e mail"},
		{"& — …", "", ""},
	}
	for _, tt := range tests {
		var terms, words []string
		for _, tok := range Analyze(tt.in) {
			terms = append(terms, tok.Term)
			words = append(words, tok.Word)
			if tt.in[tok.Start:tok.End] == "" {
				t.Errorf("Analyze(%q): empty token span", tt.in)
			}
		}
		if strings.Join(terms, " ") != tt.terms || strings.Join(words, " ") != tt.words {
			t.Errorf("Analyze(%q) = terms %q words %q, want %q, %q", tt.in, terms, words, tt.terms, tt.words)
		}
	}
}

// TermsAndWords is Terms and Words from one analysis: the same lists, on
// the analysis table's texts and on the demo corpus's bodies.
func TestTermsAndWords(t *testing.T) {
	texts := []string{"Withdrawal, withdrawing; WITHDRAWS withdrawal", "Café Riche, Ötzi, São Paulo, café", "東京 タワー 2024", "& — …", ""}
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range truth {
		texts = append(texts, page.Body)
	}
	if len(texts) < 100 {
		t.Fatalf("read %d texts, want the corpus's bodies too", len(texts))
	}
	for _, s := range texts {
		terms, words := TermsAndWords(s)
		if !slices.Equal(terms, Terms(s)) || !slices.Equal(words, Words(s)) {
			t.Errorf("TermsAndWords(%.40q) differs from Terms and Words", s)
		}
	}
}

func TestSnippet(t *testing.T) {
	body := "TRIPOLI — Libya's government said on Monday that the withdrawal of foreign fighters, " +
		"mercenaries and militias would begin next week. Taxes and casualties were not discussed at all in the long meeting."
	tests := []struct{ q, want string }{
		{"withdrawing", "…government said on Monday that the [withdrawal] of foreign fighters, mercenaries and militias would begin next week. Taxes and casualties…"},
		{`"foreign fighters"`, "…on Monday that the withdrawal of [foreign] [fighters], mercenaries and militias would begin next week. Taxes and casualties were not…"},
		{"casualt*", "…would begin next week. Taxes and [casualties] were not discussed at all in the long meeting."},
		{"place:Libya", "TRIPOLI — Libya's government said on Monday that the withdrawal of foreign fighters, mercenaries and militias would begin next week…"},
		{"nowhere OR tripoli", "[TRIPOLI] — Libya's government said on Monday that the withdrawal of foreign fighters, mercenaries and militias would begin next week…"},
	}
	for _, tt := range tests {
		if got := Snippet(MustParse(tt.q), body); got != tt.want {
			t.Errorf("Snippet(%s) =\n%s\nwant\n%s", tt.q, got, tt.want)
		}
	}
}

// TestPrintParse is the property test: for random trees of the grammar,
// parsing the printed query gives the same tree, and printing it again
// the same text.
func TestPrintParse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		s := randomQuery(r, 0)
		q, err := Parse(s)
		if err != nil {
			continue // random text may break a limit or say nothing
		}
		printed := q.String()
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", s, printed, err)
		}
		if !reflect.DeepEqual(again, q) {
			t.Fatalf("Parse(%q) printed %q, which parses to %q", s, printed, again)
		}
		if again.String() != printed {
			t.Fatalf("printing %q again gives %q", printed, again.String())
		}
	}
}

var randomWords = []string{"libya", "Libya", "fighters", "fighter", "withdraw*", "Café", "москва", "東京", "covid-19",
	"&", "10:30", "http://x.org", "or", "and", "the"}

var randomFilters = []string{"person:Lavrov", `person:"Sergey Lavrov"`, "place:Libya", "org:NATO", "site:www.bbc.co.uk",
	"lang:en", "section:World", "author:Roe", "story:s1", "title:peace", `title:"cease fire"`, "title:withdr*",
	"since:2024-05-01", "until:2024-05-31", "since:now-7d", "until:today", "figure:money>1000000", "figure:quantity<=3.5",
	"figure:year", `person:(Lavrov OR Biden)`}

// randomQuery writes a random query of the grammar.
func randomQuery(r *rand.Rand, depth int) string {
	n := 1 + r.IntN(4)
	var parts []string
	for range n {
		var p string
		switch k := r.IntN(10); {
		case k < 4:
			p = randomWords[r.IntN(len(randomWords))]
		case k < 6:
			p = randomFilters[r.IntN(len(randomFilters))]
		case k < 7:
			p = `"` + randomWords[r.IntN(3)] + " " + randomWords[3+r.IntN(3)] + `"`
			if r.IntN(2) == 0 {
				p += fmt.Sprintf("~%d", r.IntN(5))
			}
		case depth < 3:
			p = "(" + randomQuery(r, depth+1) + ")"
		default:
			p = "x" + fmt.Sprint(r.IntN(9))
		}
		switch r.IntN(6) {
		case 0:
			p = "-" + p
		case 1:
			p = "NOT " + p
		}
		parts = append(parts, p)
	}
	sep := []string{" ", " AND ", " OR "}[r.IntN(3)]
	return strings.Join(parts, sep)
}

// FuzzParse checks that no input makes Parse panic or take long, and that
// every query it accepts prints as one it reads back the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "libya", `(a OR "b c"~2) -d*`, "person:(x OR y) since:now-7d", "figure:money>1e6",
		`title:"a b" NOT (c AND -d)`, "((((a))))", `"unterminated`, "a AND", strings.Repeat("w ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Offset < 0 || qe.Offset > len(s) {
				t.Fatalf("Parse(%q): %v is not an *Error within the query", s, err)
			}
			return
		}
		again, err := Parse(q.String())
		if err != nil || !reflect.DeepEqual(again, q) {
			t.Fatalf("Parse(%q) printed %q, read back as %v, %v", s, q.String(), again, err)
		}
	})
}
