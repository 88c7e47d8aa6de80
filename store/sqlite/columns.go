package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// columns holds in memory, for every stored article, the values that
// facets, timelines and totals count: its site, language, hour (of its
// date, published else fetched) and the distinct names and event values
// it has, each as a small number, indexed by rowid. It is what
// Elasticsearch's doc values are to its aggregations. Counting the matches
// of a query is then a loop over their rowids: over 200,000 articles,
// joining every match to its names in SQL took up to a second, the loop
// takes milliseconds.
//
// It is built from the tables on first use (one to two seconds of
// processor time for 200,000 articles) and kept in step with every
// writer, in this process or another, through article_changes: each count
// first applies the rows written since the last. Memory is about 70 bytes
// an article plus the distinct values.
type columns struct {
	built   bool
	applied int64 // the last article_changes seq applied

	// By rowid; present is false for a rowid without an article.
	present []bool
	site    []uint32
	lang    []uint32
	hour    []uint32
	tags    [][]uint32
	// The article's date (published, else fetched) as Unix seconds and
	// nanoseconds, which since: and until: compare. oddDates is set once
	// a date was not RFC 3339 UTC text as Put writes it: then date
	// filters are left to SQL, which compares the text.
	sec      []int64
	nsec     []int32
	oddDates bool

	sites, langs, hours dict[string]
	tagDict             dict[tag]
}

// tag is one value an article is counted under in a facet of names or
// events.
type tag struct {
	facet tagFacet
	value string
}

type tagFacet uint8

const (
	tagPerson tagFacet = iota
	tagPlace
	tagOrg
	tagEventKind
	tagEventActor
)

// entityFacet returns the facet of an entity type, false for a type no
// facet counts (MISC).
func entityFacet(typ string) (tagFacet, bool) {
	switch typ {
	case article.Person:
		return tagPerson, true
	case article.Place:
		return tagPlace, true
	case article.Organization:
		return tagOrg, true
	}
	return 0, false
}

// dict numbers distinct values: the sites, languages and hours, and the
// tags.
type dict[K comparable] struct {
	ids    map[K]uint32
	values []K
}

func (d *dict[K]) id(v K) uint32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	if d.ids == nil {
		d.ids = map[K]uint32{}
	}
	id := uint32(len(d.values))
	d.ids[v] = id
	d.values = append(d.values, v)
	return id
}

// maxCatchUp is how many changed articles are applied one batch at a
// time; past it, and when article_changes no longer holds every row since
// the last one applied, the columns are read afresh.
const maxCatchUp = 50000

// refresh brings the columns in step with the committed tables. The
// reading goes on when ctx ends (a search's deadline would otherwise
// stop the first read of a large store every time): whoever waits next
// finds it done.
func (c *columns) refresh(ctx context.Context, db *sql.DB) error {
	ctx = context.WithoutCancel(ctx)
	var first, last sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM article_changes`).Scan(&first, &last); err != nil {
		return fmt.Errorf("article changes: %w", err)
	}
	switch {
	case c.built && last.Int64 == c.applied:
		return nil
	case c.built && last.Int64 > c.applied && first.Int64 <= c.applied+1 && last.Int64-c.applied <= maxCatchUp:
		return c.catchUp(ctx, db, last.Int64)
	}
	return c.build(ctx, db)
}

// build reads every article's values.
func (c *columns) build(ctx context.Context, db *sql.DB) error {
	*c = columns{}
	// The changes up to here are in what is read below; later ones are
	// applied again at the next refresh, which is harmless.
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM article_changes`).Scan(&c.applied); err != nil {
		return fmt.Errorf("article changes: %w", err)
	}
	if err := c.load(ctx, db, "", nil); err != nil {
		return err
	}
	c.built = true
	return nil
}

// catchUp applies the changes after c.applied up to last.
func (c *columns) catchUp(ctx context.Context, db *sql.DB, last int64) error {
	const changed = ` IN (SELECT article_rowid FROM article_changes WHERE seq > ? AND seq <= ?)`
	rows, err := db.QueryContext(ctx, `SELECT article_rowid FROM article_changes WHERE seq > ? AND seq <= ?`, c.applied, last)
	if err != nil {
		return fmt.Errorf("article changes: %w", err)
	}
	var rowids []int64
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return fmt.Errorf("article changes: %w", err)
		}
		rowids = append(rowids, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("article changes: %w", err)
	}
	// Forget the old values first: a deleted article has no row to
	// replace them.
	for _, r := range rowids {
		if r >= 0 && r < int64(len(c.present)) {
			c.present[r], c.tags[r] = false, nil
		}
	}
	if err := c.load(ctx, db, changed, []any{c.applied, last}); err != nil {
		c.built = false // half applied: read afresh next time
		return err
	}
	c.applied = last
	return nil
}

