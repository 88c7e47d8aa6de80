package extractor

import (
	"context"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// TestTagEvents checks that Tag puts withdrawal events on the article, with
// offsets into the body and roles linked to the article's entities, and
// that a cash withdrawal stays an empty list.
func TestTagEvents(t *testing.T) {
	e := extractorForTest(t)
	pub := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	a := article.New("https://example.com/a", "", pub)
	a.PublishedAt = &pub
	a.Body = "Talks stalled again on Monday.\n\nRussia will withdraw its troops from Moldova by June, the foreign ministry said on Tuesday."
	if err := e.Tag(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.Events) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(a.Events), a.Events)
	}
	ev := a.Events[0]
	if ev.Type != article.Withdrawal || ev.Kind != "military" || ev.Status != "announced" || !ev.NewAnnouncement {
		t.Errorf("event = %s/%s/%s new=%v, want withdrawal/military/announced new=true", ev.Type, ev.Kind, ev.Status, ev.NewAnnouncement)
	}
	if a.Body[ev.Start:ev.End] != ev.Sentence || a.Body[ev.TriggerStart:ev.TriggerEnd] != "withdraw" {
		t.Errorf("spans: sentence %q, trigger %q", a.Body[ev.Start:ev.End], a.Body[ev.TriggerStart:ev.TriggerEnd])
	}
	if ev.Actor == nil || ev.Actor.Text != "Russia" || ev.Actor.Country != "RU" {
		t.Errorf("actor = %+v, want Russia linked to RU", ev.Actor)
	}
	if ev.From == nil || ev.From.Canonical != "Moldova" {
		t.Errorf("from = %+v, want Moldova", ev.From)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("tagged article does not validate: %v", err)
	}

	cash := article.New("https://example.com/b", "", pub)
	cash.Body = "Customers rushed to make cash withdrawals at ATMs in Athens."
	if err := e.Tag(context.Background(), cash); err != nil {
		t.Fatal(err)
	}
	if len(cash.Events) != 0 {
		t.Errorf("cash withdrawal tagged as events: %+v", cash.Events)
	}
}
