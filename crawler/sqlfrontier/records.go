package sqlfrontier

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// The methods in this file read and write the frontier as whole records,
// for a frontier shared by several crawler processes (crawler/groupfrontier):
// it keeps the hosts it owns in a frontier like this one (a cache), writes
// each changed record to a changelog, and loads the records of hosts it
// takes over.

// FrontierRecords returns the records of the given URLs that the frontier
// knows, in no particular order.
func (s *Store) FrontierRecords(ctx context.Context, urls []string) ([]frontier.Record, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(urls)
	if err != nil {
		return nil, fmt.Errorf("frontier records: %w", err)
	}
	rows, err := s.query(ctx, `SELECT f.url, f.host, f.kind, f.depth, f.seed, f.state, f.attempts, f.next_at,
			f.hint_title, f.hint_published, f.etag, f.last_modified, f.status, f.error, f.article_id, f.fetched_at,
			coalesce(p.interval_ms, 0), coalesce(r.rechecks, 0), coalesce(r.modified, 0)
		FROM (SELECT DISTINCT value FROM json_each(?)) j CROSS JOIN frontier f ON f.url = j.value
		LEFT JOIN frontier_poll p ON p.url = f.url LEFT JOIN frontier_recheck r ON r.url = f.url`, string(list))
	if err != nil {
		return nil, fmt.Errorf("frontier records: %w", err)
	}
	defer rows.Close()
	var out []frontier.Record
	for rows.Next() {
		var r frontier.Record
		var kind, state string
		var nextAt, interval, modified int64
		var published, fetched sql.NullString
		if err := rows.Scan(&r.URL, &r.Host, &kind, &r.Depth, &r.Seed, &state, &r.Attempts, &nextAt,
			&r.HintTitle, &published, &r.ETag, &r.LastModified, &r.Status, &r.Error, &r.ArticleID, &fetched,
			&interval, &r.Rechecks, &modified); err != nil {
			return nil, fmt.Errorf("frontier records: %w", err)
		}
		r.Kind, r.State = frontier.Kind(kind), frontier.State(state)
		r.NextAt = time.UnixMilli(nextAt).UTC()
		r.HintPublished, r.FetchedAt = parseTimeText(published), parseTimeText(fetched)
		r.Interval = time.Duration(interval) * time.Millisecond
		if modified != 0 {
			r.RecheckModified = time.UnixMilli(modified).UTC()
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("frontier records: %w", err)
	}
	return out, nil
}

// PutFrontierRecords writes records as they are, replacing what the
// frontier held for their URLs, in one transaction. A record in flight is
// written as pending: whoever had claimed it is not this frontier's
// crawler, and the URL must be fetched again.
func (s *Store) PutFrontierRecords(ctx context.Context, recs []frontier.Record) error {
	if len(recs) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		put, err := tx.PrepareContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, attempts, next_at,
				hint_title, hint_published, etag, last_modified, status, error, article_id, fetched_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (url) DO UPDATE SET host = excluded.host, kind = excluded.kind, depth = excluded.depth,
				seed = excluded.seed, state = excluded.state, attempts = excluded.attempts, next_at = excluded.next_at,
				hint_title = excluded.hint_title, hint_published = excluded.hint_published, etag = excluded.etag,
				last_modified = excluded.last_modified, status = excluded.status, error = excluded.error,
				article_id = excluded.article_id, fetched_at = excluded.fetched_at`)
		if err != nil {
			return err
		}
		defer put.Close()
		for _, r := range recs {
			state := r.State
			if state == frontier.InFlight {
				state = frontier.Pending
			}
			if _, err := put.ExecContext(ctx, r.URL, r.Host, string(r.Kind), r.Depth, r.Seed, string(state), r.Attempts,
				r.NextAt.UnixMilli(), r.HintTitle, timeText(r.HintPublished), r.ETag, r.LastModified, r.Status, r.Error,
				r.ArticleID, timeText(r.FetchedAt)); err != nil {
				return fmt.Errorf("put %s: %w", r.URL, err)
			}
			if r.Interval > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO frontier_poll (url, interval_ms) VALUES (?, ?)
					ON CONFLICT (url) DO UPDATE SET interval_ms = excluded.interval_ms`, r.URL, r.Interval.Milliseconds()); err != nil {
					return fmt.Errorf("put %s: %w", r.URL, err)
				}
			}
			if r.Rechecks > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO frontier_recheck (url, rechecks, modified) VALUES (?, ?, ?)
					ON CONFLICT (url) DO UPDATE SET rechecks = excluded.rechecks, modified = excluded.modified`,
					r.URL, r.Rechecks, r.RecheckModified.UnixMilli()); err != nil {
					return fmt.Errorf("put %s: %w", r.URL, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier records: %w", err)
	}
	return nil
}

// HostRecords returns what the frontier knows of the given hosts as a
// whole: admitted URLs and robots.txt failures. NotBefore is not kept
// here (the crawler paces hosts in memory). A host the frontier knows
// nothing of is left out.
func (s *Store) HostRecords(ctx context.Context, hosts []string) ([]frontier.HostRecord, error) {
	var out []frontier.HostRecord
	for _, h := range hosts {
		r := frontier.HostRecord{Host: h}
		known := false
		err := s.queryRow(ctx, `SELECT urls FROM crawl_hosts WHERE host = ?`, h).Scan(&r.URLs)
		switch {
		case err == nil:
			known = true
		case err != sql.ErrNoRows:
			return nil, fmt.Errorf("host records: %w", err)
		}
		f, ok, err := s.RobotsFailure(ctx, h)
		if err != nil {
			return nil, err
		}
		if ok {
			r.Robots, known = &f, true
		}
		if known {
			out = append(out, r)
		}
	}
	return out, nil
}

// PutHostRecords writes host records as they are: the admitted count, and
// the robots.txt failures (deleted when the record has none).
func (s *Store) PutHostRecords(ctx context.Context, recs []frontier.HostRecord) error {
	if len(recs) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range recs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crawl_hosts (host, urls) VALUES (?, ?)
				ON CONFLICT (host) DO UPDATE SET urls = excluded.urls`, r.Host, r.URLs); err != nil {
				return fmt.Errorf("put host %s: %w", r.Host, err)
			}
			if r.Robots == nil || r.Robots.Failures <= 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM crawl_robots WHERE host = ?`, r.Host); err != nil {
					return fmt.Errorf("put host %s: %w", r.Host, err)
				}
				continue
			}
			f := r.Robots
			if _, err := tx.ExecContext(ctx, `INSERT INTO crawl_robots (host, failures, since, retry, reason) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (host) DO UPDATE SET failures = excluded.failures, since = excluded.since,
					retry = excluded.retry, reason = excluded.reason`,
				r.Host, f.Failures, f.Since.UnixMilli(), f.Retry.UnixMilli(), f.Reason); err != nil {
				return fmt.Errorf("put host %s: %w", r.Host, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("host records: %w", err)
	}
	return nil
}

// FrontierHosts lists every host the frontier holds anything of.
func (s *Store) FrontierHosts(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT host FROM frontier
		UNION SELECT host FROM crawl_hosts UNION SELECT host FROM crawl_robots
		UNION SELECT host FROM crawl_first_pages`)
	if err != nil {
		return nil, fmt.Errorf("frontier hosts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("frontier hosts: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// DropFrontierHosts forgets everything the frontier holds of the given
// hosts, in one transaction.
func (s *Store) DropFrontierHosts(ctx context.Context, hosts []string) error {
	if len(hosts) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, h := range hosts {
			for _, q := range []string{
				`DELETE FROM frontier WHERE host = ?`,
				`DELETE FROM crawl_hosts WHERE host = ?`,
				`DELETE FROM crawl_robots WHERE host = ?`,
				`DELETE FROM crawl_first_pages WHERE host = ?`,
			} {
				if _, err := tx.ExecContext(ctx, q, h); err != nil {
					return fmt.Errorf("drop host %s: %w", h, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier hosts: %w", err)
	}
	return nil
}
