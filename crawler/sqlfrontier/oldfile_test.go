package sqlfrontier

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// oldFileNow is the time the old-layout file was written at (see
// testdata/README.md).
var oldFileNow = time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)

// copyOldFile writes testdata/old-layout.db.gz, a store file written by
// the embedded store when it still held the frontier's tables, into a new
// data directory and returns the directory.
func copyOldFile(tb testing.TB) string {
	tb.Helper()
	in, err := os.Open(filepath.Join("testdata", "old-layout.db.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	out, err := os.Create(filepath.Join(dir, sqlite.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestOldLayoutFile opens a file written before the frontier owned its
// tables and works on from it: every record, count, robots.txt failure,
// re-poll interval, re-check and learned block is read back as written,
// and claims, page limits, re-checks and block counts carry on from there.
func TestOldLayoutFile(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, copyOldFile(t))
	s := New(st)
	const news = "https://news.example"

	stats, err := s.Frontier(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (frontier.Stats{Pending: 5, InFlight: 1, Done: 3, Failed: 1, NextDue: oldFileNow.Add(-2 * time.Hour)}); !stats.NextDue.Equal(want.NextDue) ||
		stats.Pending != want.Pending || stats.InFlight != want.InFlight || stats.Done != want.Done || stats.Failed != want.Failed {
		t.Errorf("Frontier = %+v, want %+v", stats, want)
	}
	checkFrontierHosts(t, s)

	recs, err := s.FrontierRecords(ctx, []string{news + "/feed.xml", news + "/a/2", news + "/a/4"})
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]frontier.Record{}
	for _, r := range recs {
		byURL[r.URL] = r
	}
	if r := byURL[news+"/feed.xml"]; r.Kind != frontier.Feed || !r.Seed || r.ETag != `"feed1"` || r.Interval != 10*time.Minute {
		t.Errorf("feed record %+v, want a seed feed with its validator and a 10m re-poll interval", r)
	}
	if r := byURL[news+"/a/2"]; r.State != frontier.Done || r.ArticleID != "id-2" || r.ETag != `"v2"` || r.Rechecks != 1 ||
		!r.RecheckModified.Equal(oldFileNow.Add(-80*time.Minute)) || r.HintTitle != "Story 2, updated" {
		t.Errorf("re-checked article record %+v", r)
	}
	if r := byURL[news+"/a/4"]; r.State != frontier.Failed || r.Status != 404 || r.Error != "HTTP 404" {
		t.Errorf("failed article record %+v", r)
	}
	hosts, err := s.HostRecords(ctx, []string{"news.example", "other.example"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 2 || hosts[0].URLs != 8 || hosts[0].Robots != nil ||
		hosts[1].URLs != 1 || hosts[1].Robots == nil || hosts[1].Robots.Failures != 2 || hosts[1].Robots.Reason != "HTTP 503" {
		t.Errorf("HostRecords = %+v", hosts)
	}

	// The crawler that wrote the file died with a/5 in flight.
	if n, err := s.Recover(ctx); err != nil || n != 1 {
		t.Fatalf("Recover = %d, %v; want 1", n, err)
	}
	// The page limit counts the 8 URLs admitted before.
	limit := func(string) int { return 9 }
	if n, err := s.AddURLs(ctx, []frontier.Entry{
		{URL: news + "/a/9", Kind: frontier.Article, Depth: 1, NextAt: oldFileNow},
		{URL: news + "/a/10", Kind: frontier.Article, Depth: 1, NextAt: oldFileNow},
		{URL: news + "/a/1", Kind: frontier.Article, Depth: 1, NextAt: oldFileNow},
	}, limit); err != nil || n != 1 {
		t.Fatalf("AddURLs = %d, %v; want 1 (a/9; a/10 is over the limit, a/1 known)", n, err)
	}
	got, err := s.Claim(ctx, 10, oldFileNow, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{news + "/a/5", news + "/a/7", news + "/a/8", news + "/a/9", "https://other.example/x"}
	if !slices.Equal(urlsOf(got), want) {
		t.Errorf("Claim = %v, want %v", urlsOf(got), want)
	}
	checkFrontierHosts(t, s)

	// a/2 was re-checked for the modified time it is listed with; a/3
	// changed since its fetch.
	for _, tc := range []struct {
		url      string
		modified time.Time
		want     int
	}{
		{news + "/a/2", oldFileNow.Add(-80 * time.Minute), 0},
		{news + "/a/3", oldFileNow.Add(-30 * time.Minute), 1},
	} {
		n, err := s.Recheck(ctx, []frontier.Entry{{URL: tc.url, Kind: frontier.Article, Modified: &tc.modified}},
			frontier.RecheckPolicy{Now: oldFileNow, MinInterval: time.Minute, Max: 3})
		if err != nil || n != tc.want {
			t.Errorf("Recheck %s = %d, %v; want %d", tc.url, n, err, tc.want)
		}
	}
	if f, ok, err := s.RobotsFailure(ctx, "other.example"); err != nil || !ok || f.Failures != 2 || !f.Retry.Equal(oldFileNow.Add(time.Hour)) {
		t.Errorf("RobotsFailure = %+v, %v, %v", f, ok, err)
	}

	// The cleaner's statistics: three pages of news.example saw blocks 1
	// and 2; a fourth page makes it four.
	seen, pages, err := clean.NewSQLiteStats(st).Observe(ctx, "news.example", "id-4", []uint64{1, 2, 99})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 4 || !slices.Equal(seen, []int{4, 4, 1}) {
		t.Errorf("Observe = %v over %d pages, want [4 4 1] over 4", seen, pages)
	}
}
