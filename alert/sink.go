package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/internal/redact"
)

// Sink receives fired alerts.
type Sink interface {
	Send(ctx context.Context, a Alert) error
}

// Lines writes each alert as one JSON line. Lines are written whole and in
// one Write call each, so concurrent senders never interleave.
type Lines struct {
	mu sync.Mutex
	w  io.Writer
}

// NewLines returns a sink writing to w (a file opened for appending, or
// standard output).
func NewLines(w io.Writer) *Lines { return &Lines{w: w} }

// Send writes a.
func (l *Lines) Send(_ context.Context, a Alert) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("alert lines: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("alert lines: %w", err)
	}
	return nil
}

// LogSink logs each alert as one log line: the default when no output is
// configured, so alerts are visible without set-up.
type LogSink struct{ Logger *slog.Logger }

// Send logs a.
func (s LogSink) Send(_ context.Context, a Alert) error {
	s.Logger.Info("alert", "search_id", a.SearchID, "search", a.SearchName, "story_id", a.StoryID,
		"article_id", a.ArticleID, "title", a.Title, "url", a.URL, "site", a.Site)
	return nil
}

// Webhook POSTs each alert as JSON to a URL. A 2xx answer is success; a
// network error, a timeout, 408, 429 and 5xx are retried with doubling
// back-off up to Attempts times in all; other answers fail at once.
type Webhook struct {
	URL string
	// Secret, when set, signs each request (see Sign); ID is its
	// webhook-id (see MessageID).
	Secret, ID string
	Client     *http.Client  // default: http.DefaultClient
	Timeout    time.Duration // of one request; default 5s
	Attempts   int           // default 3
	Backoff    time.Duration // before the second attempt, doubled after; default 200ms
}

// Send delivers a.
func (h *Webhook) Send(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", redact.URL(h.URL), err)
	}
	attempts, backoff := h.Attempts, h.Backoff
	if attempts <= 0 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 200 * time.Millisecond
	}
	for i := 0; ; i++ {
		retry, err := h.post(ctx, body)
		if err == nil {
			return nil
		}
		if !retry || i+1 >= attempts {
			return fmt.Errorf("webhook %s: attempt %d: %w", redact.URL(h.URL), i+1, redact.Error(err))
		}
		select {
		case <-time.After(backoff << i):
		case <-ctx.Done():
			return fmt.Errorf("webhook %s: %w (last: %w)", redact.URL(h.URL), ctx.Err(), redact.Error(err))
		}
	}
}

// post makes one attempt and reports whether a failure is worth retrying.
func (h *Webhook) post(ctx context.Context, body []byte) (retry bool, err error) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wirewatch-alerts")
	if h.Secret != "" {
		ts := time.Now()
		sig, err := Sign(h.Secret, h.ID, ts, body)
		if err != nil {
			return false, err
		}
		req.Header.Set("webhook-id", h.ID)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set("webhook-signature", sig)
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return true, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return false, nil
	case c == http.StatusRequestTimeout, c == http.StatusTooManyRequests, c >= 500:
		return true, errors.New(resp.Status)
	default:
		return false, errors.New(resp.Status)
	}
}
