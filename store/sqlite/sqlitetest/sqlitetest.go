// Package sqlitetest adapts the embedded store to the conformance suite
// (store/storetest), for the store's own tests and for the stages' tests
// that hold every store to them.
package sqlitetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// Store is the embedded store as the suite sees it.
type Store struct{ *sqlite.Store }

// Sync does nothing: every completed Put is visible at once. (The store's
// own Sync makes writes durable, which the suite does not need.)
func (Store) Sync(context.Context) error { return nil }

// Options returns the suite's options for the embedded store: each test
// gets an empty store in a directory of its own, closed when it ends.
func Options() storetest.Options {
	return storetest.Options{
		Open: func(t *testing.T) storetest.Store {
			s, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return Store{s}
		},
		// Put never stores an article that fails its checks, but the file
		// is open to any SQLite tool (and to older builds with looser
		// rules), and SQLite does not check what a text column holds: a
		// document is written here as such a tool would.
		PutRaw: func(t *testing.T, s storetest.Store, r storetest.Raw) error {
			db, err := sql.Open("sqlite", s.(Store).Path())
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.Exec(`INSERT INTO articles (id, url, canonical_url, site, fetched_at, doc) VALUES (?, ?, ?, 'news.example.org', ?, ?)`,
				r.ID, r.URL, r.URL, r.FetchedAt.UTC().Format(time.RFC3339Nano), string(r.JSON))
			return err
		},
	}
}
