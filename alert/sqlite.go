package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Database is the SQLite database a SQLiteStore keeps saved searches,
// fired alerts and the outbox in. In a single-host deployment it is the
// embedded store's one file (store/sqlite.Store is a Database), so that a
// role's sync before it commits its Kafka offsets covers its alerts too.
type Database interface {
	// WriteTx runs fn in one write transaction, serialised with every
	// other writer of the database, in this process and in others
	// sharing the file; if fn fails, nothing it wrote is kept.
	WriteTx(ctx context.Context, fn func(*sql.Tx) error) error
	// QueryContext and QueryRowContext run read-only queries.
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// Ensure runs ddl the first time it is called with name, to create
	// the store's tables if missing.
	Ensure(ctx context.Context, name, ddl string) error
}

// sqliteSchema holds alert's tables.
const sqliteSchema = `
-- Saved searches for alerts (package alert): a query in the search
-- language, checked when added. webhook is the search's sink config: the
-- URL its alerts are POSTed to, '' for none (alerts still go to the run's
-- --alerts-out).
CREATE TABLE IF NOT EXISTS saved_searches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    webhook    TEXT NOT NULL DEFAULT ''
);
-- Fired alerts: one row per saved search and story, so a story alerts once
-- however many copies of it arrive. article_id is the copy that fired; doc
-- is the alert's JSON.
-- The secret that signs a saved search's webhook requests (Standard
-- Webhooks, whsec_...); a table of its own so that older databases gain it.
CREATE TABLE IF NOT EXISTS saved_search_secrets (
    search_id INTEGER PRIMARY KEY REFERENCES saved_searches (id) ON DELETE CASCADE,
    secret    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts_fired (
    search_id  INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL,
    article_id TEXT NOT NULL,
    fired_at   TEXT NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (search_id, story_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_fired_at ON alerts_fired (fired_at);
-- The outbox: alerts not yet delivered to their search's webhook, or, with
-- webhook '', to the process's own sink (--alerts-out or the log), whose row
-- is due only after a grace period so that the immediate send goes first.
-- A row is deleted once delivered; next_at is NULL when delivery was given
-- up after too many attempts (the row stays for inspection).
CREATE TABLE IF NOT EXISTS alerts_outbox (
    id         INTEGER PRIMARY KEY,
    search_id  INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    webhook    TEXT NOT NULL,
    doc        TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER, -- unix milliseconds
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alerts_outbox_due ON alerts_outbox (next_at);
`

// SQLiteStore is a Store in a SQLite database: saved searches, fired
// alerts and the webhook outbox.
type SQLiteStore struct{ db Database }

var _ Store = (*SQLiteStore)(nil)

// NewSQLiteStore returns the alert tables in db. They are created on first
// use, if missing.
func NewSQLiteStore(db Database) *SQLiteStore { return &SQLiteStore{db: db} }

// ready creates the tables if missing.
func (x *SQLiteStore) ready(ctx context.Context) error {
	return x.db.Ensure(ctx, "alert", sqliteSchema)
}

// ErrNoSearch is returned for a saved search id that does not exist.
var ErrNoSearch = errors.New("no such saved search")

// Add saves a search and returns it with its id and creation time. The
// caller checks the query (ParseQuery).
func (x *SQLiteStore) Add(ctx context.Context, s Search) (Search, error) {
	if err := x.ready(ctx); err != nil {
		return Search{}, err
	}
	s.CreatedAt = time.Now().UTC()
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO saved_searches (name, query, created_at, webhook) VALUES (?, ?, ?, ?)`,
			s.Name, s.Query, s.CreatedAt.Format(time.RFC3339Nano), s.Webhook)
		if err != nil {
			return err
		}
		if s.ID, err = res.LastInsertId(); err != nil || s.Secret == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO saved_search_secrets (search_id, secret) VALUES (?, ?)`, s.ID, s.Secret)
		return err
	})
	if err != nil {
		return Search{}, fmt.Errorf("save search: %w", err)
	}
	return s, nil
}

// Remove deletes a saved search with its fired alerts and pending
// deliveries.
func (x *SQLiteStore) Remove(ctx context.Context, id int64) error {
	if err := x.ready(ctx); err != nil {
		return err
	}
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoSearch
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove saved search %d: %w", id, err)
	}
	return nil
}

