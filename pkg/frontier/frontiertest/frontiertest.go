// Package frontiertest holds the behaviour every crawl frontier must show,
// as one suite that each implementation runs: the embedded store's and the
// one a group of crawler processes shares through Kafka.
package frontiertest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// Frontier is what the suite exercises: the crawler's frontier with its
// optional parts (re-checks, robots.txt failures, URL states).
type Frontier interface {
	AddSeeds(ctx context.Context, seeds []frontier.Entry, now time.Time) error
	AddURLs(ctx context.Context, entries []frontier.Entry, limit func(host string) int) (int, error)
	Claim(ctx context.Context, n int, now time.Time, skip []string, perHost int) ([]frontier.Entry, error)
	ClaimURL(ctx context.Context, e frontier.Entry, now time.Time) (bool, error)
	Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(host string) int) (int, error)
	Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error)
	State(ctx context.Context, u string) (frontier.State, bool, error)
	Outlook(ctx context.Context) (frontier.Outlook, error)
	RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error)
	SetRobotsFailure(ctx context.Context, host string, f frontier.RobotsFailure) error
}

// Open returns an empty frontier, ready for use, that the test owns.
type Open func(t *testing.T) Frontier

// t0 is the suite's clock: a fixed time, so that due times are exact.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run runs the suite, each case on a frontier of its own.
func Run(t *testing.T, open Open) {
	cases := []struct {
		name string
		fn   func(*testing.T, Frontier)
	}{
		{"QueuedOnce", queuedOnce},
		{"ClaimOrderAndLimits", claimOrder},
		{"SettledNotClaimedAgain", settled},
		{"RetryWhenDue", retryWhenDue},
		{"ClaimURL", claimURL},
		{"PageLimit", pageLimit},
		{"SeedsDueAgain", seedsDueAgain},
		{"Recheck", recheck},
		{"RobotsFailures", robotsFailures},
		{"Outlook", outlook},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

func page(host string, i, depth int) frontier.Entry {
	return frontier.Entry{URL: fmt.Sprintf("http://%s/p%d", host, i), Kind: frontier.Page, Depth: depth, NextAt: t0}
}

func urls(es []frontier.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.URL
	}
	return out
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func queuedOnce(t *testing.T, f Frontier) {
	ctx := context.Background()
	es := []frontier.Entry{page("a.test", 1, 1), page("a.test", 2, 1), page("a.test", 1, 1)}
	if n := must[int](t)(f.AddURLs(ctx, es, nil)); n != 2 {
		t.Errorf("AddURLs: %d new, want 2 (a URL listed twice is one)", n)
	}
	if n := must[int](t)(f.AddURLs(ctx, es[:1], nil)); n != 0 {
		t.Errorf("AddURLs again: %d new, want 0", n)
	}
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 10, t0, nil, 0))
	if want := []string{"http://a.test/p1", "http://a.test/p2"}; !slices.Equal(urls(got), want) {
		t.Errorf("claimed %v, want %v", urls(got), want)
	}
	if again := must[[]frontier.Entry](t)(f.Claim(ctx, 10, t0, nil, 0)); len(again) != 0 {
		t.Errorf("claimed %v again while in flight", urls(again))
	}
	if st, ok := must2(t)(f.State(ctx, "http://a.test/p1")); !ok || st != frontier.InFlight {
		t.Errorf("state %q (known %v), want inflight", st, ok)
	}
}

func must2(t *testing.T) func(frontier.State, bool, error) (frontier.State, bool) {
	return func(s frontier.State, ok bool, err error) (frontier.State, bool) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s, ok
	}
}

func claimOrder(t *testing.T, f Frontier) {
	ctx := context.Background()
	es := []frontier.Entry{page("a.test", 1, 2), page("a.test", 2, 0), page("a.test", 3, 1), page("b.test", 1, 1), page("c.test", 1, 0)}
	must[int](t)(f.AddURLs(ctx, es, nil))
	// perHost 1: one URL of each host not skipped, shallowest first.
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 10, t0, []string{"c.test"}, 1))
	if want := []string{"http://a.test/p2", "http://b.test/p1"}; !slices.Equal(urls(got), want) {
		t.Errorf("claimed %v, want %v", urls(got), want)
	}
	got = must[[]frontier.Entry](t)(f.Claim(ctx, 2, t0, nil, 0))
	if want := []string{"http://c.test/p1", "http://a.test/p3"}; !slices.Equal(urls(got), want) {
		t.Errorf("claimed %v, want %v (n=2 in depth order)", urls(got), want)
	}
}

