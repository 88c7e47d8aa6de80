package elastic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestOpenAddsEventsToAnOlderIndex sets up what a build of the previous
// mapping version left behind (its template, an index without the events
// field behind the alias) and checks that opening the store adds the field
// in place, so that articles with events are accepted by the strict mapping.
func TestOpenAddsEventsToAnOlderIndex(t *testing.T) {
	cfg := elastictest.Config(t)
	olderIndex(t, cfg, "events")

	s := elastictest.Open(t, cfg) // drops every <prefix>-articles-v* index and the template at the end
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body := "Moscow backs the pullout of mercenaries from Libya."
	a := article.New("https://news.example.org/upgrade", "", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	a.Body = body
	a.Events = []article.Event{{Type: article.Withdrawal, Kind: "military", Status: "supported",
		Sentence: body, Start: 0, End: len(body), Trigger: "pullout", TriggerStart: 17, TriggerEnd: 24, NewAnnouncement: true}}
	if err := s.Put(ctx, a); err != nil {
		t.Fatalf("Put into the upgraded index: %v", err)
	}
	got, err := s.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 1 || got.Events[0].Trigger != "pullout" {
		t.Errorf("events after the round trip: %+v", got.Events)
	}
}

// esDo sends one request with a JSON body to the node of cfg, failing the
// test on an error answer.
func esDo(t *testing.T, cfg elastic.Config, method, path string, body any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, cfg.URLs[0]+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %s %s", method, path, res.Status, msg)
	}
}

// olderIndex sets up what a build of the previous mapping version left
// behind: its template and an index behind the alias, their mapping this
// build's without the fields named. It returns the index's name. The
// store opened next (elastictest.Open) drops both at the end.
func olderIndex(t *testing.T, cfg elastic.Config, without ...string) string {
	t.Helper()
	n := elastic.NamesFor(cfg.IndexPrefix)
	old := elastic.Mapping("standard")
	for _, f := range without {
		delete(old["properties"].(map[string]any), f)
	}
	index := fmt.Sprintf("%s-articles-v%d", cfg.IndexPrefix, elastic.MappingVersion-1)
	esDo(t, cfg, http.MethodPut, "/_index_template/"+n.Template, map[string]any{
		"index_patterns": []string{n.Pattern}, "priority": 200, "version": elastic.MappingVersion - 1,
		"template": map[string]any{"settings": map[string]any{"number_of_shards": 1, "auto_expand_replicas": "0-1"}, "mappings": old},
	})
	esDo(t, cfg, http.MethodPut, "/"+index, map[string]any{"aliases": map[string]any{n.Alias: map[string]any{"is_write_index": true}}})
	return index
}

