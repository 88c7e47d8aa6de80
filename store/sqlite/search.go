package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// SearchTimeout bounds every search, facet and timeline query: past it
// the statement is interrupted (the context's cancellation interrupts
// SQLite) and the call fails, so that no query holds a connection for
// long.
const SearchTimeout = 10 * time.Second

// bounded returns ctx with SearchTimeout as its deadline, unless it has
// an earlier one.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, SearchTimeout)
}

// timeoutErr names the deadline when it was what stopped a query.
func timeoutErr(ctx context.Context, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the query was stopped at its deadline (at most %s): %w", SearchTimeout, err)
	}
	return err
}

// render translates a parsed query into SQL over the articles table
// (alias a), collecting the statement's arguments. Free text is looked up
// in articles_terms, the FTS5 index of the analysed terms; a subtree of
// free text alone becomes one FTS5 expression.
type render struct {
	args []any
	now  time.Time
}

// plan is a query split for ranking: match is an FTS5 expression every
// result must satisfy and that ranks them (bm25), "" when the query has
// no free text at its top level; rest is the SQL condition for the
// remainder, "" for none.
type plan struct {
	match    string
	rest     string
	restArgs []any
	// narrowed is set when rest has a conjunct that is not a negation:
	// a filter whose own index lists few candidates, as a rule.
	narrowed bool
	// upTo, when not 0, leaves out the articles whose rowid is above it:
	// those stored after a snapshot (see SearchAt).
	upTo int64
}

func planOf(q query.Query, now time.Time) plan {
	var p plan
	var text []string
	var others []*query.Node
	for _, n := range q.Conjuncts() {
		if e, ok := ftsExpr(n); ok && n.Op != query.Not && query.TextOnly(n) {
			text = append(text, e)
			continue
		}
		others = append(others, n)
		p.narrowed = p.narrowed || n.Op != query.Not
	}
	if len(text) > 0 {
		p.match = strings.Join(text, " AND ")
	}
	if len(others) > 0 {
		r := &render{now: now}
		var conds []string
		for _, n := range others {
			conds = append(conds, r.sql(n))
		}
		p.rest, p.restArgs = strings.Join(conds, " AND "), r.args
	}
	return p
}

