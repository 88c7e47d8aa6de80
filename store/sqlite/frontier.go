package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Host)
}

// AddURLs records entries the crawler found; URLs already known keep their
// state, so a URL is never queued twice. It returns how many were new.
func (s *Store) AddURLs(ctx context.Context, entries []frontier.Entry) (int, error) {
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, next_at, hint_title, hint_published)
			VALUES (?,?,?,?,?,'pending',?,?,?) ON CONFLICT (url) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			res, err := stmt.ExecContext(ctx, e.URL, host(e.URL), string(e.Kind), e.Depth, e.Seed, e.NextAt.UnixMilli(), e.HintTitle, timeText(e.HintPublished))
			if err != nil {
				return fmt.Errorf("add %s: %w", e.URL, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("frontier: %w", err)
	}
	return added, nil
}

// AddSeeds records seeds. A seed that is a feed, sitemap or hub (or not yet
// fetched) is due again now, since that is where new articles appear; a seed
// that turned out to be an article stays done.
func (s *Store) AddSeeds(ctx context.Context, entries []frontier.Entry, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			_, err := tx.ExecContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, next_at)
				VALUES (?,?,?,0,1,'pending',?)
				ON CONFLICT (url) DO UPDATE SET seed = 1, depth = 0,
					state = CASE WHEN kind = 'article' OR state = 'inflight' THEN state ELSE 'pending' END,
					next_at = CASE WHEN kind = 'article' OR state = 'inflight' THEN next_at ELSE excluded.next_at END`,
				e.URL, host(e.URL), string(e.Kind), now.UnixMilli())
			if err != nil {
				return fmt.Errorf("seed %s: %w", e.URL, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier: %w", err)
	}
	return nil
}

// Recover returns URLs left in flight by a crashed run to the queue.
func (s *Store) Recover(ctx context.Context) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE frontier SET state = 'pending' WHERE state = 'inflight'`)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("frontier recover: %w", err)
	}
	return int(n), nil
}

// Claim marks up to n due URLs as in flight and returns them, shallowest
// first. A URL is handed out once until it is settled or recovered.
func (s *Store) Claim(ctx context.Context, n int, now time.Time) ([]frontier.Entry, error) {
	var out []frontier.Entry
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT url, kind, depth, seed, hint_title, hint_published, etag, last_modified, attempts
			FROM frontier WHERE state = 'pending' AND next_at <= ? ORDER BY depth, next_at, url LIMIT ?`, now.UnixMilli(), n)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e frontier.Entry
			var kind string
			var pub sql.NullString
			if err := rows.Scan(&e.URL, &kind, &e.Depth, &e.Seed, &e.HintTitle, &pub, &e.ETag, &e.LastModified, &e.Attempts); err != nil {
				rows.Close()
				return err
			}
			e.Kind = frontier.Kind(kind)
			e.State = frontier.InFlight
			if pub.Valid {
				if t, err := time.Parse(time.RFC3339Nano, pub.String); err == nil {
					e.HintPublished = &t
				}
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE frontier SET state = 'inflight', attempts = attempts + 1 WHERE url = ?`, e.URL); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontier claim: %w", err)
	}
	return out, nil
}

// Settle records the outcome of fetching url. kind, when not empty, replaces
// the URL's kind (a page found to be a hub or an article).
func (s *Store) Settle(ctx context.Context, u string, kind frontier.Kind, o frontier.Outcome) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE frontier SET state = ?, kind = CASE WHEN ? = '' THEN kind ELSE ? END,
			status = ?, error = ?, article_id = CASE WHEN ? = '' THEN article_id ELSE ? END,
			etag = CASE WHEN ? = '' THEN etag ELSE ? END, last_modified = CASE WHEN ? = '' THEN last_modified ELSE ? END,
			next_at = ?, fetched_at = ?, attempts = CASE WHEN ? = 'pending' AND ? = '' THEN 0 ELSE attempts END
			WHERE url = ?`,
			string(o.State), string(kind), string(kind), o.Status, o.Error, o.ArticleID, o.ArticleID,
			o.ETag, o.ETag, o.LastModified, o.LastModified, o.NextAt.UnixMilli(), timeText(&o.FetchedAt),
			string(o.State), o.Error, u)
		return err
	})
	if err != nil {
		return fmt.Errorf("frontier settle %s: %w", u, err)
	}
	return nil
}

// Frontier returns counts of the crawl state.
func (s *Store) Frontier(ctx context.Context) (frontier.Stats, error) {
	var st frontier.Stats
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM frontier GROUP BY state`)
	if err != nil {
		return st, fmt.Errorf("frontier stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return st, fmt.Errorf("frontier stats: %w", err)
		}
		switch frontier.State(state) {
		case frontier.Pending:
			st.Pending = n
		case frontier.InFlight:
			st.InFlight = n
		case frontier.Done:
			st.Done = n
		case frontier.Failed:
			st.Failed = n
		}
	}
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(next_at) FROM frontier WHERE state = 'pending'`).Scan(&next); err != nil {
		return st, fmt.Errorf("frontier stats: %w", err)
	}
	if next.Valid {
		st.NextDue = time.UnixMilli(next.Int64)
	}
	return st, rows.Err()
}

// Failure is a URL that failed for good, with the reason.
type Failure struct {
	URL, Error string
	Status     int
}

// Failures lists failed URLs, most recent first.
func (s *Store) Failures(ctx context.Context, limit int) ([]Failure, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT url, error, status FROM frontier WHERE state = 'failed' ORDER BY fetched_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("failures: %w", err)
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.URL, &f.Error, &f.Status); err != nil {
			return nil, fmt.Errorf("failures: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
