package export_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// exportSizes are the store sizes BenchmarkExportSize exports: the
// embedded store's export must keep its speed as the store grows.
var exportSizes = []int{10_000, 50_000, 200_000}

// exportFixtures are the stores BenchmarkExportSize exports, one per
// size, kept across the runs of -count so that they are filled once per
// test binary. Each is a copy of the next smaller one grown by Put, so that
// all are stores grown article by article, as a crawl grows one, for the
// cost of filling the biggest. TestMain removes them, unless they are
// under the directory WIREWATCH_BENCH_EXPORT_STORE names, which keeps
// them for the next run (filling 200,000 articles takes minutes).
var exportFixtures struct {
	dir    string
	keep   bool
	stores map[int]*sqlite.Store
}

func TestMain(m *testing.M) {
	code := m.Run()
	f := &exportFixtures
	for _, s := range f.stores {
		s.Close()
	}
	if f.dir != "" && !f.keep {
		os.RemoveAll(f.dir)
	}
	os.Exit(code)
}

// benchArticle returns synthetic article i of the size benchmark: about
// 4 KB of JSON (a 2.5 KB body from a vocabulary of 5,000 made-up words,
// tagged names, a figure), the same every time. Three in four are in
// English, the rest in German, so that lang:en selects most of a store.
func benchArticle(i int, vocab []string) *article.Article {
	rng := rand.New(rand.NewPCG(uint64(i), 3))
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	a := article.New(fmt.Sprintf("https://news%d.example.org/world/%d-story", i%40, i), "", t0.Add(time.Duration(i)*time.Minute))
	people := []string{"Olaf Scholz", "Sergey Lavrov", "Ursula von der Leyen"}
	lead := people[i%3] + " said in Tripoli that prices rose 12% in May."
	var body strings.Builder
	body.WriteString(lead)
	for body.Len() < 2500 {
		body.WriteString(" " + vocab[rng.IntN(len(vocab))])
	}
	a.Body = body.String()
	a.Title = fmt.Sprintf("%s talks in Tripoli, number %d", people[i%3], i)
	a.Authors = []string{"Anna Müller"}
	a.SourceName, a.Section = fmt.Sprintf("News %d", i%40), "world"
	a.Language = "en"
	if i%4 == 3 {
		a.Language = "de"
	}
	pub := a.FetchedAt.Add(-time.Hour)
	a.PublishedAt = &pub
	n := len(people[i%3])
	a.Entities = []article.Entity{
		{Text: people[i%3], Type: article.Person, Canonical: people[i%3], Start: 0, End: n},
		{Text: "Tripoli", Type: article.Place, Canonical: "Tripoli", Country: "LY", Start: n + 9, End: n + 16},
	}
	a.People, a.Places = []string{people[i%3]}, []string{"Tripoli"}
	p := strings.Index(lead, "12%")
	a.Figures = []article.Figure{{Text: "12%", Kind: article.Percent, Value: 12, Unit: "%", Start: p, End: p + 3}}
	return a
}