// condition is the whole plan as one SQL condition over a, for the
// statements that do not rank: Scan, facets and timelines.
func (p plan) condition() (string, []any) {
	var conds []string
	var args []any
	if p.match != "" {
		conds = append(conds, ftsIn)
		args = append(args, p.match)
	}
	if p.rest != "" {
		conds = append(conds, p.rest)
		args = append(args, p.restArgs...)
	}
	if p.upTo != 0 {
		conds = append(conds, "a.rowid <= ?")
		args = append(args, p.upTo)
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

// matching is the statement of the rowids of the articles matching p, for
// counting. Free text alone is read from the full-text index alone (the
// rowids of 38,000 matches in 10 ms). With other conditions, the articles
// are found from the full-text matches when those conditions are all
// negations, and from the other conditions' own lookups otherwise: over
// 200,000 articles, reading a word's 38,000 matches to test a name filter
// took 50 ms, the name's 500 articles tested for the word 16 ms, and the
// other way round for a word less a site.
func (p plan) matching() (string, []any) {
	switch {
	case p.match != "" && p.rest == "":
		return `SELECT rowid FROM articles_terms WHERE articles_terms MATCH ?`, []any{p.match}
	case p.match != "" && !p.narrowed:
		return `SELECT a.rowid FROM articles_terms JOIN articles a ON a.rowid = articles_terms.rowid
			WHERE articles_terms MATCH ? AND ` + p.rest, append([]any{p.match}, p.restArgs...)
	}
	cond, args := p.condition()
	return `SELECT a.rowid FROM articles a WHERE ` + cond, args
}

// ftsIn is the condition that an article matches an FTS5 expression. The
// unary + keeps the planner from pushing the rowid into the FTS5 table as
// a constraint, which would run the full-text query once per article
// (milliseconds each) instead of once.
const ftsIn = "+a.rowid IN (SELECT rowid FROM articles_terms WHERE articles_terms MATCH ?)"

// ftsQuote quotes an analysed term for FTS5. Terms hold letters, digits
// and marks only, which the ascii tokenizer keeps whole.
func ftsQuote(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// ftsExpr renders n as an FTS5 expression if it is free text alone:
// words, phrases, proximity and prefixes combined by AND, OR and AND NOT
// (FTS5 has no NOT of its own, so a NOT needs a positive sibling).
func ftsExpr(n *query.Node) (string, bool) {
	cols := func(words bool) string {
		switch {
		case n.Field == "title" && words:
			return "{title_words}"
		case n.Field == "title":
			return "{title}"
		case words:
			return "{title_words body_words}"
		}
		return "{title body}"
	}
	switch n.Op {
	case query.Text:
		return cols(false) + " : " + ftsQuote(strings.Join(n.Terms, " ")), true
	case query.Near:
		var ps []string
		for _, t := range n.Terms {
			ps = append(ps, ftsQuote(t))
		}
		// FTS5 counts the words between the first and the last match,
		// the other matched words included; the language counts only the
		// words that are not matched.
		return fmt.Sprintf("%s : NEAR(%s, %d)", cols(false), strings.Join(ps, " "), n.Slop+len(n.Terms)-2), true
	case query.Prefix:
		return cols(true) + " : " + ftsQuote(n.Terms[0]) + " *", true
	case query.Or:
		var parts []string
		for _, k := range n.Kids {
			e, ok := ftsExpr(k)
			if !ok || k.Op == query.Not {
				return "", false
			}
			parts = append(parts, e)
		}
		return "(" + strings.Join(parts, " OR ") + ")", true
	case query.And:
		var pos, neg []string
		for _, k := range n.Kids {
			if k.Op == query.Not {
				e, ok := ftsExpr(k.Kids[0])
				if !ok || k.Kids[0].Op == query.Not {
					return "", false
				}
				neg = append(neg, e)
				continue
			}
			e, ok := ftsExpr(k)
			if !ok {
				return "", false
			}
			pos = append(pos, e)
		}
		if len(pos) == 0 {
			return "", false
		}
		e := "(" + strings.Join(pos, " AND ") + ")"
		for _, x := range neg {
			e = "(" + e + " NOT " + x + ")"
		}
		return e, true
	}
	return "", false
}

// sql renders n as an SQL condition over a.
func (r *render) sql(n *query.Node) string {
	if e, ok := ftsExpr(n); ok {
		r.args = append(r.args, e)
		return ftsIn
	}
	switch n.Op {
	case query.And, query.Or:
		var parts []string
		for _, k := range n.Kids {
			parts = append(parts, r.sql(k))
		}
		return "(" + strings.Join(parts, " "+n.Op.String()+" ") + ")"
	case query.Not:
		return "NOT " + r.sql(n.Kids[0])
	case query.Text, query.Near, query.Prefix:
		// ftsExpr renders every text leaf; this is not reached.
		return "0"
	case query.Filter:
		return r.filter(n)
	case query.Events:
		return r.events(n)
	case query.Date:
		r.args = append(r.args, dateKeyOf(n.Bound(r.now)))
		if n.Field == "since" {
			return "(" + dateKey + " >= ?)"
		}
		return "(" + dateKey + " <= ?)"
	case query.Figure:
		r.args = append(r.args, n.Field)
		if n.Cmp == "" {
			return "a.id IN (SELECT article_id FROM figures WHERE kind = ?)"
		}
		r.args = append(r.args, n.Number)
		return "a.id IN (SELECT article_id FROM figures WHERE kind = ? AND value " + n.Cmp + " ?)"
	}
	return "0"
}

// filter renders a field filter.
func (r *render) filter(n *query.Node) string {
	f, ok := query.FieldNamed(n.Field)
	if !ok {
		return "0"
	}
	switch f.Kind {
	case query.NameField:
		// A name matches when it holds the value as whole words, case
		// and accents folded: its padded form contains the value's
		// (query.PaddedName), which also covers equality. Such a name has every word of the
		// value, so the value's longest word finds the candidates through
		// the primary key of entity_words, and the check runs on those
		// alone.
		words := nameWords(n.Value)
		if len(words) == 0 {
			return "0"
		}
		key := words[0]
		for _, w := range words[1:] {
			if len(w) > len(key) {
				key = w
			}
		}
		r.args = append(r.args, f.Entity, key, "%"+likeEscape(query.PaddedName(n.Value))+"%")
		// CROSS JOIN keeps the word lookup as the outer loop: without
		// statistics the planner would rather read every name of the type.
		return `a.id IN (SELECT e.article_id FROM entity_words w
			CROSS JOIN entities e ON e.type = w.type AND e.canonical = w.canonical COLLATE NOCASE AND e.canonical = w.canonical
			WHERE w.type = ? AND w.word = ? AND w.folded LIKE ? ESCAPE '\')`
	case query.HostField:
		r.args = append(r.args, n.Value, "%."+likeEscape(n.Value))
		return `(a.site = ? OR a.site LIKE ? ESCAPE '\')`
	case query.KeyField, query.PhraseField:
		r.args = append(r.args, query.KeyOf(n.Field, n.Value))
		return "a.rowid IN (SELECT article_rowid FROM article_keys WHERE key = ?)"
	}
	return "0"
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

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ranked is the statement of the matches of p in rank order, with the
// given columns: by bm25 (the title weighing five times the body) when
// the query has free text at its top level, newest first otherwise.
func (p plan) ranked(columns string) (string, []any) {
	if p.match != "" {
		cond := "articles_terms MATCH ?"
		args := []any{p.match}
		if p.rest != "" {
			cond += " AND " + p.rest
			args = append(args, p.restArgs...)
		}
		if p.upTo != 0 {
			cond += " AND a.rowid <= ?"
			args = append(args, p.upTo)
		}
		return `SELECT ` + columns + ` FROM articles_terms JOIN articles a ON a.rowid = articles_terms.rowid
			WHERE ` + cond + ` ORDER BY bm25(articles_terms, 5.0, 1.0, 5.0, 1.0), a.id`, args
	}
	cond, args := p.condition()
	return `SELECT ` + columns + ` FROM articles a WHERE ` + cond + ` ORDER BY a.published_at IS NULL, a.published_at DESC, a.id`, args
}

// hitColumns are the columns scanHits reads.
const hitColumns = "a.id, a.title, a.url, a.site, a.published_at, a.body, a.story_id, 1"

// Search returns up to limit articles matching q: by relevance when q has
// free text at its top level, newest first otherwise.
func (s *Store) Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	return s.search(ctx, q, planOf(q, time.Now()), limit)
}

// SearchStories is Search with one hit per story: the best-ranked matching
// copy, whose Copies counts the story's matching articles. limit counts
// stories. A story ranks where its best copy does.
//
// The matches are read in rank order only until limit stories have
// appeared, then the copies of those stories alone are counted and their
// hits made, rather than grouping every match: a broad query on a large
// store stays about as fast as Search.
func (s *Store) SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error) {
	return s.searchStories(ctx, q, planOf(q, time.Now()), limit)
}

// Snapshot returns a token for the articles stored now: searches within
// it (SearchAt) leave out every article stored later, so that the pages of
// one ranking do not shift as articles arrive. It names the highest rowid,
// which a later article exceeds; an article revised after the snapshot
// keeps its rowid, and is ranked as it is now. It never expires.
func (s *Store) Snapshot(ctx context.Context) (string, error) {
	var top int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM articles`).Scan(&top); err != nil {
		return "", fmt.Errorf("search snapshot: %w", err)
	}
	return snapshotPrefix + strconv.FormatInt(top, 10), nil
}

// snapshotPrefix marks the embedded store's snapshot tokens.
const snapshotPrefix = "rowid:"

// SearchAt is Search (stories false) or SearchStories (stories true) over
// the articles of a snapshot from Snapshot. A token this store did not
// give out fails as an expired one does (query.ErrSnapshotExpired), so
// that a caller starts again.
func (s *Store) SearchAt(ctx context.Context, snapshot string, q query.Query, stories bool, limit int) ([]query.Hit, error) {
	top, err := strconv.ParseInt(strings.TrimPrefix(snapshot, snapshotPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(snapshot, snapshotPrefix) || top < 0 {
		return nil, fmt.Errorf("search %q: %q is not a snapshot of this store: %w", q.String(), snapshot, query.ErrSnapshotExpired)
	}
	p := planOf(q, time.Now())
	p.upTo = top
	if top == 0 {
		p.upTo = -1 // an empty store's snapshot: rowids start at 1
	}
	if stories {
		return s.searchStories(ctx, q, p, limit)
	}
	return s.search(ctx, q, p, limit)
}

func (s *Store) search(ctx context.Context, q query.Query, p plan, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	var best []storyCopy
	err := s.inRank(ctx, p, func(c storyCopy) bool {
		best = append(best, c)
		return len(best) < limit
	})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	return s.hitsOf(ctx, q, best)
}

func (s *Store) searchStories(ctx context.Context, q query.Query, p plan, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	seen := map[string]bool{}
	var best []storyCopy
	err := s.inRank(ctx, p, func(c storyCopy) bool {
		if c.story != "" {
			if seen[c.story] {
				return true
			}
			seen[c.story] = true
		}
		best = append(best, c)
		return len(best) < limit
	})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	var copies map[string]int
	if p.match != "" {
		copies, err = s.countCopiesIn(ctx, q, best)
	} else {
		copies, err = s.countCopies(ctx, p, best)
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
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

// countCopiesIn counts the articles matching q of each story in best from
// q's match set (matches), which the counts of the same search then
// reuse: for free text, reading the matches' rowids from the full-text
// index costs less than testing each copy against the full-text match, as
// countCopies does.
func (s *Store) countCopiesIn(ctx context.Context, q query.Query, best []storyCopy) (map[string]int, error) {
	stories := storiesOf(best)
	counts := map[string]int{}
	if len(stories) == 0 {
		return counts, nil
	}
	m, err := s.matchesNow(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT story_id, rowid FROM articles WHERE story_id IN (`+placeholders(len(stories))+`)`, stories...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var story string
		var rowid int64
		if err := rows.Scan(&story, &rowid); err != nil {
			return nil, err
		}
		if m.has(rowid) {
			counts[story]++
		}
	}
	return counts, rows.Err()
}

// storyCopy is a matching article and its story.
type storyCopy struct {
	rowid int64
	story string // "" for an article that is a story of its own
}

// inRank calls take with the matches of p in rank order (see ranked)
// until it returns false or they run out.
func (s *Store) inRank(ctx context.Context, p plan, take func(storyCopy) bool) error {
	if p.match != "" && p.rest == "" {
		return s.inScoreOrder(ctx, p.match, p.upTo, take)
	}
	stmt, args := p.ranked("a.rowid, a.story_id")
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c storyCopy
		if err := rows.Scan(&c.rowid, &c.story); err != nil {
			return err
		}
		if !take(c) {
			return nil
		}
	}
	return rows.Err()
}

