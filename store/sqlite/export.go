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

// Export implements export.Source. It reads the matching articles in id
// order through the id index, with a statement that it keeps open from
// page to page rather than one statement per page: the query's own
// conditions (free text, lang:, a name) are then evaluated once per
// statement, where a statement per page evaluated them for every page and
// an export took time in the square of the articles matching. The id index
// is named so that the planner never sorts the matching articles instead,
// which it chose for a key filter such as lang:en and which read every
// remaining match for each page.
//
// An open statement holds a snapshot of the file, and a full checkpoint
// (Sync, which the index role runs before each offset commit) waits for
// the readers of older snapshots. So pages are read ahead in a goroutine,
// and its statement is closed, to be opened again after the last id read,
// when it has been open for exportHold or before it waits for fn to take
// a page. One SQLite file is read fastest by one reader, so r.Parallel is
// not used.
func (s *Store) Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan scan.Page, exportAhead)
	done := make(chan error, 1)
	go func() {
		defer close(pages)
		done <- s.exportRead(ctx, r, pages)
	}()
	for p := range pages {
		if err := fn(p); err != nil {
			cancel()
			for range pages {
			}
			<-done
			return err
		}
	}
	return <-done
}

// exportAhead is how many pages Export reads ahead of fn.
const exportAhead = 2

// exportHold is how long one statement of an export stays open at most,
// a page aside: how long it may make a checkpoint wait.
const exportHold = 500 * time.Millisecond

// exportRead sends the pages of r's articles to pages, statement after
// statement, each going on after the last id of the one before.
func (s *Store) exportRead(ctx context.Context, r scan.Request, pages chan<- scan.Page) error {
	for {
		last, err := s.exportFrom(ctx, r, pages)
		if err != nil || last == "" {
			return err
		}
		r.After = last
	}
}

// exportFrom runs one statement reading r's articles after r.After and
// sends them to pages. It returns the last id sent when it stopped before
// the end, "" when it read to the end.
func (s *Store) exportFrom(ctx context.Context, r scan.Request, pages chan<- scan.Page) (string, error) {
	opened := time.Now()
	stmt, args := exportStatement(r)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	docs := make([]scan.Doc, 0, exportPage)
	for rows.Next() {
		var d scan.Doc
		if err := rows.Scan(&d.ID, &d.JSON); err != nil {
			return "", fmt.Errorf("export: %w", err)
		}
		docs = append(docs, d)
		if len(docs) < exportPage {
			continue
		}
		last := d.ID
		select {
		case pages <- scan.Page{Docs: docs}:
			if time.Since(opened) >= exportHold {
				return last, nil
			}
			// The page is fn's now.
			docs = make([]scan.Doc, 0, exportPage)
			continue
		default:
		}
		// fn is behind: let go of the snapshot before waiting for it.
		rows.Close()
		select {
		case pages <- scan.Page{Docs: docs}:
			return last, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	rows.Close()
	if len(docs) > 0 {
		select {
		case pages <- scan.Page{Docs: docs}:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return "", nil
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
