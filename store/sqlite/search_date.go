package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// pubKey is the published date with its fraction of a second padded to
// nine digits, as dateKey pads the date filters compare: padded, text
// order is time order. The articles_newest_first and articles_oldest_first
// indexes hold it.
const pubKey = "(substr(a.published_at, 1, 19) || '.' || substr(rtrim(substr(a.published_at, 21), 'Z') || '000000000', 1, 9))"

// datePos is a position in date order: after every dated article when
// dated is false (then only id counts), else at the published date key
// (pubKey) and id. The zero datePos, set false, is before the first
// article.
type datePos struct {
	set   bool
	dated bool
	key   string
	id    string
}

func datePosOf(a query.After) datePos {
	if a.ID == "" {
		return datePos{}
	}
	if a.Date == nil {
		return datePos{set: true, id: a.ID}
	}
	return datePos{set: true, dated: true, key: dateKeyOf(*a.Date), id: a.ID}
}

// datedCopy is a match read in date order, with its position.
type datedCopy struct {
	storyCopy
	pos datePos
}

// dateChunk is how many matches SearchByDate reads a statement at a time.
const dateChunk = 200

// SearchByDate returns up to limit articles matching q in date order,
// whatever their relevance: newest first, or oldest first when oldest is
// set, by published date, undated articles last either way, ties by id;
// only those that sort after after. With stories set, one hit per story:
// its first copy in that order, whose Copies counts the story's matching
// articles, and only the stories whose first copy sorts after after (a
// story with a copy at or before it was on an earlier page).
//
// A page starts with a seek to after in the date indexes, so that a deep
// page costs what the first does.
func (s *Store) SearchByDate(ctx context.Context, q query.Query, oldest, stories bool, after query.After, limit int) ([]query.Hit, error) {
	if limit <= 0 {
		limit = 10
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	p := planOf(q, time.Now())
	best, err := s.byDate(ctx, p, oldest, stories, datePosOf(after), limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
	}
	copies := map[string]int{}
	if stories {
		if copies, err = s.countCopies(ctx, p, best); err != nil {
			return nil, fmt.Errorf("search %q: %w", q.String(), timeoutErr(ctx, err))
		}
	}
	hits, err := s.hitsOf(ctx, q, best)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Copies = 1
		if stories && hits[i].StoryID != "" {
			hits[i].Copies = copies[hits[i].StoryID]
		}
	}
	return hits, nil
}

// byDate reads the matches of p after start in date order, dateChunk at a
// time, until it has limit of them (stories, when stories is set).
func (s *Store) byDate(ctx context.Context, p plan, oldest, stories bool, start datePos, limit int) ([]storyCopy, error) {
	cond, args := p.condition()
	seen := map[string]bool{}
	var best []storyCopy
	for pos := start; len(best) < limit; {
		page, err := s.datePage(ctx, cond, args, oldest, pos, dateChunk)
		if err != nil {
			return nil, err
		}
		if stories && start.set {
			var fresh []any
			for _, c := range page {
				if c.story != "" && !seen[c.story] {
					fresh = append(fresh, c.story)
				}
			}
			earlier, err := s.storiesUpTo(ctx, cond, args, oldest, start, fresh)
			if err != nil {
				return nil, err
			}
			for _, st := range earlier {
				seen[st] = true
			}
		}
		for _, c := range page {
			if stories && c.story != "" {
				if seen[c.story] {
					continue
				}
				seen[c.story] = true
			}
			best = append(best, c.storyCopy)
			if len(best) == limit {
				break
			}
		}
		if len(page) < dateChunk {
			break
		}
		pos = page[len(page)-1].pos
	}
	return best, nil
}

// datePage returns up to n matches of cond after pos in date order. It
// reads in up to three runs, each one seek in an index: the articles at
// pos's date after its id, those dated after pos's date, and the undated
// ones.
func (s *Store) datePage(ctx context.Context, cond string, args []any, oldest bool, pos datePos, n int) ([]datedCopy, error) {
	dir, beyond := "DESC", "<"
	if oldest {
		dir, beyond = "ASC", ">"
	}
	type run struct {
		where string
		args  []any
		order string
	}
	dated := "a.published_at IS NOT NULL AND "
	byDate := pubKey + " " + dir + ", a.id"
	undated := run{"a.published_at IS NULL", nil, "a.id"}
	var runs []run
	switch {
	case !pos.set:
		runs = []run{{dated + "1", nil, byDate}, undated}
	case !pos.dated:
		runs = []run{{"a.published_at IS NULL AND a.id > ?", []any{pos.id}, "a.id"}}
	default:
		runs = []run{
			{dated + pubKey + " = ? AND a.id > ?", []any{pos.key, pos.id}, "a.id"},
			{dated + pubKey + " " + beyond + " ?", []any{pos.key}, byDate},
			undated,
		}
	}
	var out []datedCopy
	for _, r := range runs {
		if len(out) == n {
			break
		}
		stmt := dateRun(cond, r.where, r.order)
		rows, err := s.db.QueryContext(ctx, stmt, append(append(append([]any{}, args...), r.args...), n-len(out))...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c datedCopy
			if err := rows.Scan(&c.rowid, &c.story, &c.pos.id, &c.pos.key); err != nil {
				rows.Close()
				return nil, err
			}
			c.pos.set, c.pos.dated = true, c.pos.key != ""
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dateRun is the statement of one run of datePage: the matches of cond
// that also satisfy where, in order, up to a limit (its last argument).
func dateRun(cond, where, order string) string {
	return `SELECT a.rowid, a.story_id, a.id, coalesce(` + pubKey + `, '') FROM articles a WHERE ` + cond + ` AND ` + where +
		` ORDER BY ` + order + ` LIMIT ?`
}

// storiesUpTo returns those of stories that have an article matching cond
// at or before pos in date order.
func (s *Store) storiesUpTo(ctx context.Context, cond string, args []any, oldest bool, pos datePos, stories []any) ([]string, error) {
	if len(stories) == 0 {
		return nil, nil
	}
	before := ">"
	if oldest {
		before = "<"
	}
	upTo := "(a.published_at IS NOT NULL OR a.id <= ?)"
	upToArgs := []any{pos.id}
	if pos.dated {
		upTo = "(a.published_at IS NOT NULL AND (" + pubKey + " " + before + " ? OR (" + pubKey + " = ? AND a.id <= ?)))"
		upToArgs = []any{pos.key, pos.key, pos.id}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT a.story_id FROM articles a WHERE a.story_id IN (`+placeholders(len(stories))+`) AND `+
		cond+` AND `+upTo, append(append(append([]any{}, stories...), args...), upToArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
