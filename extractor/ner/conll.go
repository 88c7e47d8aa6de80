package ner

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ReadCoNLL reads sentences in CoNLL format: one token per line with its
// tag in the last column, blank lines between sentences, -DOCSTART- lines
// between documents (dropped, but counted in each sentence's Doc). It is
// the one CoNLL reader of the module: training, evaluation and the event
// set's references into the CoNLL files all read with it.
func ReadCoNLL(r io.Reader) ([]Sentence, error) {
	var out []Sentence
	var cur Sentence
	doc := -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "-DOCSTART-" {
			if len(cur.Words) > 0 {
				out = append(out, cur)
			}
			if len(f) > 0 {
				doc++
			}
			cur = Sentence{Doc: max(doc, 0)}
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("ner: conll line %d: want token and tag, got %q", n, sc.Text())
		}
		cur.Words = append(cur.Words, f[0])
		cur.Tags = append(cur.Tags, f[len(f)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ner: read conll: %w", err)
	}
	if len(cur.Words) > 0 {
		out = append(out, cur)
	}
	return out, nil
}
