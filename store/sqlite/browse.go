package sqlite

import (
	"context"
	"fmt"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// The reads below serve the web page and HTTP API (package server): the
// copies of one story, completion of names and sites, the languages facet
// and the number of matches. The Elasticsearch store answers them alike.

// StoryArticles returns up to limit articles of story storyID in id order.
func (s *Store) StoryArticles(ctx context.Context, storyID string, limit int) ([]*article.Article, error) {
	if storyID == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM articles WHERE story_id = ? ORDER BY id LIMIT ?`, storyID, limit)
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", storyID, err)
	}
	defer rows.Close()
	var out []*article.Article
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("story %s: %w", storyID, err)
		}
		a, err := article.Unmarshal([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", storyID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("story %s: %w", storyID, err)
	}
	return out, nil
}

// Suggest returns up to n values of field ("person", "place", "org",
// "site" or "event.actor": the values the event_actors facet counts,
// query.EventFacetActor) that start with prefix, ignoring ASCII case,
// with the number of articles having each, most first, ties by value.
func (s *Store) Suggest(ctx context.Context, field, prefix string, n int) ([]query.Count, error) {
	like := likeEscape(prefix) + "%"
	var counts []query.Count
	var err error
	switch field {
	case "site":
		counts, err = readCounts(ctx, s.db, `SELECT site, count(*) AS n FROM articles WHERE site LIKE ? ESCAPE '\'
			GROUP BY site ORDER BY n DESC, site LIMIT ?`, like, n)
	case "person", "place", "org":
		typ := map[string]string{"person": article.Person, "place": article.Place, "org": article.Organization}[field]
		counts, err = readCounts(ctx, s.db, `SELECT canonical, count(*) AS n FROM entities WHERE type = ? AND canonical LIKE ? ESCAPE '\'
			GROUP BY canonical ORDER BY n DESC, canonical LIMIT ?`, typ, like, n)
	case "event.actor":
		// An article with several events of one actor counts once.
		counts, err = readCounts(ctx, s.db, `SELECT facet_actor, count(DISTINCT article_id) AS n FROM article_events
			WHERE facet_actor != '' AND facet_actor LIKE ? ESCAPE '\'
			GROUP BY facet_actor ORDER BY n DESC, facet_actor LIMIT ?`, like, n)
	default:
		return nil, fmt.Errorf("suggest: unknown field %q", field)
	}
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", field, prefix, err)
	}
	return counts, nil
}

// Languages returns the n most frequent languages among the articles
// matching q, most first, ties by value; articles without one are left out.
func (s *Store) Languages(ctx context.Context, q query.Query, n int) ([]query.Count, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	var counts []query.Count
	err := s.count(ctx, q, func(c *columns, m matchSet) error {
		counts = c.languages(m, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("languages %q: %w", q.String(), timeoutErr(ctx, err))
	}
	return counts, nil
}

// Total returns the number of articles matching q, every copy counted.
func (s *Store) Total(ctx context.Context, q query.Query) (int, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	var n int
	err := s.count(ctx, q, func(c *columns, m matchSet) error {
		n = c.total(m)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %q: %w", q.String(), timeoutErr(ctx, err))
	}
	return n, nil
}
