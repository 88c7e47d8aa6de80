// Package sqlite is wirewatch's embedded store: one SQLite file under the
// data directory holding articles, their entities and figures, full-text
// search. It needs no server; any SQLite tool can read it (see README.md in
// this directory for the schema). The domains that keep state in the same
// file create their own tables in it through Ensure and write through
// WriteTx: story fingerprints (story), saved searches and alerts (alert),
// the crawl frontier (crawler/sqlfrontier) and the cleaner's site
// statistics (crawler/clean). This package imports none of them.
package sqlite

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

//go:embed schema.sql
var schema string

// FileName is the database file created inside the data directory.
const FileName = "wirewatch.db"

// schemaVersion is bumped when schema.sql changes incompatibly.
const schemaVersion = "1"

// Store is an open embedded store. It is safe for concurrent use; writes are
// serialised, reads run alongside them (WAL mode).
type Store struct {
	db   *sql.DB
	path string
	// writeMu serialises write transactions: SQLite allows one writer, and
	// queueing here is cheaper and clearer than retrying on SQLITE_BUSY.
	writeMu sync.Mutex
	// ensured names the domains whose tables Ensure has created.
	ensureMu sync.Mutex
	ensured  map[string]bool
	// counts serves facets, timelines and totals (columns.go).
	counts counts
}

// Open opens (creating if needed) the store in dir.
func Open(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open store: data directory is empty")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// synchronous(NORMAL) in WAL mode: a committed transaction survives a
	// crash or kill -9 of the process; a power loss may drop the last
	// commits, of articles and frontier together and consistently, so the
	// lost URLs are simply fetched again. FULL cost an fsync per commit,
	// which capped the crawler at a few hundred pages a second.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)`, schemaVersion); err != nil {
			return err
		}
	case err != nil:
		return err
	case v != schemaVersion:
		return fmt.Errorf("store schema version %s, this build reads %s", v, schemaVersion)
	}
	if err := s.replaceUpdateTrigger(ctx); err != nil {
		return err
	}
	if err := s.refoldEntityWords(ctx); err != nil {
		return err
	}
	if err := s.fillEntityWords(ctx); err != nil {
		return err
	}
	if err := s.fillTerms(ctx); err != nil {
		return err
	}
	return s.migrateEvents(ctx)
}