func settled(t *testing.T, f Frontier) {
	ctx := context.Background()
	must[int](t)(f.AddURLs(ctx, []frontier.Entry{page("a.test", 1, 0), page("a.test", 2, 0)}, nil))
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 10, t0, nil, 0))
	var s []frontier.Settled
	for _, e := range got {
		s = append(s, frontier.Settled{URL: e.URL, Kind: frontier.Article,
			Outcome: frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "id-" + e.URL, FetchedAt: t0}})
	}
	// Links found on the pages are queued in the same call.
	if n := must[int](t)(f.Apply(ctx, []frontier.Entry{page("a.test", 3, 1)}, s, nil)); n != 1 {
		t.Errorf("Apply: %d new, want 1", n)
	}
	got = must[[]frontier.Entry](t)(f.Claim(ctx, 10, t0, nil, 0))
	if want := []string{"http://a.test/p3"}; !slices.Equal(urls(got), want) {
		t.Errorf("claimed %v after settling, want %v", urls(got), want)
	}
	if st, _ := must2(t)(f.State(ctx, "http://a.test/p1")); st != frontier.Done {
		t.Errorf("state %q, want done", st)
	}
}

func retryWhenDue(t *testing.T, f Frontier) {
	ctx := context.Background()
	must[int](t)(f.AddURLs(ctx, []frontier.Entry{page("a.test", 1, 0)}, nil))
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 1, t0, nil, 0))
	later := t0.Add(time.Minute)
	must[int](t)(f.Apply(ctx, nil, []frontier.Settled{{URL: got[0].URL,
		Outcome: frontier.Outcome{State: frontier.Pending, Status: 503, Error: "503", NextAt: later}}}, nil))
	if early := must[[]frontier.Entry](t)(f.Claim(ctx, 1, t0.Add(30*time.Second), nil, 0)); len(early) != 0 {
		t.Errorf("claimed %v before it was due", urls(early))
	}
	o := must[frontier.Outlook](t)(f.Outlook(ctx))
	if !o.Pending || !o.NextDue.Equal(later) {
		t.Errorf("outlook %+v, want pending, next due %v", o, later)
	}
	due := must[[]frontier.Entry](t)(f.Claim(ctx, 1, later, nil, 0))
	// Attempts counts the claims before this one.
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Errorf("claimed %+v when due, want the URL with one attempt behind it", due)
	}
}

func claimURL(t *testing.T, f Frontier) {
	ctx := context.Background()
	e := page("a.test", 9, 0)
	if ok := must[bool](t)(f.ClaimURL(ctx, e, t0)); !ok {
		t.Fatal("an unknown URL was not claimed")
	}
	if ok := must[bool](t)(f.ClaimURL(ctx, e, t0)); ok {
		t.Error("a URL in flight was claimed again")
	}
	must[int](t)(f.Apply(ctx, nil, []frontier.Settled{{URL: e.URL, Outcome: frontier.Outcome{State: frontier.Done, FetchedAt: t0}}}, nil))
	if ok := must[bool](t)(f.ClaimURL(ctx, e, t0)); ok {
		t.Error("a URL done was claimed again")
	}
}

func pageLimit(t *testing.T, f Frontier) {
	ctx := context.Background()
	limit := func(host string) int {
		if host == "a.test" {
			return 2
		}
		return 0
	}
	es := []frontier.Entry{page("a.test", 1, 0), page("a.test", 2, 0), page("a.test", 3, 0), page("b.test", 1, 0), page("b.test", 2, 0), page("b.test", 3, 0)}
	if n := must[int](t)(f.AddURLs(ctx, es, limit)); n != 5 {
		t.Errorf("AddURLs: %d new, want 5 (a.test capped at 2)", n)
	}
	if n := must[int](t)(f.AddURLs(ctx, []frontier.Entry{page("a.test", 4, 0)}, limit)); n != 0 {
		t.Errorf("AddURLs past the limit: %d new, want 0", n)
	}
}

func seedsDueAgain(t *testing.T, f Frontier) {
	ctx := context.Background()
	feed := frontier.Entry{URL: "http://a.test/feed.xml", Kind: frontier.Feed, Seed: true}
	if err := f.AddSeeds(ctx, []frontier.Entry{feed}, t0); err != nil {
		t.Fatal(err)
	}
	waitDue(t, f, t0)
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 5, t0, nil, 0))
	if !slices.Equal(urls(got), []string{feed.URL}) || !got[0].Seed {
		t.Fatalf("claimed %+v, want the seed feed", got)
	}
	next := t0.Add(time.Hour)
	must[int](t)(f.Apply(ctx, nil, []frontier.Settled{{URL: feed.URL, Outcome: frontier.Outcome{State: frontier.Pending, Status: 200,
		NextAt: next, FetchedAt: t0, Interval: time.Hour}}}, nil))
	// A restart gives the seeds again: a feed is due at once.
	t1 := t0.Add(time.Minute)
	if err := f.AddSeeds(ctx, []frontier.Entry{feed}, t1); err != nil {
		t.Fatal(err)
	}
	waitDue(t, f, t1)
	if got := must[[]frontier.Entry](t)(f.Claim(ctx, 5, t1, nil, 0)); len(got) != 1 || got[0].Interval != time.Hour {
		t.Errorf("claimed %+v after seeding again, want the feed with its 1h interval", got)
	}
}