// exportFixture returns a store of the first n articles of benchArticle.
func exportFixture(b *testing.B, n int) *sqlite.Store {
	b.Helper()
	ctx := context.Background()
	f := &exportFixtures
	if s := f.stores[n]; s != nil {
		return s
	}
	if f.dir == "" {
		f.dir = os.Getenv("WIREWATCH_BENCH_EXPORT_STORE")
		f.keep = f.dir != ""
		if !f.keep {
			var err error
			if f.dir, err = os.MkdirTemp("", "wirewatch-export-bench-"); err != nil {
				b.Fatal(err)
			}
		}
		f.stores = map[int]*sqlite.Store{}
	}
	dir := filepath.Join(f.dir, fmt.Sprintf("articles-%d", n))
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
		// Start from a copy of the biggest smaller store, closed so
		// that its file holds everything (no WAL).
		from := 0
		for _, m := range exportSizes {
			if m < n && m > from {
				from = m
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if from > 0 {
			exportFixture(b, from).Close()
			delete(f.stores, from)
			src := filepath.Join(f.dir, fmt.Sprintf("articles-%d", from), sqlite.FileName)
			if err := copyFile(src, filepath.Join(dir, sqlite.FileName)); err != nil {
				b.Fatal(err)
			}
		}
	}
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	f.stores[n] = s
	have, err := s.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if have == n {
		return s
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	for i := range vocab {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	start := time.Now()
	// Articles are added in order, so a store of have articles holds
	// the first have.
	for i := have; i < n; i++ {
		if err := s.Put(ctx, benchArticle(i, vocab)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("filled the store from %d to %d articles in %v", have, n, time.Since(start).Round(time.Second))
	return s
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// peakRSS returns the process's peak resident set size in bytes since the
// last resetPeakRSS, or 0 where Linux's /proc does not tell it.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts a new peak (Linux: writing 5 to clear_refs resets
// VmHWM); it reports whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// liveHeap samples the Go heap that survived the last collection, every
// few milliseconds until stop is closed, and returns its peak: what an
// export keeps, where the peak RSS also counts garbage not yet collected
// (more of it when a loaded machine starves the collector).
func liveHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				peak = max(peak, sample[0].Value.Uint64())
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// BenchmarkExportSize exports the embedded store (store/sqlite) at 10,000, 50,000 and
// 200,000 articles of about 4 KB of JSON: all of them to each format, and
// to JSON Lines for a key filter (lang:en, three in four) and for free text
// (prices, every article). It reports articles/s, MB/s of stored JSON read,
// the peak resident memory of the process and the peak live heap during an
// export, and allocations: a store twenty times bigger must export at about
// the same rate, in about the same memory. `benchstat -col /articles` puts
// the sizes side by side. The stores are filled once per test binary (Put,
// about 3 ms an article on the project's loaded 2-core node: ten minutes
// for the biggest; WIREWATCH_BENCH_EXPORT_STORE keeps them for the next
// run).
func BenchmarkExportSize(b *testing.B) {
	ctx := context.Background()
	lang, err := query.Parse("lang:en")
	if err != nil {
		b.Fatal(err)
	}
	text, err := query.Parse("prices")
	if err != nil {
		b.Fatal(err)
	}
	all := func(n int) int { return n }
	cases := []struct {
		format, qname string
		q             query.Query
		want          func(n int) int
	}{
		{export.JSONL, "all", query.Query{}, all},
		{export.CSV, "all", query.Query{}, all},
		{export.Parquet, "all", query.Query{}, all},
		{export.JSONL, "lang:en", lang, func(n int) int { return n - n/4 }},
		{export.JSONL, "prices", text, all},
	}
	for _, n := range exportSizes {
		// Filled here, so that -bench selecting the small stores does
		// not fill the big one.
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			s := exportFixture(b, n)
			for _, c := range cases {
				b.Run("format="+c.format+"/query="+c.qname, func(b *testing.B) {
					out := filepath.Join(b.TempDir(), "out")
					var p export.Progress
					var peak int64
					var peakLive uint64
					b.ReportAllocs()
					for b.Loop() {
						rss := resetPeakRSS()
						stop := make(chan struct{})
						live := liveHeap(stop)
						var err error
						p, err = export.Run(ctx, s, export.Job{Format: c.format, Path: out, Slices: 1, Request: export.Request{Query: c.q}})
						if err != nil {
							b.Fatal(err)
						}
						close(stop)
						peakLive = max(peakLive, <-live)
						if rss {
							peak = max(peak, peakRSS())
						}
						if p.Exported != int64(c.want(n)) || p.Rejected != 0 {
							b.Fatalf("exported %d and rejected %d, want %d and none", p.Exported, p.Rejected, c.want(n))
						}
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(float64(p.Exported)/sec, "articles/s")
					b.ReportMetric(float64(p.Bytes)/1e6/sec, "MB/s")
					b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-heap-MB")
					if peak > 0 {
						b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
					}
				})
			}
		})
	}
}
