package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// eventsSchema is the table of the withdrawal events of each article, one
// row an event, written with its article (Put) so that the event filters
// of the search language are SQL over it: one row must satisfy every
// filter of an Events node, as one event must. Actor names are stored as
// actorName folds them, so that LIKE '%' || query.PaddedName(value) || '%'
// finds whole words exactly as query.ActorNameMatch does.
const eventsSchema = `
CREATE TABLE IF NOT EXISTS article_events (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    new_announcement INTEGER NOT NULL,
    actor_canonical TEXT NOT NULL,
    actor_text TEXT NOT NULL,
    actor_country TEXT NOT NULL,
    facet_actor TEXT NOT NULL,
    PRIMARY KEY (article_id, n)
) WITHOUT ROWID;
`

// putEvents replaces the event rows of a.
func putEvents(ctx context.Context, tx *sql.Tx, a *article.Article) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_events WHERE article_id = ?`, a.ID); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	for i := range a.Events {
		e := &a.Events[i]
		var canonical, text, country string
		if e.Actor != nil {
			canonical, text, country = actorName(e.Actor.Canonical), actorName(e.Actor.Text), e.Actor.Country
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_events (article_id, n, type, kind, status, new_announcement,
			actor_canonical, actor_text, actor_country, facet_actor) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			a.ID, i, e.Type, e.Kind, e.Status, e.NewAnnouncement, canonical, text, country, query.EventFacetActor(e)); err != nil {
			return fmt.Errorf("events: %w", err)
		}
	}
	return nil
}

// actorName is an actor's name as article_events holds it, and an
// event.actor: value as the filter looks for it: query.PaddedName (the
// words, case and accents folded, between single spaces and with a space
// each side), or "" for a name without words, which the filter never
// looks for (a value without words matches no name).
func actorName(name string) string {
	if p := query.PaddedName(name); strings.TrimSpace(p) != "" {
		return p
	}
	return ""
}

// migrateEvents creates article_events and fills it from the articles
// stored before it existed, once per database (meta key article_events),
// 500 articles a transaction; an interrupted fill starts again at the next
// open, and rows are replaced, so that repeating it is harmless. Rows
// whose actor names were folded for case only are refolded
// (refoldActors).
func (s *Store) migrateEvents(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, eventsSchema); err != nil {
		return fmt.Errorf("events table: %w", err)
	}
	if err := s.refoldActors(ctx); err != nil {
		return fmt.Errorf("refold the actors of stored events: %w", err)
	}
	if err := s.backfill(ctx, "article_events", s.fillEventsPage); err != nil {
		return fmt.Errorf("index the events of stored articles: %w", err)
	}
	if err := s.facetCountryActors(ctx); err != nil {
		return fmt.Errorf("count stored actors under their country: %w", err)
	}
	return nil
}

// refoldActors folds the actor names of the event rows written before they
// were folded as name words (until then lowercased only), once per
// database (meta key article_events_folded), so that event.actor:erdogan
// finds "Erdoğan" in them too. It reads the rows' own values, not the
// articles: actorName of a lowercased name is actorName of the name, and
// a document this build cannot decode does not stop it. Only names with
// accents, hyphens or other than single spaces change; they are rewritten
// in one transaction, which an interrupted open repeats.
func (s *Store) refoldActors(ctx context.Context) error {
	return s.once(ctx, "article_events_folded", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT article_id, n, actor_canonical, actor_text FROM article_events
			WHERE actor_canonical != '' OR actor_text != ''`)
		if err != nil {
			return err
		}
		type refolded struct {
			id              string
			n               int
			canonical, text string
		}
		var changed []refolded
		for rows.Next() {
			var r refolded
			if err := rows.Scan(&r.id, &r.n, &r.canonical, &r.text); err != nil {
				rows.Close()
				return err
			}
			if c, t := actorName(r.canonical), actorName(r.text); c != r.canonical || t != r.text {
				r.canonical, r.text = c, t
				changed = append(changed, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range changed {
			if _, err := tx.ExecContext(ctx, `UPDATE article_events SET actor_canonical = ?, actor_text = ? WHERE article_id = ? AND n = ?`,
				r.canonical, r.text, r.id, r.n); err != nil {
				return err
			}
		}
		return nil
	})
}

