package pipeline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/metrics"
)

// stallCheck tells a crawl that has stopped fetching from one with nothing
// to fetch: it fails when no page was fetched for the threshold while URLs
// were in flight or one had been due for as long. fetched is the count of pages fetched so far; outlook is the
// frontier's. Progress is seen when a check finds the count grown, so it
// is as precise as the checks are frequent, and the first check counts
// from the creation of the check: a process that just started is not
// stalled.
type stallCheck struct {
	after   time.Duration
	now     func() time.Time
	fetched func() int64
	outlook func(context.Context) (frontier.Outlook, error)

	mu   sync.Mutex
	seen int64
	at   time.Time // when seen was first observed
}

func newStallCheck(after time.Duration, now func() time.Time, fetched func() int64, outlook func(context.Context) (frontier.Outlook, error)) *stallCheck {
	return &stallCheck{after: after, now: now, fetched: fetched, outlook: outlook, at: now()}
}

// crawlerFetched is the fetched count of the crawler cr returns, 0 before
// it starts.
func crawlerFetched(cr func() *crawler.Crawler) func() int64 {
	return func() int64 {
		if c := cr(); c != nil {
			return c.Stats.Fetched.Load()
		}
		return 0
	}
}

// Check is the readiness check "crawl".
func (s *stallCheck) Check() metrics.Check {
	return metrics.Check{Name: "crawl", Check: s.check}
}

func (s *stallCheck) check(ctx context.Context) error {
	if s.after <= 0 {
		return nil
	}
	now := s.now()
	n := s.fetched()
	s.mu.Lock()
	if n != s.seen {
		s.seen, s.at = n, now
	}
	idle := now.Sub(s.at)
	s.mu.Unlock()
	if idle < s.after {
		return nil
	}
	o, err := s.outlook(ctx)
	if err != nil {
		return fmt.Errorf("crawl: %w", err)
	}
	// URLs in flight count as work: a fetch is bounded by --timeout, and
	// in the crawl role a URL stays in flight until Kafka stores its
	// article, so one held for the whole threshold is stuck.
	if o.InFlight {
		return fmt.Errorf("crawl stalled: URLs are in flight and no page was fetched for %s", idle.Round(time.Second))
	}
	if o.Pending && now.Sub(o.NextDue) >= s.after {
		return fmt.Errorf("crawl stalled: a URL has been due since %s and no page was fetched for %s",
			o.NextDue.UTC().Format(time.RFC3339), idle.Round(time.Second))
	}
	return nil
}
