package alert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// recorder is a sink that keeps what it is sent.
type recorder struct {
	mu     sync.Mutex
	alerts []alert.Alert
}

func (r *recorder) Send(_ context.Context, a alert.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, a)
	return nil
}

func (r *recorder) got() []alert.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]alert.Alert(nil), r.alerts...)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func addSearch(t *testing.T, st *sqlite.Store, name, q, webhook string) alert.Search {
	t.Helper()
	s, err := alert.NewSQLiteStore(st).Add(context.Background(), alert.Search{Name: name, Query: q, Webhook: webhook})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func copyOf(n int, story, site string) *article.Article {
	return &article.Article{
		ID: fmt.Sprintf("%s-copy%d", story, n), StoryID: story, Site: site,
		URL:   fmt.Sprintf("https://%s/%s/%d", site, story, n),
		Title: "Withdrawal of foreign fighters from Libya announced", Body: "Foreign fighters will leave Libya.",
		Places: []string{"Libya"}, FetchedAt: time.Now(),
	}
}

func TestOncePerStory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fighters := addSearch(t, st, "fighters", `withdrawal "foreign fighters" place:Libya`, "")
	addSearch(t, st, "elsewhere", "place:Syria", "")
	rec := &recorder{}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		a    *article.Article
		want int // alerts so far
	}{
		{"first copy", copyOf(1, "story-a", "apnews.com"), 1},
		{"syndicated copy", copyOf(2, "story-a", "independent.co.uk"), 1},
		{"third copy", copyOf(3, "story-a", "bbc.co.uk"), 1},
		{"second story", copyOf(1, "story-b", "apnews.com"), 2},
		{"redelivery", copyOf(1, "story-a", "apnews.com"), 2},
		{"re-crawl of the second story", copyOf(1, "story-b", "apnews.com"), 2},
	}
	for _, s := range steps {
		if err := n.Process(ctx, s.a); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := len(rec.got()); got != s.want {
			t.Fatalf("after %s: %d alerts, want %d", s.name, got, s.want)
		}
	}
	got := rec.got()
	if got[0].StoryID != "story-a" || got[0].ArticleID != "story-a-copy1" || got[0].SearchID != fighters.ID ||
		got[0].SearchName != "fighters" || got[0].Site != "apnews.com" || got[0].FiredAt.IsZero() {
		t.Errorf("first alert = %+v", got[0])
	}
	if got[1].StoryID != "story-b" {
		t.Errorf("second alert for story %q, want story-b", got[1].StoryID)
	}
	// A restarted notifier remembers what fired.
	rec2 := &recorder{}
	n2, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec2, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if err := n2.Process(ctx, copyOf(4, "story-a", "example.com")); err != nil {
		t.Fatal(err)
	}
	if len(rec2.got()) != 0 {
		t.Errorf("restarted notifier fired again: %+v", rec2.got())
	}
	log, err := alert.NewSQLiteStore(st).Fired(ctx, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("Fired = %d alerts, %v; want 2", len(log), err)
	}
}

