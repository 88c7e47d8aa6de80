// Command wweval-ner scores entity tagging on a CoNLL file, prose alone and
// wirewatch side by side: entity-level exact-match precision, recall and F1
// per type (conlleval semantics) and throughput of the whole tag stage
// (prose tokenising and part-of-speech tagging plus the entity model) in
// words per second on one core, the median of several runs.
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
	"time"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/ner"
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
		for _, t := range s.Tokens {
			input[i] = append(input[i], t.Text)
		}
		words += len(s.Tokens)
	}
	type result struct {
		name  string
		score map[string]ner.PRF
		wps   float64
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
		var rates []float64
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
		}
		slices.Sort(rates)
		results = append(results, result{c.name, ner.Score(gold, pred), rates[len(rates)/2]})
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
	fmt.Fprintln(w)
	return nil
}
