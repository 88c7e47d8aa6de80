package article

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestEventsRoundTrip checks that events survive Marshal and Unmarshal, that
// a document written before events existed still decodes under the same
// schema version, and that an event whose spans are off the body is
// rejected.
func TestEventsRoundTrip(t *testing.T) {
	body := "Moscow backs the pullout of mercenaries from Libya."
	a := New("https://example.com/e", "", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	a.Body = body
	a.Events = []Event{{Type: Withdrawal, Kind: "military", Status: "supported",
		Actor:    &Role{Text: "Moscow", Canonical: "Moscow", Country: "RU", Start: 0, End: 6},
		Sentence: body, Start: 0, End: len(body), Trigger: "pullout", TriggerStart: 17, TriggerEnd: 24,
		Cues: []string{"backs"}, NewAnnouncement: true}}
	doc, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Events, a.Events) {
		t.Errorf("events = %+v, want %+v", got.Events, a.Events)
	}

	var old map[string]any
	if err := json.Unmarshal(doc, &old); err != nil {
		t.Fatal(err)
	}
	delete(old, "events")
	oldDoc, _ := json.Marshal(old)
	if got, err := Unmarshal(oldDoc); err != nil || got.Events != nil {
		t.Errorf("document without events: %v, events %+v", err, got.Events)
	}
	a.Events = nil
	if doc, _ := Marshal(a); strings.Contains(string(doc), `"events"`) {
		t.Errorf("article without events writes the field: %s", doc)
	}

	a.Events = []Event{{Type: Withdrawal, Sentence: "elsewhere", Start: 0, End: 9, TriggerStart: 0, TriggerEnd: 3}}
	if _, err := Marshal(a); err == nil {
		t.Error("event with a sentence that is not in the body was accepted")
	}
}
