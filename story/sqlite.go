package story

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Database is the SQLite database a SQLiteIndex keeps its fingerprints in.
// In a single-host deployment it is the embedded store's one file
// (store/sqlite.Store is a Database), so that one file holds all state and
// a role's Sync covers articles, fingerprints and alerts together.
type Database interface {
	// WriteTx runs fn in one write transaction, serialised with every
	// other writer of the database, in this process and in others
	// sharing the file; if fn fails, nothing it wrote is kept.
	WriteTx(ctx context.Context, fn func(*sql.Tx) error) error
	// QueryRowContext runs a read-only query.
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// Sync makes every transaction committed so far durable.
	Sync(ctx context.Context) error
	// Ensure runs ddl the first time it is called with name, to create
	// the index's tables if missing.
	Ensure(ctx context.Context, name, ddl string) error
}

// sqliteSchema holds story's tables. story_signatures has one row per
// article that has been assigned a story, kept apart from articles because
// the story is decided before the article is stored. sig is the MinHash
// signature, NumHashes little-endian uint32 values (NULL for a body too
// short to shingle, which matches only on exact, the hash of its text);
// shingles counts its distinct 5-word shingles. story_bands holds the LSH
// bands of each signature: articles sharing a band_hash are candidates for
// the same story. Pruning deletes the oldest fingerprints first, hence the
// fetched_at index; deleting a fingerprint finds its bands through
// story_bands_article, without which the cascade would scan every band.
const sqliteSchema = `
CREATE TABLE IF NOT EXISTS story_signatures (
    article_id TEXT PRIMARY KEY,
    story_id   TEXT NOT NULL,
    fetched_at INTEGER NOT NULL, -- unix milliseconds
    shingles   INTEGER NOT NULL,
    exact      INTEGER NOT NULL,
    sig        BLOB
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_signatures_story ON story_signatures (story_id);
CREATE INDEX IF NOT EXISTS story_signatures_fetched ON story_signatures (fetched_at);
CREATE TABLE IF NOT EXISTS story_bands (
    band_hash  INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES story_signatures (article_id) ON DELETE CASCADE,
    PRIMARY KEY (band_hash, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_bands_article ON story_bands (article_id);
`

// SQLiteIndex is an Index and an Expirer in a SQLite database.
type SQLiteIndex struct{ db Database }

var (
	_ Index   = (*SQLiteIndex)(nil)
	_ Expirer = (*SQLiteIndex)(nil)
)

// NewSQLiteIndex returns the story index in db. Its tables are created on
// first use, if missing.
func NewSQLiteIndex(db Database) *SQLiteIndex { return &SQLiteIndex{db: db} }

// ready creates the tables if missing.
func (x *SQLiteIndex) ready(ctx context.Context) error {
	return x.db.Ensure(ctx, "story", sqliteSchema)
}

// Update runs fn in one write transaction of the database, so a lookup
// and the assignment it leads to are atomic across processes sharing it.
func (x *SQLiteIndex) Update(ctx context.Context, fn func(context.Context, IndexTx) error) error {
	if err := x.ready(ctx); err != nil {
		return err
	}
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		return fn(ctx, storyTx{tx})
	})
	if err != nil {
		return fmt.Errorf("story index: %w", err)
	}
	return nil
}

// Sync makes every transaction of the database committed so far durable:
// the fingerprints, and the alerts fired and queued with them in the same
// file, which a role commits its Kafka offset after.
func (x *SQLiteIndex) Sync(ctx context.Context) error { return x.db.Sync(ctx) }

type storyTx struct{ tx *sql.Tx }

func (t storyTx) Get(ctx context.Context, id string) (Entry, bool, error) {
	e := Entry{ArticleID: id}
	var fetched, exact int64
	err := t.tx.QueryRowContext(ctx, `SELECT story_id, fetched_at, exact FROM story_signatures WHERE article_id = ?`, id).
		Scan(&e.StoryID, &fetched, &exact)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, err
	}
	e.FetchedAt = time.UnixMilli(fetched).UTC()
	e.Exact = uint64(exact)
	return e, true, nil
}

func (t storyTx) Lookup(ctx context.Context, bands []uint64, since time.Time) ([]Entry, error) {
	if len(bands) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(bands)+1)
	for _, b := range bands {
		args = append(args, int64(b))
	}
	args = append(args, since.UnixMilli())
	q := `SELECT article_id, story_id, fetched_at, shingles, exact, sig FROM story_signatures
		WHERE article_id IN (SELECT article_id FROM story_bands WHERE band_hash IN (?` + strings.Repeat(",?", len(bands)-1) + `))
		AND fetched_at >= ? ORDER BY article_id`
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var (
			e       Entry
			fetched int64
			exact   int64
			sig     []byte
		)
		if err := rows.Scan(&e.ArticleID, &e.StoryID, &fetched, &e.Shingles, &exact, &sig); err != nil {
			return nil, err
		}
		e.FetchedAt = time.UnixMilli(fetched).UTC()
		e.Exact = uint64(exact)
		if sig != nil {
			if len(sig) != 4*NumHashes {
				return nil, fmt.Errorf("article %s: signature of %d bytes, want %d", e.ArticleID, len(sig), 4*NumHashes)
			}
			e.Sig = make([]uint32, NumHashes)
			for i := range e.Sig {
				e.Sig[i] = binary.LittleEndian.Uint32(sig[4*i:])
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t storyTx) Add(ctx context.Context, e Entry) error {
	var sig []byte
	if e.Sig != nil {
		sig = make([]byte, 0, 4*len(e.Sig))
		for _, v := range e.Sig {
			sig = binary.LittleEndian.AppendUint32(sig, v)
		}
	}
	// Deleting the old entry first takes its bands with it (ON DELETE
	// CASCADE); a replaced fingerprint shares few of them.
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM story_signatures WHERE article_id = ?`, e.ArticleID); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO story_signatures (article_id, story_id, fetched_at, shingles, exact, sig)
		VALUES (?, ?, ?, ?, ?, ?)`, e.ArticleID, e.StoryID, e.FetchedAt.UnixMilli(), e.Shingles, int64(e.Exact), sig); err != nil {
		return err
	}
	stmt, err := t.tx.PrepareContext(ctx, `INSERT INTO story_bands (band_hash, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, b := range e.Bands {
		if _, err := stmt.ExecContext(ctx, int64(b), e.ArticleID); err != nil {
			return err
		}
	}
	return nil
}

// Newest returns the latest fetch time in the index, zero if it is empty.
func (x *SQLiteIndex) Newest(ctx context.Context) (time.Time, error) {
	if err := x.ready(ctx); err != nil {
		return time.Time{}, err
	}
	var ms sql.NullInt64
	if err := x.db.QueryRowContext(ctx, `SELECT max(fetched_at) FROM story_signatures`).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("story index newest: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms.Int64).UTC(), nil
}

// Expire deletes up to limit fingerprints fetched before before, oldest
// first, bands and all, in one write transaction.
func (x *SQLiteIndex) Expire(ctx context.Context, before time.Time, limit int) (int, error) {
	if err := x.ready(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := x.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM story_signatures WHERE article_id IN (
			SELECT article_id FROM story_signatures WHERE fetched_at < ? ORDER BY fetched_at LIMIT ?)`,
			before.UnixMilli(), limit)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("story index expire: %w", err)
	}
	return int(n), nil
}
