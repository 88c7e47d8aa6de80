package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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
