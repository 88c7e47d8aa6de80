// Package sqlfrontier is the crawl frontier in a SQLite file: every URL
// the crawler knows with its state, the claim queue by host, the per-host
// page counts, robots.txt failures, re-poll intervals, re-checks and the
// first pages of new sites kept for cleaning again. It is
// the frontier of `wirewatch run` and the local cache of a crawl group's
// process (crawler/groupfrontier).
//
// The frontier keeps its tables (schema.sql beside this file) in a
// Database it is given; in wirewatch that is the embedded store's one file
// (store/sqlite.Store), so one file still holds articles and crawl state,
// and a power loss drops the last commits of both together. The tables are
// created when the frontier is first used, with the names and columns the
// store created them with before the frontier had its own package, so an
// existing file opens unchanged.
package sqlfrontier

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Database is the SQLite database the frontier keeps its tables in.
// store/sqlite.Store is one. Its connections must have foreign keys on
// (frontier_poll and frontier_recheck rows go with their URL) and SQLite's
// JSON functions (a claim and a re-check pass their lists as JSON).
type Database interface {
	// WriteTx runs fn in one write transaction, serialised with every
	// other writer of the database, in this process and in others
	// sharing the file; if fn fails, nothing it wrote is kept.
	WriteTx(ctx context.Context, fn func(*sql.Tx) error) error
	// QueryContext runs a read-only query.
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	// QueryRowContext runs a read-only query that returns one row.
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// Ensure runs ddl the first time it is called with name, to create
	// the frontier's tables if missing; a failure is not remembered.
	Ensure(ctx context.Context, name, ddl string) error
}

//go:embed schema.sql
var schema string

// Store is the crawl frontier kept in a Database. It implements the
// crawler's Frontier with all its optional parts (robots.txt failures,
// re-checks, URL states, counts, new sites' first pages) and the cache a
// crawl group's frontier keeps its hosts in (groupfrontier.Cache, with
// clean.SQLiteStats beside it). It is safe for concurrent use.
//
// It is not called Frontier because it has a method of that name (the
// crawler's Frontier interface asks for it): a struct embedding a
// *Frontier would get a field Frontier that hides the method.
type Store struct {
	db Database
	// ready is set once the tables exist and frontier_hosts was filled;
	// readyMu serialises the first calls that make it so.
	ready   atomic.Bool
	readyMu sync.Mutex
}

// New returns the frontier kept in db. Its tables are created on first
// use, if missing.
func New(db Database) *Store { return &Store{db: db} }

// prepare creates the tables if missing and fills frontier_hosts once for
// a file written before that table existed. Every method calls it first;
// after the first success it costs one atomic load.
func (s *Store) prepare(ctx context.Context) error {
	if s.ready.Load() {
		return nil
	}
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	if s.ready.Load() {
		return nil
	}
	if err := s.db.Ensure(ctx, "frontier", schema); err != nil {
		return err
	}
	if err := s.db.WriteTx(ctx, func(tx *sql.Tx) error { return fillHosts(ctx, tx) }); err != nil {
		return fmt.Errorf("fill frontier_hosts: %w", err)
	}
	s.ready.Store(true)
	return nil
}

// fillHosts fills frontier_hosts from the frontier of a file written
// before the table existed, once: the triggers keep it in step from then
// on, so the meta row records that the fill was done (an empty table is
// also what a frontier without pending URLs has). It runs in one
// transaction, so a process killed half way leaves it to the next one.
func fillHosts(ctx context.Context, tx *sql.Tx) error {
	var done bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'frontier_hosts')`).Scan(&done); err != nil {
		return err
	}
	if done {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO frontier_hosts (host, depth, next_at, url, due_at)
		SELECT f.host, f.depth, f.next_at, f.url, (SELECT min(next_at) FROM frontier WHERE host = f.host AND state = 'pending')
		FROM (SELECT DISTINCT host FROM frontier WHERE state = 'pending') h
		JOIN frontier f ON f.rowid = (SELECT rowid FROM frontier WHERE host = h.host AND state = 'pending'
			ORDER BY depth, next_at, url LIMIT 1)`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('frontier_hosts', 'filled')`)
	return err
}

// write prepares the tables and runs fn in one write transaction.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, fn)
}

// query prepares the tables and runs a read-only query.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := s.prepare(ctx); err != nil {
		return nil, err
	}
	return s.db.QueryContext(ctx, q, args...)
}

// queryRow prepares the tables and runs a read-only query for one row; a
// failure to prepare is returned by the row's Scan.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) rowScanner {
	if err := s.prepare(ctx); err != nil {
		return errRow{err}
	}
	return s.db.QueryRowContext(ctx, q, args...)
}

// rowScanner is the part of *sql.Row the frontier reads.
type rowScanner interface{ Scan(dest ...any) error }

// errRow is a row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// timeText is how the frontier stores a time that may be absent: RFC 3339
// with nanoseconds, UTC, or NULL.
func timeText(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTimeText reads a time timeText stored; NULL or unreadable text is
// no time.
func parseTimeText(v sql.NullString) *time.Time {
	if !v.Valid {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v.String)
	if err != nil {
		return nil
	}
	return &t
}
