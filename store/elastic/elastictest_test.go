package elastic_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/scan"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// conformant adapts the Elasticsearch store to the shared suite.
type conformant struct{ *elastic.Store }

func (c conformant) Sync(ctx context.Context) error { return c.Refresh(ctx) }

// Export reads pages of 7, so that the suite's exports read many ranges of
// ids at once.
func (c conformant) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	return c.ExportWith(elastic.ExportTuning{Page: 7}).Export(ctx, r, fn)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		NotFound: elastic.ErrNotFound,
		Open:     func(t *testing.T) storetest.Store { return conformant{elastictest.Open(t, elastictest.Config(t))} },
		// A document indexed directly, as another client of the cluster
		// (or an older build) could; Elasticsearch refuses one that is
		// not JSON.
		PutRaw: func(t *testing.T, s storetest.Store, r storetest.Raw) error {
			es := s.(conformant).Store
			res, err := esapi.IndexRequest{Index: es.Names().Alias, DocumentID: r.ID, Body: bytes.NewReader(r.JSON)}.Do(context.Background(), es.Client())
			if err != nil {
				return err
			}
			defer res.Body.Close()
			if res.IsError() {
				b, _ := io.ReadAll(res.Body)
				return fmt.Errorf("index %s: %s", r.ID, b)
			}
			return nil
		},
	})
}
