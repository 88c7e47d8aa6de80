package sqlite_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// conformant adapts the embedded store to the shared suite.
type conformant struct{ *sqlite.Store }

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
