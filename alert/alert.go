// Package alert tells analysts within seconds when a new story matches one
// of their saved searches, once per story: the first stored copy of a story
// fires, later syndicated copies, redeliveries and re-crawls of the same
// story do not.
//
// A Notifier is a stage.Processor placed after the indexer. For each saved
// search whose query matches the article (see Matcher), it records the pair
// (search, story) in the store; only the call that records a new pair fires.
// Recording the pair also puts the alert in a durable outbox, in the same
// transaction: once for the Notifier's sink (JSON lines or a log line) and,
// for a search with a webhook, once for the webhook. The sink is sent the
// alert at once and its entry cleared; the webhook's entry, and a sink entry
// left behind by a failed send or a process that died before sending, are
// delivered by a background loop with retries, also after a restart. So a
// slow or failing webhook never holds up indexing, and a fired alert is
// delivered at least once: a process that dies between sending and clearing
// sends it again (consumers can key on search_id and story_id).
package alert

import (
	"context"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// Search is a saved search.
type Search struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Query   string `json:"query"`
	Webhook string `json:"webhook,omitempty"` // URL alerts are POSTed to, if any
	// Secret signs the search's webhook requests (Standard Webhooks,
	// "whsec_" and base64). It is never in the JSON form, so that lists
	// and logs do not show it; it is shown once, when the search is created.
	Secret    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// Alert is one fired alert: the first article of a story that matched a
// saved search. Its JSON form is what sinks and webhooks receive.
type Alert struct {
	SearchID    int64      `json:"search_id"`
	SearchName  string     `json:"search_name"`
	Query       string     `json:"query"`
	StoryID     string     `json:"story_id"`
	ArticleID   string     `json:"article_id"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	Site        string     `json:"site"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// FetchedAt is when the article was fetched, so that a receiver (and
	// the delivery metrics) can tell how old the news is when it arrives.
	// Alerts read back from the log do not carry it.
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	FiredAt   time.Time `json:"fired_at"`
	// Events are the article's events that the search's event filters
	// match (see query.MatchedEvents), so that an analyst alerted on
	// event:new-withdrawal reads who withdraws what from where, and the
	// trigger words, in the alert itself. Absent for a search without
	// event filters.
	Events []article.Event `json:"events,omitempty"`
}

// Delivery is an alert waiting in the outbox.
type Delivery struct {
	ID int64
	// Webhook is the URL to POST to; "" means the process's own sink
	// (Options.Sink).
	Webhook string
	// Secret signs the webhook request ("" sends it unsigned).
	Secret   string
	Alert    Alert
	Attempts int
}

// Recorded is the outcome of Store.Fire.
type Recorded struct {
	// New reports whether this call recorded the (search, story) pair.
	New bool
	// SinkEntry is the outbox entry of the local sink when New.
	SinkEntry int64
}

// Store persists saved searches, fired alerts and the webhook outbox.
type Store interface {
	// Searches returns every saved search.
	Searches(ctx context.Context) ([]Search, error)
	// Fire records that a.StoryID fired for a.SearchID, unless it already
	// has, and reports whether this call recorded it. The check and the
	// record are one transaction, so concurrent callers fire once. A new
	// pair is queued in the outbox in the same transaction: for the local
	// sink (Webhook "") due at hold, which gives the caller time to send it
	// at once and mark it Delivered, and, when webhook is not empty, for
	// the webhook, due now. The sink entry is what delivers the alert when
	// the process dies, or the sink fails, before the immediate send.
	Fire(ctx context.Context, a Alert, webhook string, hold time.Time) (Recorded, error)
	// Due returns up to limit outbox entries due at now and holds them for
	// the caller: they are not due again, for this or any other process
	// sharing the store, until Delivered or Retry settles them or a hold
	// longer than one delivery attempt runs out (the caller died). So
	// processes sharing one store do not send one entry twice.
	Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// Delivered removes a delivered entry from the outbox.
	Delivered(ctx context.Context, id int64) error
	// Retry records a failed attempt: the entry is due again at next, or,
	// when next is zero, is given up and kept only for inspection.
	Retry(ctx context.Context, id int64, errMsg string, next time.Time) error
}

// ParseQuery parses and checks a saved search's query: it must parse and it
// must not be empty.
func ParseQuery(s string) (query.Query, error) {
	q, err := query.Parse(s)
	if err != nil {
		return query.Query{}, err
	}
	if _, err := NewMatcher(q); err != nil {
		return query.Query{}, err
	}
	return q, nil
}
