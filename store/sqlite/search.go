package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// ftsString quotes a word or phrase for an FTS5 MATCH expression, so that
// user input is never read as FTS5 syntax.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// where builds the filter clauses shared by Search and Scan. alias names the
// articles table in the surrounding query.
func where(q query.Query) (clauses []string, args []any) {
	// A name matches when it equals the value ignoring case or contains
	// it as whole words: its folded form contains " value ", which also
	// covers equality. Such a name has every word of the value, so the
	// value's longest word finds the candidates through the primary key
	// of entity_words, and the check runs on those alone.
	entity := func(typ string, names []string) {
		if len(names) == 0 {
			return
		}
		var ors []string
		for _, n := range names {
			words := nameWords(n)
			if len(words) == 0 {
				ors = append(ors, "0")
				continue
			}
			key := words[0]
			for _, w := range words[1:] {
				if len(w) > len(key) {
					key = w
				}
			}
			ors = append(ors, `(w.word = ? AND w.folded LIKE ? ESCAPE '\')`)
			args = append(args, key, "% "+likeEscape(strings.ToLower(n))+" %")
		}
		// CROSS JOIN keeps the word lookup as the outer loop: without
		// statistics the planner would rather read every name of the type.
		clauses = append(clauses, `a.id IN (SELECT e.article_id FROM entity_words w
			CROSS JOIN entities e ON e.type = w.type AND e.canonical = w.canonical COLLATE NOCASE AND e.canonical = w.canonical
			WHERE w.type = '`+typ+`' AND (`+strings.Join(ors, " OR ")+`))`)
	}
	entity(article.Person, q.People)
	entity(article.Place, q.Places)
	entity(article.Organization, q.Orgs)
	if len(q.Sites) > 0 {
		var ors []string
		for _, s := range q.Sites {
			ors = append(ors, `(a.site = ? OR a.site LIKE ? ESCAPE '\')`)
			args = append(args, s, "%."+likeEscape(s))
		}
		clauses = append(clauses, "("+strings.Join(ors, " OR ")+")")
	}
	if !q.Since.IsZero() {
		clauses = append(clauses, dateKey+" >= ?")
		args = append(args, dateKeyOf(q.Since))
	}
	if !q.Until.IsZero() {
		clauses = append(clauses, dateKey+" <= ?")
		args = append(args, dateKeyOf(q.Until))
	}
	var neg []string
	for _, t := range q.Terms {
		if t.Not {
			neg = append(neg, ftsString(t.Text))
		}
	}
	if len(neg) > 0 {
		clauses = append(clauses, `a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`)
		args = append(args, strings.Join(neg, " OR "))
	}
	return clauses, args
}

// articleDate is the date since: and until: compare: published, else
// fetched (see package query).
const articleDate = "coalesce(a.published_at, a.fetched_at)"

// dateKey is articleDate with its fraction of a second padded to nine
// digits. The columns hold RFC 3339 UTC text as time.RFC3339Nano writes
// it, which drops trailing zeros, so that "10:00:00Z" would sort after
// "10:00:00.5Z" as plain text; padded, text order is time order.
const dateKey = "(substr(" + articleDate + ", 1, 19) || '.' || substr(rtrim(substr(" + articleDate + ", 21), 'Z') || '000000000', 1, 9))"