// load reads the values of the articles whose rowid satisfies "a.rowid"
// + in (every article for ""), replacing what was held for them.
func (c *columns) load(ctx context.Context, db *sql.DB, in string, args []any) error {
	cond := ""
	if in != "" {
		cond = " WHERE a.rowid" + in
	}
	rows, err := db.QueryContext(ctx, `SELECT a.rowid, a.site, a.language, `+articleDate+` FROM articles a`+cond, args...)
	if err != nil {
		return fmt.Errorf("count columns: %w", err)
	}
	for rows.Next() {
		var rowid int64
		var site, lang, date string
		if err := rows.Scan(&rowid, &site, &lang, &date); err != nil {
			rows.Close()
			return fmt.Errorf("count columns: %w", err)
		}
		if rowid < 0 {
			continue // not made by SQLite's rowid allocation; never stored by Put
		}
		c.grow(rowid)
		c.present[rowid] = true
		c.site[rowid], c.lang[rowid], c.hour[rowid] = c.sites.id(site), c.langs.id(lang), c.hours.id(date[:min(13, len(date))])
		c.tags[rowid] = nil
		t, err := time.Parse(time.RFC3339Nano, date)
		if err != nil || !strings.HasSuffix(date, "Z") {
			c.oddDates = true
		}
		c.sec[rowid], c.nsec[rowid] = t.Unix(), int32(t.Nanosecond())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count columns: %w", err)
	}
	// The entities table holds one row per distinct name of an article;
	// events are made distinct per article here, as the facets count
	// articles, not events.
	where := func(conds ...string) string {
		if in != "" {
			conds = append(conds, "a.rowid"+in)
		}
		return " WHERE " + strings.Join(conds, " AND ")
	}
	for _, st := range []string{
		// Other types are skipped by loadTags: filtering them here, the
		// planner reads the names through entities_name, in name order,
		// and looks up every article at random (over ten seconds for
		// 800,000 names instead of one).
		`SELECT a.rowid, e.type, e.canonical FROM articles a JOIN entities e ON e.article_id = a.id` + where("1"),
		`SELECT a.rowid, 'kind', ev.kind FROM articles a JOIN article_events ev ON ev.article_id = a.id` + where("1"),
		`SELECT a.rowid, 'actor', ev.facet_actor FROM articles a JOIN article_events ev ON ev.article_id = a.id` + where(`ev.facet_actor != ''`),
	} {
		if err := c.loadTags(ctx, db, st, args); err != nil {
			return err
		}
	}
	return nil
}

// loadTags adds the (rowid, type, value) rows of stmt to the tags of the
// articles held: entity types, or 'kind' and 'actor' for event values.
func (c *columns) loadTags(ctx context.Context, db *sql.DB, stmt string, args []any) error {
	rows, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("count columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var typ, value string
		if err := rows.Scan(&rowid, &typ, &value); err != nil {
			return fmt.Errorf("count columns: %w", err)
		}
		if rowid < 0 || rowid >= int64(len(c.present)) || !c.present[rowid] {
			continue
		}
		var f tagFacet
		switch typ {
		case "kind":
			f = tagEventKind
		case "actor":
			f = tagEventActor
		default:
			var ok bool
			if f, ok = entityFacet(typ); !ok {
				continue
			}
		}
		id := c.tagDict.id(tag{f, value})
		if !slices.Contains(c.tags[rowid], id) {
			c.tags[rowid] = append(c.tags[rowid], id)
		}
	}
	return rows.Err()
}

// grow makes room for rowid.
func (c *columns) grow(rowid int64) {
	if rowid < int64(len(c.present)) {
		return
	}
	n := max(rowid+1, int64(len(c.present))*5/4)
	c.present = slices.Grow(c.present, int(n)-len(c.present))[:n]
	c.site = slices.Grow(c.site, int(n)-len(c.site))[:n]
	c.lang = slices.Grow(c.lang, int(n)-len(c.lang))[:n]
	c.hour = slices.Grow(c.hour, int(n)-len(c.hour))[:n]
	c.tags = slices.Grow(c.tags, int(n)-len(c.tags))[:n]
	c.sec = slices.Grow(c.sec, int(n)-len(c.sec))[:n]
	c.nsec = slices.Grow(c.nsec, int(n)-len(c.nsec))[:n]
}

// matchSet is the articles a query matches: every stored article when all
// is set, or only those dated within the range when dated is also set;
// else those of rowids.
type matchSet struct {
	all    bool
	dated  bool
	from   moment // since: bound, inclusive
	to     moment // until: bound, inclusive
	rowids []int64
}

// moment is a time as Unix seconds and nanoseconds, which order as the
// time does.
type moment struct {
	sec  int64
	nsec int32
}

func momentOf(t time.Time) moment { return moment{t.Unix(), int32(t.Nanosecond())} }

