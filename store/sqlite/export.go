package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/store/scan"
)

// exportPage is how many articles one export query reads.
const exportPage = 1000

// fetchedKey is fetched_at with its fraction of a second padded, so that
// text order is time order (see dateKey).
const fetchedKey = "(substr(a.fetched_at, 1, 19) || '.' || substr(rtrim(substr(a.fetched_at, 21), 'Z') || '000000000', 1, 9))"

// exportWhere returns the conditions and arguments selecting r's articles,
// positions aside.
func exportWhere(r scan.Request) ([]string, []any) {
	cond, args := planOf(r.Query, time.Now()).condition()
	clauses := []string{cond}
	if !r.FetchedSince.IsZero() {
		clauses = append(clauses, fetchedKey+" >= ?")
		args = append(args, dateKeyOf(r.FetchedSince.Truncate(1e6)))
	}
	if !r.FetchedUntil.IsZero() {
		// Millisecond precision, as Elasticsearch compares.
		clauses = append(clauses, fetchedKey+" <= ?")
		args = append(args, dateKeyOf(r.FetchedUntil.Truncate(1e6).Add(1e6-1)))
	}
	return clauses, args
}

// Export implements export.Source, in pages on the id index: one SQLite
// file is read fastest by one reader, so r.Parallel is not used.
func (s *Store) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	where, args := exportWhere(r)
	after := r.After
	for {
		cl := append([]string{"a.id > ?"}, where...)
		docs, err := s.exportPage(ctx, cl, append(append([]any{after}, args...), exportPage))
		if err != nil {
			return err
		}
		if len(docs) > 0 {
			if err := fn(scan.Page{Docs: docs}); err != nil {
				return err
			}
			after = docs[len(docs)-1].ID
		}
		if len(docs) < exportPage {
			return nil
		}
	}
}

func (s *Store) exportPage(ctx context.Context, clauses []string, args []any) ([]scan.Doc, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.doc FROM articles a WHERE `+strings.Join(clauses, " AND ")+` ORDER BY a.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	docs := make([]scan.Doc, 0, exportPage)
	for rows.Next() {
		var d scan.Doc
		if err := rows.Scan(&d.ID, &d.JSON); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return docs, nil
}

// ExportCount implements export.Source.
func (s *Store) ExportCount(ctx context.Context, r scan.Request) (int, error) {
	where, args := exportWhere(r)
	stmt := `SELECT count(*) FROM articles a`
	if len(where) > 0 {
		stmt += ` WHERE ` + strings.Join(where, " AND ")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, stmt, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("export count: %w", err)
	}
	return n, nil
}
