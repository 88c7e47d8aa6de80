package sqlfrontier

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// KeepFirstPage stores a new site's first article page for cleaning
// again, replacing a page of the same article.
func (s *Store) KeepFirstPage(ctx context.Context, p frontier.FirstPage) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO crawl_first_pages
			(site, id, kept, host, url, fetched_at, hint_title, hint_published, html, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Site, p.ID, p.Kept.UnixMilli(), frontier.Host(p.URL), p.URL, timeText(&p.FetchedAt), p.HintTitle,
			timeText(p.HintPublished), p.HTML, p.Body)
		return err
	})
	if err != nil {
		return fmt.Errorf("keep first page %s: %w", p.URL, err)
	}
	return nil
}

// DropFirstPages deletes the kept pages of site's articles ids, or all of
// the site's pages when no id is given, and returns them without their
// HTML and body.
func (s *Store) DropFirstPages(ctx context.Context, site string, ids ...string) ([]frontier.FirstPage, error) {
	where, args := "site = ?", []any{site}
	if len(ids) > 0 {
		where += " AND id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	dropped, err := s.dropFirstPages(ctx, where, args...)
	if err != nil {
		return nil, fmt.Errorf("drop first pages of %s: %w", site, err)
	}
	return dropped, nil
}

// DropFirstPagesBefore deletes the pages kept before t and returns them
// without their HTML and body.
func (s *Store) DropFirstPagesBefore(ctx context.Context, t time.Time) ([]frontier.FirstPage, error) {
	dropped, err := s.dropFirstPages(ctx, "kept < ?", t.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("drop first pages kept before %s: %w", t.Format(time.RFC3339), err)
	}
	return dropped, nil
}

// dropFirstPages deletes the pages where selects, in one transaction, and
// returns their site, id, URL and time kept: what a caller needs to name
// them elsewhere (a crawl group's tombstones), without reading their HTML.
func (s *Store) dropFirstPages(ctx context.Context, where string, args ...any) ([]frontier.FirstPage, error) {
	var out []frontier.FirstPage
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT site, id, kept, url FROM crawl_first_pages WHERE `+where+` ORDER BY kept, site, id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				p    frontier.FirstPage
				kept int64
			)
			if err := rows.Scan(&p.Site, &p.ID, &kept, &p.URL); err != nil {
				return err
			}
			p.Kept = time.UnixMilli(kept).UTC()
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM crawl_first_pages WHERE `+where, args...)
		return err
	})
	return out, err
}

// FirstPages returns every kept page, in the order they were kept.
func (s *Store) FirstPages(ctx context.Context) ([]frontier.FirstPage, error) {
	return s.firstPages(ctx, `SELECT site, id, kept, url, fetched_at, hint_title, hint_published, html, body
		FROM crawl_first_pages ORDER BY kept, site, id`)
}

// FirstPagesOf returns the pages kept of site, in the order they were
// kept.
func (s *Store) FirstPagesOf(ctx context.Context, site string) ([]frontier.FirstPage, error) {
	return s.firstPages(ctx, `SELECT site, id, kept, url, fetched_at, hint_title, hint_published, html, body
		FROM crawl_first_pages WHERE site = ? ORDER BY kept, id`, site)
}

func (s *Store) firstPages(ctx context.Context, q string, args ...any) ([]frontier.FirstPage, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read first pages: %w", err)
	}
	defer rows.Close()
	var out []frontier.FirstPage
	for rows.Next() {
		var (
			p               frontier.FirstPage
			kept            int64
			fetched, hinted sql.NullString
		)
		if err := rows.Scan(&p.Site, &p.ID, &kept, &p.URL, &fetched, &p.HintTitle, &hinted, &p.HTML, &p.Body); err != nil {
			return nil, fmt.Errorf("read first pages: %w", err)
		}
		p.Kept = time.UnixMilli(kept).UTC()
		if t := parseTimeText(fetched); t != nil {
			p.FetchedAt = *t
		}
		p.HintPublished = parseTimeText(hinted)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read first pages: %w", err)
	}
	return out, nil
}
