package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2021, 1, 8, 10, 0, 0, 0, time.UTC)

func TestPutIsIdempotentAndNeverRollsBack(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	v1 := storetest.Mk("/a", "apnews.com", "First", "Old text about Libya.", t0)
	v2 := storetest.Mk("/a", "apnews.com", "Second", "New text about Libya and Qatar.", t0.Add(time.Hour))
	for _, a := range []*article.Article{v1, v1, v2, v1} { // v1 redelivered after v2
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Fatalf("count = %d, want 1", n)
	}
	got, err := s.Get(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Second" {
		t.Errorf("stored title %q: an older version overwrote the newer one", got.Title)
	}
	// Full text follows the update: the old text is gone from the index.
	for q, want := range map[string]int{"Qatar": 1, "Old": 0} {
		pq, _ := query.Parse(q)
		hits, err := s.Search(ctx, pq, 10)
		if err != nil || len(hits) != want {
			t.Errorf("search %q: %d hits (%v), want %d", q, len(hits), err, want)
		}
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown = %v", err)
	}
}

func TestSearchFilters(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	lav := article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"}
	libya := article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"}
	nato := article.Entity{Type: article.Organization, Canonical: "NATO"}
	docs := []*article.Article{
		storetest.Mk("/1", "apnews.com", "Russia backs withdrawal", "Sergey Lavrov spoke of Libya and foreign fighters.", t0, lav, libya),
		storetest.Mk("/2", "www.reuters.com", "NATO meets", "NATO ministers met about foreign fighters in Libya.", t0.Add(time.Hour), nato, libya),
		storetest.Mk("/3", "news.bbc.co.uk", "Weather", "Rain everywhere, no fighters.", t0.Add(2*time.Hour)),
	}
	for _, a := range docs {
		if err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		q    string
		want []string // ids in order
	}{
		{`person:Lavrov`, []string{docs[0].ID}},
		{`person:"sergey lavrov"`, []string{docs[0].ID}},
		{`person:Serg`, nil},                              // whole words only
		{`place:Libya`, []string{docs[1].ID, docs[0].ID}}, // newest first
		{`place:Libya org:NATO`, []string{docs[1].ID}},
		{`"foreign fighters" site:apnews.com`, []string{docs[0].ID}},
		{`site:bbc.co.uk`, []string{docs[2].ID}},
		{`fighters -Libya`, []string{docs[2].ID}},
		{`fighter`, nil}, // filled below: stemming matches all three
		{`person:Lavrov person:Nobody`, []string{docs[0].ID}},
		{`"NEAR" OR NEAR`, nil},              // FTS5 syntax in user input is literal text
		{`Lavrov & —`, []string{docs[0].ID}}, // punctuation alone is no term
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Errorf("search %s: %v", tt.q, err)
			continue
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		if tt.q == "fighter" {
			if len(got) != 3 {
				t.Errorf("search %s: %d hits, want 3 (stemmed)", tt.q, len(got))
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %s = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestScanResumesAfterID(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for i := range 1203 { // more than one page of Scan
		if err := s.Put(ctx, storetest.Mk(fmt.Sprintf("/%d", i), "example.com", "t", "body text", t0)); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	if err := s.Scan(ctx, query.Query{}, "", func(a *article.Article) error { ids = append(ids, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1203 {
		t.Fatalf("scanned %d, want 1203", len(ids))
	}
	var rest []string
	if err := s.Scan(ctx, query.Query{}, ids[700], func(a *article.Article) error { rest = append(rest, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rest) != 502 || rest[0] != ids[701] {
		t.Errorf("resumed scan: %d articles starting %v, want 502 starting %s", len(rest), rest[:1], ids[701])
	}
}

// TestNameWordsFilledForAnOlderDatabase opens a database written before
// the entity_words table existed: the names already stored are indexed on
// open, so person: finds them.
// reopenAsOlder makes the store in dir look as an older build left it (no
// table, no note that it was filled) by running stmts, then closes s and
// opens the store again, which must migrate it; the store returned is
// closed when the test ends.
func reopenAsOlder(t *testing.T, s *Store, dir, stmts string) *Store {
	t.Helper()
	if _, err := s.db.Exec(stmts); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// storeOzil opens a store in a new directory holding one article that
// names Mesut Özil, for the tests of older databases' name words.
func storeOzil(t *testing.T) (*Store, string, *article.Article) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Mk("/a", "apnews.com", "t", "Mesut Özil spoke.", t0, article.Entity{Type: article.Person, Canonical: "Mesut Özil"})
	if err := s.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return s, dir, a
}

func TestNameWordsFilledForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	s, dir, a := storeOzil(t)
	s = reopenAsOlder(t, s, dir, `DROP TABLE entity_words; DELETE FROM meta WHERE key = 'entity_words'`)
	for _, q := range []string{"person:özil", `person:"Mesut Özil"`} {
		pq, _ := query.Parse(q)
		hits, err := s.Search(ctx, pq, 10)
		if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
			t.Errorf("search %s after reopening = %v, %v; want the stored article", q, hits, err)
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM entity_words`).Scan(&n); err != nil || n != 2 {
		t.Errorf("entity_words holds %d rows (%v), want the 2 words of the name", n, err)
	}
}

// TestNameWordsRefoldedForAnOlderDatabase opens a database whose name
// words were folded for case only, as before accents were folded too: on
// open they are written again, so person:ozil finds "Mesut Özil".
func TestNameWordsRefoldedForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	s, dir, a := storeOzil(t)
	s = reopenAsOlder(t, s, dir, `UPDATE entity_words SET word = 'özil' WHERE word = 'ozil';
		UPDATE entity_words SET folded = ' mesut özil ';
		DELETE FROM meta WHERE key = 'entity_words_folded'`)
	for _, q := range []string{"person:ozil", "person:özil", `person:"Mesut Ozil"`} {
		hits, err := s.Search(ctx, query.MustParse(q), 10)
		if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
			t.Errorf("search %s after reopening = %v, %v; want the stored article", q, hits, err)
		}
	}
}

// ftsIndex renders articles_fts twice: the terms it holds for each
// article (through fts5vocab), and its raw blocks, which change whenever
// it is written.
func ftsIndex(t *testing.T, s *Store) (terms, blocks string) {
	t.Helper()
	ctx := context.Background()
	var tb, bb strings.Builder
	// The vocabulary table lives in the connection's temp schema, so it is
	// made and read on one connection.
	err := s.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, articles_fts, instance)`); err != nil {
			return err
		}
		if err := dumpRows(ctx, tx, `SELECT term, doc, col, offset FROM temp.fts_vocab ORDER BY term, doc, col, offset`, &tb); err != nil {
			return err
		}
		return dumpRows(ctx, tx, `SELECT id, hex(block) FROM articles_fts_data ORDER BY id`, &bb)
	})
	if err != nil {
		t.Fatal(err)
	}
	return tb.String(), bb.String()
}

// TestRewriteKeepsFullTextInStep writes an article again with the same
// text and with a new title or body, in a new database and in one made
// while articles_fts was written again on every update: articles_fts then
// holds the terms of the version stored, as in a store that only ever
// held that version, and a rewrite of the same text leaves it untouched.
func TestRewriteKeepsFullTextInStep(t *testing.T) {
	const olderTrigger = `DROP TRIGGER articles_au;
		CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
			INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
			INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
		END;
		DELETE FROM meta WHERE key = 'articles_au_when'`
	v1 := storetest.Mk("/a", "apnews.com", "Troops leave", "Troops left Novigrad on Monday.", t0)
	for _, db := range []string{"new", "older"} {
		for _, c := range []struct {
			name        string
			title, body string
		}{
			{"same text", v1.Title, v1.Body},
			{"new title", "Troops gone", v1.Body},
			{"new body", v1.Title, "Soldiers left Ruritania on Tuesday."},
		} {
			t.Run(db+" database/"+c.name, func(t *testing.T) {
				ctx := context.Background()
				dir := t.TempDir()
				s, err := Open(ctx, dir)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Put(ctx, v1); err != nil {
					t.Fatal(err)
				}
				if db == "older" {
					s = reopenAsOlder(t, s, dir, olderTrigger)
				} else {
					t.Cleanup(func() { s.Close() })
				}
				_, before := ftsIndex(t, s)
				v2 := storetest.Mk("/a", "apnews.com", c.title, c.body, t0.Add(time.Hour))
				if err := s.Put(ctx, v2); err != nil {
					t.Fatal(err)
				}
				terms, after := ftsIndex(t, s)
				only := open(t)
				if err := only.Put(ctx, v2); err != nil {
					t.Fatal(err)
				}
				if want, _ := ftsIndex(t, only); terms != want {
					t.Errorf("articles_fts holds\n%s\nwant\n%s", terms, want)
				}
				if same := c.title == v1.Title && c.body == v1.Body; same != (after == before) {
					t.Errorf("same text: %v, articles_fts written: %v", same, after != before)
				}
			})
		}
	}
}
