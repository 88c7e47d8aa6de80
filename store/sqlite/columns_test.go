package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// randomArticle returns article i of a corpus made for counting corners:
// few values, so that counts tie and ties are ordered by value; sites with
// subdomains; languages, published dates and entities sometimes missing;
// dates with and without fractions of a second; names of types the facets
// do not count; events with and without an actor, some articles with two
// events of one kind. version changes what an article holds, for the
// updates.
func randomArticle(r *rand.Rand, i, version int) *article.Article {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	body := pick("Rain fell.", "Sun shone.", "Rain and sun.") + " Ann Able met Bob Baker in Lima. Troops will withdraw from Lima before the Olympics. NATO and the UN and Cid Cole and Oslo too."
	site := pick("a.com", "news.a.com", "b.com", "c.org")
	fetched := storetest.T0.Add(time.Duration(r.IntN(90*24*3600))*time.Second + time.Duration(r.IntN(3))*time.Second/2)
	var ents []article.Entity
	for _, e := range []article.Entity{
		{Type: article.Person, Canonical: pick("Ann Able", "Bob Baker", "Cid Cole")},
		{Type: article.Person, Canonical: pick("Ann Able", "Bob Baker")},
		{Type: article.Place, Canonical: pick("Lima", "Oslo")},
		{Type: article.Organization, Canonical: pick("NATO", "UN")},
		{Type: article.Misc, Canonical: "Olympics"},
	} {
		if r.IntN(4) > 0 {
			ents = append(ents, e)
		}
	}
	a := storetest.Mk(fmt.Sprintf("/%d", i), site, fmt.Sprintf("v%d", version), body, fetched, ents...)
	a.Language = pick("en", "de", "")
	if r.IntN(5) == 0 {
		a.PublishedAt = nil
	}
	for range r.IntN(3) {
		var actor *article.Role
		if r.IntN(2) == 0 {
			actor = storetest.Actor(body, "Troops", pick("Russia", "France"), "RU")
		}
		a.Events = append(a.Events, storetest.Event(body, "withdraw", pick("military", "diplomatic"), "announced", true, actor))
	}
	return a
}

// oracle renders every count of q as SQL over the tables computes it, the
// way the store counted before it kept columns.
func oracle(t *testing.T, s *Store, q query.Query, n int) string {
	t.Helper()
	ctx := context.Background()
	cond, args := planOf(q, time.Now()).condition()
	read := func(stmt string, extra ...any) string {
		t.Helper()
		counts, err := readCounts(ctx, s.db, stmt, append(append([]any{}, args...), extra...)...)
		if err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return renderCounts(counts)
	}
	var out []string
	out = append(out, "total "+read(`SELECT 'all', count(*) FROM articles a WHERE `+cond))
	for _, typ := range []string{article.Person, article.Place, article.Organization} {
		out = append(out, typ+" "+read(`SELECT e.canonical, count(*) AS n FROM articles a JOIN entities e ON e.article_id = a.id
			WHERE `+cond+` AND e.type = ? GROUP BY e.canonical ORDER BY n DESC, e.canonical LIMIT ?`, typ, n))
	}
	out = append(out, "sites "+read(`SELECT a.site, count(*) AS n FROM articles a WHERE `+cond+` GROUP BY a.site ORDER BY n DESC, a.site LIMIT ?`, n))
	out = append(out, "kinds "+read(`SELECT ev.kind, count(DISTINCT a.id) AS n FROM articles a JOIN article_events ev ON ev.article_id = a.id
		WHERE `+cond+` GROUP BY ev.kind ORDER BY n DESC, ev.kind LIMIT ?`, n))
	out = append(out, "actors "+read(`SELECT ev.facet_actor, count(DISTINCT a.id) AS n FROM articles a JOIN article_events ev ON ev.article_id = a.id
		WHERE `+cond+` AND ev.facet_actor != '' GROUP BY ev.facet_actor ORDER BY n DESC, ev.facet_actor LIMIT ?`, n))
	out = append(out, "languages "+read(`SELECT a.language, count(*) AS n FROM articles a WHERE `+cond+` AND a.language != ''
		GROUP BY a.language ORDER BY n DESC, a.language LIMIT ?`, n))
	for _, p := range []struct {
		iv  query.Interval
		sql string
	}{
		{query.Hour, "substr(" + articleDate + ", 1, 13) || ':00:00Z'"},
		{query.Day, "substr(" + articleDate + ", 1, 10)"},
		{query.Week, "date(substr(" + articleDate + ", 1, 10), '-6 days', 'weekday 1')"},
		{query.Month, "substr(" + articleDate + ", 1, 7) || '-01'"},
	} {
		out = append(out, string(p.iv)+" "+read(`SELECT `+p.sql+` AS p, count(*) FROM articles a WHERE `+cond+` GROUP BY p ORDER BY p`))
	}
	return strings.Join(out, "\n")
}

