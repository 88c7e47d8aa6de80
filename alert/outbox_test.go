package alert_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// TestOutboxSharedByTwoProcesses runs two notifiers on one database file,
// as two index processes on one host do: while one is sending a webhook
// alert, the other does not send it too (the chaos run saw one story
// delivered twice, milliseconds apart, before Due held what it returned),
// and an entry whose sender died is sent once its hold runs out.
func TestOutboxSharedByTwoProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *sqlite.Store {
		st, err := sqlite.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	stA, stB := open(), open()

	var calls atomic.Int64
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 { // the first request waits; a second one is answered at once
			arrived <- struct{}{}
			<-release
		}
	}))
	defer srv.Close()
	addSearch(t, stA, "fighters", `"foreign fighters"`, srv.URL)

	newNotifier := func(st *sqlite.Store) *alert.Notifier {
		n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: &recorder{}, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := newNotifier(stA), newNotifier(stB)
	if err := a.Process(ctx, copyOf(0, "story-a", "example.com")); err != nil {
		t.Fatal(err)
	}
	sent := make(chan int)
	go func() {
		n, _ := a.DeliverDue(ctx)
		sent <- n
	}()
	<-arrived // a is sending the webhook now
	if n, err := b.DeliverDue(ctx); err != nil || n != 0 {
		t.Errorf("second process delivered %d (%v) while the first was sending; want 0", n, err)
	}
	close(release)
	if n := <-sent; n != 1 {
		t.Errorf("first process delivered %d, want 1", n)
	}
	if c := calls.Load(); c != 1 {
		t.Errorf("webhook received %d requests, want 1", c)
	}

	// A process takes an entry and dies before sending it: the entry is
	// due again only when its hold runs out.
	al := alert.Alert{SearchID: 1, StoryID: "story-b", ArticleID: "story-b-copy0", FiredAt: time.Now()}
	if rec, err := alert.NewSQLiteStore(stA).Fire(ctx, al, "", time.Now()); err != nil || !rec.New {
		t.Fatalf("Fire = %+v, %v", rec, err)
	}
	if due, err := alert.NewSQLiteStore(stA).Due(ctx, time.Now(), 10); err != nil || len(due) != 1 {
		t.Fatalf("Due = %+v, %v; want the sink entry", due, err)
	}
	if due, err := alert.NewSQLiteStore(stB).Due(ctx, time.Now(), 10); err != nil || len(due) != 0 {
		t.Errorf("Due of a held entry = %+v, %v; want none", due, err)
	}
	if due, err := alert.NewSQLiteStore(stB).Due(ctx, time.Now().Add(2*time.Minute), 10); err != nil || len(due) != 1 {
		t.Errorf("Due after the hold ran out = %+v, %v; want the entry", due, err)
	}
}
