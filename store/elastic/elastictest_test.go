package elastic_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// conformant adapts the Elasticsearch store to the shared suite.
type conformant struct{ *elastic.Store }

func (c conformant) Search(ctx context.Context, q query.Query, limit int) ([]storetest.Hit, error) {
	hits, err := c.Store.Search(ctx, q, limit)
	return conform(hits), err
}

func (c conformant) SearchStories(ctx context.Context, q query.Query, limit int) ([]storetest.Hit, error) {
	hits, err := c.Store.SearchStories(ctx, q, limit)
	return conform(hits), err
}

func conform(hits []elastic.Hit) []storetest.Hit {
	out := make([]storetest.Hit, len(hits))
	for i, h := range hits {
		out[i] = storetest.Hit{ID: h.ID, Title: h.Title, URL: h.URL, Site: h.Site, PublishedAt: h.PublishedAt, StoryID: h.StoryID, Copies: h.Copies}
	}
	return out
}

func (c conformant) Sync(ctx context.Context) error { return c.Refresh(ctx) }

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		NotFound: elastic.ErrNotFound,
		Open:     func(t *testing.T) storetest.Store { return conformant{elastictest.Open(t, elastictest.Config(t))} },
	})
}
