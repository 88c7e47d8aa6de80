package sqlite_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// conformant adapts the embedded store to the shared suite.
type conformant struct{ *sqlite.Store }

func (c conformant) Search(ctx context.Context, q query.Query, limit int) ([]storetest.Hit, error) {
	hits, err := c.Store.Search(ctx, q, limit)
	return conform(hits), err
}

func (c conformant) SearchStories(ctx context.Context, q query.Query, limit int) ([]storetest.Hit, error) {
	hits, err := c.Store.SearchStories(ctx, q, limit)
	return conform(hits), err
}

func conform(hits []sqlite.Hit) []storetest.Hit {
	out := make([]storetest.Hit, len(hits))
	for i, h := range hits {
		out[i] = storetest.Hit{ID: h.ID, Title: h.Title, URL: h.URL, Site: h.Site, PublishedAt: h.PublishedAt, StoryID: h.StoryID, Copies: h.Copies}
	}
	return out
}

func (conformant) Sync(context.Context) error { return nil }

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		NotFound: sqlite.ErrNotFound,
		Open: func(t *testing.T) storetest.Store {
			s, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return conformant{s}
		},
	})
}
