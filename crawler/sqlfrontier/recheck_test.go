package sqlfrontier

import (
	"context"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// fetchedArticle puts u in the frontier as an article emitted from a fetch
// at fetched, with validators, the way the crawler settles one.
func fetchedArticle(t *testing.T, s *Store, u string, fetched time.Time) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.AddURLs(ctx, []frontier.Entry{{URL: u, Kind: frontier.Article, Depth: 1, NextAt: fetched, HintTitle: "Old title"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimURL(ctx, frontier.Entry{URL: u, Kind: frontier.Article}, fetched); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(ctx, u, frontier.Article, frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "id-" + u,
		FetchedAt: fetched, ETag: `"v1"`, LastModified: "Mon, 23 Nov 2026 10:00:00 GMT"}); err != nil {
		t.Fatal(err)
	}
}

func at(t time.Time) *time.Time { return &t }

// TestRecheck lists URLs in every state with modified times around their
// last fetch: only done articles changed since that fetch are queued, due
// no sooner than the least interval after it, and claimed as re-checks
// with their validators and the listing's title.
func TestRecheck(t *testing.T) {
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	const u = "https://a.example/news/1"
	policy := frontier.RecheckPolicy{Now: now, MinInterval: 15 * time.Minute, Max: 3}
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *Store) // puts u in the frontier, or not
		modified *time.Time
		policy   frontier.RecheckPolicy
		wantDue  time.Time // zero: not queued
	}{
		{"changed after an old fetch: due now",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-time.Hour)) }, at(now.Add(-time.Minute)), policy, now},
		{"changed after a recent fetch: due the least interval after it",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-5*time.Minute)) }, at(now.Add(-time.Minute)), policy, now.Add(10 * time.Minute)},
		{"modified at the fetch",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-time.Hour)) }, at(now.Add(-time.Hour)), policy, time.Time{}},
		{"modified before the fetch",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-time.Hour)) }, at(now.Add(-2 * time.Hour)), policy, time.Time{}},
		{"no modified time",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-time.Hour)) }, nil, policy, time.Time{}},
		{"re-checks off",
			func(t *testing.T, s *Store) { fetchedArticle(t, s, u, now.Add(-time.Hour)) }, at(now), frontier.RecheckPolicy{Now: now, MinInterval: time.Minute}, time.Time{}},
		{"unknown URL", func(t *testing.T, s *Store) {}, at(now), policy, time.Time{}},
		{"not fetched yet", func(t *testing.T, s *Store) {
			if _, err := s.AddURLs(context.Background(), []frontier.Entry{{URL: u, Kind: frontier.Article, NextAt: now.Add(time.Hour)}}, nil); err != nil {
				t.Fatal(err)
			}
		}, at(now), policy, time.Time{}},
		{"a page that was not an article", func(t *testing.T, s *Store) {
			fetchedArticle(t, s, u, now.Add(-time.Hour))
			if _, err := exec(s, `UPDATE frontier SET kind = 'page', article_id = '' WHERE url = ?`, u); err != nil {
				t.Fatal(err)
			}
		}, at(now), policy, time.Time{}},
		{"failed for good", func(t *testing.T, s *Store) {
			fetchedArticle(t, s, u, now.Add(-time.Hour))
			if err := s.Settle(context.Background(), u, "", frontier.Outcome{State: frontier.Failed, Status: 404, Error: "HTTP 404", FetchedAt: now.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}, at(now), policy, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			tt.setup(t, s)
			before := dumpRow(t, s, u)
			n, err := s.Recheck(ctx, []frontier.Entry{{URL: u, Kind: frontier.Article, Modified: tt.modified, HintTitle: "New title"}}, tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			checkFrontierHosts(t, s)
			if tt.wantDue.IsZero() {
				if n != 0 || dumpRow(t, s, u) != before {
					t.Errorf("queued %d; row %q became %q, want it unchanged", n, before, dumpRow(t, s, u))
				}
				return
			}
			if n != 1 {
				t.Fatalf("queued %d, want 1", n)
			}
			if got, err := s.Claim(ctx, 10, tt.wantDue.Add(-time.Millisecond), nil, 0); err != nil || len(got) != 0 {
				t.Errorf("claimed %v (%v) before it is due", urlsOf(got), err)
			}
			got, err := s.Claim(ctx, 10, tt.wantDue, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("claimed %v when due, want %s", urlsOf(got), u)
			}
			e := got[0]
			if !e.Recheck || e.ETag != `"v1"` || e.LastModified == "" || e.HintTitle != "New title" || e.Attempts != 0 {
				t.Errorf("claimed %+v, want a re-check with the validators and the listing's title", e)
			}
			checkFrontierHosts(t, s)
		})
	}
}

