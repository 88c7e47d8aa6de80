// Package cleaneval scores article extraction against the development
// corpus (testdata/corpus): body shingle precision and recall as defined
// by the corpus README, title, date and author agreement. The corpus test
// of package clean and the wweval-clean command share it, so that both
// report the same numbers.
package cleaneval

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Truth is one line of truth.jsonl.
type Truth struct {
	ID          string   `json:"id"`
	Source      string   `json:"source"`
	URL         string   `json:"url"`
	Site        string   `json:"site"`
	Title       *string  `json:"title"`
	Authors     []string `json:"authors"`
	Published   *string  `json:"published"`
	Body        *string  `json:"body"`
	MustInclude []string `json:"must_include"`
	MustExclude []string `json:"must_exclude"`
}

// Page is a corpus page with its truth.
type Page struct {
	Truth
	HTML []byte
}

// Load reads truth.jsonl and the gzipped pages from dir.
func Load(dir string) ([]Page, error) {
	f, err := os.Open(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	defer f.Close()
	var pages []Page
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var t Truth
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("load corpus: truth line %d: %w", len(pages)+1, err)
		}
		b, err := readGzip(filepath.Join(dir, "pages", t.ID+".html.gz"))
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		pages = append(pages, Page{Truth: t, HTML: b})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	return pages, nil
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// Tokens splits s into maximal runs of letters, digits and underscore.
func Tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_'
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func shingles(s string) map[string]int {
	toks := Tokens(strings.ReplaceAll(s, "\u00ad", ""))
	m := make(map[string]int)
	if len(toks) == 0 {
		return m
	}
	if len(toks) < 4 {
		m[strings.Join(toks, "\x00")]++
		return m
	}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], "\x00")]++
	}
	return m
}

// BodyScore is the shingle match of one page.
type BodyScore struct {
	TP, FP, FN float64
}

// Precision follows the benchmark: 1 when both are empty, 0 when nothing
// predicted matched.
func (s BodyScore) Precision() float64 {
	if s.FP == 0 && s.FN == 0 {
		return 1
	}
	if s.TP == 0 && s.FP == 0 {
		return 0
	}
	return s.TP / (s.TP + s.FP)
}

// Recall follows the benchmark convention as Precision does.
func (s BodyScore) Recall() float64 {
	if s.FP == 0 && s.FN == 0 {
		return 1
	}
	if s.TP == 0 && s.FN == 0 {
		return 0
	}
	return s.TP / (s.TP + s.FN)
}

// F1 is the page's harmonic mean of precision and recall.
func (s BodyScore) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// ScoreBody compares a predicted body with the true one over 4-token
// shingles counted as a multiset (case-sensitive, as in the benchmark).
func ScoreBody(truth, pred string) BodyScore {
	t, p := shingles(truth), shingles(pred)
	var s BodyScore
	for k, tc := range t {
		pc := p[k]
		s.TP += float64(min(tc, pc))
		s.FN += float64(max(0, tc-pc))
	}
	for k, pc := range p {
		s.FP += float64(max(0, pc-t[k]))
	}
	return s
}

// NormSpace collapses white space, for exact title and snippet matches.
func NormSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// quoteFolder maps typographic quotes to ASCII ones: the corpus's
// must_* snippets were typed with straight quotes where pages print curly
// ones, and the snippet checks are about presence of the text, not glyphs.
var quoteFolder = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, " ", " ")

// FoldSnippet is the form in which must_* snippets are looked for in a
// body, and the body in which they are looked for: quotes folded to ASCII,
// white space collapsed, case kept.
func FoldSnippet(s string) string { return NormSpace(quoteFolder.Replace(s)) }

// TitleMatch reports a whitespace-normalised exact match.
func TitleMatch(truth, got string) bool { return NormSpace(truth) == NormSpace(got) }

// TitleTokenF1 is the F1 of the two titles' tokens, case folded and
// counted as multisets: partial credit where the ground truth and the
// extractor disagree on a site-name suffix or a kicker.
func TitleTokenF1(truth, got string) float64 {
	t := make(map[string]int)
	for _, w := range Tokens(strings.ToLower(truth)) {
		t[w]++
	}
	g := Tokens(strings.ToLower(got))
	if len(t) == 0 || len(g) == 0 {
		if len(t) == 0 && len(g) == 0 {
			return 1
		}
		return 0
	}
	nt := 0
	for _, c := range t {
		nt += c
	}
	tp := 0
	for _, w := range g {
		if t[w] > 0 {
			t[w]--
			tp++
		}
	}
	if tp == 0 {
		return 0
	}
	p, r := float64(tp)/float64(len(g)), float64(tp)/float64(nt)
	return 2 * p * r / (p + r)
}

