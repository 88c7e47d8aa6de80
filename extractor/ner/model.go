// Package ner is wirewatch's named-entity sequence model: a first-order
// averaged structured perceptron over hashed lexical, shape, context and
// gazetteer features, decoded with Viterbi under IOB2
// constraints. It is trained on CoNLL-2003 (see README.md and
// cmd/wwtrain-ner) and the trained weights are embedded in the binary.
package ner

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
)

// Labels are the IOB2 tags the model predicts, in weight-table order.
var Labels = [...]string{"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"}

const nLabels = len(Labels)

// allowed[p][y] says whether tag y may follow tag p; p == nLabels is the
// sentence start. I-X may only continue B-X or I-X.
var allowed = func() (a [nLabels + 1][nLabels]bool) {
	for p := 0; p <= nLabels; p++ {
		for y := 0; y < nLabels; y++ {
			a[p][y] = Labels[y][0] != 'I' || (p < nLabels && Labels[p] != "O" && Labels[p][2:] == Labels[y][2:])
		}
	}
	return a
}()

// Model is a trained tagger. It is read-only and safe for concurrent use.
type Model struct {
	bits  uint8
	mask  uint64
	w     []float32 // (1<<bits) rows of nLabels
	trans [nLabels + 1][nLabels]float32
	gaz   *gazetteer.Gazetteer
}

//go:embed model.bin.gz
var embedded []byte

// Default returns the embedded model, using g for gazetteer features (it
// must be the gazetteer the model was trained with, i.e. gazetteer.Load).
func Default(g *gazetteer.Gazetteer) (*Model, error) {
	if len(embedded) == 0 {
		return nil, errors.New("ner: no embedded model; build one with cmd/wwtrain-ner")
	}
	return Read(bytes.NewReader(embedded), g)
}

// Tag returns one IOB2 label per token of a tokenised sentence.
func (m *Model) Tag(words []string) []string {
	out := make([]string, len(words))
	for i, y := range m.decode(prepare(words, m.gaz), nil) {
		out[i] = Labels[y]
	}
	return out
}

// decode runs Viterbi. feats, when not nil, caches each token's features
// (used in training); otherwise they are computed on the fly.
func (m *Model) decode(s *sentence, feats [][]uint64) []int {
	n := len(s.word)
	if n == 0 {
		return nil
	}
	emit := make([][nLabels]float32, n)
	var buf []uint64
	for i := 0; i < n; i++ {
		var fs []uint64
		if feats != nil {
			fs = feats[i]
		} else {
			buf = s.features(buf[:0], i)
			fs = buf
		}
		for _, h := range fs {
			row := m.w[(h&m.mask)*uint64(nLabels):]
			row = row[:nLabels]
			for y := range nLabels {
				emit[i][y] += row[y]
			}
		}
	}
	negInf := float32(math.Inf(-1))
	score := make([][nLabels]float32, n)
	back := make([][nLabels]uint8, n)
	for y := range nLabels {
		score[0][y] = negInf
		if allowed[nLabels][y] {
			score[0][y] = emit[0][y] + m.trans[nLabels][y]
		}
	}
	for i := 1; i < n; i++ {
		for y := range nLabels {
			best, arg := negInf, 0
			for p := range nLabels {
				if !allowed[p][y] || score[i-1][p] == negInf {
					continue
				}
				if v := score[i-1][p] + m.trans[p][y]; v > best {
					best, arg = v, p
				}
			}
			score[i][y] = best + emit[i][y]
			back[i][y] = uint8(arg)
		}
	}
	best, arg := negInf, 0
	for y := range nLabels {
		if score[n-1][y] > best {
			best, arg = score[n-1][y], y
		}
	}
	path := make([]int, n)
	path[n-1] = arg
	for i := n - 1; i > 0; i-- {
		path[i-1] = int(back[i][path[i]])
	}
	return path
}

// Model file format (gzip-compressed, little endian): the magic "WWNER1",
// one byte of hash bits, the transition table, then the weight table as
// float32. Zero runs compress well, which keeps the embedded file small.
const magic = "WWNER1"

// Write serialises m.
func (m *Model) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("ner: write model: %w", err)
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(magic)
	bw.WriteByte(m.bits)
	if err := binary.Write(bw, binary.LittleEndian, m.trans); err != nil {
		return fmt.Errorf("ner: write model: %w", err)
	}
	if err := binary.Write(bw, binary.LittleEndian, m.w); err != nil {
		return fmt.Errorf("ner: write model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ner: write model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ner: write model: %w", err)
	}
	return nil
}

// Read loads a model written by Write.
func Read(r io.Reader, g *gazetteer.Gazetteer) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("ner: read model: %w", err)
	}
	br := bufio.NewReader(zr)
	head := make([]byte, len(magic)+1)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("ner: read model header: %w", err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, errors.New("ner: read model: not a wirewatch NER model")
	}
	bits := head[len(magic)]
	if bits < 8 || bits > 26 {
		return nil, fmt.Errorf("ner: read model: bad hash size %d", bits)
	}
	m := newModel(bits, g)
	if err := binary.Read(br, binary.LittleEndian, &m.trans); err != nil {
		return nil, fmt.Errorf("ner: read model transitions: %w", err)
	}
	if err := binary.Read(br, binary.LittleEndian, m.w); err != nil {
		return nil, fmt.Errorf("ner: read model weights: %w", err)
	}
	return m, nil
}

func newModel(bits uint8, g *gazetteer.Gazetteer) *Model {
	return &Model{
		bits: bits,
		mask: 1<<bits - 1,
		w:    make([]float32, (1<<bits)*nLabels),
		gaz:  g,
	}
}
