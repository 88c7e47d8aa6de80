package crawler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// transient reports whether a failed fetch is worth retrying: timeouts,
// connection failures, 429 and 5xx. Redirect loops, bad bodies (broken
// gzip), robots.txt refusals and 4xx are final.
func transient(res *result) bool {
	switch {
	case res.status == http.StatusTooManyRequests, res.status >= 500:
		return true
	case res.err != nil && res.status == 0:
		if errors.Is(res.err, errRedirectLoop) || errors.Is(res.err, errTooManyRedirects) {
			return false
		}
		var ue *url.Error
		if errors.As(res.err, &ue) {
			return true // the request itself failed: timeout, refused, reset
		}
		var ne net.Error
		return errors.As(res.err, &ne)
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date,
// capped at a day.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 24*time.Hour)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// backoff is exponential from base with jitter in [d/2, d], capped at 5
// minutes.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 16)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// failReason describes a failed fetch for the frontier's error column.
func failReason(res *result) string {
	switch {
	case errors.Is(res.err, errRedirectLoop):
		return "redirect loop"
	case errors.Is(res.err, errTooManyRedirects):
		return "too many redirects"
	case res.status >= 300:
		return fmt.Sprintf("HTTP %d", res.status)
	case res.err != nil:
		var ue *url.Error
		if errors.As(res.err, &ue) && ue.Timeout() {
			return "timeout"
		}
		return res.err.Error()
	}
	return "no response"
}

func (c *Crawler) fail(ctx context.Context, e frontier.Entry, res *result, now time.Time) {
	reason := failReason(res)
	host := frontier.Host(e.URL)
	out := frontier.Outcome{State: frontier.Failed, Status: res.status, Error: reason, FetchedAt: now}
	ra := retryAfter(res.header, now)
	if res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable {
		// The host is overloaded or rationing us: pause all of it.
		c.gate.pause(host, now.Add(max(ra, backoff(c.opts.RetryWait, e.Attempts))))
	}
	if transient(res) && e.Attempts < c.opts.Retries {
		wait := max(backoff(c.opts.RetryWait, e.Attempts), ra)
		out.State, out.NextAt = frontier.Pending, now.Add(wait)
		c.Stats.Retried.Add(1)
		c.log.Info("fetch failed, will retry", "url", e.URL, "reason", reason, "attempt", e.Attempts+1, "in", wait.Round(time.Millisecond))
		c.settle(e.URL, "", out)
		return
	}
	c.failFinal(e, "", out, "fetch failed", reason)
}

// failFinal records a URL as failed for good; msg is the log message.
func (c *Crawler) failFinal(e frontier.Entry, kind frontier.Kind, out frontier.Outcome, msg, reason string) {
	out.State, out.Error, out.NextAt = frontier.Failed, reason, time.Time{}
	c.Stats.Failed.Add(1)
	c.metrics.failed(frontier.Host(e.URL))
	c.log.Warn(msg, "url", e.URL, "reason", reason, "attempts", e.Attempts+1)
	c.settle(e.URL, kind, out)
}
