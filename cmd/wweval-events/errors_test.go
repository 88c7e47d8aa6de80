package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSet writes a labelled set of the given JSON lines to name in a
// temporary directory and returns its path; the name decides whether the
// set is held out.
func writeSet(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunErrorsSkipsHeldOut checks that the error listing shows a tuning
// set's errors and never reads a held-out set.
func TestRunErrorsSkipsHeldOut(t *testing.T) {
	dir := t.TempDir()
	unlabelled := func(text string) string {
		return `{"id":"x1","text":"` + text + `","withdrawal":false,"new_announcement":false}`
	}
	tuning := writeSet(t, dir, "small-dev.jsonl", unlabelled("The army said it will withdraw its troops from the border town."))
	heldOut := writeSet(t, dir, "small-heldout.jsonl", unlabelled("The navy said it will withdraw its ships from the harbour."))
	var out strings.Builder
	if err := runErrors(&out, []string{tuning, heldOut}, sources{}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "false-positive detections: 1") || !strings.Contains(got, "border town") {
		t.Errorf("tuning set's false positive not listed:\n%s", got)
	}
	if strings.Contains(got, "harbour") {
		t.Errorf("held-out item printed:\n%s", got)
	}
}

// TestRunErrorsListsWrongStatus checks that an event found with a status
// other than the label's is listed, since status accuracy is read on found
// events only.
func TestRunErrorsListsWrongStatus(t *testing.T) {
	path := writeSet(t, t.TempDir(), "small-dev.jsonl",
		`{"id":"x1","text":"The army said it will withdraw its troops from the border town.","withdrawal":true,`+
			`"kind":"military","status":"completed","new_announcement":true}`)
	var out strings.Builder
	if err := runErrors(&out, []string{path}, sources{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "wrong status: 1") || !strings.Contains(got, "border town") {
		t.Errorf("wrong status not listed:\n%s", got)
	}
}
