package sqlite

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestEventsFilledForAnOlderDatabase opens a database written before the
// article_events table existed: the events of the articles already
// stored are indexed on open, so the event filters find them, and an
// article without events is left as it was.
func TestEventsFilledForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	body := "Russia will withdraw its troops from the border."
	a := storetest.Mk("/a", "apnews.com", "t", body, t0)
	a.Events = []article.Event{storetest.Event(body, "withdraw", "military", "announced", true, storetest.Actor(body, "Russia", "Russia", "RU"))}
	plain := storetest.Mk("/b", "apnews.com", "t", "A cash withdrawal.", t0)
	for _, x := range []*article.Article{a, plain} {
		if err := s.Put(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	s = reopenAsOlder(t, s, dir, `DROP TABLE article_events; DELETE FROM meta WHERE key = 'article_events'`)
	for _, tt := range []struct{ q, want string }{
		{"event:new-withdrawal", a.ID},
		{"event.kind:military event.actor:RU", a.ID},
		{"-event:withdrawal", plain.ID},
	} {
		hits, err := s.Search(ctx, query.MustParse(tt.q), 10)
		if err != nil || len(hits) != 1 || hits[0].ID != tt.want {
			t.Errorf("search %s after reopening = %v, %v; want %s", tt.q, hits, err, tt.want)
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM article_events`).Scan(&n); err != nil || n != 1 {
		t.Errorf("article_events holds %d rows (%v), want the 1 event", n, err)
	}
}

// TestActorsRefoldedForAnOlderDatabase opens a database whose actor names
// were folded for case only, as before they were folded as name words:
// on open its event rows are refolded, even with a document this build
// cannot decode stored, so event.actor:erdogan finds
// "Recep Tayyip Erdoğan" and event.actor:assad "Bashar al-Assad".
func TestActorsRefoldedForAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	body := "Recep Tayyip Erdoğan will withdraw troops from Idlib. Bashar al-Assad withdrew his forces from Daraa."
	a := storetest.Mk("/a", "apnews.com", "t", body, t0)
	a.Events = []article.Event{
		storetest.Event(body, "will withdraw", "military", "announced", true, storetest.Actor(body, "Recep Tayyip Erdoğan", "Recep Tayyip Erdoğan", "TR")),
		storetest.Event(body, "withdrew", "military", "completed", true, storetest.Actor(body, "Bashar al-Assad", "Bashar al-Assad", "SY")),
	}
	// A document this build cannot decode (another schema version) must
	// not stop the refold: it folds the rows, not the articles.
	otherBody := "Vladimir Putin will withdraw troops."
	b := storetest.Mk("/b", "apnews.com", "t", otherBody, t0)
	b.Events = []article.Event{storetest.Event(otherBody, "will withdraw", "military", "announced", true, storetest.Actor(otherBody, "Vladimir Putin", "Vladimir Putin", "RU"))}
	if err := s.PutBatch(ctx, []*article.Article{a, b}); err != nil {
		t.Fatal(err)
	}
	s = reopenAsOlder(t, s, dir, `UPDATE article_events SET actor_canonical = ' recep tayyip erdoğan ', actor_text = ' recep tayyip erdoğan ' WHERE article_id = '`+a.ID+`' AND n = 0;
		UPDATE article_events SET actor_canonical = ' bashar al-assad ', actor_text = ' bashar al-assad ' WHERE article_id = '`+a.ID+`' AND n = 1;
		UPDATE articles SET doc = replace(doc, '"schema_version":1', '"schema_version":2') WHERE id = '`+b.ID+`';
		DELETE FROM meta WHERE key = 'article_events_folded'`)
	for _, q := range []string{`event.actor:erdogan`, `event.actor:"Erdoğan" event.status:announced`, `event.actor:assad`, `event.actor:"al-Assad" event.status:completed`} {
		hits, err := s.Search(ctx, query.MustParse(q), 10)
		if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
			t.Errorf("search %s after reopening = %v, %v; want the stored article", q, hits, err)
		}
	}
}

// TestCountryActorsCountedInAnOlderDatabase opens a database written when
// an actor that names no entity was counted under no name: on open, its
// rows count under the actor's country, and the facet value finds them.
func TestCountryActorsCountedInAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	body := "Russia's defence ministry will withdraw its troops. The government withdrew the bill."
	a := storetest.Mk("/a", "apnews.com", "t", body, t0)
	a.Events = []article.Event{
		storetest.Event(body, "will withdraw", "military", "announced", true, storetest.Actor(body, "Russia's defence ministry", "", "RU")),
		storetest.Event(body, "withdrew", "political", "completed", true, storetest.Actor(body, "The government", "", "")),
	}
	if err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	s = reopenAsOlder(t, s, dir, `UPDATE article_events SET facet_actor = ''; DELETE FROM meta WHERE key = 'article_events_facet_country'`)
	f, err := s.Facets(ctx, query.MustParse(""), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.EventActors) != 1 || f.EventActors[0] != (query.Count{Value: "Russia", Count: 1}) {
		t.Errorf("event actors after reopening = %v, want Russia=1", f.EventActors)
	}
	hits, err := s.Search(ctx, query.MustParse(`event.actor:Russia`), 10)
	if err != nil || len(hits) != 1 {
		t.Errorf("event.actor:Russia = %v, %v; want the article", hits, err)
	}
}

// TestEventsReplacedOnPut checks that a newer version of an article
// replaces its events.
func TestEventsReplacedOnPut(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	body := "Russia will withdraw its troops from the border."
	a := storetest.Mk("/a", "apnews.com", "t", body, t0)
	a.Events = []article.Event{storetest.Event(body, "withdraw", "military", "announced", true, nil)}
	if err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := storetest.Mk("/a", "apnews.com", "t", body, t0.Add(1))
	b.Events = []article.Event{storetest.Event(body, "withdraw", "military", "hypothetical", false, nil)}
	if err := s.Put(ctx, b); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"event:new-withdrawal": 0, "event.status:hypothetical": 1, "event:withdrawal": 1} {
		hits, err := s.Search(ctx, query.MustParse(q), 10)
		if err != nil || len(hits) != want {
			t.Errorf("search %s = %d hits (%v), want %d", q, len(hits), err, want)
		}
	}
}
