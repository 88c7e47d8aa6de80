package ner

import (
	"fmt"
	"strings"
	"testing"
)

func TestReadCoNLL(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // each sentence as doc:word/tag ...
		err      bool
	}{
		{"no documents", "Russia B-LOC\nleft O\n\nTroops O\n", "0:Russia/B-LOC left/O | 0:Troops/O", false},
		{"documents", "-DOCSTART- -X- O O\n\nRussia NNP B-NP B-LOC\n\n-DOCSTART- -X- O O\n\nTroops NNS I-NP O\nleft VBD B-VP O\n", "0:Russia/B-LOC | 1:Troops/O left/O", false},
		{"sentence before the first document", "A O\n\n-DOCSTART- O\nB O\n", "0:A/O | 0:B/O", false},
		{"blank lines and no trailing newline", "\n\nA O\n\n\nB O", "0:A/O | 0:B/O", false},
		{"empty", "", "", false},
		{"token without a tag", "Russia B-LOC\nleft\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sents, err := ReadCoNLL(strings.NewReader(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			var got []string
			for _, s := range sents {
				var words []string
				for i, w := range s.Words {
					words = append(words, w+"/"+s.Tags[i])
				}
				got = append(got, fmt.Sprintf("%d:%s", s.Doc, strings.Join(words, " ")))
			}
			if g := strings.Join(got, " | "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}
