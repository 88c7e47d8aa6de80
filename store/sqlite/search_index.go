package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// analysed is what articles_terms and article_keys hold of an article:
// its analysed title and body and its key values. It is a function of the
// article alone, so that PutBatch makes it before it takes the write lock
// and one batch is analysed while another is written.
type analysed struct {
	title, body, titleWords, bodyWords string
	keys                               []string
}

func analyseArticle(a *article.Article) analysed {
	titleTerms, titleWords := query.TermsAndWords(a.Title)
	bodyTerms, bodyWords := query.TermsAndWords(a.Body)
	return analysed{strings.Join(titleTerms, " "), strings.Join(bodyTerms, " "), strings.Join(titleWords, " "), strings.Join(bodyWords, " "), query.KeyValues(a)}
}

// putTerms writes t, the analysis of the article with id, stored in
// articles in the same transaction, replacing that of an older version.
func putTerms(ctx context.Context, tx *sql.Tx, id string, t analysed) error {
	var rowid int64
	if err := tx.QueryRowContext(ctx, `SELECT rowid FROM articles WHERE id = ?`, id).Scan(&rowid); err != nil {
		return fmt.Errorf("analysed terms: %w", err)
	}
	return putTermsOf(ctx, tx, rowid, t)
}

func putTermsOf(ctx context.Context, tx *sql.Tx, rowid int64, t analysed) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles_terms WHERE rowid = ?`, rowid); err != nil {
		return fmt.Errorf("analysed terms: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO articles_terms (rowid, title, body, title_words, body_words) VALUES (?,?,?,?,?)`,
		rowid, t.title, t.body, t.titleWords, t.bodyWords); err != nil {
		return fmt.Errorf("analysed terms: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_keys WHERE article_rowid = ?`, rowid); err != nil {
		return fmt.Errorf("key values: %w", err)
	}
	for _, k := range t.keys {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO article_keys (key, article_rowid) VALUES (?, ?)`, k, rowid); err != nil {
			return fmt.Errorf("key values: %w", err)
		}
	}
	return nil
}

// fillTerms analyses the articles stored before articles_terms existed,
// once per database (meta key articles_terms), 500 articles a
// transaction, so that a large store is migrated without one huge
// transaction; an interrupted fill starts again at the next open.
func (s *Store) fillTerms(ctx context.Context) error {
	if err := s.backfill(ctx, "articles_terms", s.fillTermsPage); err != nil {
		return fmt.Errorf("analyse stored articles: %w", err)
	}
	return nil
}

// backfill fills a table added to an existing database from the articles
// stored before it, once per database: page handles the articles after a
// rowid in one transaction and returns how many it read and the last
// rowid; when it reads none, key is recorded in meta. An interrupted fill
// starts again at the next open, so page must be safe to repeat.
func (s *Store) backfill(ctx context.Context, key string, page func(ctx context.Context, after int64) (int, int64, error)) error {
	if done, err := s.migrated(ctx, key); err != nil || done {
		return err
	}
	var after int64
	for {
		n, last, err := page(ctx, after)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		after = last
	}
	return markMigrated(ctx, s.db, key)
}

// migrated reports whether the once-per-database step key is done: its
// meta row exists.
func (s *Store) migrated(ctx context.Context, key string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = ?`, key).Scan(&n)
	return n > 0, err
}

// once runs step in one transaction and records key as done in it, unless
// key is done already: a once-per-database step of bringing an older
// database up to date. An interrupted step leaves no trace and runs again
// at the next open, so step must be safe to repeat.
func (s *Store) once(ctx context.Context, key string, step func(tx *sql.Tx) error) error {
	if done, err := s.migrated(ctx, key); err != nil || done {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := step(tx); err != nil {
		return err
	}
	if err := markMigrated(ctx, tx, key); err != nil {
		return err
	}
	return tx.Commit()
}

// markMigrated records the step key as done, in the transaction (or on
// the database) that did it.
func markMigrated(ctx context.Context, db interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, key string) error {
	_, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')`, key)
	return err
}

func (s *Store) fillTermsPage(ctx context.Context, after int64) (int, int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT rowid, doc FROM articles WHERE rowid > ? ORDER BY rowid LIMIT 500`, after)
	if err != nil {
		return 0, 0, err
	}
	type row struct {
		rowid int64
		doc   string
	}
	var page []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.rowid, &r.doc); err != nil {
			rows.Close()
			return 0, 0, err
		}
		page = append(page, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, r := range page {
		a, err := article.Unmarshal([]byte(r.doc))
		if err != nil {
			return 0, 0, fmt.Errorf("article at rowid %d: %w", r.rowid, err)
		}
		if err := putTermsOf(ctx, tx, r.rowid, analyseArticle(a)); err != nil {
			return 0, 0, err
		}
	}
	if len(page) == 0 {
		return 0, 0, nil
	}
	return len(page), page[len(page)-1].rowid, tx.Commit()
}
