package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirewatch/wirewatch/internal/redact"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Options configures a Notifier. Zero values take the defaults.
type Options struct {
	// Sink receives every fired alert at once (default: a log line each).
	Sink   Sink
	Logger *slog.Logger
	// Reload is how often Run re-reads the saved searches, so that one
	// added while running takes effect (default 10s).
	Reload time.Duration
	// Poll is how often Run looks for outbox entries due again (default 1s);
	// a new alert is delivered at once.
	Poll time.Duration
	// MaxAttempts bounds the delivery attempts of one outbox entry, each
	// itself up to Webhook.Attempts requests (default 10: with back-off
	// from 5s doubling to at most 10min, about an hour of trying).
	MaxAttempts int
	// SinkGrace is how long a new alert's outbox entry for the sink waits
	// for the immediate send before the outbox delivers it itself, which
	// only happens when the process died first or the sink failed
	// (default 30s).
	SinkGrace time.Duration
	// Client sends webhook requests (default http.DefaultClient).
	Client *http.Client
	// WebhookTimeout bounds one webhook request (default 5s).
	WebhookTimeout time.Duration
	// Latency, if set, is told the time from an article's fetch to each
	// delivery of an alert it fired, with where it went: "local" (the
	// Sink) or "webhook". OnWebhook is told the outcome of each webhook
	// delivery attempt. Both are for metrics.
	Latency   func(sink string, d time.Duration)
	OnWebhook func(error)
}

// Notifier fires alerts for stored articles; see the package comment. It
// is safe for concurrent use.
type Notifier struct {
	store Store
	opts  Options
	log   *slog.Logger
	kick  chan struct{}

	mu       sync.RWMutex
	searches []saved

	// Fired counts alerts fired; SinkErrors alerts the sink failed to take
	// at once; Delivered and DeliveryErrors count outbox deliveries (webhooks,
	// and the sink's late deliveries) and failed outbox attempts.
	Fired, SinkErrors, Delivered, DeliveryErrors atomic.Int64
}

type saved struct {
	Search
	m *Matcher
}

// New returns a Notifier over st with the saved searches loaded.
func New(ctx context.Context, st Store, opts Options) (*Notifier, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Sink == nil {
		opts.Sink = LogSink{Logger: opts.Logger}
	}
	if opts.Reload <= 0 {
		opts.Reload = 10 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.SinkGrace <= 0 {
		opts.SinkGrace = 30 * time.Second
	}
	n := &Notifier{store: st, opts: opts, log: opts.Logger.With("component", "alerts"), kick: make(chan struct{}, 1)}
	if err := n.Reload(ctx); err != nil {
		return nil, err
	}
	return n, nil
}

// Reload re-reads the saved searches. A search whose query no longer
// parses (it was checked when added) is logged and skipped.
func (n *Notifier) Reload(ctx context.Context) error {
	list, err := n.store.Searches(ctx)
	if err != nil {
		return fmt.Errorf("load saved searches: %w", err)
	}
	out := make([]saved, 0, len(list))
	for _, s := range list {
		q, err := query.Parse(s.Query)
		var m *Matcher
		if err == nil {
			m, err = NewMatcher(q)
		}
		if err != nil {
			n.log.Warn("saved search skipped", "search_id", s.ID, "query", s.Query, "err", err)
			continue
		}
		out = append(out, saved{Search: s, m: m})
	}
	n.mu.Lock()
	n.searches = out
	n.mu.Unlock()
	return nil
}

// Process fires the alerts a newly stored article raises. Its story is
// a.StoryID, or, for an article without one, its own id. An error of the
// store (recording the pair) fails the article, so that the pipeline's
// redelivery tries again. A failing sink does not: the alert stays in the
// outbox, which sends it again after SinkGrace.
func (n *Notifier) Process(ctx context.Context, a *article.Article) error {
	n.mu.RLock()
	searches := n.searches
	n.mu.RUnlock()
	storyID := a.StoryID
	if storyID == "" {
		storyID = a.ID
	}
	var errs []error
	queued := false
	doc, now := NewDoc(a), time.Now()
	for _, s := range searches {
		if !s.m.MatchDoc(doc, now) {
			continue
		}
		al := Alert{SearchID: s.ID, SearchName: s.Name, Query: s.Query, StoryID: storyID, ArticleID: a.ID,
			Title: a.Title, URL: a.URL, Site: a.Site, PublishedAt: a.PublishedAt, FetchedAt: a.FetchedAt, FiredAt: time.Now().UTC()}
		for _, i := range query.MatchedEvents(s.m.Query(), a.Events) {
			al.Events = append(al.Events, a.Events[i])
		}
		rec, err := n.store.Fire(ctx, al, s.Webhook, time.Now().Add(n.opts.SinkGrace))
		if err != nil {
			errs = append(errs, fmt.Errorf("alert %d for story %s: %w", s.ID, storyID, err))
			continue
		}
		if !rec.New {
			continue
		}
		n.Fired.Add(1)
		queued = queued || s.Webhook != ""
		n.log.Debug("alert fired", "search_id", s.ID, "story_id", storyID, "article_id", a.ID,
			"since_fetch", al.FiredAt.Sub(a.FetchedAt).Round(time.Millisecond))
		if err := n.opts.Sink.Send(ctx, al); err != nil {
			n.SinkErrors.Add(1)
			n.log.Error("alert sink failed; the outbox sends it again", "search_id", s.ID, "story_id", storyID,
				"retry_in", n.opts.SinkGrace, "err", err)
			continue
		}
		n.observe(SinkLocal, al)
		if err := n.store.Delivered(ctx, rec.SinkEntry); err != nil {
			// Sent, but the outbox still holds it: it will be sent twice.
			n.log.Warn("alert sent but not cleared from the outbox", "search_id", s.ID, "story_id", storyID, "err", err)
		}
	}
	if queued {
		select {
		case n.kick <- struct{}{}:
		default:
		}
	}
	return errors.Join(errs...)
}

// Run re-reads the saved searches every Reload and delivers the outbox
// until ctx ends. It returns nil when ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	reload := time.NewTicker(n.opts.Reload)
	defer reload.Stop()
	poll := time.NewTicker(n.opts.Poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-reload.C:
			if err := n.Reload(ctx); err != nil && ctx.Err() == nil {
				n.log.Warn("reloading saved searches", "err", err)
			}
		case <-poll.C:
		case <-n.kick:
		}
		if _, err := n.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("alert outbox", "err", err)
		}
	}
}

