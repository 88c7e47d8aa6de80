package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestEventsCommandJSONL feeds good and bad lines: each good line gets one
// output line with its id and events, each bad line an error naming its
// line number, and the command exits non-zero after tagging the rest.
func TestEventsCommandJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"Moscow backs the pullout of mercenaries from Libya."}`,
		`{"id":"b","text":"Customers made cash withdrawals before the holiday."}`,
		`not json`,
		`{"text":"no id here"}`,
		``,
		`{"id":"c","text":"The striker pulled out of the squad with an injury. France recalled its ambassador to Australia."}`,
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"events", "--jsonl"}, strings.NewReader(in), &out, &errb)
	if code == 0 {
		t.Errorf("exit 0 despite bad lines")
	}
	for _, want := range []string{"line 3: not a JSON object", `line 4: no "id"`} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr %q lacks %q", errb.String(), want)
		}
	}
	type event struct {
		Kind, Status, Trigger string
		New                   bool `json:"new_announcement"`
	}
	var got []struct {
		ID     string  `json:"id"`
		Events []event `json:"events"`
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var g struct {
			ID     string  `json:"id"`
			Events []event `json:"events"`
		}
		if err := json.Unmarshal([]byte(line), &g); err != nil || g.Events == nil {
			t.Fatalf("output line %q: %v (events must be a list)", line, err)
		}
		got = append(got, g)
	}
	if len(got) != 3 || got[0].ID != "a" || got[1].ID != "b" || got[2].ID != "c" {
		t.Fatalf("output = %+v, want ids a, b, c", got)
	}
	if len(got[0].Events) != 1 || got[0].Events[0].Status != "supported" || !got[0].Events[0].New {
		t.Errorf("a: %+v, want one supported new event", got[0].Events)
	}
	if len(got[1].Events) != 0 {
		t.Errorf("b (cash withdrawal): %+v, want none", got[1].Events)
	}
	if len(got[2].Events) != 1 || got[2].Events[0].Kind != "diplomatic" || got[2].Events[0].Trigger != "recalled" {
		t.Errorf("c: %+v, want only the ambassador's recall", got[2].Events)
	}

	if code, _, stderr := runCLI(t, "events"); code != 2 || !strings.Contains(stderr, "--jsonl is required") {
		t.Errorf("events without --jsonl: exit %d, %q", code, stderr)
	}
}

// TestEventsCommandContext checks the optional article context of an input
// line: "published", an RFC 3339 time or a day, tells the article's own
// year from a background one, and "title" is accepted beside the
// {"id","text"} contract; a date of another form is a bad line that says
// why.
func TestEventsCommandContext(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"alone","text":"Ethiopian troops withdrew from Somalia in 2009."}`,
		`{"id":"that year","text":"Ethiopian troops withdrew from Somalia in 2009.","published":"2009-01-26T08:00:00Z","title":"Ethiopia completes pullout from Somalia"}`,
		`{"id":"bad date","text":"Ethiopian troops withdrew.","published":"yesterday"}`,
		`{"id":"that day","text":"Ethiopian troops withdrew from Somalia in 2009.","published":"2009-01-26"}`,
		`{"id":"number date","text":"Ethiopian troops withdrew.","published":2009}`,
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"events", "--jsonl"}, strings.NewReader(in), &out, &errb)
	for _, want := range []string{`line 3: "published" "yesterday" is neither`, `line 5: "published" is not a string`} {
		if code == 0 || !strings.Contains(errb.String(), want) {
			t.Errorf("bad published date: exit %d, stderr %q; want %q", code, errb.String(), want)
		}
	}
	want := map[string]string{"alone": "historical/false", "that year": "completed/true", "that day": "completed/true"}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output %q, want %d lines", out.String(), len(want))
	}
	for _, line := range lines {
		var g struct {
			ID     string `json:"id"`
			Events []struct {
				Status string
				New    bool `json:"new_announcement"`
			} `json:"events"`
		}
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		if len(g.Events) != 1 {
			t.Errorf("%s: events %+v, want one", g.ID, g.Events)
			continue
		}
		if got := fmt.Sprintf("%s/%v", g.Events[0].Status, g.Events[0].New); got != want[g.ID] {
			t.Errorf("%s: %s, want %s", g.ID, got, want[g.ID])
		}
	}
}