// replaceUpdateTrigger gives a database made before articles_au left
// articles_fts alone for an unchanged title and body the trigger of
// schema.sql, once per database (meta key articles_au_when): the old one is
// dropped and the schema run again, which creates the new one.
func (s *Store) replaceUpdateTrigger(ctx context.Context) error {
	err := s.once(ctx, "articles_au_when", func(tx *sql.Tx) error {
		for _, stmt := range []string{`DROP TRIGGER IF EXISTS articles_au`, schema} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace the articles update trigger: %w", err)
	}
	return nil
}

// fillEntityWords indexes the words of the names stored before the
// entity_words table existed, once per database (meta key entity_words).
// Another process doing the same at the same moment is harmless: the rows
// are inserted or ignored.
func (s *Store) fillEntityWords(ctx context.Context) error {
	err := s.once(ctx, "entity_words", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT type, canonical FROM entities`)
		if err != nil {
			return err
		}
		type name struct{ typ, canonical string }
		var names []name
		for rows.Next() {
			var n name
			if err := rows.Scan(&n.typ, &n.canonical); err != nil {
				rows.Close()
				return err
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, n := range names {
			if err := putWords(ctx, tx, n.typ, n.canonical); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("entity words: %w", err)
	}
	return nil
}

// refoldEntityWords empties entity_words once per database (meta key
// entity_words_folded) when it was filled before name words were folded
// for accents as well as case, so that fillEntityWords fills it again
// the way putWords writes it now. Until that is done no name filter could
// find an accented name by its unaccented form.
func (s *Store) refoldEntityWords(ctx context.Context) error {
	err := s.once(ctx, "entity_words_folded", func(tx *sql.Tx) error {
		for _, stmt := range []string{`DELETE FROM entity_words`, `DELETE FROM meta WHERE key = 'entity_words'`} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("refold entity words: %w", err)
	}
	return nil
}

// nameWords returns the words of a name as entity_words holds them:
// query.NameWords (split at spaces and hyphens, case and accents folded),
// each once; the LIKE check of the filter puts word boundaries at the
// spaces query.PaddedName puts between the same words.
func nameWords(name string) []string {
	var words []string
	for _, w := range query.NameWords(name) {
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// putWords indexes the words of one tagged name.
func putWords(ctx context.Context, tx *sql.Tx, typ, canonical string) error {
	folded := query.PaddedName(canonical)
	for _, w := range nameWords(canonical) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO entity_words (word, type, canonical, folded) VALUES (?,?,?,?)`,
			w, typ, canonical, folded); err != nil {
			return fmt.Errorf("words of %q: %w", canonical, err)
		}
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// write runs fn in one write transaction.
// WriteTx runs fn in one write transaction, serialised with every other
// writer of the file: by the store's lock within the process and by BEGIN
// IMMEDIATE across processes. A domain that keeps its own tables in the
// file (story.SQLiteIndex, alert.SQLiteStore, sqlfrontier.Store,
// clean.SQLiteStats) writes through it. If fn fails, nothing it
// wrote is kept.
func (s *Store) WriteTx(ctx context.Context, fn func(*sql.Tx) error) error { return s.write(ctx, fn) }

// Ensure creates a domain's own tables in the file: it runs ddl (CREATE
// ... IF NOT EXISTS statements) in a write transaction the first time it
// is called with name, and does nothing later. A failure is not
// remembered, so the next call tries again.
func (s *Store) Ensure(ctx context.Context, name, ddl string) error {
	s.ensureMu.Lock()
	defer s.ensureMu.Unlock()
	if s.ensured[name] {
		return nil
	}
	if err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, ddl)
		return err
	}); err != nil {
		return fmt.Errorf("%s tables: %w", name, err)
	}
	if s.ensured == nil {
		s.ensured = map[string]bool{}
	}
	s.ensured[name] = true
	return nil
}

// QueryContext runs a read-only query on the file, for a domain that
// keeps its own tables in it.
func (s *Store) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a read-only query on the file, for a domain that
// keeps its own tables in it.
func (s *Store) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, query, args...)
}

func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func timeText(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Put stores a, replacing an older version of the same article. A version
// fetched earlier than the stored one is ignored, so a late redelivery never
// rolls an article back. Put is idempotent.
func (s *Store) Put(ctx context.Context, a *article.Article) error {
	return s.PutBatch(ctx, []*article.Article{a})
}

// PutBatch stores each article of as as Put would, in order, in one write
// transaction: all of them or, on the first error, none. The error names
// the article that failed, or, for a batch of more than one, the number of
// articles when the transaction itself could not begin or commit. Many
// articles a transaction save what each commit costs, and the articles are
// encoded and analysed before the write lock is taken, so that callers
// writing batches at once analyse one while another is written.
func (s *Store) PutBatch(ctx context.Context, as []*article.Article) error {
	if len(as) == 0 {
		return nil
	}
	rows := make([]row, len(as))
	for i, a := range as {
		r, err := rowOf(a)
		if err != nil {
			return fmt.Errorf("store article %s: %w", a.ID, err)
		}
		rows[i] = r
	}
	var failed *article.Article
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if err := put(ctx, tx, r); err != nil {
				failed = r.a
				return err
			}
		}
		return nil
	})
	if failed == nil && len(as) == 1 {
		failed = as[0]
	}
	switch {
	case err == nil:
		return nil
	case failed != nil:
		return fmt.Errorf("store article %s: %w", failed.ID, err)
	default:
		return fmt.Errorf("store %d articles: %w", len(as), err)
	}
}

// row is an article with what is stored beside it that depends on the
// article alone: its JSON and its analysis.
type row struct {
	a     *article.Article
	doc   string
	terms analysed
}

