package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// benchPages is the size of the generated site.
const benchPages = 10_000

// benchSite serves benchPages small articles. Page i links to pages
// 10i+1 … 10i+10 (so every page is reachable from /p/0) and to five pages
// elsewhere in the site, so most pages are linked many times, which is what
// exposes duplicate fetches. It counts requests per path.
type benchSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newBenchSite() *benchSite {
	s := &benchSite{hits: map[string]int{}}
	para := strings.Repeat("The council approved the budget after a long debate about roads, schools and the harbour. ", 4)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
		if err != nil || n < 0 || n >= benchPages {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, `<!doctype html><html><head><title>Story %d</title><meta property="og:type" content="article"></head><body><nav>`, n)
		for i := 1; i <= 10; i++ {
			if c := 10*n + i; c < benchPages {
				fmt.Fprintf(&b, `<a href="/p/%d">story %d</a> `, c, c)
			}
		}
		for i := 1; i <= 5; i++ {
			fmt.Fprintf(&b, `<a href="/p/%d">more</a> `, (n*7919+i*104729)%benchPages)
		}
		fmt.Fprintf(&b, `</nav><article><h1>Story %d</h1><p>%s</p><p>%s</p><p>%s</p></article></body></html>`, n, para, para, para)
		w.Write([]byte(b.String()))
	}))
	return s
}

// counts returns the distinct pages served and the duplicate requests.
func (s *benchSite) counts() (pages, dups int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.hits {
		pages++
		dups += n - 1
	}
	return pages, dups
}

// BenchmarkCrawl crawls the generated site with politeness off, with
// wirewatch (state in the real SQLite store, every page cleaned, articles
// acknowledged through a memory bus) and with bare colly (Async,
// Parallelism 8, its default in-memory visited set). Compare with
//
//	go test -run '^$' -bench BenchmarkCrawl -benchtime 1x -count 5 ./crawler | benchstat -col /impl -
func BenchmarkCrawl(b *testing.B) {
	b.Run("impl=wirewatch", func(b *testing.B) {
		for b.Loop() {
			site := newBenchSite()
			st, err := sqlite.Open(context.Background(), b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			out := bus.NewMemory(256)
			go func() {
				for {
					m, err := out.Read(context.Background())
					if err != nil {
						return
					}
					m.Ack(context.Background(), nil)
				}
			}()
			c := New(sqlfrontier.New(st), clean.New(clean.Options{Logger: quiet()}), out, Options{
				Once: true, Delay: -1, Workers: 8, PerHost: 8, IgnoreRobots: true,
				MaxDepth: 100, MaxPages: -1, Logger: quiet(),
			})
			start := time.Now()
			if err := c.Run(context.Background(), []frontier.Entry{{URL: site.URL + "/p/0", Kind: frontier.Page, Seed: true}}); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			out.Close()
			pages, dups := site.counts()
			b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(float64(dups), "dups")
			b.ReportMetric(float64(c.Stats.Articles.Load()), "articles")
			st.Close()
			site.Close()
		}
	})
	b.Run("impl=colly", func(b *testing.B) {
		for b.Loop() {
			site := newBenchSite()
			c := colly.NewCollector(colly.Async(true))
			c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 8})
			c.OnHTML("a[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
			start := time.Now()
			c.Visit(site.URL + "/p/0")
			c.Wait()
			elapsed := time.Since(start)
			pages, dups := site.counts()
			b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(float64(dups), "dups")
			site.Close()
		}
	})
}

// BenchmarkFrontierMemory inserts 100,000 URLs into the SQLite frontier and
// reports the Go heap and process RSS they add and the database's size on
// disk. The crawler keeps no per-URL state in memory, so these are the
// whole cost of a frontier of that size.
func BenchmarkFrontierMemory(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		dir := b.TempDir()
		st, err := sqlite.Open(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		fr := sqlfrontier.New(st)
		heap0, rss0 := memNow()
		now := time.Now()
		batch := make([]frontier.Entry, 0, 1000)
		for i := range n {
			batch = append(batch, frontier.Entry{URL: fmt.Sprintf("https://site%d.example/news/2024/05/%d/some-headline-slug-of-typical-length", i%500, i),
				Kind: frontier.Page, Depth: 1, NextAt: now})
			if len(batch) == cap(batch) {
				if _, err := fr.AddURLs(context.Background(), batch, nil); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		heap1, rss1 := memNow()
		var disk int64
		for _, f := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
			if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
				disk += fi.Size()
			}
		}
		b.ReportMetric(float64(heap1-heap0)/(1<<20), "heapMB/100k")
		b.ReportMetric(float64(rss1-rss0)/(1<<20), "rssMB/100k")
		b.ReportMetric(float64(disk)/(1<<20), "diskMB/100k")
		st.Close()
	}
}

// memNow returns the live Go heap after a collection and the process RSS.
func memNow() (heap, rss int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				rss = kb << 10
			}
		}
	}
	return int64(ms.HeapAlloc), rss
}
