package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// predictionLine is one item of a tuning set with its label and what the
// detector made of it, for analyses the error listing cannot give
// (precision by predicted kind or trigger, what a rule changes).
type predictionLine struct {
	Set   string          `json:"set"`
	ID    string          `json:"id"`
	Group string          `json:"group"`
	Text  string          `json:"text"`
	Gold  predictionLabel `json:"gold"`
	Pred  predictionLabel `json:"pred"`
	// Events are the events found, with triggers and cues.
	Events []article.Event `json:"events"`
}

// predictionLabel is a label or a prediction of one item.
type predictionLabel struct {
	Withdrawal      bool   `json:"withdrawal"`
	Kind            string `json:"kind,omitempty"`
	Status          string `json:"status,omitempty"`
	NewAnnouncement bool   `json:"new_announcement"`
	Actor           string `json:"actor,omitempty"`
	What            string `json:"what,omitempty"`
	From            string `json:"from,omitempty"`
}

// runPredictions writes one JSON line to w for every item of the pooled
// tuning sets, and its notes (the sets left out) to notes, so that w stays
// JSON lines. Held-out sets are left out, as in runErrors: their items must
// stay unseen by whoever writes rules.
func runPredictions(w, notes io.Writer, paths []string, src sources) error {
	det, sets, err := tuning(notes, paths, src)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for _, set := range sets {
		for _, it := range set.items {
			evs, err := src.detect(det, it)
			if err != nil {
				return fmt.Errorf("%s: %w", set.name, err)
			}
			p := events.PredictionOf(evs)
			line := predictionLine{
				Set: set.name, ID: it.ID, Group: events.GroupOf(it), Text: it.Text,
				Gold:   predictionLabel{it.Withdrawal, it.Kind, it.Status, it.NewAnnouncement, it.Actor, it.What, it.From},
				Pred:   predictionLabel{p.Withdrawal, p.Kind, p.Status, p.NewAnnouncement, p.Actor, p.What, p.From},
				Events: evs,
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
	}
	return nil
}
