package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/alert"
)

// AlertStore is the embedded store's alert.Store: saved searches, fired
// alerts and the webhook outbox.
type AlertStore struct{ s *Store }

var _ alert.Store = (*AlertStore)(nil)

// Alerts returns the store's alert tables.
func (s *Store) Alerts() *AlertStore { return &AlertStore{s: s} }

// ErrNoSearch is returned for a saved search id that does not exist.
var ErrNoSearch = errors.New("no such saved search")

// Add saves a search and returns it with its id and creation time. The
// caller checks the query (alert.ParseQuery).
func (x *AlertStore) Add(ctx context.Context, s alert.Search) (alert.Search, error) {
	s.CreatedAt = time.Now().UTC()
	err := x.s.write(ctx, func(tx *sql.Tx) error {
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
		return alert.Search{}, fmt.Errorf("save search: %w", err)
	}
	return s, nil
}

// Remove deletes a saved search with its fired alerts and pending
// deliveries.
func (x *AlertStore) Remove(ctx context.Context, id int64) error {
	err := x.s.write(ctx, func(tx *sql.Tx) error {
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
func (x *AlertStore) Searches(ctx context.Context) ([]alert.Search, error) {
	rows, err := x.s.db.QueryContext(ctx, `SELECT s.id, s.name, s.query, s.created_at, s.webhook, coalesce(k.secret, '')
		FROM saved_searches s LEFT JOIN saved_search_secrets k ON k.search_id = s.id ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	defer rows.Close()
	var out []alert.Search
	for rows.Next() {
		var s alert.Search
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
func (x *AlertStore) Fire(ctx context.Context, a alert.Alert, webhook string, hold time.Time) (alert.Recorded, error) {
	doc, err := json.Marshal(a)
	if err != nil {
		return alert.Recorded{}, fmt.Errorf("fire alert: %w", err)
	}
	var rec alert.Recorded
	err = x.s.write(ctx, func(tx *sql.Tx) error {
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
		return alert.Recorded{}, fmt.Errorf("fire alert %d for story %s: %w", a.SearchID, a.StoryID, err)
	}
	return rec, nil
}

// Fired returns up to limit fired alerts, newest first.
func (x *AlertStore) Fired(ctx context.Context, limit int) ([]alert.Alert, error) {
	rows, err := x.s.db.QueryContext(ctx, `SELECT doc FROM alerts_fired ORDER BY fired_at DESC, search_id, story_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("fired alerts: %w", err)
	}
	defer rows.Close()
	var out []alert.Alert
	for rows.Next() {
		var doc string
		var a alert.Alert
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

// Due returns up to limit outbox entries due at now, oldest first.
func (x *AlertStore) Due(ctx context.Context, now time.Time, limit int) ([]alert.Delivery, error) {
	rows, err := x.s.db.QueryContext(ctx, `SELECT o.id, o.webhook, o.doc, o.attempts, coalesce(k.secret, '')
		FROM alerts_outbox o LEFT JOIN saved_search_secrets k ON k.search_id = o.search_id AND o.webhook != ''
		WHERE o.next_at IS NOT NULL AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("alert outbox: %w", err)
	}
	defer rows.Close()
	var out []alert.Delivery
	for rows.Next() {
		var d alert.Delivery
		var doc string
		if err := rows.Scan(&d.ID, &d.Webhook, &doc, &d.Attempts, &d.Secret); err != nil {
			return nil, fmt.Errorf("alert outbox: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &d.Alert); err != nil {
			return nil, fmt.Errorf("alert outbox entry %d: %w", d.ID, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alert outbox: %w", err)
	}
	return out, nil
}

// Delivered removes a delivered outbox entry.
func (x *AlertStore) Delivered(ctx context.Context, id int64) error {
	err := x.s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM alerts_outbox WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("alert outbox entry %d: %w", id, err)
	}
	return nil
}

// Retry records a failed delivery attempt; a zero next gives the entry up.
func (x *AlertStore) Retry(ctx context.Context, id int64, errMsg string, next time.Time) error {
	var nextAt any
	if !next.IsZero() {
		nextAt = next.UnixMilli()
	}
	err := x.s.write(ctx, func(tx *sql.Tx) error {
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
func (x *AlertStore) Outbox(ctx context.Context) (pending, givenUp int, err error) {
	err = x.s.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE next_at IS NOT NULL), count(*) FILTER (WHERE next_at IS NULL) FROM alerts_outbox`).Scan(&pending, &givenUp)
	if err != nil {
		return 0, 0, fmt.Errorf("alert outbox: %w", err)
	}
	return pending, givenUp, nil
}