// facetCountryActors gives the rows written before an actor that names no
// entity counted under its country (query.EventFacetActor) the facet value
// they would have now, once per database (meta key
// article_events_facet_country). It runs before the counts are first read
// in this process, and the rows keep what putEvents would write, so that a
// second process doing it at the same moment is harmless.
func (s *Store) facetCountryActors(ctx context.Context) error {
	return s.once(ctx, "article_events_facet_country", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT actor_country FROM article_events WHERE facet_actor = '' AND actor_country != ''`)
		if err != nil {
			return err
		}
		var codes []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			codes = append(codes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range codes {
			name := query.EventFacetActor(&article.Event{Actor: &article.Role{Country: c}})
			if name == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE article_events SET facet_actor = ? WHERE facet_actor = '' AND actor_country = ?`, name, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// fillEventsPage indexes the events of up to 500 articles after the rowid
// after, returning how many articles it read and the last rowid.
func (s *Store) fillEventsPage(ctx context.Context, after int64) (int, int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	// Only the documents that mention events (few of them) are decoded;
	// SQLite still reads every document to look for the key.
	rows, err := tx.QueryContext(ctx, `SELECT rowid, instr(doc, '"events":') > 0 FROM articles WHERE rowid > ? ORDER BY rowid LIMIT 500`, after)
	if err != nil {
		return 0, 0, err
	}
	var with []int64
	n, last := 0, after
	for rows.Next() {
		var rowid int64
		var has bool
		if err := rows.Scan(&rowid, &has); err != nil {
			rows.Close()
			return 0, 0, err
		}
		n, last = n+1, rowid
		if has {
			with = append(with, rowid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, rowid := range with {
		var doc string
		if err := tx.QueryRowContext(ctx, `SELECT doc FROM articles WHERE rowid = ?`, rowid).Scan(&doc); err != nil {
			return 0, 0, err
		}
		a, err := article.Unmarshal([]byte(doc))
		if err != nil {
			return 0, 0, fmt.Errorf("article at rowid %d: %w", rowid, err)
		}
		if err := putEvents(ctx, tx, a); err != nil {
			return 0, 0, err
		}
	}
	if n == 0 {
		return 0, 0, nil
	}
	return n, last, tx.Commit()
}

// events renders an Events node: an article with one event row that
// satisfies every kid.
func (r *render) events(n *query.Node) string {
	var conds []string
	for _, k := range n.Kids {
		conds = append(conds, r.event(k))
	}
	return "a.id IN (SELECT ev.article_id FROM article_events ev WHERE " + strings.Join(conds, " AND ") + ")"
}

// event renders a kid of an Events node as a condition on the event row
// ev, as query.MatchEvent decides it.
func (r *render) event(n *query.Node) string {
	switch n.Op {
	case query.And, query.Or:
		var parts []string
		for _, k := range n.Kids {
			parts = append(parts, r.event(k))
		}
		return "(" + strings.Join(parts, " "+n.Op.String()+" ") + ")"
	case query.Filter:
		switch n.Field {
		case "event":
			if n.Value == query.EventNewWithdrawal {
				r.args = append(r.args, query.EventWithdrawal)
				return "(ev.type = ? AND ev.new_announcement = 1)"
			}
			r.args = append(r.args, query.EventWithdrawal)
			return "ev.type = ?"
		case "event.kind":
			r.args = append(r.args, n.Value)
			return "ev.kind = ?"
		case "event.status":
			r.args = append(r.args, n.Value)
			return "ev.status = ?"
		case "event.actor":
			// A value without words names no actor (query.ActorNameMatch).
			var conds []string
			if w := actorName(n.Value); w != "" {
				like := "%" + likeEscape(w) + "%"
				r.args = append(r.args, like, like)
				conds = append(conds, `ev.actor_canonical LIKE ? ESCAPE '\'`, `ev.actor_text LIKE ? ESCAPE '\'`)
			}
			if c := query.ActorCountry(n.Value); c != "" {
				r.args = append(r.args, c)
				conds = append(conds, "ev.actor_country = ?")
			}
			if len(conds) == 0 {
				return "0"
			}
			return "(" + strings.Join(conds, " OR ") + ")"
		}
	}
	return "0"
}