// putOlder indexes a into index as that older build wrote it: this
// build's document without the fields named.
func putOlder(t *testing.T, cfg elastic.Config, index string, a *article.Article, without ...string) {
	t.Helper()
	doc, _, err := elastic.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(doc, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range without {
		delete(fields, f)
	}
	esDo(t, cfg, http.MethodPut, "/"+index+"/_doc/"+a.ID, fields)
}

// TestOpenCountsActorsOfAnOlderIndex sets up an index of the previous
// mapping version holding an article written then, whose events' actors
// are counted by their canonical names, and checks that after opening the
// store the actors facet and completion add them to those of articles
// written now, which count an actor that names no entity under its
// country.
func TestOpenCountsActorsOfAnOlderIndex(t *testing.T) {
	cfg := elastictest.Config(t)
	oldIndex := olderIndex(t, cfg, "search_event_actors")

	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mk := func(path, body, actor, canonical, country string) *article.Article {
		a := article.New("https://news.example.org"+path, "", at)
		a.Body = body
		a.Events = []article.Event{storetest.Event(body, "withdraw", "military", "announced", true, storetest.Actor(body, actor, canonical, country))}
		return a
	}
	// Written by the older build: its document has no search_event_actors.
	then := mk("/then", "Russia will withdraw its troops.", "Russia", "Russia", "RU")
	putOlder(t, cfg, oldIndex, then, "search_event_actors")

	s := elastictest.Open(t, cfg) // drops every <prefix>-articles-v* index and the template at the end
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	now := []*article.Article{
		mk("/ministry", "Russia's defence ministry will withdraw its troops.", "Russia's defence ministry", "", "RU"),
		mk("/moscow", "Moscow will withdraw its troops.", "Moscow", "Moscow", "RU"),
		mk("/government", "The government will withdraw its troops.", "The government", "", ""),
	}
	for _, a := range now {
		if err := s.Put(ctx, a); err != nil {
			t.Fatalf("Put into the upgraded index: %v", err)
		}
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := s.Facets(ctx, query.MustParse(""), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []query.Count{{Value: "Russia", Count: 2}, {Value: "Moscow", Count: 1}}
	if !slices.Equal(f.EventActors, want) {
		t.Errorf("event actors = %v, want %v", f.EventActors, want)
	}
	got, err := s.Suggest(ctx, "event.actor", "r", 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want[:1]) {
		t.Errorf("event.actor completions of r = %v, want %v", got, want[:1])
	}
}

// TestOpenMatchesNamesOfAnOlderIndex sets up an index of the previous
// mapping version holding an article written then, without the folded
// names: the name filters still find it as they did (case folded), while
// an article written now is found with accents folded too.
func TestOpenMatchesNamesOfAnOlderIndex(t *testing.T) {
	cfg := elastictest.Config(t)
	folded := []string{"search_people", "search_places", "search_organizations"}
	oldIndex := olderIndex(t, cfg, folded...)

	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	then := storetest.Mk("/then", "news.example.org", "t", "Sergey Lavrov spoke.", at, article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"})
	putOlder(t, cfg, oldIndex, then, folded...)

	s := elastictest.Open(t, cfg) // drops every <prefix>-articles-v* index and the template at the end
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	now := storetest.Mk("/now", "news.example.org", "t", "Mesut Özil spoke.", at, article.Entity{Type: article.Person, Canonical: "Mesut Özil"})
	if err := s.Put(ctx, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	wantIDs(ctx, t, s, map[string]string{
		"person:lavrov": then.ID, `person:"Sergey Lavrov"`: then.ID, "person:ozil": now.ID, "person:Özil": now.ID, "person:sergey person:mesut": now.ID + " " + then.ID,
	})
}

// TestOpenMatchesActorsOfAnOlderIndex sets up an index of the previous
// mapping version holding an article written then, without the events as
// the event filters match them now: event.actor: still finds it as it did
// (case folded, one event satisfying every event filter), while an
// article written now is found with accents folded and words split at
// hyphens too.
func TestOpenMatchesActorsOfAnOlderIndex(t *testing.T) {
	cfg := elastictest.Config(t)
	oldIndex := olderIndex(t, cfg, "search_events")

	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mk := func(path, body, trigger, kind, actor, country string) *article.Article {
		a := article.New("https://news.example.org"+path, "", at)
		a.Body = body
		a.Events = []article.Event{storetest.Event(body, trigger, kind, "announced", true, storetest.Actor(body, actor, actor, country))}
		return a
	}
	then := mk("/then", "Sergey Lavrov will withdraw the envoy.", "withdraw", "diplomatic", "Sergey Lavrov", "")
	putOlder(t, cfg, oldIndex, then, "search_events")

	s := elastictest.Open(t, cfg) // drops every <prefix>-articles-v* index and the template at the end
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	now := mk("/now", "Bashar al-Assad will withdraw his forces.", "withdraw", "military", "Bashar al-Assad", "SY")
	if err := s.Put(ctx, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	wantIDs(ctx, t, s, map[string]string{
		"event.actor:lavrov":                         then.ID,
		`event.actor:"SERGEY LAVROV"`:                then.ID,
		"event.actor:lavrov event.kind:diplomatic":   then.ID,
		"event.actor:lavrov event.kind:military":     "",
		"event.actor:assad":                          now.ID,
		`event.actor:"Bashar al Assad"`:              now.ID,
		`event.actor:"AL-ASSAD" event.kind:military`: now.ID,
		"event.actor:assad event.kind:diplomatic":    "",
		"event.actor:syria":                          now.ID,
		"event.actor:lavrov OR event.actor:bashar":   now.ID + " " + then.ID,
		"event:new-withdrawal -event.actor:bashar":   then.ID,
		"event:new-withdrawal -event.actor:sergey":   now.ID,
	})
}

// wantIDs checks that each query finds exactly the articles whose ids its
// value lists, separated by spaces, in any order ("" for none).
func wantIDs(ctx context.Context, t *testing.T, s *elastic.Store, want map[string]string) {
	t.Helper()
	for q, ids := range want {
		hits, err := s.Search(ctx, query.MustParse(q), 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		w := strings.Fields(ids)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s finds %v, want %v", q, got, w)
		}
	}
}
