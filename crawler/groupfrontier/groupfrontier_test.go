package groupfrontier

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/crawler/frontier/frontiertest"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// testCache is the cache pipeline.CrawlWith gives a member: the owned
// hosts' frontier and the cleaner's statistics of their sites, in one
// SQLite file.
type testCache struct {
	*sqlfrontier.Store
	*clean.SQLiteStats
}

// member opens a frontier of group on the test broker with a cache of its
// own, waits until it is ready and closes it when the test ends.
func member(t *testing.T, broker, prefix string, partitions int) *Frontier {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cache, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	f, err := Open(ctx, Config{Conn: kafkabus.Conn{Brokers: []string{broker}}, URLTopic: prefix + "crawl.urls",
		StateTopic: prefix + "crawl.state", Partitions: partitions, Group: prefix + "crawl", SessionTimeout: 6 * time.Second,
		ReleaseWait: 5 * time.Second, Cache: testCache{sqlfrontier.New(cache), clean.NewSQLiteStats(cache)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := f.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSuite holds the shared frontier, with one member owning every host,
// to the behaviour of the embedded one.
func TestSuite(t *testing.T) {
	broker := kafkatest.Broker(t)
	frontiertest.Run(t, func(t *testing.T) frontiertest.Frontier {
		return member(t, broker, kafkatest.Prefix(t, broker), 2)
	})
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// TestHandOver: a member leaves; one that starts with an empty cache takes
// its hosts over with their state: what was done stays done, what was
// pending is claimed, the host's pace, re-poll interval and robots.txt
// failures carry over.
func TestHandOver(t *testing.T) {
	broker := kafkatest.Broker(t)
	prefix := kafkatest.Prefix(t, broker)
	ctx := context.Background()
	a := member(t, broker, prefix, 2)
	es := []frontier.Entry{
		{URL: "http://a.test/1", Kind: frontier.Page, NextAt: t0},
		{URL: "http://a.test/2", Kind: frontier.Page, NextAt: t0},
		{URL: "http://b.test/feed", Kind: frontier.Feed, NextAt: t0},
	}
	if _, err := a.AddURLs(ctx, es, nil); err != nil {
		t.Fatal(err)
	}
	got, err := a.Claim(ctx, 10, t0, nil, 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("claim: %v, %v", got, err)
	}
	settled := []frontier.Settled{
		{URL: "http://a.test/1", Kind: frontier.Article, Outcome: frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "x1", FetchedAt: t0}},
		{URL: "http://b.test/feed", Outcome: frontier.Outcome{State: frontier.Pending, Status: 200, NextAt: t0.Add(time.Hour), FetchedAt: t0, Interval: time.Hour}},
	}
	if _, err := a.Apply(ctx, nil, settled, nil); err != nil {
		t.Fatal(err)
	}
	// a.test/2 stays in flight: a's owner dies with it.
	rf := frontier.RobotsFailure{Failures: 1, Since: t0, Retry: t0.Add(time.Minute), Reason: "503"}
	if err := a.SetRobotsFailure(ctx, "b.test", rf); err != nil {
		t.Fatal(err)
	}
	// The cleaner saw one page of the site, with a block (the site's
	// footer) that the next page repeats.
	if _, _, err := a.Observe(ctx, "a.test", "page-1", []uint64{1, 1 << 63}); err != nil {
		t.Fatal(err)
	}
	robots := frontier.RobotsFile{Status: 200, Body: "User-agent: *\nDisallow: /private/\n", Fetched: time.Now().Truncate(time.Millisecond)}
	if err := a.SetRobotsFile(ctx, "a.test", robots); err != nil {
		t.Fatal(err)
	}
	paced := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	a.HostPaced("a.test", paced)
	if err := a.flushPace(ctx, nil); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	delete(a.inflight, "http://a.test/2") // so that Close does not wait for it
	a.mu.Unlock()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	b := member(t, broker, prefix, 2)
	if st, ok, _ := b.State(ctx, "http://a.test/1"); !ok || st != frontier.Done {
		t.Errorf("a.test/1: %q %v, want done", st, ok)
	}
	if st, ok, _ := b.State(ctx, "http://a.test/2"); !ok || st != frontier.Pending {
		t.Errorf("a.test/2 (in flight when its owner left): %q %v, want pending", st, ok)
	}
	if got := b.HostNotBefore("a.test"); !got.Equal(paced) {
		t.Errorf("pace of a.test: %v, want %v", got, paced)
	}
	if got, ok, _ := b.RobotsFile(ctx, "a.test"); !ok || got.Body != robots.Body || !got.Fetched.Equal(robots.Fetched) {
		t.Errorf("robots.txt of a.test: %+v %v, want %+v", got, ok, robots)
	}
	if got, ok, _ := b.RobotsFailure(ctx, "b.test"); !ok || got.Failures != 1 || !got.Retry.Equal(rf.Retry) {
		t.Errorf("robots failure of b.test: %+v %v, want %+v", got, ok, rf)
	}
	seen, pages, err := b.Observe(ctx, "a.test", "page-2", []uint64{1 << 63, 7})
	if err != nil || pages != 2 || !slices.Equal(seen, []int{2, 1}) {
		t.Errorf("site statistics after the hand-over: seen %v of %d pages (%v), want [2 1] of 2", seen, pages, err)
	}
	claimed, err := b.Claim(ctx, 10, t0.Add(2*time.Hour), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://a.test/2", "http://b.test/feed"}
	var gotURLs []string
	for _, e := range claimed {
		gotURLs = append(gotURLs, e.URL)
		if e.URL == "http://b.test/feed" && e.Interval != time.Hour {
			t.Errorf("feed's re-poll interval: %v, want 1h", e.Interval)
		}
	}
	slices.Sort(gotURLs)
	if !slices.Equal(gotURLs, want) {
		t.Errorf("new owner claimed %v, want %v", gotURLs, want)
	}
}

// TestMembersShareHosts: two members split the partitions; a URL found by
// one for a host the other owns is queued by the other, never by both.
func TestMembersShareHosts(t *testing.T) {
	broker := kafkatest.Broker(t)
	prefix := kafkatest.Prefix(t, broker)
	ctx := context.Background()
	const parts = 4
	a := member(t, broker, prefix, parts)
	b := member(t, broker, prefix, parts)
	// b's arrival rebalances: wait until both own some.
	deadline := time.Now().Add(time.Minute)
	for len(a.Owned()) == 0 || len(b.Owned()) == 0 || len(a.Owned())+len(b.Owned()) != parts {
		if time.Now().After(deadline) {
			t.Fatalf("partitions not shared: a %v, b %v", a.Owned(), b.Owned())
		}
		time.Sleep(50 * time.Millisecond) // polling the assignment
	}
	var es []frontier.Entry
	for _, h := range []string{"h1.test", "h2.test", "h3.test", "h4.test", "h5.test", "h6.test", "h7.test", "h8.test"} {
		es = append(es, frontier.Entry{URL: "http://" + h + "/x", Kind: frontier.Page, NextAt: t0})
	}
	if _, err := a.AddURLs(ctx, es, nil); err != nil {
		t.Fatal(err)
	}
	if n := claimAll(t, map[string]*Frontier{"a": a, "b": b}, len(es)); n != len(es) {
		t.Errorf("claimed %d of %d URLs", n, len(es))
	}
}

// TestPartitionKeys: the partition of a host is the murmur2 hash of its key
// (the host, or the registered domain), whatever follows the key in a
// message key.
func TestPartitionKeys(t *testing.T) {
	f := &Frontier{cfg: Config{Partitions: 12}}
	d := &Frontier{cfg: Config{Partitions: 12, ByDomain: true}}
	for _, c := range []struct{ a, b string }{
		{"www.example.co.uk", "news.example.co.uk"},
		{"example.com", "a.b.example.com"},
		{"127.0.0.10:8080", "127.0.0.10:8080"},
	} {
		if d.Partition(c.a) != d.Partition(c.b) {
			t.Errorf("by domain: %s and %s in partitions %d and %d", c.a, c.b, d.Partition(c.a), d.Partition(c.b))
		}
		if got, want := d.Key(c.a), d.Key(c.b); got != want {
			t.Errorf("by domain: keys %q and %q", got, want)
		}
	}
	if f.Key("www.example.co.uk") != "www.example.co.uk" {
		t.Error("by host: the key is not the host")
	}
	for _, h := range []string{"a.test", "b.test", "www.example.com"} {
		p := f.Partition(h)
		for _, k := range [][]byte{urlKey(h, "http://"+h+"/x"), hostKey(h, h)} {
			if got := (keyPrefixBalancer{}).Balance(kafkaMessage(k), partitionIDs(12)...); got != p {
				t.Errorf("%q placed in %d, host %s in %d", k, got, h, p)
			}
		}
	}
	if recordKind(urlKey("a", "u")) != 'u' || recordKind(hostKey("a", "a")) != 'h' || recordKind([]byte("junk")) != 0 {
		t.Error("recordKind misreads keys")
	}
}

func kafkaMessage(key []byte) kafka.Message { return kafka.Message{Key: key} }

// TestRebalanceTakesBackClaimedURLs: URLs claimed but not started when a
// rebalance begins are taken back (Keep is false) and end up claimed by
// whichever member owns their host afterwards, none lost, none claimed by
// two members.
func TestRebalanceTakesBackClaimedURLs(t *testing.T) {
	broker := kafkatest.Broker(t)
	prefix := kafkatest.Prefix(t, broker)
	ctx := context.Background()
	const parts = 4
	a := member(t, broker, prefix, parts)
	var es []frontier.Entry
	for _, h := range []string{"h1.test", "h2.test", "h3.test", "h4.test", "h5.test", "h6.test", "h7.test", "h8.test"} {
		es = append(es, frontier.Entry{URL: "http://" + h + "/x", Kind: frontier.Page, NextAt: t0})
	}
	if _, err := a.AddURLs(ctx, es, nil); err != nil {
		t.Fatal(err)
	}
	claimed, err := a.Claim(ctx, 10, t0, nil, 0)
	if err != nil || len(claimed) != len(es) {
		t.Fatalf("claimed %d of %d: %v", len(claimed), len(es), err)
	}
	// b joins: a's generation ends, and a must give the URLs back before
	// the group can move on.
	joined := make(chan *Frontier)
	go func() { joined <- member(t, broker, prefix, parts) }()
	taken := map[string]bool{}
	deadline := time.Now().Add(time.Minute)
	for len(taken) < len(claimed) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d claimed URLs were taken back", len(taken), len(claimed))
		}
		for _, e := range claimed {
			if !taken[e.URL] && !a.Keep(e.URL) {
				taken[e.URL] = true
			}
		}
		time.Sleep(20 * time.Millisecond) // polling for the rebalance to start
	}
	b := <-joined
	if err := a.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if n := claimAll(t, map[string]*Frontier{"a": a, "b": b}, len(es)); n != len(es) {
		t.Errorf("after the rebalance %d of %d URLs were claimed again", n, len(es))
	}
}

// claimAll claims from every member until want URLs were claimed or 30s
// passed, and returns how many were. A URL claimed by two members, or by
// one that does not own its host's partition, fails the test.
func claimAll(t *testing.T, members map[string]*Frontier, want int) int {
	t.Helper()
	seen := map[string]string{}
	deadline := time.Now().Add(30 * time.Second)
	for len(seen) < want && time.Now().Before(deadline) {
		for name, m := range members {
			got, err := m.Claim(context.Background(), 10, t0, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range got {
				if other, dup := seen[e.URL]; dup {
					t.Errorf("%s claimed by %s and %s", e.URL, other, name)
				}
				seen[e.URL] = name
				if !slices.Contains(m.Owned(), m.Partition(frontier.Host(e.URL))) {
					t.Errorf("%s claimed by %s, which does not own its partition", e.URL, name)
				}
			}
		}
		time.Sleep(20 * time.Millisecond) // polling the members
	}
	return len(seen)
}

// TestNoClaimDuringRestore: while a new owner reads a partition's state,
// claims hand out none of its URLs, so a URL done by the old owner is
// never handed out on the strength of an older record read first.
func TestNoClaimDuringRestore(t *testing.T) {
	broker := kafkatest.Broker(t)
	prefix := kafkatest.Prefix(t, broker)
	ctx := context.Background()
	a := member(t, broker, prefix, 1)
	var es []frontier.Entry
	for i := range 1500 {
		es = append(es, frontier.Entry{URL: fmt.Sprintf("http://a.test/%d", i), Kind: frontier.Page, NextAt: t0})
	}
	if _, err := a.AddURLs(ctx, es, nil); err != nil {
		t.Fatal(err)
	}
	got, err := a.Claim(ctx, len(es), t0, nil, 0)
	if err != nil || len(got) != len(es) {
		t.Fatalf("claimed %d of %d: %v", len(got), len(es), err)
	}
	var done []frontier.Settled
	for _, e := range got {
		done = append(done, frontier.Settled{URL: e.URL, Outcome: frontier.Outcome{State: frontier.Done, Status: 200, FetchedAt: t0}})
	}
	if _, err := a.Apply(ctx, nil, done, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// The new owner claims as fast as it can while it restores: the
	// state topic holds every URL pending first and done later.
	cache, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	b, err := Open(ctx, Config{Conn: kafkabus.Conn{Brokers: []string{broker}}, URLTopic: prefix + "crawl.urls",
		StateTopic: prefix + "crawl.state", Partitions: 1, Group: prefix + "crawl", SessionTimeout: 6 * time.Second,
		ReleaseWait: 5 * time.Second, Cache: testCache{sqlfrontier.New(cache), clean.NewSQLiteStats(cache)}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	readyCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- b.Ready(readyCtx) }()
	for {
		got, err := b.Claim(ctx, 100, t0, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Fatalf("claimed %d URLs done by the old owner (e.g. %s)", len(got), got[0].URL)
		}
		select {
		case err := <-ready:
			if err != nil {
				t.Fatal(err)
			}
			if st, ok, _ := b.State(ctx, "http://a.test/1499"); !ok || st != frontier.Done {
				t.Errorf("after the restore: %q %v, want done", st, ok)
			}
			return
		default:
		}
	}
}

func TestSiteHost(t *testing.T) {
	f := &Frontier{hosts: map[string]int{"127.0.0.12:33195": 5, "www.example.com": 1, "news.example.org": 2}}
	for site, want := range map[string]string{
		"127.0.0.12":       "127.0.0.12:33195",
		"example.com":      "www.example.com",
		"news.example.org": "news.example.org",
		"elsewhere.test":   "elsewhere.test",
	} {
		if got := f.siteHost(site); got != want {
			t.Errorf("siteHost(%q) = %q, want %q", site, got, want)
		}
	}
}

// TestFirstPagesHandOver: the first pages a member keeps for cleaning
// again go with their hosts to a member that starts with an empty cache,
// every field as kept; the pages it forgot, and a page too large to
// share, do not; and the pages the new owner forgets are gone for the
// owner after it.
func TestFirstPagesHandOver(t *testing.T) {
	broker := kafkatest.Broker(t)
	prefix := kafkatest.Prefix(t, broker)
	ctx := context.Background()
	page := func(site, id string, html []byte) frontier.FirstPage {
		return frontier.FirstPage{Site: site, ID: id, Kept: t0.Add(time.Minute), URL: "http://" + site + "/" + id,
			FetchedAt: t0.Add(123456789), HintTitle: "Title " + id, HintPublished: &t0, HTML: html, Body: "Body of " + id}
	}
	a1, a2, a3 := page("a.test", "1", []byte{1, 2, 3}), page("a.test", "2", []byte{4}), page("a.test", "3", []byte{5})
	big := page("b.test", "big", make([]byte, maxFirstPageRecord))
	b1 := page("b.test", "1", []byte{6})

	a := member(t, broker, prefix, 2)
	for _, p := range []frontier.FirstPage{a1, a2, a3, big, b1} {
		if err := a.KeepFirstPage(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if dropped, err := a.DropFirstPages(ctx, "a.test", "2"); err != nil || len(dropped) != 1 || dropped[0].URL != a2.URL {
		t.Fatalf("DropFirstPages = %+v, %v; want a.test's page 2", dropped, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	b := member(t, broker, prefix, 2)
	for _, tt := range []struct {
		site string
		want []frontier.FirstPage
	}{{"a.test", []frontier.FirstPage{a1, a3}}, {"b.test", []frontier.FirstPage{b1}}} {
		got, err := b.FirstPagesOf(ctx, tt.site)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("the new owner holds of %s\n%+v\nwant\n%+v", tt.site, got, tt.want)
		}
	}
	if dropped, err := b.DropFirstPages(ctx, "a.test"); err != nil || len(dropped) != 2 {
		t.Fatalf("DropFirstPages = %+v, %v; want a.test's two pages", dropped, err)
	}
	if dropped, err := b.DropFirstPagesBefore(ctx, t0.Add(time.Hour)); err != nil || len(dropped) != 1 || dropped[0].URL != b1.URL {
		t.Errorf("DropFirstPagesBefore = %+v, %v; want b.test's page", dropped, err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	c := member(t, broker, prefix, 2)
	if got, err := c.FirstPages(ctx); err != nil || len(got) != 0 {
		t.Errorf("the owner after holds %d first pages (%v), want none: the last owner forgot them all", len(got), err)
	}
}
