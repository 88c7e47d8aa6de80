// Command wwtrain-ner rebuilds the entity model embedded in
// extractor/ner from the CoNLL-2003 English training set:
//
//	go run ./cmd/wwtrain-ner -train ../shared/ner/conll2003-train.txt \
//	    -dev ../shared/ner/conll2003-dev.txt -out extractor/ner/model.bin.gz
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/wirewatch/wirewatch/extractor/ner"
	"github.com/wirewatch/wirewatch/internal/gazetteer"
)

func main() {
	train := flag.String("train", "../shared/ner/conll2003-train.txt", "CoNLL training file")
	dev := flag.String("dev", "", "optional CoNLL dev file, scored after training")
	out := flag.String("out", "extractor/ner/model.bin.gz", "model file to write")
	epochs := flag.Int("epochs", 12, "training epochs")
	bits := flag.Int("bits", 18, "log2 of hash table rows")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *train, *dev, *out, *epochs, uint8(*bits)); err != nil {
		fmt.Fprintln(os.Stderr, "wwtrain-ner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, trainPath, devPath, outPath string, epochs int, bits uint8) error {
	started := time.Now()
	g, err := gazetteer.Load()
	if err != nil {
		return err
	}
	data, err := load(trainPath)
	if err != nil {
		return err
	}
	var devData []ner.Sentence
	if devPath != "" {
		if devData, err = load(devPath); err != nil {
			return err
		}
	}
	slog.Info("data ready", "train_sentences", len(data), "dev_sentences", len(devData), "took", time.Since(started).Round(time.Millisecond))
	m, err := ner.Train(ctx, data, g, ner.TrainOptions{Epochs: epochs, Bits: bits})
	if err != nil {
		return err
	}
	f, err := os.Create(outPath)
	if err != nil {
		return err
	}
	if err := m.Write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", outPath, err)
	}
	slog.Info("model written", "path", outPath, "took", time.Since(started).Round(time.Millisecond))
	if len(devData) > 0 {
		var gold, pred [][]string
		for _, s := range devData {
			gold = append(gold, s.Tags)
			pred = append(pred, m.Tag(s.Words))
		}
		sc := ner.Score(gold, pred)
		for _, t := range ner.Types(sc) {
			s := sc[t]
			fmt.Printf("%-5s P %.4f R %.4f F1 %.4f\n", t, s.P, s.R, s.F1)
		}
	}
	return nil
}

// load reads a CoNLL file.
func load(path string) ([]ner.Sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sents, err := ner.ReadCoNLL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sents, nil
}
