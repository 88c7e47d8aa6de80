package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunErrorsSkipsHeldOut checks that the error listing shows a tuning
// set's errors and never reads a held-out set.
func TestRunErrorsSkipsHeldOut(t *testing.T) {
	dir := t.TempDir()
	tuning := filepath.Join(dir, "small-dev.jsonl")
	heldOut := filepath.Join(dir, "small-heldout.jsonl")
	write := func(path, text string) {
		t.Helper()
		line := `{"id":"x1","text":"` + text + `","withdrawal":false,"new_announcement":false}` + "\n"
		if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(tuning, "The army said it will withdraw its troops from the border town.")
	write(heldOut, "The navy said it will withdraw its ships from the harbour.")
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
	path := filepath.Join(t.TempDir(), "small-dev.jsonl")
	line := `{"id":"x1","text":"The army said it will withdraw its troops from the border town.","withdrawal":true,` +
		`"kind":"military","status":"completed","new_announcement":true}` + "\n"
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := runErrors(&out, []string{path}, sources{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "wrong status: 1") || !strings.Contains(got, "border town") {
		t.Errorf("wrong status not listed:\n%s", got)
	}
}
