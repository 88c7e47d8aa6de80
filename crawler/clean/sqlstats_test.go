package clean_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func openStats(t *testing.T) *clean.SQLiteStats {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return clean.NewSQLiteStats(st)
}

func TestObserveCountsDistinctPages(t *testing.T) {
	ctx := context.Background()
	s := openStats(t)
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