// inScoreOrder is inRank for a query of free text alone. The matches are
// sorted by score in the full-text index alone, the best few hundred
// first, and then only the articles of the scores used are read (their
// ids, which order equal scores, and their stories), one run of equal
// scores at a time: joining every match to its article before sorting, as
// ranked does, took twice as long for a word in a fifth of 200,000
// articles. A run of equal scores that a read cuts off is read on its own,
// sorted by id in SQL and handed over as take wants it, and the next read
// starts after its score: a common word whose matches tie by the thousand
// (a generated store's like articles) costs two passes over its matches,
// where reading four times more each time took five (118 ms against 185 ms
// at the median for 38,000 matches in 200,000 articles).
//
// Scoring rowid ranges at once on two connections was measured and
// dropped: a common word 1.4 times faster, a phrase 1.3 times slower, as
// every statement counts the phrase's documents again for its weight.
func (s *Store) inScoreOrder(ctx context.Context, match string, upTo int64, take func(storyCopy) bool) error {
	var after *float64 // the runs up to this score were given to take
	given := map[int64]bool{}
	// give hands copies to take once each: a write between two reads
	// changes every score a little, so a later read may hold a row given.
	give := func(c storyCopy) bool {
		if given[c.rowid] {
			return true
		}
		given[c.rowid] = true
		return take(c)
	}
	for {
		sorted, err := s.bestScores(ctx, match, upTo, after, scoreRead)
		if err != nil {
			return err
		}
		full := len(sorted) == scoreRead
		for len(sorted) > 0 {
			k := 1
			for k < len(sorted) && sorted[k].score == sorted[0].score {
				k++
			}
			score := sorted[0].score
			if full && k == len(sorted) {
				// The run may go on past the read: read it whole.
				more, read, err := s.runByID(ctx, match, upTo, score, give)
				if err != nil || !more {
					return err
				}
				if read >= k {
					sorted, after = nil, &score
					break
				}
				// The statistics changed between the reads: give the run
				// as first read.
			}
			rowids := make([]int64, k)
			for i := range k {
				rowids[i] = sorted[i].rowid
			}
			copies, err := s.copiesByID(ctx, rowids)
			if err != nil {
				return err
			}
			for _, c := range copies {
				if !give(c) {
					return nil
				}
			}
			sorted, after = sorted[k:], &score
		}
		if !full {
			return nil
		}
	}
}

