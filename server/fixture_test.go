package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// t0 is the fetch time of the first fixture article.
var t0 = time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

// fixture is a small news day: one story syndicated three times, a story
// of two copies, and single articles, with names, languages and dates
// spread over two weeks.
func fixture() []*article.Article {
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	lavrov := article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"}
	libya := article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"}
	nato := article.Entity{Type: article.Organization, Canonical: "NATO"}
	mk := func(path, site, title, body, story, lang string, fetched time.Time, ents ...article.Entity) *article.Article {
		a := storetest.Mk(path, site, title, body, fetched, ents...)
		a.StoryID, a.Language = story, lang
		return a
	}
	docs := []*article.Article{
		mk("/a1", "apnews.com", "Lavrov visits Libya", "Sergey Lavrov arrived in Libya to discuss the withdrawal of foreign fighters.", "s1", "en", day(0), lavrov, libya),
		mk("/a1", "www.reuters.com", "Lavrov in Libya for talks", "Sergey Lavrov arrived in Libya on Monday for talks on foreign fighters.", "s1", "en", day(0).Add(time.Hour), lavrov, libya),
		mk("/a1", "independent.co.uk", "Russian minister in Libya", "Sergey Lavrov came to Libya; the withdrawal of foreign fighters was on the agenda.", "s1", "en", day(0).Add(2*time.Hour), lavrov, libya),
		mk("/n1", "apnews.com", "NATO ministers meet", "NATO ministers met in Brussels to discuss spending of 2 per cent. "+
			"Russia said it had pulled its troops out of Moldova; Moldova demanded that Russia recall its ambassador.", "s2", "en", day(2), nato),
		mk("/n1", "dw.com", "NATO-Minister tagen", "NATO Minister trafen sich in Brüssel.", "s2", "de", day(2).Add(3*time.Hour), nato),
		mk("/r1", "apnews.com", "Rain floods the north", "Heavy rain flooded roads in the north of Libya.", "s3", "en", day(5), libya),
		mk("/m1", "lemonde.fr", "Marchés en baisse", "Les marchés ont baissé après la pluie.", "s4", "fr", day(9)),
		mk("/l2", "reuters.com", "Lavrov meets NATO envoy", "Sergey Lavrov met a NATO envoy in Geneva.", "s5", "en", day(12), lavrov, nato),
	}
	docs[3].Figures = []article.Figure{{Text: "2 per cent", Kind: "percent", Value: 2, Start: 54, End: 64}}
	docs[0].Removed = []article.Removed{{Text: "Sign up for our newsletter", Reason: "newsletter"}}
	docs[0].Events = []article.Event{{Type: "withdrawal", Kind: "military", Status: "announced",
		What: &article.Role{Text: "foreign fighters", Start: 60, End: 76}, Sentence: docs[0].Body, Start: 0, End: len(docs[0].Body),
		Trigger: "withdrawal", TriggerStart: 46, TriggerEnd: 56, Cues: []string{"to discuss"}, NewAnnouncement: false}}
	// Two events of two kinds in one sentence: a military withdrawal that
	// is news, with its actor and where from, and a diplomatic one that
	// is only demanded.
	docs[3].Events = []article.Event{
		event(docs[3].Body, "military", "completed", true, "pulled out", "pulled", "out", role(docs[3].Body, "Russia", "Russia", "RU", 0),
			role(docs[3].Body, "its troops", "", "", 0), role(docs[3].Body, "Moldova", "Moldova", "MD", 0)),
		event(docs[3].Body, "diplomatic", "demanded", false, "recall", "recall", "recall", role(docs[3].Body, "Russia", "Russia", "RU", 1),
			role(docs[3].Body, "its ambassador", "", "", 0), nil),
	}
	// An undated article is dated by its fetch time.
	docs[6].PublishedAt = nil
	return docs
}

// role is the event role of the words text of body, at their nth
// occurrence (from 0), with a canonical name and country when given.
func role(body, text, canonical, country string, nth int) *article.Role {
	at := -1
	for range nth + 1 {
		at += 1 + strings.Index(body[at+1:], text)
	}
	return &article.Role{Text: text, Canonical: canonical, Country: country, Start: at, End: at + len(text)}
}

// event is a withdrawal event of body's last sentence, its trigger the
// words from first to last (a phrasal verb's particle included).
func event(body, kind, status string, isNew bool, trigger, first, last string, actor, what, from *article.Role) article.Event {
	start := strings.LastIndex(body, ". ") + 2
	ts := start + strings.Index(body[start:], first)
	te := ts + strings.Index(body[ts:], last) + len(last)
	return article.Event{Type: "withdrawal", Kind: kind, Status: status, NewAnnouncement: isNew, Actor: actor, What: what, From: from,
		Sentence: body[start:], Start: start, End: len(body), Trigger: trigger, TriggerStart: ts, TriggerEnd: te}
}

// store is a server.Store over one of the two stores, with the call that
// makes completed writes visible.
type store struct {
	server.Store
	put      func(context.Context, *article.Article) error
	sync     func(context.Context) error
	notFound func(error) bool
}

// openSQLite returns the embedded store, filled with docs.
func openSQLite(t *testing.T, docs []*article.Article) (store, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := store{Store: st, put: st.Put, sync: func(context.Context) error { return nil },
		notFound: func(err error) bool {
			return errors.Is(err, sqlite.ErrNotFound) || errors.Is(err, alert.ErrNoSearch)
		}}
	fill(t, s, docs)
	return s, st
}

// openElastic returns an Elasticsearch store under an index prefix of this
// test's own, filled with docs, or skips without WIREWATCH_TEST_ES.
func openElastic(t *testing.T, docs []*article.Article) store {
	t.Helper()
	st := elastictest.Open(t, elastictest.Config(t))
	s := store{Store: st, put: st.Put, sync: st.Refresh,
		notFound: func(err error) bool { return errors.Is(err, elastic.ErrNotFound) }}
	fill(t, s, docs)
	return s
}

func fill(t *testing.T, s store, docs []*article.Article) {
	t.Helper()
	ctx := context.Background()
	for _, a := range docs {
		if err := s.put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.sync(ctx); err != nil {
		t.Fatal(err)
	}
}

// serve starts a server over s with opts' other fields.
func serve(t *testing.T, s store, alerts server.Alerts, opts server.Options) *httptest.Server {
	t.Helper()
	opts.Store, opts.NotFound = s, s.notFound
	if alerts != nil {
		opts.Alerts = alerts
	}
	opts.Now = func() time.Time { return t0.Add(30 * 24 * time.Hour) }
	srv, err := server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// get fetches path and returns status, content type and body.
func get(t *testing.T, ts *httptest.Server, path string, header ...string) (int, string, []byte) {
	t.Helper()
	return do(t, ts, http.MethodGet, path, "", header...)
}
