package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestSearchDeadline checks that a query past its deadline fails with the
// context's error rather than running on.
func TestSearchDeadline(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(ctx, storetest.Mk("/a", "example.com", "Rain", "Rain fell.", storetest.T0)); err != nil {
		t.Fatal(err)
	}
	past, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	q := query.MustParse("rain OR sun")
	_, err = s.Search(past, q, 10)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Search past its deadline = %v, want DeadlineExceeded", err)
	}
	if _, err := s.Facets(past, q, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Facets past its deadline = %v, want DeadlineExceeded", err)
	}
	if _, err := s.SearchStories(past, q, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SearchStories past its deadline = %v, want DeadlineExceeded", err)
	}
	if hits, err := s.Search(ctx, q, 10); err != nil || len(hits) != 1 {
		t.Errorf("Search = %v, %v; want the article", hits, err)
	}
}

// TestRepeatedWordsBounded is the example of cost growing with
// the square of the words: 400 repeated words are one word, and a query
// of too many different words is refused before it reaches the store.
func TestRepeatedWordsBounded(t *testing.T) {
	q, err := query.Parse(strings.Repeat("the rain ", 200))
	if err != nil || q.String() != "the rain" {
		t.Errorf("400 repeated words = %q, %v", q, err)
	}
	var words []string
	for i := range query.MaxLeaves + 1 {
		words = append(words, "w"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if _, err := query.Parse(strings.Join(words, " ")); err == nil || !strings.Contains(err.Error(), "too many terms") {
		t.Errorf("%d different words: %v, want too many terms", len(words), err)
	}
}

// TestAnalysedTermsMigration opens a store written before articles_terms
// and article_keys existed (simulated by emptying them and forgetting the
// fill) and checks that opening it analyses the stored articles once.
func TestAnalysedTermsMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []*article.Article
	for i := range 1203 { // more than two fill pages
		a := storetest.Mk(fmt.Sprintf("/%d", i), "example.com", "Withdrawal", fmt.Sprintf("Troops withdrawing, day %d.", i), storetest.T0)
		a.Section = "World News"
		docs = append(docs, a)
	}
	for _, a := range docs {
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{`DELETE FROM articles_terms`, `DELETE FROM article_keys`, `DELETE FROM meta WHERE key = 'articles_terms'`} {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		err := s.Scan(ctx, query.MustParse(q), "", func(*article.Article) error { n++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("withdraw"); n != 0 {
		t.Fatalf("emptied store finds %d articles", n)
	}
	s.Close()
	if s, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{"withdraw", `"troops withdraw"`, "withdr*", "section:world"} {
		if n := count(q); n != len(docs) {
			t.Errorf("after the migration %s finds %d articles, want %d", q, n, len(docs))
		}
	}
}

// TestScoreOrderAcrossReads checks the order of a free-text search whose
// matches come in long runs of equal scores, longer than one read of the
// best scores and straddling its end: it must be the order of SQL's
// ORDER BY score, id over every match.
func TestScoreOrderAcrossReads(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	bodies := []string{"Rain.", "Rain fell.", "Rain fell on the town.", "Rain and more rain.", "Heavy rain fell on the old town today."}
	for i := range 1300 {
		a := storetest.Mk(fmt.Sprintf("/%d", i), "a.com", "t", bodies[i%len(bodies)], t0.Add(time.Duration(i)*time.Minute))
		a.StoryID = fmt.Sprintf("s%d", i%400)
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	q := query.MustParse("rain")
	stmt, args := planOf(q, time.Now()).ranked("a.id")
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	rows.Close()
	for _, limit := range []int{1, 255, 257, 700, 1300} {
		hits, err := s.Search(ctx, q, limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, want[:limit]) {
			t.Errorf("search rain, %d hits: the order differs from SQL's", limit)
		}
	}
	// Within a snapshot taken now, an article stored later, the best
	// match of all, is left out and the order is the same.
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, storetest.Mk("/late", "a.com", "Rain rain", "Rain rain rain.", t0)); err != nil {
		t.Fatal(err)
	}
	hits, err := s.SearchAt(ctx, snap, q, false, 700)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.ID)
	}
	if !slices.Equal(got, want[:700]) {
		t.Errorf("search rain within a snapshot: the order differs from SQL's before the late article")
	}
	if _, err := s.SearchAt(ctx, "rowid:x", q, false, 1); !errors.Is(err, query.ErrSnapshotExpired) {
		t.Errorf("a snapshot the store never gave out: %v, want ErrSnapshotExpired", err)
	}
}