// scoreRead is how many of the best scores one read of bestScores takes.
const scoreRead = 256

// runByID hands give the matches that score exactly score (bm25 is
// computed the same way each time, so equal is equal), in id order, until
// give returns false. It reports whether give wanted more, and how many
// matches it read.
func (s *Store) runByID(ctx context.Context, match string, upTo int64, score float64, give func(storyCopy) bool) (bool, int, error) {
	stmt := `SELECT a.rowid, a.story_id FROM articles_terms JOIN articles a ON a.rowid = articles_terms.rowid
		WHERE articles_terms MATCH ? AND bm25(articles_terms, 5.0, 1.0, 5.0, 1.0) = ?`
	args := []any{match, score}
	if upTo != 0 {
		stmt += ` AND a.rowid <= ?`
		args = append(args, upTo)
	}
	rows, err := s.db.QueryContext(ctx, stmt+` ORDER BY a.id`, args...)
	if err != nil {
		return false, 0, err
	}
	defer rows.Close()
	read := 0
	for rows.Next() {
		var c storyCopy
		if err := rows.Scan(&c.rowid, &c.story); err != nil {
			return false, read, err
		}
		read++
		if !give(c) {
			return false, read, nil
		}
	}
	return true, read, rows.Err()
}

// scoredRow is a full-text match and its bm25 score (lower is better).
type scoredRow struct {
	rowid int64
	score float64
}

