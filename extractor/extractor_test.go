package extractor

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// shared is built once: loading models takes about a second.
var shared = sync.OnceValues(func() (*Extractor, error) { return New(Options{}) })

func extractorForTest(t testing.TB) *Extractor {
	t.Helper()
	e, err := shared()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func TestTagCoNLL(t *testing.T) {
	e := extractorForTest(t)
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"docstart and blanks", "-DOCSTART- -X- O O\n\nEU B-ORG\nrejects O\nGerman B-MISC\ncall O\n.\n\n"},
		{"no trailing newline", "Peter\nBlackburn"},
		{"curly quotes", "\u201cLibya\u201d\nsaid\n\u2019s\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := TagCoNLL(context.Background(), e, strings.NewReader(tc.in), &out); err != nil {
				t.Fatal(err)
			}
			in := strings.Split(strings.TrimSuffix(tc.in, "\n"), "\n")
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if tc.in == "" {
				if out.Len() != 0 {
					t.Fatalf("output %q for empty input", out.String())
				}
				return
			}
			if len(got) != len(in) {
				t.Fatalf("got %d lines, want %d:\n%s", len(got), len(in), out.String())
			}
			for i := range in {
				f := strings.Fields(in[i])
				if len(f) == 0 || f[0] == "-DOCSTART-" {
					if got[i] != in[i] {
						t.Errorf("line %d: break %q echoed as %q", i, in[i], got[i])
					}
					continue
				}
				g := strings.Fields(got[i])
				if len(g) != len(f)+1 || g[0] != f[0] {
					t.Errorf("line %d: %q became %q", i, in[i], got[i])
					continue
				}
				if tag := g[len(g)-1]; tag != "O" && !strings.HasPrefix(tag, "B-") && !strings.HasPrefix(tag, "I-") {
					t.Errorf("line %d: bad tag %q", i, tag)
				}
			}
		})
	}
}

func TestTagSpans(t *testing.T) {
	e := extractorForTest(t)
	a := &article.Article{Body: "Russian Foreign Minister Sergey Lavrov met \u201cLibya\u2019s\u201d envoy in Moscow on Thursday.\nThe U.N. said so."}
	if err := e.Tag(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	for _, en := range a.Entities {
		if a.Body[en.Start:en.End] != en.Text {
			t.Errorf("entity %+v does not match body %q", en, a.Body[en.Start:en.End])
		}
	}
	if len(a.Entities) == 0 {
		t.Errorf("no entities in %q", a.Body)
	}
}
