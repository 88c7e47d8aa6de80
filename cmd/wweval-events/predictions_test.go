package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRunPredictionsSkipsHeldOut checks that every tuning item gets one
// JSON line with its label and the detector's prediction, that a held-out
// set is never read, and that the note about it stays off the JSON lines.
func TestRunPredictionsSkipsHeldOut(t *testing.T) {
	dir := t.TempDir()
	tuning := writeSet(t, dir, "small-dev.jsonl",
		`{"id":"a","text":"The army said it will withdraw its troops from the border town.","withdrawal":true,"kind":"military","status":"announced","new_announcement":true}`,
		`{"id":"b","text":"Customers queued to make cash withdrawals.","withdrawal":false,"new_announcement":false}`)
	heldOut := writeSet(t, dir, "small-heldout.jsonl",
		`{"id":"h","text":"The navy said it will withdraw its ships from the harbour.","withdrawal":true,"new_announcement":true}`)
	var out, notes strings.Builder
	if err := runPredictions(&out, &notes, []string{tuning, heldOut}, sources{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "harbour") {
		t.Errorf("held-out item printed:\n%s", out.String())
	}
	if !strings.Contains(notes.String(), "held out") {
		t.Errorf("no note that the held-out set was left out: %q", notes.String())
	}
	got := map[string]predictionLine{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var p predictionLine
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		got[p.ID] = p
	}
	a, b := got["a"], got["b"]
	if len(got) != 2 || !a.Gold.Withdrawal || a.Set != "small-dev" {
		t.Fatalf("lines = %+v, want a and b of small-dev with their labels", got)
	}
	if !a.Pred.Withdrawal || a.Pred.Kind != "military" || len(a.Events) == 0 || a.Events[0].Trigger != "withdraw" {
		t.Errorf("a: prediction %+v, events %+v; want a military withdrawal with its trigger", a.Pred, a.Events)
	}
	if b.Pred.Withdrawal || len(b.Events) != 0 {
		t.Errorf("b (cash withdrawals): prediction %+v, events %+v; want none", b.Pred, b.Events)
	}
}

// TestEntitiesLinkRoles checks that the evaluation detects as the pipeline
// does, with the extractor's entities, so that roles carry the canonical
// names and countries `wirewatch events` prints; without a tagger they do
// not.
func TestEntitiesLinkRoles(t *testing.T) {
	dir := t.TempDir()
	set := writeSet(t, dir, "small-dev.jsonl",
		`{"id":"a","text":"Russia will withdraw its troops from Moldova by June.","withdrawal":true,"kind":"military","status":"announced","actor":"Russia","new_announcement":true}`)
	tg, err := newTagger()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		src     sources
		country string
	}{
		{"with entities", sources{tag: tg}, "RU"},
		{"without", sources{}, ""},
	} {
		var out, notes strings.Builder
		if err := runPredictions(&out, &notes, []string{set}, tc.src); err != nil {
			t.Fatal(err)
		}
		var p predictionLine
		if err := json.Unmarshal([]byte(strings.TrimSpace(out.String())), &p); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(p.Events) == 0 || p.Events[0].Actor == nil {
			t.Fatalf("%s: events %+v, want Russia's withdrawal", tc.name, p.Events)
		}
		if got := p.Events[0].Actor.Country; got != tc.country {
			t.Errorf("%s: actor %+v, want country %q", tc.name, p.Events[0].Actor, tc.country)
		}
	}
}
