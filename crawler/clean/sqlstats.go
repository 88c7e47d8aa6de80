package clean

import (
	"context"
	"database/sql"
	"fmt"
)

// Database is the SQLite database a SQLiteStats keeps its tables in.
// store/sqlite.Store is one, so the statistics share the embedded store's
// file with the articles and the crawl frontier.
type Database interface {
	// WriteTx runs fn in one write transaction, serialised with every
	// other writer of the database, in this process and in others
	// sharing the file; if fn fails, nothing it wrote is kept.
	WriteTx(ctx context.Context, fn func(*sql.Tx) error) error
	// Ensure runs ddl the first time it is called with name, to create
	// the statistics' tables if missing; a failure is not remembered.
	Ensure(ctx context.Context, name, ddl string) error
}

// sqliteStatsSchema holds the statistics' tables, with the names and
// columns the embedded store created them with before they moved here,
// so an existing file keeps its learned boilerplate. site_blocks: on how
// many distinct pages of a site each block fingerprint was seen;
// site_pages: the pages of a site observed, so a re-crawl is not counted
// twice.
const sqliteStatsSchema = `
-- Per-site memory of text blocks for the cleaner's learned layer: on how
-- many distinct pages of a site each block fingerprint was seen.
CREATE TABLE IF NOT EXISTS site_blocks (
    site  TEXT NOT NULL,
    hash  INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_pages (
    site    TEXT NOT NULL,
    page_id TEXT NOT NULL,
    PRIMARY KEY (site, page_id)
) WITHOUT ROWID;
`

// SQLiteStats is a BlockStats in a SQLite database, so learned
// boilerplate survives restarts. It is safe for concurrent use.
type SQLiteStats struct{ db Database }

var _ BlockStats = (*SQLiteStats)(nil)

// NewSQLiteStats returns the block statistics kept in db. Their tables are
// created on first use, if missing.
func NewSQLiteStats(db Database) *SQLiteStats { return &SQLiteStats{db: db} }

// Observe records that page pageID of site contained the given block
// fingerprints and returns, for each, on how many distinct pages of the
// site it has been seen, and how many pages of the site were observed. A
// page observed before (a re-crawl) is not counted again.
func (s *SQLiteStats) Observe(ctx context.Context, site, pageID string, blocks []uint64) ([]int, int, error) {
	if err := s.db.Ensure(ctx, "site blocks", sqliteStatsSchema); err != nil {
		return nil, 0, fmt.Errorf("block stats for %s: %w", site, err)
	}
	seen := make([]int, len(blocks))
	var pages int
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO site_pages (site, page_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, site, pageID)
		if err != nil {
			return err
		}
		fresh, _ := res.RowsAffected()
		if fresh > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO site_blocks (site, hash, pages) VALUES (?, ?, 1)
				ON CONFLICT (site, hash) DO UPDATE SET pages = pages + 1`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			done := map[uint64]bool{}
			for _, h := range blocks {
				if done[h] {
					continue
				}
				done[h] = true
				if _, err := stmt.ExecContext(ctx, site, int64(h)); err != nil {
					return err
				}
			}
		}
		q, err := tx.PrepareContext(ctx, `SELECT pages FROM site_blocks WHERE site = ? AND hash = ?`)
		if err != nil {
			return err
		}
		defer q.Close()
		for i, h := range blocks {
			if err := q.QueryRowContext(ctx, site, int64(h)).Scan(&seen[i]); err != nil && err != sql.ErrNoRows {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM site_pages WHERE site = ?`, site).Scan(&pages)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("block stats for %s: %w", site, err)
	}
	return seen, pages, nil
}