// DateMatch reports whether got falls on the day of truth, read in truth's
// own offset (or in got's, when truth has none).
func DateMatch(truth string, got *time.Time) bool {
	if got == nil {
		return false
	}
	truth = strings.TrimSpace(truth)
	for _, l := range []string{"2006-01-02 15:04:05.999999Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(l, truth); err == nil {
			return got.In(t.Location()).Format("2006-01-02") == t.Format("2006-01-02")
		}
	}
	if len(truth) >= 10 {
		return got.Format("2006-01-02") == truth[:10]
	}
	return false
}

// AuthorF1 is the F1 of two author sets, names compared case-folded with
// white space normalised.
func AuthorF1(truth, got []string) float64 {
	norm := func(xs []string) map[string]bool {
		m := make(map[string]bool)
		for _, x := range xs {
			if x = strings.ToLower(NormSpace(x)); x != "" {
				m[x] = true
			}
		}
		return m
	}
	t, g := norm(truth), norm(got)
	if len(t) == 0 && len(g) == 0 {
		return 1
	}
	tp := 0
	for k := range g {
		if t[k] {
			tp++
		}
	}
	if tp == 0 {
		return 0
	}
	p, r := float64(tp)/float64(len(g)), float64(tp)/float64(len(t))
	return 2 * p * r / (p + r)
}

// Output is what one extractor produced for one page.
type Output struct {
	Body      string
	Title     string
	Authors   []string
	Published *time.Time
}

// PageScore is the evaluation of one page.
type PageScore struct {
	ID        string
	Body      *BodyScore // nil when the truth gives no body
	Title     *bool
	TitleF1   *float64 // token F1 of the title, case folded
	Empty     bool     // the truth has a body (or must_include snippets) and the output has no words
	Date      *bool
	AuthorF1  *float64
	Includes  int // must_include snippets present
	Excludes  int // must_exclude snippets absent
	MustTotal int
	Missing   []string // failed must_* checks, for reports
	Leaks     []Leak   // boilerplate markers in the output the truth (or its must_include snippets) does not hold
}

// ScorePage evaluates one extractor output against the truth.
func ScorePage(t Truth, o Output) PageScore {
	ps := PageScore{ID: t.ID}
	if t.Body != nil && strings.TrimSpace(*t.Body) != "" {
		s := ScoreBody(*t.Body, o.Body)
		ps.Body = &s
		ps.Empty = len(Tokens(o.Body)) == 0
		ps.Leaks = Leaks(*t.Body, o.Body)
	} else if len(t.MustInclude) > 0 {
		// A snippet-only truth (trafilatura's set) gives the text that
		// must be there, which stands in for the body.
		ps.Leaks = Leaks(strings.Join(t.MustInclude, "\n"), o.Body)
		ps.Empty = len(Tokens(o.Body)) == 0
	}
	if t.Title != nil && *t.Title != "" {
		m := TitleMatch(*t.Title, o.Title)
		ps.Title = &m
		f := TitleTokenF1(*t.Title, o.Title)
		ps.TitleF1 = &f
	}
	if t.Published != nil && *t.Published != "" {
		m := DateMatch(*t.Published, o.Published)
		ps.Date = &m
	}
	if len(t.Authors) > 0 {
		f := AuthorF1(t.Authors, o.Authors)
		ps.AuthorF1 = &f
	}
	body := FoldSnippet(o.Body)
	for _, s := range t.MustInclude {
		ps.MustTotal++
		if strings.Contains(body, FoldSnippet(s)) {
			ps.Includes++
		} else {
			ps.Missing = append(ps.Missing, "include: "+s)
		}
	}
	for _, s := range t.MustExclude {
		ps.MustTotal++
		if !strings.Contains(body, FoldSnippet(s)) {
			ps.Excludes++
		} else {
			ps.Missing = append(ps.Missing, "exclude: "+s)
		}
	}
	return ps
}

// AccuracyF1 is the page F1 at or above which a page counts as correctly
// extracted in Summary.Accuracy.
const AccuracyF1 = 0.9

