package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// contents renders everything the store holds of its articles, row by
// row: every table Put writes, the change log, and the terms of both
// full-text indexes (read through fts5vocab), so that two stores compare
// equal only when they hold the same.
func contents(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	// The vocabulary tables live in the connection's temp schema, so they
	// are made and read in one transaction, on one connection.
	err := s.WriteTx(ctx, func(tx *sql.Tx) error {
		for _, v := range []string{
			`CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, articles_fts, instance)`,
			`CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms_vocab USING fts5vocab(main, articles_terms, instance)`,
		} {
			if _, err := tx.ExecContext(ctx, v); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`SELECT rowid, id, url, canonical_url, site, source_name, title, body, language, section, story_id, published_at, fetched_at, word_count, doc FROM articles ORDER BY rowid`,
			`SELECT * FROM entities ORDER BY article_id, type, canonical`,
			`SELECT * FROM entity_words ORDER BY word, type, canonical`,
			`SELECT * FROM figures ORDER BY article_id, seq`,
			`SELECT * FROM article_keys ORDER BY key, article_rowid`,
			`SELECT * FROM article_events ORDER BY article_id, n`,
			`SELECT * FROM article_changes ORDER BY seq`,
			`SELECT * FROM temp.fts_vocab ORDER BY term, doc, col, offset`,
			`SELECT * FROM temp.terms_vocab ORDER BY term, doc, col, offset`,
		} {
			fmt.Fprintf(&b, "%s\n", q)
			if err := dumpRows(ctx, tx, q, &b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// dumpRows writes the rows q reads in tx to w, one a line.
func dumpRows(ctx context.Context, tx *sql.Tx, q string, w io.Writer) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fmt.Fprintf(w, "%v\n", vals)
	}
	return rows.Err()
}

// answers renders the facets and a few searches, as the store answers them
// from its counts and indexes.
func answers(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	f, err := s.Facets(ctx, query.MustParse(""), 20)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "facets %+v\n", f)
	for _, q := range []string{"rain", "person:able", "event:withdrawal event.actor:russia", "lang:de", "v2"} {
		hits, err := s.Search(ctx, query.MustParse(q), 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		fmt.Fprintf(&b, "%s: %v\n", q, ids)
	}
	return b.String()
}

// TestPutBatchStoresAsPut writes the same articles into two stores, one
// at a time with Put and in batches with PutBatch: new articles, versions
// of stored ones (some older than the stored version, which must stay)
// and two versions of one article in the same batch, in either order.
// Both stores must then hold the same rows and answer alike.
func TestPutBatchStoresAsPut(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	// Versions of articles 0..19; fetch times are random, so a later
	// version is as often older as newer than an earlier one. Some
	// versions have a figure, which a later one may drop.
	versions := func(version int) []*article.Article {
		var out []*article.Article
		for i := range 20 {
			a := randomArticle(r, i, version)
			if r.IntN(2) == 0 {
				at := strings.Index(a.Body, "Lima")
				a.Figures = []article.Figure{{Text: "Lima", Kind: article.Quantity, Value: float64(version), Unit: "cities", Start: at, End: at + 4}}
			}
			out = append(out, a)
		}
		return out
	}
	v1, v2, v3 := versions(1), versions(2), versions(3)
	var pairs []*article.Article // v2 and v3 of each article, one after the other
	for i := range v2 {
		pairs = append(pairs, v2[i], v3[i])
	}
	for _, c := range []struct {
		name         string
		stored, puts []*article.Article
		size         int
	}{
		{"new articles", nil, v1, 7},
		{"versions of stored articles", v1, v2, 6},
		{"two versions in one batch", v1, pairs, 40},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			one, batched := open(t), open(t)
			for _, s := range []*Store{one, batched} {
				for _, a := range c.stored {
					if err := s.Put(ctx, a); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, a := range c.puts {
				if err := one.Put(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < len(c.puts); i += c.size {
				if err := batched.PutBatch(ctx, c.puts[i:min(i+c.size, len(c.puts))]); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := contents(t, batched), contents(t, one); got != want {
				t.Errorf("PutBatch stored\n%s\nPut one at a time stored\n%s", got, want)
			}
			if got, want := answers(t, batched), answers(t, one); got != want {
				t.Errorf("PutBatch's store answers\n%s\nPut's\n%s", got, want)
			}
			// The newest version of each article is stored, and the case
			// has some of each kind.
			newest := map[string]*article.Article{}
			for _, a := range append(append([]*article.Article{}, c.stored...), c.puts...) {
				if n := newest[a.ID]; n == nil || !n.FetchedAt.After(a.FetchedAt) {
					newest[a.ID] = a
				}
			}
			kept := 0
			for _, a := range c.puts {
				if newest[a.ID] != a {
					kept++
				}
			}
			if c.stored != nil && (kept == 0 || kept == len(c.puts)) {
				t.Fatalf("%d of %d articles put are older than the newest version: the case does not test both", kept, len(c.puts))
			}
			for id, a := range newest {
				got, err := batched.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !got.FetchedAt.Equal(a.FetchedAt) || got.Title != a.Title {
					t.Errorf("%s: stored %s %s, want the newest version, %s %s", id, got.Title, got.FetchedAt, a.Title, a.FetchedAt)
				}
			}
		})
	}
}

// TestPutBatchAllOrNothing checks that a batch that cannot be written
// leaves nothing of it behind: not when one of its articles is refused (the
// error names that one), nor when the context has ended.
func TestPutBatchAllOrNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	var docs []*article.Article
	for i := range 5 {
		docs = append(docs, randomArticle(r, i, 1))
	}
	refused := docs[3]
	for _, c := range []struct {
		name    string
		refuse  bool
		cancel  bool
		wantErr error  // the error, wrapped; nil for any
		wantMsg string // part of the error's text
	}{
		{"an article refused", true, false, nil, "store article " + refused.ID + ": "},
		{"context ended", false, true, context.Canceled, "store 5 articles"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := open(t)
			if c.refuse {
				if err := s.WriteTx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN new.id = '`+refused.ID+`'
						BEGIN SELECT RAISE(ABORT, 'refused'); END`)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if c.cancel {
				cancel()
			}
			err := s.PutBatch(ctx, docs)
			if err == nil || !strings.Contains(err.Error(), c.wantMsg) || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
				t.Errorf("PutBatch = %v, want an error with %q", err, c.wantMsg)
			}
			if n, err := s.Count(context.Background()); err != nil || n != 0 {
				t.Errorf("%d articles stored (%v), want none", n, err)
			}
			if got, want := contents(t, s), contents(t, open(t)); got != want {
				t.Errorf("the failed batch left\n%s", got)
			}
		})
	}
}