// counted renders every count of q as the store gives it.
func counted(t *testing.T, s *Store, q query.Query, n int) string {
	t.Helper()
	ctx := context.Background()
	total, err := s.Total(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Facets(ctx, q, n)
	if err != nil {
		t.Fatal(err)
	}
	langs, err := s.Languages(ctx, q, n)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{
		fmt.Sprintf("total all=%d", total),
		article.Person + " " + renderCounts(f.People), article.Place + " " + renderCounts(f.Places), article.Organization + " " + renderCounts(f.Orgs),
		"sites " + renderCounts(f.Sites), "kinds " + renderCounts(f.EventKinds), "actors " + renderCounts(f.EventActors), "languages " + renderCounts(langs),
	}
	for _, iv := range []query.Interval{query.Hour, query.Day, query.Week, query.Month} {
		buckets, err := s.Timeline(ctx, q, iv)
		if err != nil {
			t.Fatal(err)
		}
		var cs []query.Count
		for _, b := range buckets {
			layout := time.DateOnly
			if iv == query.Hour {
				layout = time.RFC3339
			}
			cs = append(cs, query.Count{Value: b.Start.Format(layout), Count: b.Count})
		}
		out = append(out, string(iv)+" "+renderCounts(cs))
	}
	return strings.Join(out, "\n")
}

func renderCounts(cs []query.Count) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s=%d", c.Value, c.Count))
	}
	return strings.Join(out, ", ")
}

// TestCountsFollowEveryWriter checks that the counts a store gives from
// its columns equal those SQL computes over the tables, while another
// store handle on the same file (as another process would) adds
// articles, rewrites them with other names, sites and dates, and deletes
// them, and after the log of changes lost rows the reader had not
// applied.
func TestCountsFollowEveryWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	reader, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	r := rand.New(rand.NewPCG(7, 8))
	put := func(from, to, version int) {
		t.Helper()
		for i := from; i < to; i++ {
			a := randomArticle(r, i, version)
			a.FetchedAt = a.FetchedAt.Add(time.Duration(version) * 24 * 365 * time.Hour) // newer than any earlier version
			if err := writer.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	exec := func(stmt string) {
		t.Helper()
		if _, err := writer.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string) {
		t.Helper()
		for _, qs := range []string{``, `rain`, `site:a.com`, `person:Ann`, `since:2021-02-01`, `since:2021-02-01T10:00:00Z until:2021-03-15`,
			`until:2021-02-20 until:2021-03-01`, `since:2021-02-15T08:00:00Z`, `until:2021-02-15T08:00:00Z`, `rain -site:b.com`, `site:nowhere.com`} {
			q := query.MustParse(qs)
			for _, n := range []int{1, 3, 10} {
				if got, want := counted(t, reader, q, n), oracle(t, reader, q, n); got != want {
					t.Fatalf("%s: counts of %q, top %d:\n%s\nwant (SQL over the tables):\n%s", step, qs, n, got, want)
				}
			}
		}
	}
	check("empty store")
	// One article on the bounds of two of the queries.
	onBound := randomArticle(r, 1000, 0)
	at := time.Date(2021, 2, 15, 8, 0, 0, 0, time.UTC)
	onBound.PublishedAt = &at
	if err := writer.Put(ctx, onBound); err != nil {
		t.Fatal(err)
	}
	put(0, 150, 0)
	check("after adding articles")
	put(100, 200, 1)
	check("after adding and rewriting articles")
	exec(`DELETE FROM articles WHERE rowid % 7 = 0`)
	check("after deleting articles")
	put(0, 20, 2)
	exec(`DELETE FROM article_changes WHERE seq < (SELECT max(seq) FROM article_changes)`)
	check("after the log of changes lost rows")
	// A date not as Put writes it (another program's), which SQL
	// compares as text.
	exec(`UPDATE articles SET published_at = '2021-02-01T11:00:00+02:00' WHERE rowid = (SELECT max(rowid) FROM articles)`)
	check("after a date was written with an offset")
}

// TestChangeLogKeepsItsLastRows checks that the log of article changes
// keeps the last 100,000 rows and numbers them without gaps.
func TestChangeLogKeepsItsLastRows(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100005)
		INSERT INTO article_changes (article_rowid) SELECT 0 FROM n`); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, storetest.Mk("/a", "a.com", "t", "Rain.", t0)); err != nil {
		t.Fatal(err)
	}
	var n, first, last int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), min(seq), max(seq) FROM article_changes`).Scan(&n, &first, &last); err != nil {
		t.Fatal(err)
	}
	if n != 100000 || last != 100006 || last-first+1 != n {
		t.Errorf("the log holds %d rows, %d to %d; want the 100,000 up to 100,006", n, first, last)
	}
}

// TestCountsWhileWriting counts from several goroutines while articles are
// written (the race detector checks the columns' locking), then checks
// that the counts caught up with every write.
func TestCountsWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	r := rand.New(rand.NewPCG(3, 4))
	var docs []*article.Article
	for i := range 120 {
		docs = append(docs, randomArticle(r, i, 0))
	}
	done := make(chan struct{})
	writeErr := make(chan error, 1)
	go func() {
		defer close(done)
		for _, a := range docs {
			if err := s.Put(ctx, a); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	errs := make(chan error, 3)
	for _, qs := range []string{``, `rain`, `person:Ann`} {
		go func() {
			q := query.MustParse(qs)
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := s.Facets(ctx, q, 3); err != nil {
					errs <- err
					return
				}
				if _, err := s.Timeline(ctx, q, query.Day); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-writeErr:
		t.Fatal(err)
	default:
	}
	for _, qs := range []string{``, `rain`, `person:Ann`} {
		q := query.MustParse(qs)
		if got, want := counted(t, s, q, 3), oracle(t, s, q, 3); got != want {
			t.Errorf("counts of %q after the writes:\n%s\nwant:\n%s", qs, got, want)
		}
	}
}
