package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/store/scan"
)

// exportPage is how many articles Export hands on at once.
const exportPage = 1000

// idIndex is the index SQLite made for articles.id, which is UNIQUE in
// every schema this store has had (schema.sql); SQLite names such an
// index after its table and the constraint's place among the table's
// automatic indexes, the first here.
const idIndex = "sqlite_autoindex_articles_1"

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

// exportStatement returns the statement that reads r's articles, and its
// arguments.
func exportStatement(r scan.Request) (string, []any) {
	where, args := exportWhere(r)
	return `SELECT a.id, a.doc FROM articles a INDEXED BY ` + idIndex +
		` WHERE a.id > ? AND ` + strings.Join(where, " AND ") + ` ORDER BY a.id`, append([]any{r.After}, args...)
}

// Export implements export.Source with one statement that reads the
// matching articles in id order through the id index and hands them on in
// pages. One statement for the whole export, not one per page: the
// query's own conditions (free text, lang:, a name) are then evaluated
// once, where a statement per page evaluated them again for every page and
// an export took time in the square of the articles matching. The id index
// is named so that the planner never sorts the matching articles instead,
// which it chose for a key filter such as lang:en and which read every
// remaining match for each page. Being one statement, an export reads one
// snapshot of the store, as Elasticsearch's point in time does: articles
// stored meanwhile are not in it, and SQLite's write-ahead log keeps what
// is written meanwhile until the export ends. One SQLite file is read
// fastest by one reader, so r.Parallel is not used.
func (s *Store) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	stmt, args := exportStatement(r)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	docs := make([]scan.Doc, 0, exportPage)
	for rows.Next() {
		var d scan.Doc
		if err := rows.Scan(&d.ID, &d.JSON); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		docs = append(docs, d)
		if len(docs) == exportPage {
			if err := fn(scan.Page{Docs: docs}); err != nil {
				return err
			}
			// The page is fn's now.
			docs = make([]scan.Doc, 0, exportPage)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(docs) > 0 {
		return fn(scan.Page{Docs: docs})
	}
	return nil
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
