package elastic_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// testConfig returns a config for the node of WIREWATCH_TEST_ES with a
// fresh index prefix, or skips the test when no node is configured.
func testConfig(t testing.TB) elastic.Config {
	t.Helper()
	u := os.Getenv("WIREWATCH_TEST_ES")
	if u == "" {
		t.Skip("WIREWATCH_TEST_ES is not set (make test starts a node)")
	}
	b := make([]byte, 4)
	rand.Read(b)
	return elastic.Config{URLs: []string{u}, IndexPrefix: "wwtest-" + hex.EncodeToString(b)}
}

// openTest opens a store under a fresh prefix and removes its index and
// template when the test ends.
func openTest(t testing.TB, cfg elastic.Config) *elastic.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := elastic.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop(t, s) })
	return s
}

func drop(t testing.TB, s *elastic.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := s.Names()
	for _, req := range []esapi.Request{
		esapi.IndicesDeleteRequest{Index: []string{n.Pattern}},
		esapi.IndicesDeleteIndexTemplateRequest{Name: n.Template},
	} {
		res, err := req.Do(ctx, s.Client())
		if err != nil {
			t.Logf("cleanup: %v", err)
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

// conformant adapts the Elasticsearch store to the shared suite.
type conformant struct{ *elastic.Store }

func (c conformant) Search(ctx context.Context, q query.Query, limit int) ([]storetest.Hit, error) {
	hits, err := c.Store.Search(ctx, q, limit)
	out := make([]storetest.Hit, len(hits))
	for i, h := range hits {
		out[i] = storetest.Hit{ID: h.ID, Title: h.Title, URL: h.URL, Site: h.Site, PublishedAt: h.PublishedAt}
	}
	return out, err
}

func (c conformant) Sync(ctx context.Context) error { return c.Refresh(ctx) }

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Options{
		NotFound: elastic.ErrNotFound,
		Open:     func(t *testing.T) storetest.Store { return conformant{openTest(t, testConfig(t))} },
	})
}
