package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

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
		// Put never stores an article that fails its checks, but the file
		// is open to any SQLite tool (and to older builds with looser
		// rules), and SQLite does not check what a text column holds: a
		// document is written here as such a tool would.
		PutRaw: func(t *testing.T, s storetest.Store, r storetest.Raw) error {
			db, err := sql.Open("sqlite", s.(conformant).Path())
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.Exec(`INSERT INTO articles (id, url, canonical_url, site, fetched_at, doc) VALUES (?, ?, ?, 'news.example.org', ?, ?)`,
				r.ID, r.URL, r.URL, r.FetchedAt.UTC().Format(time.RFC3339Nano), string(r.JSON))
			return err
		},
	})
}
