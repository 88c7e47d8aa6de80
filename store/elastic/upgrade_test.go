package elastic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
)

// TestOpenAddsEventsToAnOlderIndex sets up what a build of the previous
// mapping version left behind (its template, an index without the events
// field behind the alias) and checks that opening the store adds the field
// in place, so that articles with events are accepted by the strict mapping.
func TestOpenAddsEventsToAnOlderIndex(t *testing.T) {
	cfg := elastictest.Config(t)
	n := elastic.NamesFor(cfg.IndexPrefix)
	old := elastic.Mapping("standard")
	delete(old["properties"].(map[string]any), "events")
	oldIndex := fmt.Sprintf("%s-articles-v%d", cfg.IndexPrefix, elastic.MappingVersion-1)
	do := func(method, path string, body any) {
		t.Helper()
		b, _ := json.Marshal(body)
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
	do(http.MethodPut, "/_index_template/"+n.Template, map[string]any{
		"index_patterns": []string{n.Pattern}, "priority": 200, "version": elastic.MappingVersion - 1,
		"template": map[string]any{"settings": map[string]any{"number_of_shards": 1, "auto_expand_replicas": "0-1"}, "mappings": old},
	})
	do(http.MethodPut, "/"+oldIndex, map[string]any{"aliases": map[string]any{n.Alias: map[string]any{"is_write_index": true}}})

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