func (m moment) compare(o moment) int {
	return cmp.Or(cmp.Compare(m.sec, o.sec), cmp.Compare(m.nsec, o.nsec))
}

// dateOnly returns the articles matching q when q is nothing but since:
// and until: bounds: every article dated within them.
func dateOnly(q query.Query, now time.Time) (matchSet, bool) {
	m := matchSet{all: true, dated: true, from: moment{math.MinInt64, 0}, to: moment{math.MaxInt64, 0}}
	for _, n := range q.Conjuncts() {
		if n.Op != query.Date {
			return matchSet{}, false
		}
		b := momentOf(n.Bound(now))
		if n.Field == "since" && b.compare(m.from) > 0 {
			m.from = b
		} else if n.Field == "until" && b.compare(m.to) < 0 {
			m.to = b
		}
	}
	return m, !q.Empty()
}

// has reports whether m holds the article at rowid, for a set of rowids.
func (m matchSet) has(rowid int64) bool {
	_, ok := slices.BinarySearch(m.rowids, rowid)
	return ok
}

// each calls fn with the rowid of every matching article the columns
// hold.
func (c *columns) each(m matchSet, fn func(rowid int64)) {
	if m.all {
		for r, ok := range c.present {
			if !ok {
				continue
			}
			if m.dated {
				at := moment{c.sec[r], c.nsec[r]}
				if at.compare(m.from) < 0 || at.compare(m.to) > 0 {
					continue
				}
			}
			fn(int64(r))
		}
		return
	}
	for _, r := range m.rowids {
		if r >= 0 && r < int64(len(c.present)) && c.present[r] {
			fn(r)
		}
	}
}

// total counts the matches.
func (c *columns) total(m matchSet) int {
	n := 0
	c.each(m, func(int64) { n++ })
	return n
}

// ranking keeps the n values most counted, most first, ties by value, as
// SQL's ORDER BY count DESC, value sorts them.
type ranking struct {
	n    int
	best []query.Count
}

// before reports whether a ranks before b.
func before(a, b query.Count) bool {
	return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
}