// TestAlertCarriesMatchedEvents checks that an alert carries the events
// its search's event filters match, and only those, also when read back
// from the log of fired alerts: the analyst reads who withdraws what in
// the alert itself.
func TestAlertCarriesMatchedEvents(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	addSearch(t, st, "news", `event:new-withdrawal`, "")
	addSearch(t, st, "russia", `event.actor:Russia OR place:Libya`, "")
	addSearch(t, st, "libya", `place:Libya`, "")
	addSearch(t, st, "not military", `place:Libya -event.kind:military`, "")
	rec := &recorder{}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	a := copyOf(1, "story-e", "apnews.com")
	a.Body = "Russia withdrew its advisers in 2019. Turkey will pull its fighters out of Libya."
	background := article.Event{Type: "withdrawal", Kind: "military", Status: "historical", Trigger: "withdrew",
		Actor:    &article.Role{Text: "Russia", Canonical: "Russia", Country: "RU", Start: 0, End: 6},
		Sentence: "Russia withdrew its advisers in 2019.", Start: 0, End: 37, TriggerStart: 7, TriggerEnd: 15}
	news := article.Event{Type: "withdrawal", Kind: "military", Status: "announced", Trigger: "pull out",
		Actor:    &article.Role{Text: "Turkey", Canonical: "Turkey", Country: "TR", Start: 38, End: 44},
		From:     &article.Role{Text: "Libya", Canonical: "Libya", Country: "LY", Start: 75, End: 80},
		Sentence: "Turkey will pull its fighters out of Libya.", Start: 38, End: 81, TriggerStart: 50,
		TriggerEnd: 54, Cues: []string{"will"}, NewAnnouncement: true}
	a.Events = []article.Event{background, news}
	if err := n.Process(ctx, a); err != nil {
		t.Fatal(err)
	}
	want := map[string][]article.Event{
		"news":         {news},
		"russia":       {background},
		"libya":        nil,
		"not military": nil, // the search does not match at all
	}
	check := func(from string, got []alert.Alert) {
		t.Helper()
		seen := map[string]bool{}
		for _, al := range got {
			seen[al.SearchName] = true
			if !reflect.DeepEqual(al.Events, want[al.SearchName]) {
				t.Errorf("%s: alert of %q carries %+v, want %+v", from, al.SearchName, al.Events, want[al.SearchName])
			}
		}
		if len(seen) != 3 || seen["not military"] {
			t.Errorf("%s: alerts of %v, want news, russia and libya", from, seen)
		}
	}
	check("sink", rec.got())
	log, err := alert.NewSQLiteStore(st).Fired(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	check("log", log)
	// The JSON a webhook receives names the fields as the article does.
	for _, al := range rec.got() {
		doc, err := json.Marshal(al)
		if err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(string(doc), `"events":[{"type":"withdrawal","kind":"military","status":"announced"`)
		if has != (al.SearchName == "news") {
			t.Errorf("alert JSON of %q: %s", al.SearchName, doc)
		}
	}
}

func TestConcurrentCopiesFireOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	addSearch(t, st, "fighters", `"foreign fighters"`, "")
	addSearch(t, st, "libya", "place:Libya", "")
	rec := &recorder{}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	const stories, copies = 5, 8
	var wg sync.WaitGroup
	errs := make(chan error, stories*copies)
	for s := range stories {
		for c := range copies {
			wg.Go(func() {
				if err := n.Process(ctx, copyOf(c, fmt.Sprintf("story-%d", s), "example.com")); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Go(func() { // a reload racing the processing
		if err := n.Reload(ctx); err != nil {
			errs <- err
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range rec.got() {
		seen[fmt.Sprint(a.SearchID, a.StoryID)]++
	}
	if len(seen) != 2*stories || len(rec.got()) != 2*stories {
		t.Errorf("%d alerts for %d (search, story) pairs, want %d each", len(rec.got()), len(seen), 2*stories)
	}
	if f := n.Fired.Load(); f != 2*stories {
		t.Errorf("Fired = %d, want %d", f, 2*stories)
	}
}

func TestReloadSeesNewSearch(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	rec := &recorder{}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec, Logger: quiet(), Reload: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- n.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	addSearch(t, st, "libya", "place:Libya", "")
	// Each poll that finds no alert yet hands the notifier one more story.
	i := 0
	waitFor(t, 5*time.Second, func() bool {
		if len(rec.got()) > 0 {
			return true
		}
		if err := n.Process(ctx, copyOf(i, fmt.Sprint("story-", i), "example.com")); err != nil {
			t.Fatal(err)
		}
		i++
		return false
	}, "a search added while running fires")
}

func TestLinesSink(t *testing.T) {
	var buf bytes.Buffer
	pub := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a := alert.Alert{SearchID: 3, SearchName: "n", Query: "q", StoryID: "s", ArticleID: "a", Title: "T", URL: "u",
		Site: "x.com", PublishedAt: &pub, FiredAt: pub.Add(time.Hour)}
	if err := alert.NewLines(&buf).Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil || !strings.HasSuffix(buf.String(), "}\n") {
		t.Fatalf("line %q: %v", buf.String(), err)
	}
	for _, k := range []string{"search_id", "search_name", "query", "story_id", "article_id", "title", "url", "site", "published_at", "fired_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("alert JSON lacks %s: %s", k, buf.String())
		}
	}
}

// flaky answers with the given status codes in turn, then 200.
type flaky struct {
	mu     sync.Mutex
	codes  []int
	bodies []alert.Alert
	calls  atomic.Int64
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	var a alert.Alert
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&a) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.codes) > 0 {
		code := f.codes[0]
		f.codes = f.codes[1:]
		w.WriteHeader(code)
		return
	}
	f.bodies = append(f.bodies, a)
}

func TestWebhook(t *testing.T) {
	tests := []struct {
		name      string
		codes     []int
		wantErr   bool
		wantCalls int64
	}{
		{"ok", nil, false, 1},
		{"500 then 200", []int{500}, false, 2},
		{"429, 503 then 200", []int{429, 503}, false, 3},
		{"always 500", []int{500, 500, 500}, true, 3},
		{"400 is not retried", []int{400}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{codes: tt.codes}
			srv := httptest.NewServer(f)
			defer srv.Close()
			h := &alert.Webhook{URL: srv.URL, Backoff: time.Millisecond, Timeout: time.Second}
			err := h.Send(context.Background(), alert.Alert{SearchID: 1, StoryID: "s"})
			if (err != nil) != tt.wantErr {
				t.Errorf("Send: %v, want error %v", err, tt.wantErr)
			}
			if c := f.calls.Load(); c != tt.wantCalls {
				t.Errorf("%d requests, want %d", c, tt.wantCalls)
			}
		})
	}
	// A hanging server is cut off by the timeout.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	start := time.Now()
	h := &alert.Webhook{URL: hang.URL, Timeout: 50 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond}
	if err := h.Send(context.Background(), alert.Alert{}); err == nil {
		t.Error("hanging webhook: no error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("hanging webhook took %s", d)
	}
}

// TestWebhookOutbox checks that a webhook failing at first neither fails
// nor blocks Process, and that the alert is delivered later from the
// outbox, once.
func TestWebhookOutbox(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	f := &flaky{codes: []int{500, 500, 500}} // the first outbox attempt (3 requests) fails
	srv := httptest.NewServer(f)
	defer srv.Close()
	addSearch(t, st, "fighters", `"foreign fighters"`, srv.URL)
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: &recorder{}, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range 3 {
		if err := n.Process(ctx, copyOf(i, "story-a", "example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Process took %s with a failing webhook", d)
	}
	if _, err := n.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n.DeliveryErrors.Load() != 1 || n.Delivered.Load() != 0 {
		t.Fatalf("after a failing attempt: delivered %d, errors %d", n.Delivered.Load(), n.DeliveryErrors.Load())
	}
	// Not due again yet; then due (as after the back-off, or a restart).
	due, err := alert.NewSQLiteStore(st).Due(ctx, time.Now(), 10)
	if err != nil || len(due) != 0 {
		t.Fatalf("Due right after a failure = %d, %v; want none", len(due), err)
	}
	due, err = alert.NewSQLiteStore(st).Due(ctx, time.Now().Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("Due after the back-off = %+v, %v; want one entry with 1 attempt", due, err)
	}
	if err := alert.NewSQLiteStore(st).Retry(ctx, due[0].ID, "forced due", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 1 {
		t.Fatalf("DeliverDue = %d, %v; want 1", got, err)
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 0 {
		t.Fatalf("second DeliverDue = %d, %v; want 0", got, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) != 1 || f.bodies[0].StoryID != "story-a" || f.bodies[0].ArticleID != "story-a-copy0" {
		t.Errorf("webhook received %+v, want the first copy of story-a once", f.bodies)
	}
}

func TestRemovedSearchStopsFiring(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s := addSearch(t, st, "libya", "place:Libya", "")
	rec := &recorder{}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: rec, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if err := alert.NewSQLiteStore(st).Remove(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	// Not yet reloaded: the store refuses to record a removed search.
	if err := n.Process(ctx, copyOf(0, "story-a", "example.com")); err != nil {
		t.Fatal(err)
	}
	if len(rec.got()) != 0 {
		t.Errorf("removed search fired: %+v", rec.got())
	}
	if err := alert.NewSQLiteStore(st).Remove(ctx, s.ID); err == nil {
		t.Error("removing twice: no error")
	}
}

// failing is a sink that fails while down is set and records otherwise.
type failing struct {
	recorder
	down atomic.Bool
}

func (f *failing) Send(ctx context.Context, a alert.Alert) error {
	if f.down.Load() {
		return fmt.Errorf("disk full")
	}
	return f.recorder.Send(ctx, a)
}

// TestSinkOutbox checks that an alert is not lost when the sink fails at
// the moment it fires, or when the process dies between recording the alert
// and sending it: the outbox delivers it, once, after the grace period.
func TestSinkOutbox(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s := addSearch(t, st, "fighters", `"foreign fighters"`, "")
	sink := &failing{}
	sink.down.Store(true)
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: sink, Logger: quiet(), SinkGrace: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// The sink fails: Process still succeeds, the alert waits in the outbox.
	if err := n.Process(ctx, copyOf(0, "story-a", "example.com")); err != nil {
		t.Fatal(err)
	}
	if n.Fired.Load() != 1 || n.SinkErrors.Load() != 1 || len(sink.got()) != 0 {
		t.Fatalf("fired %d, sink errors %d, sent %d; want 1, 1, 0", n.Fired.Load(), n.SinkErrors.Load(), len(sink.got()))
	}
	// A process records story-b's alert and dies before sending it.
	al := alert.Alert{SearchID: s.ID, SearchName: s.Name, Query: s.Query, StoryID: "story-b", ArticleID: "story-b-copy0", FiredAt: time.Now()}
	if rec, err := alert.NewSQLiteStore(st).Fire(ctx, al, "", time.Now().Add(time.Hour)); err != nil || !rec.New {
		t.Fatalf("Fire = %+v, %v", rec, err)
	}
	// Within the grace period nothing is due: an immediate send may be under way.
	if got, err := n.DeliverDue(ctx); err != nil || got != 0 {
		t.Fatalf("DeliverDue within the grace period = %d, %v; want 0", got, err)
	}
	due, err := alert.NewSQLiteStore(st).Due(ctx, time.Now().Add(2*time.Hour), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("outbox after the grace period = %+v, %v; want the two alerts", due, err)
	}
	for _, d := range due {
		if d.Webhook != "" {
			t.Errorf("entry %d has webhook %q, want the sink's", d.ID, d.Webhook)
		}
		if err := alert.NewSQLiteStore(st).Retry(ctx, d.ID, "forced due", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Still failing: both are kept with an attempt counted.
	if got, err := n.DeliverDue(ctx); err != nil || got != 0 || n.DeliveryErrors.Load() != 2 {
		t.Fatalf("DeliverDue with the sink down = %d, %v, errors %d; want 0, nil, 2", got, err, n.DeliveryErrors.Load())
	}
	sink.down.Store(false)
	due, _ = alert.NewSQLiteStore(st).Due(ctx, time.Now().Add(time.Hour), 10)
	for _, d := range due {
		if err := alert.NewSQLiteStore(st).Retry(ctx, d.ID, "forced due", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 2 {
		t.Fatalf("DeliverDue with the sink back = %d, %v; want 2", got, err)
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 0 {
		t.Fatalf("second DeliverDue = %d, %v; want 0", got, err)
	}
	var stories []string
	for _, a := range sink.got() {
		stories = append(stories, a.StoryID)
	}
	if len(stories) != 2 || !(stories[0] == "story-a" && stories[1] == "story-b" || stories[0] == "story-b" && stories[1] == "story-a") {
		t.Errorf("sink received stories %v, want story-a and story-b once each", stories)
	}
	// A sink that works at once leaves nothing in the outbox.
	if err := n.Process(ctx, copyOf(0, "story-c", "example.com")); err != nil {
		t.Fatal(err)
	}
	if due, err := alert.NewSQLiteStore(st).Due(ctx, time.Now().Add(2*time.Hour), 10); err != nil || len(due) != 0 {
		t.Errorf("outbox after a successful send = %+v, %v; want empty", due, err)
	}
}

// waitFor polls cond every 10ms until it holds, and fails the test with
// what if it does not hold within timeout.
func waitFor(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", timeout, what)
		}
	}
}

// TestLatencyBySink: each delivery tells Options.Latency how long after
// the article's fetch it arrived and where it went; the webhook receives
// the fetch time in the alert, and an old outbox entry without one is not
// counted as an alert that took 56 years.
func TestLatencyBySink(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	f := &flaky{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	addSearch(t, st, "hook", `"foreign fighters"`, srv.URL)
	addSearch(t, st, "local", `libya`, "")
	type obs struct {
		sink string
		d    time.Duration
	}
	var mu sync.Mutex
	var seen []obs
	took := func() []obs { mu.Lock(); defer mu.Unlock(); s := seen; seen = nil; return s }
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: &recorder{}, Logger: quiet(),
		Latency: func(sink string, d time.Duration) { mu.Lock(); seen = append(seen, obs{sink, d}); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	a := copyOf(0, "story-l", "example.com")
	a.FetchedAt = time.Now().Add(-3 * time.Second)
	if err := n.Process(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 1 {
		t.Fatalf("DeliverDue = %d, %v; want the webhook delivered", got, err)
	}
	// Both searches reach the local sink at once; the webhook one also
	// goes to its webhook through the outbox.
	bySink := map[string]int{}
	got := took()
	for _, o := range got {
		bySink[o.sink]++
		if o.d < 3*time.Second || o.d > time.Hour {
			t.Errorf("%s latency %s, want from the fetch 3s ago", o.sink, o.d)
		}
	}
	if bySink[alert.SinkLocal] != 2 || bySink[alert.SinkWebhook] != 1 || len(got) != 3 {
		t.Errorf("latencies told %+v, want two local and one webhook", got)
	}
	f.mu.Lock()
	bodies := append([]alert.Alert(nil), f.bodies...)
	f.mu.Unlock()
	if len(bodies) != 1 || !bodies[0].FetchedAt.Equal(a.FetchedAt) {
		t.Errorf("webhook bodies %+v, want one with fetched_at %s", bodies, a.FetchedAt)
	}

	// An outbox entry written before alerts carried fetched_at.
	old := alert.Alert{SearchID: 1, StoryID: "story-old", ArticleID: "old", FiredAt: time.Now()}
	rec, err := alert.NewSQLiteStore(st).Fire(ctx, old, srv.URL, time.Now())
	if err != nil || !rec.New {
		t.Fatalf("Fire = %+v, %v", rec, err)
	}
	if got, err := n.DeliverDue(ctx); err != nil || got == 0 {
		t.Fatalf("DeliverDue = %d, %v", got, err)
	}
	if got := took(); len(got) != 0 {
		t.Errorf("an alert without a fetch time told latencies %+v", got)
	}
}
