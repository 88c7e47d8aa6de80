package sqlite

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
			s, err := Open(ctx, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
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
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
