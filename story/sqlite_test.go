package story_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// storyRows counts fingerprints and bands, and bands whose fingerprint is
// gone (which must never happen: they would make candidates of nothing).
func storyRows(t *testing.T, s *sqlite.Store) (sigs, bands, orphans int) {
	t.Helper()
	err := s.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM story_signatures), (SELECT count(*) FROM story_bands),
		(SELECT count(*) FROM story_bands WHERE article_id NOT IN (SELECT article_id FROM story_signatures))`).Scan(&sigs, &bands, &orphans)
	if err != nil {
		t.Fatal(err)
	}
	return sigs, bands, orphans
}

func longBody(i int) string {
	var b strings.Builder
	for j := range 80 {
		fmt.Fprintf(&b, "word%d_%d ", i, j)
	}
	return b.String()
}

func TestStoryIndexExpireAndReplace(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	x := story.NewSQLiteIndex(s)
	add := func(id string, body string, at time.Time) {
		t.Helper()
		err := x.Update(ctx, func(ctx context.Context, tx story.IndexTx) error {
			return tx.Add(ctx, story.Entry{ArticleID: id, StoryID: id, FetchedAt: at, Fingerprint: story.Compute(body)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		add(fmt.Sprintf("a%d", i), longBody(i), t0.Add(time.Duration(i)*time.Hour))
	}
	if sigs, bands, _ := storyRows(t, s); sigs != 5 || bands != 5*story.Bands {
		t.Fatalf("after adding: %d signatures, %d bands", sigs, bands)
	}
	// Replacing a fingerprint replaces its bands.
	add("a4", longBody(99), t0.Add(10*time.Hour))
	if sigs, bands, orphans := storyRows(t, s); sigs != 5 || bands != 5*story.Bands || orphans != 0 {
		t.Errorf("after replacing: %d signatures, %d bands, %d orphans", sigs, bands, orphans)
	}
	err := x.Update(ctx, func(ctx context.Context, tx story.IndexTx) error {
		old, err := tx.Lookup(ctx, story.Compute(longBody(4)).Bands, time.Time{})
		if err == nil && len(old) != 0 {
			t.Errorf("the replaced body still finds %v", old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if newest, err := x.Newest(ctx); err != nil || !newest.Equal(t0.Add(10*time.Hour)) {
		t.Errorf("Newest = %v, %v", newest, err)
	}
	// Expire takes the oldest first, at most limit, and only before the
	// cutoff.
	if n, err := x.Expire(ctx, t0.Add(3*time.Hour), 2); err != nil || n != 2 {
		t.Errorf("Expire = %d, %v; want 2", n, err)
	}
	if n, err := x.Expire(ctx, t0.Add(3*time.Hour), 100); err != nil || n != 1 {
		t.Errorf("Expire = %d, %v; want 1 (a2)", n, err)
	}
	if sigs, bands, orphans := storyRows(t, s); sigs != 2 || bands != 2*story.Bands || orphans != 0 {
		t.Errorf("after expiring: %d signatures, %d bands, %d orphans", sigs, bands, orphans)
	}
	for id, want := range map[string]bool{"a0": false, "a1": false, "a2": false, "a3": true, "a4": true} {
		var got bool
		err := x.Update(ctx, func(ctx context.Context, tx story.IndexTx) error {
			var err error
			_, got, err = tx.Get(ctx, id)
			return err
		})
		if err != nil || got != want {
			t.Errorf("%s kept = %v, %v; want %v", id, got, err, want)
		}
	}
}