// Searches returns the saved searches in id order.
func (x *SQLiteStore) Searches(ctx context.Context) ([]Search, error) {
	if err := x.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := x.db.QueryContext(ctx, `SELECT s.id, s.name, s.query, s.created_at, s.webhook, coalesce(k.secret, '')
		FROM saved_searches s LEFT JOIN saved_search_secrets k ON k.search_id = s.id ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	defer rows.Close()
	var out []Search
	for rows.Next() {
		var s Search
		var created string
		if err := rows.Scan(&s.ID, &s.Name, &s.Query, &created, &s.Webhook, &s.Secret); err != nil {
			return nil, fmt.Errorf("saved searches: %w", err)
		}
		s.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	return out, nil
}

// Fire records the pair (a.SearchID, a.StoryID) if it is new, queueing the
// alert for the local sink (due at hold) and for webhook (due now) in the
// same transaction, and reports whether it was new. The primary key on the
// pair makes the check and the record one step.
func (x *SQLiteStore) Fire(ctx context.Context, a Alert, webhook string, hold time.Time) (Recorded, error) {
	if err := x.ready(ctx); err != nil {
		return Recorded{}, err
	}
	doc, err := json.Marshal(a)
	if err != nil {
		return Recorded{}, fmt.Errorf("fire alert: %w", err)
	}
	var rec Recorded
	err = x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alerts_fired (search_id, story_id, article_id, fired_at, doc)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM saved_searches WHERE id = ?)
			ON CONFLICT (search_id, story_id) DO NOTHING`,
			a.SearchID, a.StoryID, a.ArticleID, a.FiredAt.UTC().Format(time.RFC3339Nano), string(doc), a.SearchID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err // already fired, or the search was removed meanwhile
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO alerts_outbox (search_id, webhook, doc, next_at) VALUES (?, '', ?, ?)`,
			a.SearchID, string(doc), hold.UnixMilli())
		if err != nil {
			return err
		}
		if rec.SinkEntry, err = res.LastInsertId(); err != nil {
			return err
		}
		rec.New = true
		if webhook == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO alerts_outbox (search_id, webhook, doc, next_at) VALUES (?, ?, ?, ?)`,
			a.SearchID, webhook, string(doc), time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("fire alert %d for story %s: %w", a.SearchID, a.StoryID, err)
	}
	return rec, nil
}

// Fired returns up to limit fired alerts, newest first.
func (x *SQLiteStore) Fired(ctx context.Context, limit int) ([]Alert, error) {
	if err := x.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := x.db.QueryContext(ctx, `SELECT doc FROM alerts_fired ORDER BY fired_at DESC, search_id, story_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("fired alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var doc string
		var a Alert
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("fired alerts: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			return nil, fmt.Errorf("fired alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fired alerts: %w", err)
	}
	return out, nil
}

// claimFor is how long Due holds the entries it returns. It outlasts one
// delivery attempt (a webhook's tries and timeouts), so that processes
// sharing the file (index processes on one host) do not send one alert
// twice; a process that dies holding entries leaves them due again when
// it runs out.
const claimFor = time.Minute

// Due returns up to limit outbox entries due at now, oldest first, and
// holds them until now+claimFor (see Store.Due).
func (x *SQLiteStore) Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error) {
	if err := x.ready(ctx); err != nil {
		return nil, err
	}
	var out []Delivery
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.webhook, o.doc, o.attempts, coalesce(k.secret, '')
			FROM alerts_outbox o LEFT JOIN saved_search_secrets k ON k.search_id = o.search_id AND o.webhook != ''
			WHERE o.next_at IS NOT NULL AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?`, now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d Delivery
			var doc string
			if err := rows.Scan(&d.ID, &d.Webhook, &doc, &d.Attempts, &d.Secret); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(doc), &d.Alert); err != nil {
				return fmt.Errorf("entry %d: %w", d.ID, err)
			}
			out = append(out, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		hold := now.Add(claimFor).UnixMilli()
		for _, d := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts_outbox SET next_at = ? WHERE id = ?`, hold, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alert outbox: %w", err)
	}
	return out, nil
}

// Delivered removes a delivered outbox entry.
func (x *SQLiteStore) Delivered(ctx context.Context, id int64) error {
	if err := x.ready(ctx); err != nil {
		return err
	}
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM alerts_outbox WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("alert outbox entry %d: %w", id, err)
	}
	return nil
}

// Retry records a failed delivery attempt; a zero next gives the entry up.
func (x *SQLiteStore) Retry(ctx context.Context, id int64, errMsg string, next time.Time) error {
	if err := x.ready(ctx); err != nil {
		return err
	}
	var nextAt any
	if !next.IsZero() {
		nextAt = next.UnixMilli()
	}
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE alerts_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
			nextAt, errMsg, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("alert outbox entry %d: %w", id, err)
	}
	return nil
}

// Outbox counts the outbox entries waiting for delivery and those given
// up after too many attempts.
func (x *SQLiteStore) Outbox(ctx context.Context) (pending, givenUp int, err error) {
	if err := x.ready(ctx); err != nil {
		return 0, 0, err
	}
	err = x.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE next_at IS NOT NULL), count(*) FILTER (WHERE next_at IS NULL) FROM alerts_outbox`).Scan(&pending, &givenUp)
	if err != nil {
		return 0, 0, fmt.Errorf("alert outbox: %w", err)
	}
	return pending, givenUp, nil
}
