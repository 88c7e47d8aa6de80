package sqlfrontier

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// BenchmarkClaim claims a batch from a frontier of 100,000 due URLs. In
// "990 of 1000 hosts waiting", as in a wide crawl where most hosts were
// fetched a moment ago, the ready hosts' URLs sort after the waiting
// hosts' (they are one hop deeper), which is the worst case for a claim
// that walks the queue in depth order. The other cases are the common ones
// that must not get slower: every host ready, and a crawl of one site.
func BenchmarkClaim(b *testing.B) {
	const batch = 64 // what the crawler claims with 8 workers
	for _, bc := range []struct {
		name           string
		hosts, waiting int
	}{
		{"990 of 1000 hosts waiting", 1000, 990},
		{"1000 hosts ready", 1000, 0},
		{"one host", 1, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			s := open(b)
			now := time.Now()
			var skip []string
			perHost := 100_000 / bc.hosts
			for h := range bc.hosts {
				name := fmt.Sprintf("h%04d.example", h)
				depth := 2
				if h < bc.waiting {
					skip = append(skip, name)
					depth = 1
				}
				if err := addBenchURLs(ctx, s, name, perHost, depth, now.Add(-time.Minute)); err != nil {
					b.Fatal(err)
				}
			}
			want := min(batch, (bc.hosts-bc.waiting)*batch/2)
			for b.Loop() {
				got, err := s.Claim(ctx, batch, now, skip, batch/2)
				if err != nil || len(got) != want {
					b.Fatalf("Claim = %d URLs, %v; want %d", len(got), err, want)
				}
				b.StopTimer()
				if _, err := s.Recover(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkAddURLs queues batches of 100 new URLs of one host into a
// frontier of 100,000 URLs across 1,000 hosts: the write cost of keeping
// the claim queue.
func BenchmarkAddURLs(b *testing.B) {
	ctx := context.Background()
	s := open(b)
	now := time.Now()
	for h := range 1000 {
		if err := addBenchURLs(ctx, s, fmt.Sprintf("h%04d.example", h), 100, 1, now); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		entries := make([]frontier.Entry, 100)
		for j := range entries {
			entries[j] = frontier.Entry{URL: fmt.Sprintf("https://h%04d.example/new/%d", i%1000, i*100+j), Kind: frontier.Article, Depth: 2, NextAt: now}
		}
		if n, err := s.AddURLs(ctx, entries, nil); err != nil || n != len(entries) {
			b.Fatalf("AddURLs = %d, %v", n, err)
		}
		i++
	}
}

func addBenchURLs(ctx context.Context, s *Store, host string, n, depth int, due time.Time) error {
	entries := make([]frontier.Entry, n)
	for i := range entries {
		entries[i] = frontier.Entry{URL: fmt.Sprintf("https://%s/a/%d", host, i), Kind: frontier.Article, Depth: depth, NextAt: due}
	}
	_, err := s.AddURLs(ctx, entries, nil)
	return err
}

// BenchmarkRecheck reads a sitemap of 50,000 articles, all fetched, back
// into the frontier: "unchanged" lists them with modified times older than
// their fetch (the common poll, which queues nothing), "all changed" with
// later ones (a site that stamps every URL with the current time; each
// round queues them all, and they are marked done again between rounds).
func BenchmarkRecheck(b *testing.B) {
	const n = 50_000
	for _, bc := range []struct {
		name    string
		changed bool
	}{{"unchanged", false}, {"all changed", true}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			s := open(b)
			now := time.Now()
			fetched := now.Add(-time.Hour)
			entries := make([]frontier.Entry, n)
			for i := range entries {
				entries[i] = frontier.Entry{URL: fmt.Sprintf("https://news.example/2026/11/%d/a-headline-slug", i), Kind: frontier.Article, Depth: 1, NextAt: now}
			}
			if _, err := s.AddURLs(ctx, entries, nil); err != nil {
				b.Fatal(err)
			}
			done := func() {
				if _, err := exec(s, `UPDATE frontier SET state = 'done', article_id = 'x', fetched_at = ?`, timeText(&fetched)); err != nil {
					b.Fatal(err)
				}
			}
			done()
			p := frontier.RecheckPolicy{Now: now, MinInterval: time.Minute, Max: 1 << 30}
			round := 0
			for b.Loop() {
				round++
				m := fetched.Add(-time.Minute)
				if bc.changed {
					m = fetched.Add(time.Duration(round) * time.Second)
				}
				for i := range entries {
					entries[i].Modified = &m
				}
				q, err := s.Recheck(ctx, entries, p)
				if err != nil {
					b.Fatal(err)
				}
				if want := map[bool]int{false: 0, true: n}[bc.changed]; q != want {
					b.Fatalf("queued %d, want %d", q, want)
				}
				if bc.changed {
					b.StopTimer()
					done()
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}
