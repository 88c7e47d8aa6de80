package extractor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// TagCoNLL reads CoNLL-format lines from r and writes each token line to w
// with the predicted IOB2 tag appended as the last column. The token is the
// first column; blank lines and -DOCSTART- lines end a sentence and are
// echoed unchanged, so the output lines up with the input line for line.
func TagCoNLL(ctx context.Context, e *Extractor, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	bw := bufio.NewWriter(w)
	var lines, words []string
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		tags := e.TagTokens(words)
		for i, l := range lines {
			if _, err := fmt.Fprintf(bw, "%s %s\n", strings.TrimRight(l, " \t\r"), tags[i]); err != nil {
				return err
			}
		}
		lines, words = lines[:0], words[:0]
		return nil
	}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] == "-DOCSTART-" {
			if err := flush(); err != nil {
				return fmt.Errorf("conll: line %d: %w", n, err)
			}
			if _, err := fmt.Fprintln(bw, line); err != nil {
				return fmt.Errorf("conll: write: %w", err)
			}
			continue
		}
		lines = append(lines, line)
		words = append(words, fields[0])
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("conll: read line %d: %w", n+1, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("conll: line %d: %w", n, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("conll: write: %w", err)
	}
	return nil
}