// waitDue waits until the frontier says a URL is due by at: a shared
// frontier queues seeds through its owner, a moment later.
func waitDue(t *testing.T, f Frontier, at time.Time) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		o := must[frontier.Outlook](t)(f.Outlook(context.Background()))
		if o.Pending && !o.NextDue.After(at) {
			// Shared frontiers report pending with a due time of now
			// while URLs are on their way; the claim is what tells.
			if st, ok := must2(t)(f.State(context.Background(), "http://a.test/feed.xml")); ok && st == frontier.Pending {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL due by %v within 30s (outlook %+v)", at, o)
		}
		time.Sleep(20 * time.Millisecond) // polling the frontier's state; nothing to wait on
	}
}

func recheck(t *testing.T, f Frontier) {
	ctx := context.Background()
	art := frontier.Entry{URL: "http://a.test/story", Kind: frontier.Article, NextAt: t0}
	must[int](t)(f.AddURLs(ctx, []frontier.Entry{art}, nil))
	must[[]frontier.Entry](t)(f.Claim(ctx, 1, t0, nil, 0))
	must[int](t)(f.Apply(ctx, nil, []frontier.Settled{{URL: art.URL, Kind: frontier.Article,
		Outcome: frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "x", ETag: `"v1"`, FetchedAt: t0}}}, nil))
	p := frontier.RecheckPolicy{Now: t0.Add(time.Hour), MinInterval: 15 * time.Minute, Max: 1}
	old := t0.Add(-time.Hour)
	art.Modified = &old
	if n := must[int](t)(f.Recheck(ctx, []frontier.Entry{art}, p)); n != 0 {
		t.Errorf("re-checked %d articles modified before their fetch, want 0", n)
	}
	changed := t0.Add(30 * time.Minute)
	art.Modified = &changed
	if n := must[int](t)(f.Recheck(ctx, []frontier.Entry{art}, p)); n != 1 {
		t.Fatalf("re-checked %d, want 1", n)
	}
	got := must[[]frontier.Entry](t)(f.Claim(ctx, 1, p.Now, nil, 0))
	if len(got) != 1 || !got[0].Recheck || got[0].ETag != `"v1"` {
		t.Errorf("claimed %+v, want the article as a re-check with its ETag", got)
	}
	must[int](t)(f.Apply(ctx, nil, []frontier.Settled{{URL: art.URL, Outcome: frontier.Outcome{State: frontier.Done, Status: 304, FetchedAt: p.Now}}}, nil))
	later := p.Now.Add(time.Hour)
	art.Modified = &later
	p.Now = later.Add(time.Hour)
	if n := must[int](t)(f.Recheck(ctx, []frontier.Entry{art}, p)); n != 0 {
		t.Errorf("re-checked %d past the cap of 1, want 0", n)
	}
}

func robotsFailures(t *testing.T, f Frontier) {
	ctx := context.Background()
	rf := frontier.RobotsFailure{Failures: 2, Since: t0, Retry: t0.Add(time.Minute), Reason: "503 Service Unavailable"}
	if err := f.SetRobotsFailure(ctx, "a.test", rf); err != nil {
		t.Fatal(err)
	}
	got, ok, err := f.RobotsFailure(ctx, "a.test")
	if err != nil || !ok || got.Failures != 2 || !got.Retry.Equal(rf.Retry) || got.Reason != rf.Reason {
		t.Errorf("RobotsFailure = %+v, %v, %v; want %+v", got, ok, err, rf)
	}
	if err := f.SetRobotsFailure(ctx, "a.test", frontier.RobotsFailure{}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := f.RobotsFailure(ctx, "a.test"); ok {
		t.Error("a cleared run of failures is still recorded")
	}
}

func outlook(t *testing.T, f Frontier) {
	ctx := context.Background()
	if o := must[frontier.Outlook](t)(f.Outlook(ctx)); o.Pending || o.InFlight {
		t.Errorf("empty frontier: outlook %+v", o)
	}
	must[int](t)(f.AddURLs(ctx, []frontier.Entry{page("a.test", 1, 0)}, nil))
	if o := must[frontier.Outlook](t)(f.Outlook(ctx)); !o.Pending || o.InFlight {
		t.Errorf("one queued: outlook %+v", o)
	}
	must[[]frontier.Entry](t)(f.Claim(ctx, 1, t0, nil, 0))
	if o := must[frontier.Outlook](t)(f.Outlook(ctx)); o.Pending || !o.InFlight {
		t.Errorf("one in flight: outlook %+v", o)
	}
}
