package elastic_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// conformant adapts the Elasticsearch store to the shared suite.
type conformant struct{ *elastic.Store }

func (c conformant) Sync(ctx context.Context) error { return c.Refresh(ctx) }

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		NotFound: elastic.ErrNotFound,
		Open:     func(t *testing.T) storetest.Store { return conformant{elastictest.Open(t, elastictest.Config(t))} },
	})
}