// dumpRow is u's frontier row as text ("" if there is none).
func dumpRow(t *testing.T, s *Store, u string) string {
	t.Helper()
	var row string
	err := s.db.QueryRowContext(context.Background(), `SELECT state || ' ' || kind || ' ' || next_at || ' ' || attempts || ' ' || hint_title FROM frontier WHERE url = ?`, u).Scan(&row)
	if err != nil {
		return ""
	}
	return row
}

// TestRecheckCapAndRepeats re-checks one URL through a listing that keeps
// changing: a modified time acted on does not queue it again, even when the
// site's clock runs ahead of the fetch, and the cap ends the re-checks.
func TestRecheckCapAndRepeats(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	const u = "https://a.example/news/1"
	fetchedArticle(t, s, u, now.Add(-time.Hour))
	p := frontier.RecheckPolicy{MinInterval: time.Minute, Max: 2}
	steps := []struct {
		name     string
		modified time.Time
		want     int
	}{
		{"first change", now.Add(2 * time.Minute), 1}, // ahead of the fetch below
		{"same modified time again", now.Add(2 * time.Minute), 0},
		{"second change", now.Add(10 * time.Minute), 1},
		{"third change: over the cap", now.Add(20 * time.Minute), 0},
	}
	for i, st := range steps {
		p.Now = now.Add(time.Duration(i) * 5 * time.Minute)
		n, err := s.Recheck(ctx, []frontier.Entry{{URL: u, Kind: frontier.Article, Modified: &st.modified}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.want {
			t.Fatalf("%s: queued %d, want %d", st.name, n, st.want)
		}
		if n == 0 {
			continue
		}
		got, err := s.Claim(ctx, 10, p.Now, nil, 0)
		if err != nil || len(got) != 1 || !got[0].Recheck {
			t.Fatalf("%s: claimed %+v (%v), want the re-check", st.name, got, err)
		}
		if err := s.Settle(ctx, u, frontier.Article, frontier.Outcome{State: frontier.Done, Status: 200, ArticleID: "id", FetchedAt: p.Now}); err != nil {
			t.Fatal(err)
		}
	}
	var rechecks int
	if err := s.db.QueryRowContext(context.Background(), `SELECT rechecks FROM frontier_recheck WHERE url = ?`, u).Scan(&rechecks); err != nil || rechecks != 2 {
		t.Errorf("frontier_recheck counts %d (%v), want 2", rechecks, err)
	}
}

// TestRecheckOnPreviousVersionStore opens a store made before
// frontier_recheck existed: the table is created, and re-checks work.
func TestRecheckOnPreviousVersionStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s := New(st)
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	const u = "https://a.example/news/1"
	fetchedArticle(t, s, u, now.Add(-time.Hour))
	if _, err := exec(s, `DROP TABLE frontier_recheck`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	s = New(openStore(t, dir))
	n, err := s.Recheck(ctx, []frontier.Entry{{URL: u, Kind: frontier.Article, Modified: at(now)}}, frontier.RecheckPolicy{Now: now, MinInterval: time.Minute, Max: 1})
	if err != nil || n != 1 {
		t.Fatalf("Recheck = %d, %v; want 1 queued", n, err)
	}
	checkFrontierHosts(t, s)
}