func rowOf(a *article.Article) (row, error) {
	doc, err := article.Marshal(a)
	if err != nil {
		return row{}, err
	}
	return row{a: a, doc: string(doc), terms: analyseArticle(a)}, nil
}

// put writes r in tx, unless a newer version of its article is stored.
func put(ctx context.Context, tx *sql.Tx, r row) error {
	a := r.a
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT fetched_at FROM articles WHERE id = ?`, a.ID).Scan(&stored)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if exists {
		if old, perr := time.Parse(time.RFC3339Nano, stored); perr == nil && old.After(a.FetchedAt) {
			return nil // a newer version is already stored
		}
	}
	fetched := a.FetchedAt.UTC().Format(time.RFC3339Nano)
	args := []any{a.URL, a.CanonicalURL, a.Site, a.SourceName, a.Title, a.Body, a.Language, a.Section, a.StoryID,
		timeText(a.PublishedAt), fetched, a.WordCount, r.doc, a.ID}
	if exists {
		_, err = tx.ExecContext(ctx, `UPDATE articles SET url=?, canonical_url=?, site=?, source_name=?, title=?, body=?,
			language=?, section=?, story_id=?, published_at=?, fetched_at=?, word_count=?, doc=? WHERE id=?`, args...)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM entities WHERE article_id = ?`, a.ID)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM figures WHERE article_id = ?`, a.ID)
		}
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO articles (url, canonical_url, site, source_name, title, body,
			language, section, story_id, published_at, fetched_at, word_count, doc, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
	}
	if err != nil {
		return err
	}
	if err := putTerms(ctx, tx, a.ID, r.terms); err != nil {
		return err
	}
	if err := putEvents(ctx, tx, a); err != nil {
		return err
	}
	return putTags(ctx, tx, a)
}

func putTags(ctx context.Context, tx *sql.Tx, a *article.Article) error {
	type key struct{ typ, canonical string }
	counts := map[key]int{}
	country := map[key]string{}
	var order []key
	for _, e := range a.Entities {
		name := e.Canonical
		if name == "" {
			name = e.Text
		}
		k := key{e.Type, name}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
		if e.Country != "" {
			country[k] = e.Country
		}
	}
	// Names listed without a mention (for example from metadata) still count.
	for _, l := range []struct {
		typ   string
		names []string
	}{{article.Person, a.People}, {article.Place, a.Places}, {article.Organization, a.Organizations}} {
		for _, n := range l.names {
			k := key{l.typ, n}
			if counts[k] == 0 {
				order = append(order, k)
				counts[k] = 0
			}
		}
	}
	seen := map[key]bool{}
	for _, k := range order {
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO entities (article_id, type, canonical, country, mentions) VALUES (?,?,?,?,?)`,
			a.ID, k.typ, k.canonical, country[k], counts[k]); err != nil {
			return fmt.Errorf("entity %q: %w", k.canonical, err)
		}
		if err := putWords(ctx, tx, k.typ, k.canonical); err != nil {
			return err
		}
	}
	for i, f := range a.Figures {
		if _, err := tx.ExecContext(ctx, `INSERT INTO figures (article_id, seq, kind, value, unit, qualifier, date, text, start, "end")
			VALUES (?,?,?,?,?,?,?,?,?,?)`, a.ID, i, f.Kind, f.Value, f.Unit, f.Qualifier, f.Date, f.Text, f.Start, f.End); err != nil {
			return fmt.Errorf("figure %d: %w", i, err)
		}
	}
	return nil
}

// ErrNotFound is article.ErrNotFound, which Get wraps for an unknown id:
// the one sentinel every store returns, so that callers need not know the
// store. It is kept here for callers written before.
var ErrNotFound = article.ErrNotFound

// Get returns the stored article with id.
func (s *Store) Get(ctx context.Context, id string) (*article.Article, error) {
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM articles WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	a, err := article.Unmarshal([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	return a, nil
}

// Count returns the number of stored articles.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}
