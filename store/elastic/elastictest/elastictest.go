// Package elastictest gives tests a store on the Elasticsearch node that
// `make test` starts (WIREWATCH_TEST_ES), under an index prefix of their
// own that is removed when the test ends.
package elastictest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/store/elastic"
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