// dateKeyOf renders t as dateKey renders a stored time.
func dateKeyOf(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000") }

// matching is where with the free text as one more filter, for the
// statements that do not rank: Scan, facets and timelines.
func matching(q query.Query) (clauses []string, args []any) {
	clauses, args = where(q)
	if m := positiveMatch(q); m != "" {
		clauses = append(clauses, `a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`)
		args = append(args, m)
	}
	return clauses, args
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func positiveMatch(q query.Query) string {
	var pos []string
	for _, t := range q.Terms {
		if !t.Not {
			pos = append(pos, ftsString(t.Text))
		}
	}
	return strings.Join(pos, " AND ")
}

// Search returns up to limit articles matching q: by relevance when q has
// free text, newest first otherwise.
func (s *Store) Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	clauses, args := where(q)
	var stmt string
	if m := positiveMatch(q); m != "" {
		clauses = append([]string{"articles_fts MATCH ?"}, clauses...)
		args = append([]any{m}, args...)
		stmt = `SELECT a.id, a.title, a.url, a.site, a.published_at, snippet(articles_fts, 1, '[', ']', '…', 16), a.story_id, 1
			FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
			WHERE ` + strings.Join(clauses, " AND ") + ` ORDER BY bm25(articles_fts, 5.0, 1.0), a.id LIMIT ?`
	} else {
		cond := ""
		if len(clauses) > 0 {
			cond = "WHERE " + strings.Join(clauses, " AND ")
		}
		stmt = `SELECT a.id, a.title, a.url, a.site, a.published_at, substr(a.body, 1, 160), a.story_id, 1
			FROM articles a ` + cond + ` ORDER BY a.published_at IS NULL, a.published_at DESC, a.id LIMIT ?`
	}
	args = append(args, limit)
	return s.hits(ctx, q, stmt, args)
}

// SearchStories is Search with one hit per story: the best-ranked matching
// copy, whose Copies counts the story's matching articles. limit counts
// stories. A story ranks where its best copy does.
//
// The matches are read in rank order only until limit stories have
// appeared, then the copies of those stories alone are counted and their
// hits made (snippets are costly), rather than grouping every match: a
// broad query on a large store stays about as fast as Search.
func (s *Store) SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	clauses, args := where(q)
	var stmt string
	if m := positiveMatch(q); m != "" {
		clauses = append([]string{"articles_fts MATCH ?"}, clauses...)
		args = append([]any{m}, args...)
		stmt = `SELECT a.rowid, a.story_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
			WHERE ` + strings.Join(clauses, " AND ") + ` ORDER BY bm25(articles_fts, 5.0, 1.0), a.id`
	} else {
		cond := ""
		if len(clauses) > 0 {
			cond = "WHERE " + strings.Join(clauses, " AND ")
		}
		stmt = `SELECT a.rowid, a.story_id FROM articles a ` + cond + ` ORDER BY a.published_at IS NULL, a.published_at DESC, a.id`
	}
	best, err := s.bestCopies(ctx, stmt, args, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	copies, err := s.countCopies(ctx, q, best)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	hits, err := s.hitsOf(ctx, q, best)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Copies = 1
		if hits[i].StoryID != "" {
			hits[i].Copies = copies[hits[i].StoryID]
		}
	}
	return hits, nil
}

// storyCopy is the best-ranked copy of a story.
type storyCopy struct {
	rowid int64
	story string // "" for an article that is a story of its own
}

// bestCopies reads the (rowid, story_id) rows of stmt in order and returns
// the first row of each story until it has limit stories.
func (s *Store) bestCopies(ctx context.Context, stmt string, args []any, limit int) ([]storyCopy, error) {
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	var best []storyCopy
	for len(best) < limit && rows.Next() {
		var c storyCopy
		if err := rows.Scan(&c.rowid, &c.story); err != nil {
			return nil, err
		}
		if c.story != "" {
			if seen[c.story] {
				continue
			}
			seen[c.story] = true
		}
		best = append(best, c)
	}
	return best, rows.Err()
}

