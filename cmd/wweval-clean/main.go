// Command wweval-clean measures the article cleaner of
// github.com/wirewatch/wirewatch/crawler/clean against go-trafilatura and
// go-readability on the development sets (testdata/corpus, 181 news pages,
// and testdata/corpus-wcxb, 791 WCXB article pages, CC-BY-4.0), in one run
// and on the same pages: body precision, recall and F1 as the corpus README
// defines them, empty bodies, accuracy, title (exact and token F1), date
// and author agreement, speed in pages per second on one core (median of
// several repetitions), and the paired bootstrap interval of the body F1
// difference to go-trafilatura.
//
// It is a separate module so that the two competitors stay
// benchmark-only dependencies and never enter the wirewatch build.
//
// Usage, from the repository root:
//
//	(cd cmd/wweval-clean && go run . -reps 5)
//	(cd cmd/wweval-clean && go run . -sets ../../testdata/corpus-wcxb -only wirewatch -reps 1)
//	(cd cmd/wweval-clean && go run . -trafilatura /path/to/trafilatura -reps 1)
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	readability "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// extractor runs one library on one page.
type extractor struct {
	name string
	run  func(p cleaneval.Page) (cleaneval.Output, error)
}

func main() {
	sets := flag.String("sets", "../../testdata/corpus,../../testdata/corpus-wcxb", "comma-separated dev set directories (truth.jsonl and pages/), each reported on its own")
	corpus := flag.String("corpus", "", "one corpus directory; overrides -sets (kept for old scripts)")
	reps := flag.Int("reps", 5, "timing repetitions per extractor; the median is reported")
	only := flag.String("only", "", "comma-separated extractors to run (wirewatch, go-trafilatura, go-readability); default all")
	worst := flag.Int("worst", 0, "also list this many worst pages by body F1 per extractor")
	traf := flag.String("trafilatura", "", "a checkout of trafilatura's repository: also report its evaluation set (tests/evaldata.json, snippets only, never used for tuning)")
	perPage := flag.String("pagescores", "", "also write every page's body P, R and F1 per extractor to this TSV file (set, page, extractor, P, R, F1, snippets passed, the snippets failed), for studying where extractors differ")
	leaks := flag.Bool("leaks", false, "also list, per extractor, every page whose body holds a boilerplate marker (appeal, newsletter, cookie, related links, comment prompt) that its truth does not")
	flag.Parse()
	dirs := strings.Split(*sets, ",")
	if *corpus != "" {
		dirs = []string{*corpus}
	}
	if err := run(dirs, *traf, *reps, *only, *worst, *perPage, *leaks); err != nil {
		fmt.Fprintln(os.Stderr, "wweval-clean:", err)
		os.Exit(1)
	}
}

func extractors() []extractor {
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cleaner := clean.New(clean.Options{Logger: slog.New(slog.DiscardHandler)})
	return []extractor{
		{"wirewatch", func(p cleaneval.Page) (cleaneval.Output, error) {
			res, err := cleaner.Clean(context.Background(), clean.Page{URL: p.URL, HTML: p.HTML, FetchedAt: fetched})
			if err != nil {
				return cleaneval.Output{}, err
			}
			a := res.Article
			return cleaneval.Output{Body: a.Body, Title: a.Title, Authors: a.Authors, Published: a.PublishedAt}, nil
		}},
		// The same cleaner on the page without its scripts: no JSON-LD,
		// as on sites that publish none.
		{"wirewatch-noscript", func(p cleaneval.Page) (cleaneval.Output, error) {
			res, err := cleaner.Clean(context.Background(), clean.Page{URL: p.URL, HTML: cleaneval.StripScripts(p.HTML), FetchedAt: fetched})
			if err != nil {
				return cleaneval.Output{}, err
			}
			a := res.Article
			return cleaneval.Output{Body: a.Body, Title: a.Title, Authors: a.Authors, Published: a.PublishedAt}, nil
		}},
		{"go-trafilatura", func(p cleaneval.Page) (cleaneval.Output, error) {
			u, _ := url.Parse(p.URL)
			r, err := trafilatura.Extract(bytes.NewReader(p.HTML), trafilatura.Options{
				OriginalURL: u, EnableFallback: true, ExcludeComments: true,
			})
			if err != nil {
				return cleaneval.Output{}, err
			}
			o := cleaneval.Output{Body: r.ContentText, Title: r.Metadata.Title, Authors: splitAuthors(r.Metadata.Author)}
			if !r.Metadata.Date.IsZero() {
				d := r.Metadata.Date
				o.Published = &d
			}
			return o, nil
		}},
		{"go-readability", func(p cleaneval.Page) (cleaneval.Output, error) {
			u, _ := url.Parse(p.URL)
			a, err := readability.FromReader(bytes.NewReader(p.HTML), u)
			if err != nil {
				return cleaneval.Output{}, err
			}
			return cleaneval.Output{Body: a.TextContent, Title: a.Title, Authors: splitAuthors(a.Byline), Published: a.PublishedTime}, nil
		}},
	}
}

