package sqlite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2021, 1, 8, 10, 0, 0, 0, time.UTC)

func TestPutIsIdempotentAndNeverRollsBack(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	v1 := storetest.Mk("/a", "apnews.com", "First", "Old text about Libya.", t0)
	v2 := storetest.Mk("/a", "apnews.com", "Second", "New text about Libya and Qatar.", t0.Add(time.Hour))
	for _, a := range []*article.Article{v1, v1, v2, v1} { // v1 redelivered after v2
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Fatalf("count = %d, want 1", n)
	}
	got, err := s.Get(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Second" {
		t.Errorf("stored title %q: an older version overwrote the newer one", got.Title)
	}
	// Full text follows the update: the old text is gone from the index.
	for q, want := range map[string]int{"Qatar": 1, "Old": 0} {
		pq, _ := query.Parse(q)
		hits, err := s.Search(ctx, pq, 10)
		if err != nil || len(hits) != want {
			t.Errorf("search %q: %d hits (%v), want %d", q, len(hits), err, want)
		}
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown = %v", err)
	}
}

func TestSearchFilters(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	lav := article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"}
	libya := article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"}
	nato := article.Entity{Type: article.Organization, Canonical: "NATO"}
	docs := []*article.Article{
		storetest.Mk("/1", "apnews.com", "Russia backs withdrawal", "Sergey Lavrov spoke of Libya and foreign fighters.", t0, lav, libya),
		storetest.Mk("/2", "www.reuters.com", "NATO meets", "NATO ministers met about foreign fighters in Libya.", t0.Add(time.Hour), nato, libya),
		storetest.Mk("/3", "news.bbc.co.uk", "Weather", "Rain everywhere, no fighters.", t0.Add(2*time.Hour)),
	}
	for _, a := range docs {
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		q    string
		want []string // ids in order
	}{
		{`person:Lavrov`, []string{docs[0].ID}},
		{`person:"sergey lavrov"`, []string{docs[0].ID}},
		{`person:Serg`, nil},                              // whole words only
		{`place:Libya`, []string{docs[1].ID, docs[0].ID}}, // newest first
		{`place:Libya org:NATO`, []string{docs[1].ID}},
		{`"foreign fighters" site:apnews.com`, []string{docs[0].ID}},
		{`site:bbc.co.uk`, []string{docs[2].ID}},
		{`fighters -Libya`, []string{docs[2].ID}},
		{`fighter`, nil}, // filled below: stemming matches all three
		{`person:Lavrov person:Nobody`, []string{docs[0].ID}},
		{`"NEAR" OR NEAR`, nil},              // FTS5 syntax in user input is literal text
		{`Lavrov & —`, []string{docs[0].ID}}, // punctuation alone is no term
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Errorf("search %s: %v", tt.q, err)
			continue
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		if tt.q == "fighter" {
			if len(got) != 3 {
				t.Errorf("search %s: %d hits, want 3 (stemmed)", tt.q, len(got))
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %s = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestScanResumesAfterID(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for i := range 1203 { // more than one page of Scan
		if err := s.Put(ctx, storetest.Mk(fmt.Sprintf("/%d", i), "example.com", "t", "body text", t0)); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	if err := s.Scan(ctx, query.Query{}, "", func(a *article.Article) error { ids = append(ids, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1203 {
		t.Fatalf("scanned %d, want 1203", len(ids))
	}
	var rest []string
	if err := s.Scan(ctx, query.Query{}, ids[700], func(a *article.Article) error { rest = append(rest, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rest) != 502 || rest[0] != ids[701] {
		t.Errorf("resumed scan: %d articles starting %v, want 502 starting %s", len(rest), rest[:1], ids[701])
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

func TestObserveCountsDistinctPages(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	appeal, para := uint64(1)<<63|7, uint64(42) // a hash above MaxInt64 survives the round trip
	for _, page := range []string{"p1", "p2", "p2", "p3"} {
		if _, _, err := s.Observe(ctx, "independent.co.uk", page, []uint64{appeal, para + uint64(len(page))}); err != nil {
			t.Fatal(err)
		}
	}
	seen, pages, err := s.Observe(ctx, "independent.co.uk", "p4", []uint64{appeal, 999})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 4 || seen[0] != 4 || seen[1] != 1 {
		t.Errorf("Observe = %v over %d pages, want [4 1] over 4", seen, pages)
	}
	if seen, pages, _ := s.Observe(ctx, "other.example", "p1", []uint64{appeal}); pages != 1 || seen[0] != 1 {
		t.Errorf("sites share counts: %v %d", seen, pages)
	}
}

// TestNameWordsFilledForAnOlderDatabase opens a database written before
// the entity_words table existed: the names already stored are indexed on
// open, so person: finds them.
// reopenAsOlder makes the store in dir look as an older build left it (no
// table, no note that it was filled) by running stmts, then closes s and
// opens the store again, which must migrate it; the store returned is
// closed when the test ends.
func reopenAsOlder(t *testing.T, s *Store, dir, stmts string) *Store {
	t.Helper()
	if _, err := s.db.Exec(stmts); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestNameWordsFilledForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Mk("/a", "apnews.com", "t", "Mesut Özil spoke.", t0, article.Entity{Type: article.Person, Canonical: "Mesut Özil"})
	if err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	s = reopenAsOlder(t, s, dir, `DROP TABLE entity_words; DELETE FROM meta WHERE key = 'entity_words'`)
	for _, q := range []string{"person:özil", `person:"Mesut Özil"`} {
		pq, _ := query.Parse(q)
		hits, err := s.Search(ctx, pq, 10)
		if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
			t.Errorf("search %s after reopening = %v, %v; want the stored article", q, hits, err)
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM entity_words`).Scan(&n); err != nil || n != 2 {
		t.Errorf("entity_words holds %d rows (%v), want the 2 words of the name", n, err)
	}
}
