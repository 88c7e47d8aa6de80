package sqlfrontier

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// pendingURL is a pending URL as the reference claim sees it.
type pendingURL struct {
	url, host string
	depth     int
	nextAt    int64
}

// pendingURLs reads the pending URLs straight from the frontier table.
func pendingURLs(t *testing.T, s *Store) []pendingURL {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), `SELECT url, host, depth, next_at FROM frontier WHERE state = 'pending'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []pendingURL
	for rows.Next() {
		var p pendingURL
		if err := rows.Scan(&p.url, &p.host, &p.depth, &p.nextAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// referenceClaim is what Claim must return: the n first due pending URLs
// in (depth, next_at, url) order, none of a skipped host, at most perHost
// of one host, found by sorting the whole queue.
func referenceClaim(all []pendingURL, n int, now time.Time, skip []string, perHost int) []string {
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		if a.nextAt != b.nextAt {
			return a.nextAt < b.nextAt
		}
		return a.url < b.url
	})
	taken := map[string]int{}
	var out []string
	for _, p := range all {
		if len(out) == n {
			break
		}
		if p.nextAt > now.UnixMilli() || slices.Contains(skip, p.host) || (perHost > 0 && taken[p.host] >= perHost) {
			continue
		}
		taken[p.host]++
		out = append(out, p.url)
	}
	return out
}

func urlsOf(es []frontier.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.URL
	}
	return out
}

// checkFrontierHosts fails unless frontier_hosts holds exactly what a
// recomputation from the frontier gives.
func checkFrontierHosts(t *testing.T, s *Store) {
	t.Helper()
	q := `SELECT f.host, f.depth, f.next_at, f.url, (SELECT min(next_at) FROM frontier WHERE host = f.host AND state = 'pending')
		FROM (SELECT DISTINCT host FROM frontier WHERE state = 'pending') h
		JOIN frontier f ON f.rowid = (SELECT rowid FROM frontier WHERE host = h.host AND state = 'pending'
			ORDER BY depth, next_at, url LIMIT 1)
		ORDER BY 1`
	want := dump(t, s, q)
	got := dump(t, s, `SELECT host, depth, next_at, url, due_at FROM frontier_hosts ORDER BY host`)
	if !slices.Equal(got, want) {
		t.Errorf("frontier_hosts =\n%v\nwant\n%v", got, want)
	}
}

func dump(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h, u string
		var d, next, due int64
		if err := rows.Scan(&h, &d, &next, &u, &due); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(h, d, next, u, due))
	}
	return out
}

func TestClaimOrderAcrossHosts(t *testing.T) {
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		n       int
		skip    []string
		perHost int
	}{
		{"everything", 1000, nil, 0},
		{"first few", 7, nil, 0},
		{"per-host cap", 40, nil, 3},
		{"skipped hosts", 25, []string{"h0.example", "h3.example", "h5.example"}, 0},
		{"all but one skipped", 25, []string{"h0.example", "h1.example", "h2.example", "h3.example", "h4.example", "h6.example", "h7.example"}, 4},
		{"cap of one", 6, []string{"h2.example"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			// Eight hosts with URLs at several depths, some due, some
			// due later, so hosts' first URLs interleave.
			r := rand.New(rand.NewPCG(1, 2))
			var entries []frontier.Entry
			for i := range 300 {
				h := r.IntN(8)
				entries = append(entries, frontier.Entry{
					URL:    fmt.Sprintf("https://h%d.example/%03d", h, i),
					Kind:   frontier.Article,
					Depth:  r.IntN(3),
					NextAt: now.Add(time.Duration(r.IntN(20)-15) * time.Minute),
				})
			}
			if _, err := s.AddURLs(ctx, entries, nil); err != nil {
				t.Fatal(err)
			}
			checkFrontierHosts(t, s)
			// Claim in rounds until the due URLs run out, comparing
			// each batch with the reference.
			for round := 0; ; round++ {
				want := referenceClaim(pendingURLs(t, s), tt.n, now, tt.skip, tt.perHost)
				got, err := s.Claim(ctx, tt.n, now, tt.skip, tt.perHost)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(urlsOf(got), want) {
					t.Fatalf("round %d: Claim =\n%v\nwant\n%v", round, urlsOf(got), want)
				}
				checkFrontierHosts(t, s)
				if len(got) == 0 {
					break
				}
			}
		})
	}
}

// TestFrontierHostsFollowEveryWrite drives the frontier through every
// kind of write and checks after each that frontier_hosts agrees with the
// frontier, which is what lets Claim trust it.
func TestFrontierHostsFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	steps := []struct {
		name string
		do   func() error
	}{
		{"seed", func() error {
			return s.AddSeeds(ctx, []frontier.Entry{{URL: "https://a.example/feed", Kind: frontier.Feed}, {URL: "https://b.example/", Kind: frontier.Page}}, now)
		}},
		{"add", func() error {
			_, err := s.AddURLs(ctx, []frontier.Entry{
				{URL: "https://a.example/1", Kind: frontier.Article, Depth: 1, NextAt: now},
				{URL: "https://a.example/2", Kind: frontier.Article, Depth: 1, NextAt: now.Add(time.Hour)},
				{URL: "https://b.example/1", Kind: frontier.Article, Depth: 2, NextAt: now.Add(-time.Hour)},
			}, nil)
			return err
		}},
		{"claim", func() error { _, err := s.Claim(ctx, 3, now, nil, 0); return err }},
		{"claim url", func() error {
			_, err := s.ClaimURL(ctx, frontier.Entry{URL: "https://a.example/2", Kind: frontier.Article}, now)
			return err
		}},
		{"retry later", func() error {
			return s.Settle(ctx, "https://a.example/feed", "", frontier.Outcome{State: frontier.Pending, NextAt: now.Add(5 * time.Minute), Error: "timeout"})
		}},
		{"done", func() error {
			return s.Settle(ctx, "https://a.example/2", frontier.Article, frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "x"})
		}},
		{"recover", func() error { _, err := s.Recover(ctx); return err }},
		{"reseed", func() error {
			return s.AddSeeds(ctx, []frontier.Entry{{URL: "https://a.example/feed", Kind: frontier.Feed}}, now.Add(-time.Minute))
		}},
		{"claim all", func() error { _, err := s.Claim(ctx, 100, now.Add(2*time.Hour), nil, 0); return err }},
		{"delete", func() error {
			_, err := exec(s, `DELETE FROM frontier WHERE url = 'https://b.example/1'`)
			return err
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		checkFrontierHosts(t, s)
		if t.Failed() {
			t.Fatalf("after %s", st.name)
		}
	}
}

// TestClaimFromPreviousVersionStore opens a store written by the version
// before frontier_hosts existed (simulated by emptying the table and
// forgetting that it was filled) and claims from it: the first use of the
// frontier fills the table.
func TestClaimFromPreviousVersionStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s := New(st)
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	if _, err := s.AddURLs(ctx, []frontier.Entry{
		{URL: "https://a.example/1", Kind: frontier.Article, Depth: 1, NextAt: now},
		{URL: "https://b.example/1", Kind: frontier.Article, Depth: 0, NextAt: now},
		{URL: "https://b.example/2", Kind: frontier.Article, Depth: 1, NextAt: now.Add(time.Hour)},
	}, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM frontier_hosts`, `DELETE FROM meta WHERE key = 'frontier_hosts'`} {
		if _, err := exec(s, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	s = New(openStore(t, dir))
	if _, err := s.Outlook(ctx); err != nil { // any first use
		t.Fatal(err)
	}
	checkFrontierHosts(t, s)
	got, err := s.Claim(ctx, 10, now, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://b.example/1", "https://a.example/1"}; !slices.Equal(urlsOf(got), want) {
		t.Errorf("Claim = %v, want %v", urlsOf(got), want)
	}
}
func TestFrontierClaimsOnceAndRecovers(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	now := time.Now()
	if err := s.AddSeeds(ctx, []frontier.Entry{{URL: "https://a.example/feed", Kind: frontier.Feed}}, now); err != nil {
		t.Fatal(err)
	}
	n, err := s.AddURLs(ctx, []frontier.Entry{
		{URL: "https://a.example/1", Kind: frontier.Article, Depth: 1, NextAt: now},
		{URL: "https://a.example/2", Kind: frontier.Article, Depth: 1, NextAt: now},
		{URL: "https://a.example/1", Kind: frontier.Article, Depth: 1, NextAt: now}, // duplicate
		{URL: "https://a.example/later", Kind: frontier.Article, Depth: 1, NextAt: now.Add(time.Hour)},
	}, nil)
	if err != nil || n != 3 {
		t.Fatalf("AddURLs = %d, %v; want 3 new", n, err)
	}
	got, err := s.Claim(ctx, 10, now, nil, 0)
	if err != nil || len(got) != 3 || got[0].URL != "https://a.example/feed" {
		t.Fatalf("Claim = %v, %v; want the seed first, then 2 due articles", got, err)
	}
	if again, _ := s.Claim(ctx, 10, now, nil, 0); len(again) != 0 {
		t.Errorf("claimed %d URLs twice", len(again))
	}
	if err := s.Settle(ctx, "https://a.example/1", frontier.Article, frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "x"}); err != nil {
		t.Fatal(err)
	}
	// A crash leaves the others in flight; Recover queues them again.
	if n, err := s.Recover(ctx); err != nil || n != 2 {
		t.Errorf("Recover = %d, %v; want 2", n, err)
	}
	st, err := s.Frontier(ctx)
	if err != nil || st.Pending != 3 || st.Done != 1 || st.InFlight != 0 {
		t.Errorf("stats = %+v, %v", st, err)
	}
	// Re-adding seeds requeues feeds but not articles that are done.
	s.Settle(ctx, "https://a.example/feed", frontier.Feed, frontier.Outcome{State: frontier.Done})
	s.AddSeeds(ctx, []frontier.Entry{{URL: "https://a.example/feed"}, {URL: "https://a.example/1"}}, now)
	got, _ = s.Claim(ctx, 10, now, nil, 0)
	var urls []string
	for _, e := range got {
		urls = append(urls, e.URL)
	}
	if fmt.Sprint(urls) != "[https://a.example/feed https://a.example/2]" {
		t.Errorf("after re-seeding claimed %v", urls)
	}
}
