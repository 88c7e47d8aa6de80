package ner

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
)

// Sentence is one training example: tokens and their gold IOB2 tags.
type Sentence struct {
	Words []string
	Tags  []string
	// Doc is the 0-based index of the sentence's document in the file it
	// was read from: -DOCSTART- lines start documents, and sentences before
	// the first are in document 0. Training ignores it.
	Doc int
}

// TrainOptions controls training. Zero values pick the defaults used for
// the shipped model.
type TrainOptions struct {
	Epochs int   // passes over the data; default 12
	Bits   uint8 // log2 of the hash table rows; default 18
	Seed   uint64
	// Dev, when set, is tagged after every epoch and its token accuracy
	// logged, to choose Epochs.
	Dev    []Sentence
	Logger *slog.Logger
}

// Train fits an averaged structured perceptron. The result is
// deterministic for fixed data and options.
func Train(ctx context.Context, data []Sentence, g *gazetteer.Gazetteer, opts TrainOptions) (*Model, error) {
	if opts.Epochs == 0 {
		opts.Epochs = 12
	}
	if opts.Bits == 0 {
		opts.Bits = 18
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	index := map[string]int{}
	for i, l := range Labels {
		index[l] = i
	}
	type example struct {
		s     *sentence
		feats [][]uint64
		gold  []int
	}
	m := newModel(opts.Bits, g)
	exs := make([]example, 0, len(data))
	for n, d := range data {
		if len(d.Words) == 0 {
			continue
		}
		if len(d.Tags) != len(d.Words) {
			return nil, fmt.Errorf("ner: train sentence %d: %d tokens, %d tags", n, len(d.Words), len(d.Tags))
		}
		ex := example{s: prepare(d.Words, g), feats: make([][]uint64, len(d.Words)), gold: make([]int, len(d.Tags))}
		for i, t := range d.Tags {
			y, ok := index[t]
			if !ok {
				return nil, fmt.Errorf("ner: train sentence %d: unknown tag %q", n, t)
			}
			ex.gold[i] = y
			fs := ex.s.features(nil, i)
			for k := range fs {
				fs[k] &= m.mask
			}
			ex.feats[i] = fs
		}
		exs = append(exs, ex)
	}
	// Averaging: acc holds the sum of c·Δw, so the average weight is
	// w - acc/c (Daumé's trick), without touching every weight each step.
	acc := make([]float64, len(m.w))
	var tacc [nLabels + 1][nLabels]float64
	c := 1.0
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	for epoch := 1; epoch <= opts.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("ner: train: %w", err)
		}
		started := time.Now()
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		mistakes, tokens := 0, 0
		for _, k := range order {
			ex := &exs[k]
			pred := m.decode(ex.s, ex.feats)
			pg, pp := nLabels, nLabels
			for i, g := range ex.gold {
				p := pred[i]
				tokens++
				if p != g {
					mistakes++
					for _, f := range ex.feats[i] {
						base := int(f) * nLabels
						m.w[base+g]++
						acc[base+g] += c
						m.w[base+p]--
						acc[base+p] -= c
					}
				}
				if p != g || pp != pg {
					m.trans[pg][g]++
					tacc[pg][g] += c
					m.trans[pp][p]--
					tacc[pp][p] -= c
				}
				pg, pp = g, p
			}
			c++
		}
		log.Info("ner: epoch", "epoch", epoch, "train_token_errors", mistakes, "tokens", tokens, "took", time.Since(started).Round(time.Millisecond))
		if len(opts.Dev) > 0 {
			avg := m.averaged(acc, &tacc, c)
			log.Info("ner: dev", "epoch", epoch, "token_accuracy", avg.accuracy(opts.Dev))
		}
	}
	return m.averaged(acc, &tacc, c), nil
}

// averaged returns a copy of m holding the averaged weights.
func (m *Model) averaged(acc []float64, tacc *[nLabels + 1][nLabels]float64, c float64) *Model {
	out := newModel(m.bits, m.gaz)
	for i, w := range m.w {
		out.w[i] = float32(float64(w) - acc[i]/c)
	}
	for p := range m.trans {
		for y := range m.trans[p] {
			out.trans[p][y] = float32(float64(m.trans[p][y]) - tacc[p][y]/c)
		}
	}
	return out
}

func (m *Model) accuracy(data []Sentence) float64 {
	ok, n := 0, 0
	for _, d := range data {
		for i, t := range m.Tag(d.Words) {
			n++
			if t == d.Tags[i] {
				ok++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}