// The sink names Options.Latency is told.
const (
	SinkLocal   = "local"
	SinkWebhook = "webhook"
)

// observe tells Options.Latency of a delivered alert. An outbox entry
// written before alerts carried their fetch time has none, and a time
// from the future (another machine's clock) says nothing: neither is told.
func (n *Notifier) observe(sink string, a Alert) {
	if n.opts.Latency == nil || a.FetchedAt.IsZero() {
		return
	}
	if d := time.Since(a.FetchedAt); d >= 0 {
		n.opts.Latency(sink, d)
	}
}

// deliverBatch bounds the entries one DeliverDue attempts.
const deliverBatch = 100

// DeliverDue makes one attempt at every outbox entry that is due (at most
// deliverBatch), and returns how many were delivered. It takes the entries
// from the store one at a time, so that each is held (see Store.Due) only
// for its own attempt and a slow webhook does not outlast the hold of the
// entries queued behind it.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	done := 0
	for range deliverBatch {
		due, err := n.store.Due(ctx, time.Now(), 1)
		if err != nil {
			return done, err
		}
		if len(due) == 0 {
			return done, nil
		}
		d := due[0]
		var serr error
		if d.Webhook == "" {
			serr = n.opts.Sink.Send(ctx, d.Alert)
		} else {
			h := &Webhook{URL: d.Webhook, Client: n.opts.Client, Timeout: n.opts.WebhookTimeout,
				Secret: d.Secret, ID: MessageID(d.Alert.SearchID, d.Alert.StoryID)}
			serr = h.Send(ctx, d.Alert)
			if n.opts.OnWebhook != nil {
				n.opts.OnWebhook(serr)
			}
		}
		if serr == nil {
			n.Delivered.Add(1)
			if d.Webhook == "" {
				n.observe(SinkLocal, d.Alert)
			} else {
				n.observe(SinkWebhook, d.Alert)
			}
			done++
			if err := n.store.Delivered(ctx, d.ID); err != nil {
				return done, err
			}
			continue
		}
		if ctx.Err() != nil {
			return done, ctx.Err() // not the webhook's fault: no attempt counted
		}
		n.DeliveryErrors.Add(1)
		var next time.Time
		if d.Attempts+1 < n.opts.MaxAttempts {
			next = time.Now().Add(min(5*time.Second<<min(d.Attempts, 7), 10*time.Minute))
		}
		n.log.Warn("alert delivery failed", "webhook", redact.URL(d.Webhook), "search_id", d.Alert.SearchID, "story_id", d.Alert.StoryID,
			"attempt", d.Attempts+1, "retry_at", next, "err", serr)
		if err := n.store.Retry(ctx, d.ID, serr.Error(), next); err != nil {
			return done, err
		}
	}
	return done, nil
}
