package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/story"
)

// StoryIndex is the embedded store's story.Index: fingerprints in
// story_signatures, their LSH bands in story_bands.
type StoryIndex struct{ s *Store }

var (
	_ story.Index   = (*StoryIndex)(nil)
	_ story.Expirer = (*StoryIndex)(nil)
)

// Stories returns the store's story index.
func (s *Store) Stories() *StoryIndex { return &StoryIndex{s: s} }

// Update runs fn in one write transaction. The store's write lock
// serialises it within the process and BEGIN IMMEDIATE across processes
// sharing the file, so a lookup and the assignment it leads to are atomic.
func (x *StoryIndex) Update(ctx context.Context, fn func(context.Context, story.IndexTx) error) error {
	err := x.s.write(ctx, func(tx *sql.Tx) error {
		return fn(ctx, storyTx{tx})
	})
	if err != nil {
		return fmt.Errorf("story index: %w", err)
	}
	return nil
}

type storyTx struct{ tx *sql.Tx }

func (t storyTx) Get(ctx context.Context, id string) (story.Entry, bool, error) {
	e := story.Entry{ArticleID: id}
	var fetched, exact int64
	err := t.tx.QueryRowContext(ctx, `SELECT story_id, fetched_at, exact FROM story_signatures WHERE article_id = ?`, id).
		Scan(&e.StoryID, &fetched, &exact)
	if errors.Is(err, sql.ErrNoRows) {
		return story.Entry{}, false, nil
	}
	if err != nil {
		return story.Entry{}, false, err
	}
	e.FetchedAt = time.UnixMilli(fetched).UTC()
	e.Exact = uint64(exact)
	return e, true, nil
}

func (t storyTx) Lookup(ctx context.Context, bands []uint64, since time.Time) ([]story.Entry, error) {
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
	var out []story.Entry
	for rows.Next() {
		var (
			e       story.Entry
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
			if len(sig) != 4*story.NumHashes {
				return nil, fmt.Errorf("article %s: signature of %d bytes, want %d", e.ArticleID, len(sig), 4*story.NumHashes)
			}
			e.Sig = make([]uint32, story.NumHashes)
			for i := range e.Sig {
				e.Sig[i] = binary.LittleEndian.Uint32(sig[4*i:])
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t storyTx) Add(ctx context.Context, e story.Entry) error {
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
func (x *StoryIndex) Newest(ctx context.Context) (time.Time, error) {
	var ms sql.NullInt64
	if err := x.s.db.QueryRowContext(ctx, `SELECT max(fetched_at) FROM story_signatures`).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("story index newest: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms.Int64).UTC(), nil
}

// Expire deletes up to limit fingerprints fetched before before, oldest
// first, bands and all, in one write transaction.
func (x *StoryIndex) Expire(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int64
	err := x.s.write(ctx, func(tx *sql.Tx) error {
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
