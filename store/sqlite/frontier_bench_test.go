package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// BenchmarkClaimWaitingHosts claims from a frontier of 100,000 due URLs
// across 1,000 hosts while 990 of them are in their politeness delay, as in
// a wide crawl where most hosts were fetched a moment ago. The ready hosts'
// URLs sort after the waiting hosts' (they are one hop deeper), which is
// the worst case for a claim that walks the queue in depth order.
func BenchmarkClaimWaitingHosts(b *testing.B) {
	const (
		hosts   = 1000
		perHost = 100
		ready   = 10
		batch   = 64 // what the crawler claims with 8 workers
	)
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	var skip []string
	for h := range hosts {
		name := fmt.Sprintf("h%04d.example", h)
		depth := 1
		if h < hosts-ready {
			skip = append(skip, name)
		} else {
			depth = 2
		}
		entries := make([]frontier.Entry, perHost)
		for i := range entries {
			entries[i] = frontier.Entry{URL: fmt.Sprintf("https://%s/a/%d", name, i), Kind: frontier.Article, Depth: depth, NextAt: now.Add(-time.Minute)}
		}
		if _, err := s.AddURLs(ctx, entries, nil); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		got, err := s.Claim(ctx, batch, now, skip, batch/2)
		if err != nil || len(got) != batch {
			b.Fatalf("Claim = %d URLs, %v; want %d", len(got), err, batch)
		}
		b.StopTimer()
		if _, err := s.Recover(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