// Summary aggregates page scores the way the benchmark does: P and R are
// means over pages, F1 is computed from the two means.
type Summary struct {
	Pages                int
	P, R, F1             float64
	Accuracy             float64 // share of body pages with page F1 >= AccuracyF1
	Title, Date, Authors float64
	TitleF1              float64 // mean title token F1 over TitleN pages
	TitleN, DateN, AuthN int
	Empty                int // pages whose truth has a body and output none
	LeakPages            int // pages whose output holds a boilerplate marker the truth does not
	MustPass, MustTotal  int
}

// Summarize aggregates page scores.
func Summarize(scores []PageScore) Summary {
	var s Summary
	var pn, rn, acc int
	var titles, dates int
	var auth float64
	for _, ps := range scores {
		s.Pages++
		if b := ps.Body; b != nil {
			if b.TP+b.FP > 0 {
				s.P += b.Precision()
				pn++
			}
			if b.TP+b.FN > 0 {
				s.R += b.Recall()
				rn++
			}
			if b.F1() >= AccuracyF1 {
				acc++
			}
		}
		if ps.Empty {
			s.Empty++
		}
		if len(ps.Leaks) > 0 {
			s.LeakPages++
		}
		if ps.TitleF1 != nil {
			s.TitleF1 += *ps.TitleF1
		}
		if ps.Title != nil {
			s.TitleN++
			if *ps.Title {
				titles++
			}
		}
		if ps.Date != nil {
			s.DateN++
			if *ps.Date {
				dates++
			}
		}
		if ps.AuthorF1 != nil {
			s.AuthN++
			auth += *ps.AuthorF1
		}
		s.MustPass += ps.Includes + ps.Excludes
		s.MustTotal += ps.MustTotal
	}
	if pn > 0 {
		s.P /= float64(pn)
	}
	if rn > 0 {
		s.R /= float64(rn)
		s.Accuracy = float64(acc) / float64(rn)
	}
	if s.P+s.R > 0 {
		s.F1 = 2 * s.P * s.R / (s.P + s.R)
	}
	if s.TitleN > 0 {
		s.Title = float64(titles) / float64(s.TitleN)
		s.TitleF1 /= float64(s.TitleN)
	}
	if s.DateN > 0 {
		s.Date = float64(dates) / float64(s.DateN)
	}
	if s.AuthN > 0 {
		s.Authors = auth / float64(s.AuthN)
	}
	return s
}

// BootstrapF1Diff returns the 95% interval of F1(a) - F1(b) over reps
// paired bootstrap resamples of the pages (a[i] and b[i] are the same
// page), with a fixed seed so that reports are reproducible.
func BootstrapF1Diff(a, b []PageScore, reps int, seed uint64) (lo, hi float64) {
	if len(a) != len(b) || len(a) == 0 || reps < 1 {
		return 0, 0
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	diffs := make([]float64, reps)
	sa, sb := make([]PageScore, len(a)), make([]PageScore, len(b))
	for i := range diffs {
		for j := range sa {
			k := rng.IntN(len(a))
			sa[j], sb[j] = a[k], b[k]
		}
		diffs[i] = Summarize(sa).F1 - Summarize(sb).F1
	}
	sort.Float64s(diffs)
	return diffs[int(0.025*float64(reps))], diffs[min(reps-1, int(0.975*float64(reps)))]
}

// StripScripts returns html without its script elements (JSON-LD and
// every other script), to measure the cleaner on pages that carry no
// structured data: issue 14 asks that those do as well.
func StripScripts(html []byte) []byte {
	out := make([]byte, 0, len(html))
	i := 0
	for {
		j := indexASCIIFold(html, i, "<script")
		if j < 0 {
			break
		}
		out = append(out, html[i:j]...)
		end := indexASCIIFold(html, j, "</script")
		if end < 0 {
			return out
		}
		gt := bytes.IndexByte(html[end:], '>')
		if gt < 0 {
			return out
		}
		i = end + gt + 1
	}
	return append(out, html[i:]...)
}

// indexASCIIFold returns the index of the lower-case ASCII pattern pat in
// b at or after from, matching ASCII letters in either case, or -1. It
// leaves other bytes alone, so indices stay those of b whatever its
// encoding (bytes.ToLower may change a page's length).
func indexASCIIFold(b []byte, from int, pat string) int {
	for k := from; k+len(pat) <= len(b); k++ {
		match := true
		for m := 0; m < len(pat); m++ {
			c := b[k+m]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != pat[m] {
				match = false
				break
			}
		}
		if match {
			return k
		}
	}
	return -1
}