// add offers a value counted k times; the value is only made when it
// ranks among the n best, as most of many values do not.
func (r *ranking) add(k int, value func() string) {
	if k <= 0 || r.n <= 0 {
		return
	}
	if len(r.best) == r.n && k < r.best[r.n-1].Count {
		return
	}
	c := query.Count{Value: value(), Count: k}
	if len(r.best) == r.n && !before(c, r.best[r.n-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(r.best, c, func(e, c query.Count) int {
		if before(e, c) {
			return -1
		}
		return 1
	})
	r.best = slices.Insert(r.best, i, c)
	if len(r.best) > r.n {
		r.best = r.best[:r.n]
	}
}

// counts returns the ranking, an empty list for none.
func (r *ranking) counts() []query.Count {
	if r.best == nil {
		return []query.Count{}
	}
	return r.best
}

// facets counts the names, sites and event values of the matches.
func (c *columns) facets(m matchSet, n int) query.Facets {
	sites := make([]int, len(c.sites.values))
	tags := make([]int, len(c.tagDict.values))
	c.each(m, func(r int64) {
		sites[c.site[r]]++
		for _, t := range c.tags[r] {
			tags[t]++
		}
	})
	var byFacet [tagEventActor + 1]ranking
	for i := range byFacet {
		byFacet[i].n = n
	}
	for id, k := range tags {
		t := &c.tagDict.values[id]
		byFacet[t.facet].add(k, func() string { return t.value })
	}
	site := ranking{n: n}
	for id, k := range sites {
		site.add(k, func() string { return c.sites.values[id] })
	}
	return query.Facets{
		People:      byFacet[tagPerson].counts(),
		Places:      byFacet[tagPlace].counts(),
		Orgs:        byFacet[tagOrg].counts(),
		Sites:       site.counts(),
		EventKinds:  byFacet[tagEventKind].counts(),
		EventActors: byFacet[tagEventActor].counts(),
	}
}

// languages counts the languages of the matches, articles without one
// left out.
func (c *columns) languages(m matchSet, n int) []query.Count {
	langs := make([]int, len(c.langs.values))
	c.each(m, func(r int64) { langs[c.lang[r]]++ })
	rank := ranking{n: n}
	for id, k := range langs {
		if v := c.langs.values[id]; v != "" {
			rank.add(k, func() string { return v })
		}
	}
	return rank.counts()
}

// timeline counts the matches per period of iv, in period order, each
// period as the text of its first day (periodOf).
func (c *columns) timeline(m matchSet, iv query.Interval) ([]query.Count, error) {
	hours := make([]int, len(c.hours.values))
	c.each(m, func(r int64) { hours[c.hour[r]]++ })
	perPeriod := map[string]int{}
	for id, k := range hours {
		if k == 0 {
			continue
		}
		p, err := periodOf(c.hours.values[id], iv)
		if err != nil {
			return nil, err
		}
		perPeriod[p] += k
	}
	out := make([]query.Count, 0, len(perPeriod))
	for p, k := range perPeriod {
		out = append(out, query.Count{Value: p, Count: k})
	}
	slices.SortFunc(out, func(a, b query.Count) int { return cmp.Compare(a.Value, b.Value) })
	return out, nil
}

// periodOf is the first day (YYYY-MM-DD) of the period of a date whose
// first 13 characters (YYYY-MM-DDTHH) are hour, the hour itself for
// query.Hour (YYYY-MM-DDTHH:00:00Z). The stored times are UTC, so their
// first ten characters are the UTC day.
func periodOf(hour string, iv query.Interval) (string, error) {
	day := hour[:min(10, len(hour))]
	switch iv {
	case query.Hour:
		return hour + ":00:00Z", nil
	case query.Day:
		return day, nil
	case query.Month:
		return hour[:min(7, len(hour))] + "-01", nil
	case query.Week:
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return "", fmt.Errorf("date %q: %w", hour, err)
		}
		// date(d, '-6 days', 'weekday 1'): the Monday on or before d.
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("unknown interval %q", iv)
}

// counts is the store's columns and its memory of recent match sets.
type counts struct {
	mu   sync.Mutex // guards cols
	cols columns

	memoMu sync.Mutex
	memo   []memoEntry // newest last
}

// memoEntry is the match set of one statement as the tables stood at
// article_changes seq: while no article is written after it, the same
// statement matches the same articles. A search asks for its total,
// facets, languages and timeline one after another with one query; the
// matches are read once.
type memoEntry struct {
	key string
	seq int64
	m   matchSet
}

// memoSize is how many match sets are remembered; at most a few
// megabytes each for 200,000 articles.
const memoSize = 8

// count calls fn with the columns in step with the tables and the
// articles that q matches.
func (s *Store) count(ctx context.Context, q query.Query, fn func(c *columns, m matchSet) error) error {
	// Dates alone (a date range, and the denominator of a timeline's
	// shares) are compared in the columns: over 200,000 articles, the
	// rowids of a year from the date index took 50 ms.
	if m, ok := dateOnly(q, time.Now()); ok {
		done, err := s.countDated(ctx, m, fn)
		if done || err != nil {
			return err
		}
	}
	m, err := s.matchesNow(ctx, q)
	if err != nil {
		return err
	}
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	c := &s.counts.cols
	// Articles written while the matches were read are applied too, so
	// that each match is counted with its values.
	if err := c.refresh(ctx, s.db); err != nil {
		return err
	}
	return fn(c, m)
}

// countDated calls fn with the articles of m, unless a date in the
// columns was not as Put writes it (then it reports false).
func (s *Store) countDated(ctx context.Context, m matchSet, fn func(c *columns, m matchSet) error) (bool, error) {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	c := &s.counts.cols
	if err := c.refresh(ctx, s.db); err != nil {
		return false, err
	}
	if c.oddDates {
		return false, nil
	}
	return true, fn(c, m)
}

// matchesNow returns the articles q matches (see matches).
func (s *Store) matchesNow(ctx context.Context, q query.Query) (matchSet, error) {
	// Read before the matches, so that a write in between changes it for
	// the next call.
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM article_changes`).Scan(&seq); err != nil {
		return matchSet{}, fmt.Errorf("article changes: %w", err)
	}
	return s.matches(ctx, q, seq)
}

// matches returns the articles q matches, from the memory of match sets
// when the same statement was run with no article written since seq. The
// rowids are sorted.
func (s *Store) matches(ctx context.Context, q query.Query, seq int64) (matchSet, error) {
	if q.Empty() {
		return matchSet{all: true}, nil
	}
	stmt, args := planOf(q, time.Now()).matching()
	key := fmt.Sprintf("%s\x00%#v", stmt, args)
	s.counts.memoMu.Lock()
	for _, e := range s.counts.memo {
		if e.key == key && e.seq == seq {
			s.counts.memoMu.Unlock()
			return e.m, nil
		}
	}
	s.counts.memoMu.Unlock()
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return matchSet{}, err
	}
	defer rows.Close()
	var m matchSet
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return matchSet{}, err
		}
		m.rowids = append(m.rowids, r)
	}
	if err := rows.Err(); err != nil {
		return matchSet{}, err
	}
	slices.Sort(m.rowids) // for has
	s.counts.memoMu.Lock()
	defer s.counts.memoMu.Unlock()
	if len(s.counts.memo) == memoSize {
		s.counts.memo = slices.Delete(s.counts.memo, 0, 1)
	}
	s.counts.memo = append(s.counts.memo, memoEntry{key, seq, m})
	return m, nil
}
