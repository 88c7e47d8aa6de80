package extractor

import (
	"fmt"
	"strings"

	"github.com/jdkato/prose/v2"
)

// token is one prose token and its byte span in the text it was cut from.
// Start is -1 when the token could not be located (prose rewrites a few
// characters, see sanitize).
type token struct {
	text       string
	label      string // prose's own entity label, for the baseline only
	start, end int
}

// sanitized is text with curly quotes replaced the way prose's tokeniser
// replaces them, plus a map from each byte of the result back to the byte
// offset in the original, so token spans can be reported against the
// original body.
type sanitized struct {
	text string
	orig []int // len(text)+1 entries
}

// quoteReplacements mirrors the replacements prose's tokeniser applies
// before splitting; doing them ourselves keeps offsets exact.
var quoteReplacements = []struct{ from, to string }{
	{"\u201c", `"`}, {"\u201d", `"`}, {"\u2018", "'"}, {"\u2019", "'"}, {"&rsquo;", "'"},
}

func sanitize(s string, base int) sanitized {
	var b strings.Builder
	b.Grow(len(s))
	orig := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		replaced := false
		if s[i] == 0xe2 || s[i] == '&' {
			for _, r := range quoteReplacements {
				if strings.HasPrefix(s[i:], r.from) {
					b.WriteString(r.to)
					orig = append(orig, base+i)
					i += len(r.from)
					replaced = true
					break
				}
			}
		}
		if !replaced {
			b.WriteByte(s[i])
			orig = append(orig, base+i)
			i++
		}
	}
	orig = append(orig, base+len(s))
	return sanitized{text: b.String(), orig: orig}
}

// locate assigns byte spans to prose tokens by scanning text left to
// right. Prose's tokens are substrings of the sanitized text in order, so a
// forward search finds each; a token that is not found keeps start -1.
func locate(san sanitized, ptoks []prose.Token) []token {
	out := make([]token, len(ptoks))
	cur := 0
	for i, pt := range ptoks {
		out[i] = token{text: pt.Text, label: pt.Label, start: -1, end: -1}
		j := strings.Index(san.text[cur:], pt.Text)
		if j < 0 || pt.Text == "" {
			continue
		}
		s := cur + j
		e := s + len(pt.Text)
		out[i].start, out[i].end = san.orig[s], san.orig[e]
		cur = e
	}
	return out
}

// proseDoc runs prose's tokeniser on text and, for the baseline (extract
// set), its tagger and entity classifier with the shared model.
// Segmentation is always off: prose would reload its sentence data on every
// call. wirewatch's own model does not use prose's part-of-speech tags:
// they gained nothing measurable on the dev set, cost time, and are not
// deterministic (prose's tagger breaks score ties in map order).
func (e *Extractor) proseDoc(text string, extract bool) ([]prose.Token, error) {
	opts := []prose.DocOpt{
		prose.WithSegmentation(false),
		prose.WithTagging(extract),
		prose.WithExtraction(extract),
	}
	if extract {
		opts = append(opts, prose.UsingModel(e.prose))
	}
	doc, err := prose.NewDocument(text, opts...)
	if err != nil {
		return nil, fmt.Errorf("prose: %w", err)
	}
	return doc.Tokens(), nil
}

// span is a byte range of the body.
type span struct{ start, end int }

// sentences splits body into sentence spans: first at line breaks (article
// bodies put paragraphs, captions and datelines on their own lines, often
// without a full stop), then with prose's Punkt sentence model, loaded once.
func (e *Extractor) sentences(body string) []span {
	var out []span
	for off := 0; off < len(body); {
		nl := strings.IndexByte(body[off:], '\n')
		end := len(body)
		if nl >= 0 {
			end = off + nl
		}
		para := body[off:end]
		if strings.TrimSpace(para) != "" {
			for _, s := range e.punkt.Tokenize(para) {
				if strings.TrimSpace(s.Text) != "" {
					out = append(out, span{off + s.Start, off + s.End})
				}
			}
		}
		off = end + 1
	}
	return out
}

// analyse splits and tokenises body sentence by sentence.
func (e *Extractor) analyse(body string, extract bool) ([][]token, error) {
	var out [][]token
	for _, s := range e.sentences(body) {
		san := sanitize(body[s.start:s.end], s.start)
		ptoks, err := e.proseDoc(san.text, extract)
		if err != nil {
			return nil, err
		}
		toks := locate(san, ptoks)
		if len(toks) > 0 {
			out = append(out, toks)
		}
	}
	return out, nil
}
