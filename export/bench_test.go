package export

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirSize is the total size of the files under path.
func dirSize(b *testing.B, path string) int64 {
	var n int64
	err := filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkExport writes 5,000 synthetic articles per iteration in each
// format and reports throughput and output size per article.
func BenchmarkExport(b *testing.B) {
	const n = 5000
	as := sampleArticles(n)
	// Bodies of a realistic length (about 4 KB) drawn from a vocabulary of
	// 5,000 made-up words, so that compression has about as much to do as
	// with real text.
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	for i := range vocab {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	for _, a := range as {
		var body strings.Builder
		body.WriteString(a.Body)
		for body.Len() < 4000 {
			body.WriteString(" " + vocab[rng.IntN(len(vocab))])
		}
		a.Body = body.String()
		a.Normalize()
	}
	for _, format := range []string{JSONL, CSV, Parquet} {
		b.Run("format="+format, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "out")
			var size int64
			for b.Loop() {
				w, _, err := Open(format, out, Options{})
				if err != nil {
					b.Fatal(err)
				}
				for _, a := range as {
					if err := w.Write(a); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				size = dirSize(b, out)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "articles/s")
			b.ReportMetric(float64(size)/n, "bytes/article")
			b.ReportMetric(0, "ns/op")
		})
	}
}
