// Package elastictest gives tests a store on the Elasticsearch node that
// `make test` starts (WIREWATCH_TEST_ES), under an index prefix of their
// own that is removed when the test ends.
package elastictest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/scan"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// Config returns a config for the node of WIREWATCH_TEST_ES with a fresh
// index prefix, or skips the test when no node is configured (go test run
// outside `make test`).
func Config(t testing.TB) elastic.Config {
	t.Helper()
	u := os.Getenv("WIREWATCH_TEST_ES")
	if u == "" {
		t.Skip("WIREWATCH_TEST_ES is not set (make test starts a node)")
	}
	b := make([]byte, 4)
	rand.Read(b)
	return elastic.Config{URLs: []string{u}, IndexPrefix: "wwtest-" + hex.EncodeToString(b)}
}

// Open opens a store with cfg and deletes its indices and template when the
// test ends, so that test runs do not pile up indices on the shared node.
func Open(t testing.TB, cfg elastic.Config) *elastic.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := elastic.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Drop(t, s) })
	return s
}

// Drop deletes the store's indices and index template.
func Drop(t testing.TB, s *elastic.Store) {
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

// Store is the Elasticsearch store as the conformance suite
// (store/storetest) sees it.
type Store struct{ *elastic.Store }

// Sync refreshes the index, so that every completed Put is visible.
func (s Store) Sync(ctx context.Context) error { return s.Refresh(ctx) }

// Export reads pages of 7, so that the suite's exports read many ranges of
// ids at once.
func (s Store) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	return s.ExportWith(elastic.ExportTuning{Page: 7}).Export(ctx, r, fn)
}

// Options returns the conformance suite's options for Elasticsearch: each
// test gets an empty store under an index prefix of its own on the node of
// WIREWATCH_TEST_ES (skipped without one), removed when it ends.
func Options() storetest.Options {
	return storetest.Options{
		Open: func(t *testing.T) storetest.Store { return Store{Open(t, Config(t))} },
		// A document indexed directly, as another client of the cluster
		// (or an older build) could; Elasticsearch refuses one that is
		// not JSON.
		PutRaw: func(t *testing.T, s storetest.Store, r storetest.Raw) error {
			es := s.(Store).Store
			res, err := esapi.IndexRequest{Index: es.Names().Alias, DocumentID: r.ID, Body: bytes.NewReader(r.JSON)}.Do(context.Background(), es.Client())
			if err != nil {
				return fmt.Errorf("index %s: %w", r.ID, err)
			}
			defer res.Body.Close()
			if res.IsError() {
				b, _ := io.ReadAll(res.Body)
				return fmt.Errorf("index %s: %s", r.ID, b)
			}
			return nil
		},
	}
}
