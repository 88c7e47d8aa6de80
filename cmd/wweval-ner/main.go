// Command wweval-ner scores entity tagging on a CoNLL file, prose alone and
// wirewatch side by side: entity-level exact-match precision, recall and F1
// per type (conlleval semantics) and throughput of the whole tag stage
// in words per second on one core, the median of several runs: once for
// TagTokens on the given tokens (the "ner --conll" path) and once for Tag on
// article bodies rebuilt from the same text, 20 sentences to a body, which
// adds sentence splitting, tokenising, rules and coreference.
//
//	go run ./cmd/wweval-ner -data ../shared/ner/conll2003-dev.txt
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/ner"
	"github.com/wirewatch/wirewatch/pkg/article"
)

func main() {
	data := flag.String("data", "../shared/ner/conll2003-dev.txt", "CoNLL file with gold tags in the last column")
	runs := flag.Int("runs", 3, "timed runs per tagger; the median is reported")
	procs := flag.Int("procs", 1, "GOMAXPROCS while timing")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *data, *runs, *procs); err != nil {
		fmt.Fprintln(os.Stderr, "wweval-ner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, path string, runs, procs int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	sents, err := ner.ReadCoNLL(f)
	f.Close()
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(procs)
	words := 0
	gold := make([][]string, len(sents))
	input := make([][]string, len(sents))
	for i, s := range sents {
		gold[i] = s.Tags
		input[i] = s.Words
		words += len(s.Words)
	}
	var bodies []string
	for i := 0; i < len(input); i += 20 {
		var b strings.Builder
		for _, s := range input[i:min(i+20, len(input))] {
			b.WriteString(strings.Join(s, " "))
			b.WriteByte('\n')
		}
		bodies = append(bodies, b.String())
	}
	type result struct {
		name        string
		score       map[string]ner.PRF
		wps, tagWPS float64
	}
	var results []result
	for _, c := range []struct {
		name string
		opts extractor.Options
	}{
		{"prose", extractor.Options{ProseOnly: true}},
		{"wirewatch", extractor.Options{}},
	} {
		e, err := extractor.New(c.opts)
		if err != nil {
			return err
		}
		var pred [][]string
		var rates, tagRates []float64
		for range max(runs, 1) {
			if err := ctx.Err(); err != nil {
				return err
			}
			pred = make([][]string, len(input))
			start := time.Now()
			for i, s := range input {
				pred[i] = e.TagTokens(s)
			}
			rates = append(rates, float64(words)/time.Since(start).Seconds())
			start = time.Now()
			for _, b := range bodies {
				if err := e.Tag(ctx, &article.Article{Body: b}); err != nil {
					return err
				}
			}
			tagRates = append(tagRates, float64(words)/time.Since(start).Seconds())
		}
		slices.Sort(rates)
		slices.Sort(tagRates)
		results = append(results, result{c.name, ner.Score(gold, pred), rates[len(rates)/2], tagRates[len(tagRates)/2]})
	}
	fmt.Fprintf(w, "%s: %d sentences, %d words; GOMAXPROCS=%d, median of %d runs\n", path, len(sents), words, procs, max(runs, 1))
	fmt.Fprintf(w, "%-6s", "type")
	for _, r := range results {
		fmt.Fprintf(w, " | %-26s", r.name+" P/R/F1")
	}
	fmt.Fprintln(w)
	for _, typ := range []string{"PER", "LOC", "ORG", "MISC", "ALL"} {
		fmt.Fprintf(w, "%-6s", typ)
		for _, r := range results {
			s := r.score[typ]
			fmt.Fprintf(w, " | %.3f  %.3f  %.3f        ", s.P, s.R, s.F1)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-6s", "words/s")
	for _, r := range results {
		fmt.Fprintf(w, "| %-27.0f", r.wps)
	}
	fmt.Fprintln(w, " TagTokens")
	fmt.Fprintf(w, "%-6s", "words/s")
	for _, r := range results {
		fmt.Fprintf(w, "| %-27.0f", r.tagWPS)
	}
	fmt.Fprintln(w, " Tag on article bodies")
	return nil
}
