package pipeline

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// TestStallCheck walks a fake clock through the states of a crawl: just
// started, fetching, idle with nothing due, due but fetching nothing.
func TestStallCheck(t *testing.T) {
	t0 := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	now := t0
	var fetched atomic.Int64
	var out frontier.Outlook
	c := newStallCheck(10*time.Minute, func() time.Time { return now }, fetched.Load,
		func(context.Context) (frontier.Outlook, error) { return out, nil })
	steps := []struct {
		name    string
		at      time.Duration // since t0
		fetched int64
		out     frontier.Outlook
		stalled bool
	}{
		{"just started, URLs due", 0, 0, frontier.Outlook{Pending: true, NextDue: t0}, false},
		{"within the threshold of the start", 9 * time.Minute, 0, frontier.Outlook{Pending: true, NextDue: t0}, false},
		{"due 11 minutes, nothing fetched", 11 * time.Minute, 0, frontier.Outlook{Pending: true, NextDue: t0}, true},
		{"fetching again", 12 * time.Minute, 5, frontier.Outlook{Pending: true, NextDue: t0}, false},
		{"empty frontier, long idle", 60 * time.Minute, 5, frontier.Outlook{}, false},
		{"next URL due later", 70 * time.Minute, 5, frontier.Outlook{Pending: true, NextDue: t0.Add(2 * time.Hour)}, false},
		{"URL just became due after a long idle", 125 * time.Minute, 5, frontier.Outlook{Pending: true, NextDue: t0.Add(2 * time.Hour)}, false},
		{"that URL due 10 minutes, nothing fetched", 130 * time.Minute, 5, frontier.Outlook{Pending: true, NextDue: t0.Add(2 * time.Hour)}, true},
		{"in flight, fetching", 131 * time.Minute, 6, frontier.Outlook{InFlight: true}, false},
		{"in flight, nothing fetched for the threshold", 141 * time.Minute, 6, frontier.Outlook{InFlight: true}, true},
		{"idle again", 142 * time.Minute, 6, frontier.Outlook{}, false},
	}
	for _, s := range steps {
		now, out = t0.Add(s.at), s.out
		fetched.Store(s.fetched)
		err := c.Check().Check(t.Context())
		if got := err != nil; got != s.stalled {
			t.Errorf("%s: check says %v, want stalled=%v", s.name, err, s.stalled)
		}
		if err != nil && !strings.Contains(err.Error(), "crawl stalled") {
			t.Errorf("%s: error %q does not say stalled", s.name, err)
		}
	}

	off := newStallCheck(0, func() time.Time { return now }, fetched.Load,
		func(context.Context) (frontier.Outlook, error) {
			return frontier.Outlook{Pending: true, NextDue: t0}, nil
		})
	now = now.Add(24 * time.Hour)
	if err := off.Check().Check(t.Context()); err != nil {
		t.Errorf("--stall-after 0: %v, want never stalled", err)
	}
}