// bestScores returns the n best-scored matches of a full-text expression
// that score worse than after (if not nil), best first, leaving out rowids
// above upTo when it is not 0; equal scores come in no set order. They are read whole before any article is, so that
// one search never holds two of the pool's connections.
func (s *Store) bestScores(ctx context.Context, match string, upTo int64, after *float64, n int) ([]scoredRow, error) {
	// The bound is left out when there is none: a rowid constraint costs
	// the full-text scan about 5% on a common word.
	stmt, args := `SELECT rowid, bm25(articles_terms, 5.0, 1.0, 5.0, 1.0) AS score
		FROM articles_terms WHERE articles_terms MATCH ?`, []any{match}
	if upTo != 0 {
		stmt += ` AND rowid <= ?`
		args = append(args, upTo)
	}
	if after != nil {
		stmt += ` AND bm25(articles_terms, 5.0, 1.0, 5.0, 1.0) > ?`
		args = append(args, *after)
	}
	rows, err := s.db.QueryContext(ctx, stmt+` ORDER BY score LIMIT ?`, append(args, n)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scoredRow
	for rows.Next() {
		var r scoredRow
		if err := rows.Scan(&r.rowid, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// copiesByID returns the articles of rowids, in id order; a rowid without
// an article is left out.
func (s *Store) copiesByID(ctx context.Context, rowids []int64) ([]storyCopy, error) {
	type withID struct {
		storyCopy
		id string
	}
	var found []withID
	for chunk := range slices.Chunk(rowids, 500) {
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r
		}
		rows, err := s.db.QueryContext(ctx, `SELECT rowid, id, story_id FROM articles WHERE rowid IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c withID
			if err := rows.Scan(&c.rowid, &c.id, &c.story); err != nil {
				rows.Close()
				return nil, err
			}
			found = append(found, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(found, func(a, b withID) int { return strings.Compare(a.id, b.id) })
	out := make([]storyCopy, len(found))
	for i, c := range found {
		out[i] = c.storyCopy
	}
	return out, nil
}

// storiesOf returns the story ids of best that are not "", as arguments
// of an IN list.
func storiesOf(best []storyCopy) []any {
	var stories []any
	for _, c := range best {
		if c.story != "" {
			stories = append(stories, c.story)
		}
	}
	return stories
}

// countCopies counts the articles matching p of each story in best.
func (s *Store) countCopies(ctx context.Context, p plan, best []storyCopy) (map[string]int, error) {
	stories := storiesOf(best)
	counts := map[string]int{}
	if len(stories) == 0 {
		return counts, nil
	}
	cond, args := p.condition()
	rows, err := s.db.QueryContext(ctx, `SELECT a.story_id, count(*) FROM articles a WHERE a.story_id IN (`+placeholders(len(stories))+`) AND `+cond+` GROUP BY a.story_id`,
		append(stories, args...)...)
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

// hitsOf makes the hits of the articles in best, in that order.
func (s *Store) hitsOf(ctx context.Context, q query.Query, best []storyCopy) ([]query.Hit, error) {
	if len(best) == 0 {
		return nil, nil
	}
	var args []any
	for _, c := range best {
		args = append(args, c.rowid)
	}
	stmt := `SELECT ` + hitColumns + `, a.rowid FROM articles a WHERE a.rowid IN (` + placeholders(len(best)) + `)`
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

// scanHits runs a search statement whose columns are hitColumns,
// followed by the article's rowid when withRowid is set. The body column
// becomes the hit's snippet (query.Snippet).
func (s *Store) scanHits(ctx context.Context, q query.Query, stmt string, args []any, withRowid bool) ([]query.Hit, []int64, error) {
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	defer rows.Close()
	var hits []query.Hit
	var rowids []int64
	for rows.Next() {
		var h query.Hit
		var pub sql.NullString
		var body string
		dest := []any{&h.ID, &h.Title, &h.URL, &h.Site, &pub, &body, &h.StoryID, &h.Copies}
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
		h.Snippet = query.Snippet(q, body)
		hits = append(hits, h)
		rowids = append(rowids, rowid)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	if err := s.hitEvents(ctx, hits); err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	return hits, rowids, nil
}

// hitEvents fills the Events of the hits whose articles have any, from
// the stored document as Elasticsearch reads its _source (into
// query.HitEvent). It runs once for the page of hits, after the search
// has cut it, so that a search matching many articles does not look up
// events for every match; most articles have none and are not parsed.
func (s *Store) hitEvents(ctx context.Context, hits []query.Hit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]any, len(hits))
	at := make(map[string][]int, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
		at[h.ID] = append(at[h.ID], i)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, json_extract(a.doc, '$.events') FROM articles a
		WHERE a.id IN (SELECT DISTINCT article_id FROM article_events WHERE article_id IN (`+placeholders(len(ids))+`))`, ids...)
	if err != nil {
		return fmt.Errorf("events of hits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var doc sql.NullString
		if err := rows.Scan(&id, &doc); err != nil {
			return fmt.Errorf("events of hits: %w", err)
		}
		if !doc.Valid {
			continue
		}
		var evs []query.HitEvent
		if err := json.Unmarshal([]byte(doc.String), &evs); err != nil {
			return fmt.Errorf("events of %s: %w", id, err)
		}
		for _, i := range at[id] {
			hits[i].Events = evs
		}
	}
	return rows.Err()
}

// scanStatement reads a page of Scan: through the id index, named so
// that the planner never sorts every remaining match for each page, which
// it chose for a key filter such as lang:en (see Export).
func scanStatement(cond string) string {
	return `SELECT a.id, a.doc FROM articles a INDEXED BY ` + idIndex + ` WHERE a.id > ? AND ` + cond + ` ORDER BY a.id LIMIT ?`
}

// Scan calls fn for every article matching q whose id sorts after after
// ("" for all), in id order. Ordering by id is what makes an interrupted
// export resumable: the last id written is where to start again. Relative
// dates are resolved once, when the scan starts.
func (s *Store) Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error {
	cond, args := planOf(q, time.Now()).condition()
	const page = 500
	for {
		pageArgs := append(append([]any{after}, args...), page)
		rows, err := s.db.QueryContext(ctx, scanStatement(cond), pageArgs...)
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

// Facets returns the n most frequent people, places, organisations,
// sites, event kinds and event actors among all the articles matching q
// (see query.Facets), counted in the store's columns (columns.go). Names
// are those of the entities table, as person:, place: and org: match them.
func (s *Store) Facets(ctx context.Context, q query.Query, n int) (query.Facets, error) {
	if n <= 0 {
		n = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	var f query.Facets
	err := s.count(ctx, q, func(c *columns, m matchSet) error {
		f = c.facets(m, n)
		return nil
	})
	if err != nil {
		return query.Facets{}, fmt.Errorf("facets %q: %w", q.String(), timeoutErr(ctx, err))
	}
	return f, nil
}

// querier is a database or one of its connections.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readCounts runs a statement of (value, count) rows.
func readCounts(ctx context.Context, db querier, stmt string, args ...any) ([]query.Count, error) {
	rows, err := db.QueryContext(ctx, stmt, args...)
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

// Timeline counts the articles matching q per period, by published time,
// else fetch time. Periods without articles are left out.
func (s *Store) Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error) {
	switch iv {
	case query.Hour, query.Day, query.Week, query.Month:
	default:
		return nil, fmt.Errorf("timeline: unknown interval %q", iv)
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	var counts []query.Count
	err := s.count(ctx, q, func(c *columns, m matchSet) error {
		var err error
		counts, err = c.timeline(m, iv)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("timeline %q: %w", q.String(), timeoutErr(ctx, err))
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
