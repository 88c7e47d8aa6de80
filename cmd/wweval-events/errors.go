package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// errorClass names one way the detector can be wrong about an item.
type errorClass int

const (
	falseDetection errorClass = iota // an event where the label has none
	falseNews                        // news where the label says it is not
	missedEvent                      // no event where the label has one
	missedNews                       // no news where the label says it is
	wrongStatus                      // an event found with a status other than the label's
	numErrorClasses
)

var errorClassTitles = [numErrorClasses]string{
	falseDetection: "false-positive detections",
	falseNews:      "false-positive new_announcement",
	missedEvent:    "false-negative detections",
	missedNews:     "false-negative new_announcement",
	wrongStatus:    "detected events with the wrong status",
}

// itemError is one item the detector gets wrong, with what it found.
type itemError struct {
	set  string
	item events.Labelled
	pred events.Prediction
	evs  []article.Event
}

// runErrors lists every error of the detector over the pooled tuning sets,
// by class, so that errors can be read and sorted into kinds by hand. Held-out
// sets are never read: their items must stay unseen by whoever writes rules.
func runErrors(w io.Writer, paths []string, src sources) error {
	det, sets, err := tuning(w, paths, src)
	if err != nil {
		return err
	}
	var byClass [numErrorClasses][]itemError
	items := 0
	for _, set := range sets {
		for _, it := range set.items {
			items++
			evs, err := src.detect(det, it)
			if err != nil {
				return fmt.Errorf("%s: %w", set.name, err)
			}
			e := itemError{set: set.name, item: it, pred: events.PredictionOf(evs), evs: evs}
			switch {
			case e.pred.Withdrawal && !it.Withdrawal:
				byClass[falseDetection] = append(byClass[falseDetection], e)
			case !e.pred.Withdrawal && it.Withdrawal:
				byClass[missedEvent] = append(byClass[missedEvent], e)
			case e.pred.Withdrawal && e.pred.Status != it.Status:
				// Status accuracy is read on detected events only, as the
				// evaluation reads it.
				byClass[wrongStatus] = append(byClass[wrongStatus], e)
			}
			switch {
			case e.pred.NewAnnouncement && !it.NewAnnouncement:
				byClass[falseNews] = append(byClass[falseNews], e)
			case !e.pred.NewAnnouncement && it.NewAnnouncement:
				byClass[missedNews] = append(byClass[missedNews], e)
			}
		}
	}
	fmt.Fprintf(w, "%d items of %d tuning sets\n", items, len(sets))
	for c, errs := range byClass {
		fmt.Fprintf(w, "\n== %s: %d\n", errorClassTitles[c], len(errs))
		for _, e := range errs {
			printItemError(w, e)
		}
	}
	return nil
}

// printItemError prints one wrong item: where it is from, the label and the
// prediction, each event found with its trigger and cues, and the text.
func printItemError(w io.Writer, e itemError) {
	it, p := e.item, e.pred
	fmt.Fprintf(w, "%s %s (group %s)\n", e.set, it.ID, events.GroupOf(it))
	fmt.Fprintf(w, "  gold: %s\n  pred: %s\n", label(it.Withdrawal, it.Kind, it.Status, it.NewAnnouncement),
		label(p.Withdrawal, p.Kind, p.Status, p.NewAnnouncement))
	for _, ev := range e.evs {
		fmt.Fprintf(w, "  event: trigger %q %s/%s new=%v cues [%s]\n", ev.Trigger, ev.Kind, ev.Status,
			ev.NewAnnouncement, strings.Join(ev.Cues, "; "))
	}
	if it.Title != "" || it.Published != "" {
		fmt.Fprintf(w, "  context: %q %s\n", it.Title, it.Published)
	}
	fmt.Fprintf(w, "  text: %s\n", it.Text)
}

// label prints a withdrawal decision in one short form, gold or predicted.
func label(withdrawal bool, kind, status string, news bool) string {
	if !withdrawal {
		return "no withdrawal"
	}
	return fmt.Sprintf("withdrawal %s/%s new=%v", kind, status, news)
}
