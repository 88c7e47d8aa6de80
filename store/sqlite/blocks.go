package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Observe records that page pageID of site contained the given block
// fingerprints and returns, for each, on how many distinct pages of the site
// it has been seen, and how many pages of the site were observed. A page
// observed before (a re-crawl) is not counted again. It implements the
// cleaner's BlockStats, so learned boilerplate survives restarts.
func (s *Store) Observe(ctx context.Context, site, pageID string, blocks []uint64) ([]int, int, error) {
	seen := make([]int, len(blocks))
	var pages int
	err := s.write(ctx, func(tx *sql.Tx) error {
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
