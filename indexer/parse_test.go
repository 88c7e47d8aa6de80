package indexer_test

import (
	"testing"

	"github.com/wirewatch/wirewatch/pkg/query"
)

func parse(t testing.TB, s string) query.Query {
	t.Helper()
	q, err := query.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