func run(dirs []string, traf string, reps int, only string, worst int, perPage string, leaks bool) error {
	if reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	var tsv *os.File
	if perPage != "" {
		f, err := os.Create(perPage)
		if err != nil {
			return fmt.Errorf("page scores: %w", err)
		}
		defer f.Close()
		fmt.Fprintf(f, "set\tpage\textractor\tP\tR\tF1\tsnippets\tfailed\n")
		tsv = f
	}
	// Speed is measured on one core, as the benchmark convention asks;
	// quality does not depend on it.
	runtime.GOMAXPROCS(1)
	var chosen []extractor
	for _, e := range extractors() {
		if only == "" || slices.Contains(strings.Split(only, ","), e.name) {
			chosen = append(chosen, e)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("no extractor matches -only %q", only)
	}
	for _, dir := range dirs {
		pages, err := cleaneval.Load(dir)
		if err != nil {
			return err
		}
		runSet(filepath.Base(filepath.Clean(dir)), pages, chosen, reps, worst, tsv, leaks)
	}
	if traf != "" {
		pages, err := cleaneval.LoadTrafilatura(traf)
		if err != nil {
			return err
		}
		runSet("trafilatura-eval", pages, chosen, reps, worst, tsv, leaks)
	}
	fmt.Printf("\nP, R: means over pages of 4-token-shingle precision and recall; F1 from the two means.\n")
	fmt.Printf("empty: pages whose truth has a body (or, in trafilatura-eval, must_include snippets) and the output has no words. accuracy: share of pages with page F1 >= %.1f.\n", cleaneval.AccuracyF1)
	fmt.Printf("title: exact match (white space normalised); title-tok: mean token F1 of the title (case folded); date: published day;\n")
	fmt.Printf("authors: mean author-set F1 (case folded). pages/s: GOMAXPROCS=1, median of %d full passes.\n", reps)
	fmt.Printf("leaks: pages whose body holds a marker phrase of a boilerplate class (appeal, newsletter, cookie, related links,\n")
	fmt.Printf("comment prompt; cleaneval.Leaks) that the page's truth does not; -leaks lists them.\n")
	fmt.Printf("CI95: paired bootstrap (1000 resamples of the pages) of the body F1 difference to go-trafilatura.\n")
	fmt.Printf("corpus-wcxb: WCXB (Web Content eXtraction Benchmark, Murrough Foley), CC-BY-4.0.\n")
	if traf != "" {
		fmt.Printf("trafilatura-eval: trafilatura's evaluation set (Adrien Barbaresi, Apache-2.0), read from %s; snippets only, so\n", traf)
		fmt.Printf("only must_* is meaningful; go-trafilatura ports a library tuned on this set, the others never saw it.\n")
	}
	return nil
}

// runSet evaluates the chosen extractors on one dev set and prints its
// table; with tsv set it also writes every page's scores there.
func runSet(name string, pages []cleaneval.Page, chosen []extractor, reps, worst int, tsv *os.File, leaks bool) {
	fmt.Printf("\n== %s (%d pages)\n", name, len(pages))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "extractor\tP\tR\tF1\tF1 - trafilatura, CI95\tempty\taccuracy\ttitle\ttitle-tok\tdate\tauthors\tmust_*\tleaks\terrors\tpages/s\t\n")
	type row struct {
		name   string
		scores []cleaneval.PageScore
	}
	var rows []row
	rates := make(map[string]float64)
	errCount := make(map[string]int)
	for _, e := range chosen {
		var scores []cleaneval.PageScore
		outs := make([]cleaneval.Output, len(pages))
		runtime.GC()
		start := time.Now()
		for i, p := range pages {
			o, err := e.run(p)
			if err != nil {
				errCount[e.name]++
			}
			outs[i] = o
		}
		// The scored pass is the first timed pass; scoring is left out of
		// the time.
		first := float64(len(pages)) / time.Since(start).Seconds()
		for i, p := range pages {
			scores = append(scores, cleaneval.ScorePage(p.Truth, outs[i]))
		}
		rows = append(rows, row{e.name, scores})
		if tsv != nil {
			for _, ps := range scores {
				p, r, f := -1.0, -1.0, -1.0
				if b := ps.Body; b != nil {
					p, r, f = b.Precision(), b.Recall(), b.F1()
				}
				// The failed snippets ("include: ...", "exclude: ...") on one
				// line, so that the snippets one extractor misses and
				// another keeps can be compared by kind.
				failed := make([]string, len(ps.Missing))
				for i, m := range ps.Missing {
					failed[i] = cleaneval.NormSpace(m)
				}
				fmt.Fprintf(tsv, "%s\t%s\t%s\t%.4f\t%.4f\t%.4f\t%d/%d\t%s\n", name, ps.ID, e.name, p, r, f, ps.Includes+ps.Excludes, ps.MustTotal, strings.Join(failed, " ¦ "))
			}
		}
		rates[e.name] = medianRate(pages, e, reps-1, first)
	}
	var ref []cleaneval.PageScore
	for _, r := range rows {
		if r.name == "go-trafilatura" {
			ref = r.scores
		}
	}
	for _, r := range rows {
		s := cleaneval.Summarize(r.scores)
		ci := "-"
		if ref != nil && r.name != "go-trafilatura" {
			lo, hi := cleaneval.BootstrapF1Diff(r.scores, ref, 1000, 1)
			ci = fmt.Sprintf("%+.4f [%+.4f, %+.4f]", s.F1-cleaneval.Summarize(ref).F1, lo, hi)
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d/%d\t%d\t%d\t%.1f\t\n",
			r.name, s.P, s.R, s.F1, ci, s.Empty, s.Accuracy, s.Title, s.TitleF1, s.Date, s.Authors, s.MustPass, s.MustTotal, s.LeakPages, errCount[r.name], rates[r.name])
	}
	tw.Flush()
	if leaks {
		for _, r := range rows {
			fmt.Printf("\nboilerplate markers kept, %s:\n", r.name)
			for _, ps := range r.scores {
				for _, l := range ps.Leaks {
					fmt.Printf("  %-45s %-10s %q\n", ps.ID, l.Class, l.Marker)
				}
			}
		}
	}
	if worst > 0 {
		for _, r := range rows {
			sort.Slice(r.scores, func(i, j int) bool { return pageF1(r.scores[i]) < pageF1(r.scores[j]) })
			fmt.Printf("\nworst pages, %s:\n", r.name)
			for _, ps := range r.scores[:min(worst, len(r.scores))] {
				fmt.Printf("  %-45s F1=%.3f\n", ps.ID, pageF1(ps))
			}
		}
	}
}

// medianRate times reps more full passes over the pages and returns the
// median pages per second of them and the first pass's rate.
func medianRate(pages []cleaneval.Page, e extractor, reps int, first float64) float64 {
	rates := []float64{first}
	for range reps {
		runtime.GC()
		start := time.Now()
		for _, p := range pages {
			_, _ = e.run(p)
		}
		rates = append(rates, float64(len(pages))/time.Since(start).Seconds())
	}
	sort.Float64s(rates)
	return rates[len(rates)/2]
}

func pageF1(ps cleaneval.PageScore) float64 {
	if ps.Body == nil {
		return 1
	}
	return ps.Body.F1()
}

// splitAuthors splits the single author string the competitors return
// ("A; B", "By A and B") into names.
func splitAuthors(s string) []string {
	s = strings.TrimSpace(s)
	if low := strings.ToLower(s); strings.HasPrefix(low, "by ") {
		s = s[3:]
	}
	s = strings.NewReplacer(";", ",", " and ", ",", " & ", ",").Replace(s)
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
