package sqlfrontier_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// The frontier keeps its tables in the embedded store's file: queue URLs,
// claim the due ones host by host, and record what fetching them gave.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "frontier")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	fr := sqlfrontier.New(st)

	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	n, err := fr.AddURLs(ctx, []frontier.Entry{
		{URL: "https://a.example/news/1", Kind: frontier.Article, Depth: 1, NextAt: now},
		{URL: "https://a.example/news/2", Kind: frontier.Article, Depth: 1, NextAt: now},
		{URL: "https://b.example/", Kind: frontier.Page, NextAt: now},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued", n)
	// At most one URL per host in this batch: the claim takes the
	// shallowest URL of each.
	claimed, err := fr.Claim(ctx, 10, now, nil, 1)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range claimed {
		fmt.Println("claimed", e.URL)
	}
	if err := fr.Settle(ctx, claimed[0].URL, frontier.Page, frontier.Outcome{State: frontier.Done, Status: 200, FetchedAt: now}); err != nil {
		log.Fatal(err)
	}
	stats, err := fr.Frontier(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pending %d, in flight %d, done %d\n", stats.Pending, stats.InFlight, stats.Done)
	// Output:
	// queued 3
	// claimed https://b.example/
	// claimed https://a.example/news/1
	// pending 1, in flight 1, done 1
}