// countCopies counts the articles matching q of each story in best.
func (s *Store) countCopies(ctx context.Context, q query.Query, best []storyCopy) (map[string]int, error) {
	var stories []any
	for _, c := range best {
		if c.story != "" {
			stories = append(stories, c.story)
		}
	}
	counts := map[string]int{}
	if len(stories) == 0 {
		return counts, nil
	}
	// With free text, the matches are read from the full-text index, as
	// in the first pass, rather than by reading every article.
	clauses, args := where(q)
	from := "articles a"
	if m := positiveMatch(q); m != "" {
		from = "articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
		clauses = append([]string{"articles_fts MATCH ?"}, clauses...)
		args = append([]any{m}, args...)
	}
	clauses = append(clauses, "a.story_id IN ("+placeholders(len(stories))+")")
	rows, err := s.db.QueryContext(ctx, `SELECT a.story_id, count(*) FROM `+from+` WHERE `+strings.Join(clauses, " AND ")+` GROUP BY a.story_id`,
		append(args, stories...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var story string
		var n int
		if err := rows.Scan(&story, &n); err != nil {
			return nil, err
		}
		counts[story] = n
	}
	return counts, rows.Err()
}

// hitsOf makes the hits of the articles in best, in that order, with
// snippets as Search makes them.
func (s *Store) hitsOf(ctx context.Context, q query.Query, best []storyCopy) ([]query.Hit, error) {
	if len(best) == 0 {
		return nil, nil
	}
	var args []any
	for _, c := range best {
		args = append(args, c.rowid)
	}
	in := "a.rowid IN (" + placeholders(len(best)) + ")"
	stmt := `SELECT a.id, a.title, a.url, a.site, a.published_at, substr(a.body, 1, 160), a.story_id, 1, a.rowid
		FROM articles a WHERE ` + in
	if m := positiveMatch(q); m != "" {
		stmt = `SELECT a.id, a.title, a.url, a.site, a.published_at, snippet(articles_fts, 1, '[', ']', '…', 16), a.story_id, 1, a.rowid
			FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? AND ` + in
		args = append([]any{m}, args...)
	}
	hits, rowids, err := s.scanHits(ctx, q, stmt, args, true)
	if err != nil {
		return nil, err
	}
	at := map[int64]query.Hit{}
	for i, h := range hits {
		at[rowids[i]] = h
	}
	out := make([]query.Hit, 0, len(best))
	for _, c := range best {
		if h, ok := at[c.rowid]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// hits runs a search statement whose columns are those of query.Hit.
func (s *Store) hits(ctx context.Context, q query.Query, stmt string, args []any) ([]query.Hit, error) {
	hits, _, err := s.scanHits(ctx, q, stmt, args, false)
	return hits, err
}

// scanHits runs a search statement whose columns are those of query.Hit,
// followed by the article's rowid when withRowid is set.
func (s *Store) scanHits(ctx context.Context, q query.Query, stmt string, args []any, withRowid bool) ([]query.Hit, []int64, error) {
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	defer rows.Close()
	var hits []query.Hit
	var rowids []int64
	for rows.Next() {
		var h query.Hit
		var pub sql.NullString
		dest := []any{&h.ID, &h.Title, &h.URL, &h.Site, &pub, &h.Snippet, &h.StoryID, &h.Copies}
		var rowid int64
		if withRowid {
			dest = append(dest, &rowid)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, fmt.Errorf("search %q: %w", q.String(), err)
		}
		if pub.Valid {
			if t, err := time.Parse(time.RFC3339Nano, pub.String); err == nil {
				h.PublishedAt = &t
			}
		}
		h.Snippet = strings.Join(strings.Fields(h.Snippet), " ")
		hits = append(hits, h)
		rowids = append(rowids, rowid)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", q.String(), err)
	}
	return hits, rowids, nil
}

// Scan calls fn for every article matching q whose id sorts after after
// ("" for all), in id order. Ordering by id is what makes an interrupted
// export resumable: the last id written is where to start again.
func (s *Store) Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error {
	clauses, args := matching(q)
	const page = 500
	for {
		cl := append([]string{"a.id > ?"}, clauses...)
		pageArgs := append(append([]any{after}, args...), page)
		rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.doc FROM articles a WHERE `+strings.Join(cl, " AND ")+` ORDER BY a.id LIMIT ?`, pageArgs...)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		var docs []string
		for rows.Next() {
			var id, doc string
			if err := rows.Scan(&id, &doc); err != nil {
				rows.Close()
				return fmt.Errorf("scan: %w", err)
			}
			docs = append(docs, doc)
			after = id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		for _, doc := range docs {
			a, err := article.Unmarshal([]byte(doc))
			if err != nil {
				return fmt.Errorf("scan: %w", err)
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(docs) < page {
			return nil
		}
	}
}

// Facets returns the n most frequent people, places, organisations and
// sites among all the articles matching q (see query.Facets). Names come
// from the entities table, as person:, place: and org: match them.
func (s *Store) Facets(ctx context.Context, q query.Query, n int) (query.Facets, error) {
	if n <= 0 {
		n = 10
	}
	clauses, args := matching(q)
	cond := ""
	if len(clauses) > 0 {
		cond = " AND " + strings.Join(clauses, " AND ")
	}
	var f query.Facets
	for _, facet := range []struct {
		into *[]query.Count
		stmt string
		args []any
	}{
		{&f.People, entityFacet + cond + entityFacetEnd, append([]any{article.Person}, args...)},
		{&f.Places, entityFacet + cond + entityFacetEnd, append([]any{article.Place}, args...)},
		{&f.Orgs, entityFacet + cond + entityFacetEnd, append([]any{article.Organization}, args...)},
		{&f.Sites, `SELECT a.site, count(*) AS n FROM articles a WHERE 1` + cond + ` GROUP BY a.site ORDER BY n DESC, a.site LIMIT ?`, args},
	} {
		counts, err := s.counts(ctx, facet.stmt, append(facet.args, n)...)
		if err != nil {
			return query.Facets{}, fmt.Errorf("facets %q: %w", q.String(), err)
		}
		*facet.into = counts
	}
	return f, nil
}

// entityFacet counts the articles that name each entity of one type; the
// entities table holds one row per distinct name of an article, so a row
// is an article. CROSS JOIN keeps the matching articles as the outer loop,
// each finding its names through the entities primary key: left to
// itself, the planner reads every name of the type and looks up each
// article, 15-20 s for a date range or a site over 200,000 articles.
const (
	entityFacet    = `SELECT e.canonical, count(*) AS n FROM articles a CROSS JOIN entities e ON e.article_id = a.id WHERE e.type = ?`
	entityFacetEnd = ` GROUP BY e.canonical ORDER BY n DESC, e.canonical LIMIT ?`
)

// counts runs a statement of (value, count) rows.
func (s *Store) counts(ctx context.Context, stmt string, args ...any) ([]query.Count, error) {
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []query.Count{}
	for rows.Next() {
		var c query.Count
		if err := rows.Scan(&c.Value, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// periodStart is the SQL for the first day (YYYY-MM-DD) of the period of
// articleDate; the stored times are UTC, so their first ten characters
// are the UTC day.
var periodStart = map[query.Interval]string{
	query.Hour:  "substr(" + articleDate + ", 1, 13) || ':00:00Z'",
	query.Day:   "substr(" + articleDate + ", 1, 10)",
	query.Week:  "date(substr(" + articleDate + ", 1, 10), '-6 days', 'weekday 1')",
	query.Month: "substr(" + articleDate + ", 1, 7) || '-01'",
}

// Timeline counts the articles matching q per period, by published time,
// else fetch time. Periods without articles are left out.
func (s *Store) Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error) {
	period, ok := periodStart[iv]
	if !ok {
		return nil, fmt.Errorf("timeline: unknown interval %q", iv)
	}
	clauses, args := matching(q)
	cond := ""
	if len(clauses) > 0 {
		cond = "WHERE " + strings.Join(clauses, " AND ")
	}
	counts, err := s.counts(ctx, `SELECT `+period+` AS p, count(*) FROM articles a `+cond+` GROUP BY p ORDER BY p`, args...)
	if err != nil {
		return nil, fmt.Errorf("timeline %q: %w", q.String(), err)
	}
	buckets := make([]query.Bucket, 0, len(counts))
	for _, c := range counts {
		layout := time.DateOnly
		if iv == query.Hour {
			layout = time.RFC3339
		}
		start, err := time.Parse(layout, c.Value)
		if err != nil {
			return nil, fmt.Errorf("timeline %q: period %q: %w", q.String(), c.Value, err)
		}
		buckets = append(buckets, query.Bucket{Start: start, Count: c.Count})
	}
	return buckets, nil
}
