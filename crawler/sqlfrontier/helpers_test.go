package sqlfrontier

import (
	"context"
	"database/sql"
	"testing"

	"github.com/wirewatch/wirewatch/store/sqlite"
)

// openStore opens the embedded store in dir, the Database the frontier
// lives in for wirewatch, and closes it when the test ends.
func openStore(tb testing.TB, dir string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// open returns a frontier in a new store.
func open(tb testing.TB) *Store {
	tb.Helper()
	return New(openStore(tb, tb.TempDir()))
}

// exec runs one statement straight on the frontier's database, as another
// program sharing the file (or an older build) would.
func exec(s *Store, q string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(context.Background(), q, args...)
		return err
	})
	return res, err
}
