package extractor

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/extractor/ner"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// sharedFile finds a file of the shared data directory, which lives beside
// the repository (../shared from the module root) and is not part of it.
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s absent: %v", p, err)
	}
	return p
}

func readCoNLL(t testing.TB, path string) []ner.Sentence {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ner.ReadCoNLL(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCoNLLDevBar asserts the bar of issue 5 on the CoNLL-2003 dev set:
// entity F1 PER >= 0.88, LOC >= 0.88, ORG >= 0.75, at >= 8,000 words/s on
// one core for the whole tag stage, timed both for TagTokens and for Tag on
// article bodies rebuilt from the dev text (sentence splitting, tokenising,
// model, rules and coreference).
func TestCoNLLDevBar(t *testing.T) {
	sents := readCoNLL(t, sharedFile(t, "ner/conll2003-dev.txt"))
	e := extractorForTest(t)
	input := make([][]string, len(sents))
	gold := make([][]string, len(sents))
	words := 0
	for i, s := range sents {
		input[i] = s.Words
		gold[i] = s.Tags
		words += len(s.Words)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	pred := make([][]string, len(input))
	start := time.Now()
	for i, s := range input {
		pred[i] = e.TagTokens(s)
	}
	wps := float64(words) / time.Since(start).Seconds()
	start = time.Now()
	for i := 0; i < len(input); i += 20 {
		var b strings.Builder
		for _, s := range input[i:min(i+20, len(input))] {
			b.WriteString(strings.Join(s, " "))
			b.WriteByte('\n')
		}
		if err := e.Tag(context.Background(), &article.Article{Body: b.String()}); err != nil {
			t.Fatal(err)
		}
	}
	tagWPS := float64(words) / time.Since(start).Seconds()
	score := ner.Score(gold, pred)
	bars := map[string]float64{"PER": 0.88, "LOC": 0.88, "ORG": 0.75}
	for _, typ := range ner.Types(score) {
		s := score[typ]
		t.Logf("%-4s P %.3f R %.3f F1 %.3f", typ, s.P, s.R, s.F1)
		if bar, ok := bars[typ]; ok && s.F1 < bar {
			t.Errorf("%s F1 %.3f below the bar %.2f", typ, s.F1, bar)
		}
	}
	t.Logf("one core: TagTokens %.0f words/s, Tag %.0f words/s", wps, tagWPS)
	if !raceEnabled && !testing.Short() && min(wps, tagWPS) < 8000 {
		t.Errorf("TagTokens %.0f, Tag %.0f words/s: below the bar of 8,000", wps, tagWPS)
	}
}

// BenchmarkTag measures the whole tag stage on the seed story, in words/s.
func BenchmarkTag(b *testing.B) {
	e := extractorForTest(b)
	body, err := os.ReadFile("testdata/seed_story.txt")
	if err != nil {
		b.Fatal(err)
	}
	words := article.WordCount(string(body))
	b.ResetTimer()
	for b.Loop() {
		a := &article.Article{Body: string(body)}
		if err := e.Tag(context.Background(), a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(words*b.N)/b.Elapsed().Seconds(), "words/s")
}
