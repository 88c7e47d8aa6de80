package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// HostStats are one host's fetch figures.
type HostStats struct {
	Host    string
	Fetched int64 // responses received (any status)
	Failed  int64 // URLs that failed for good
	Bytes   int64
	// Latency is the mean time from request to full body.
	Latency time.Duration
}

// Snapshot is a consistent-enough view of the crawl for progress output.
type Snapshot struct {
	Found, Fetched, Articles, Completed, Failed, Skipped, Retried, Refused, Bytes int64
	InFlight                                                                      int64
	// Queue is the frontier by state (Pending is the queue depth).
	Queue frontier.Stats
	// Hosts are the busiest hosts by pages fetched, at most 20.
	Hosts []HostStats
}

// Snapshot reports the crawler's counters, the frontier's queue and the
// busiest hosts.
func (c *Crawler) Snapshot(ctx context.Context) (Snapshot, error) {
	s := &c.Stats
	snap := Snapshot{
		Found: s.Found.Load(), Fetched: s.Fetched.Load(), Articles: s.Articles.Load(), Completed: s.Completed.Load(),
		Failed: s.Failed.Load(), Skipped: s.Skipped.Load(), Retried: s.Retried.Load(), Refused: s.Refused.Load(),
		Bytes: s.Bytes.Load(), InFlight: s.InFlight.Load(), Hosts: c.metrics.top(20),
	}
	q, err := c.frontier.Frontier(ctx)
	if err != nil {
		return snap, fmt.Errorf("crawl snapshot: %w", err)
	}
	snap.Queue = q
	return snap, nil
}

// hostMetrics counts per host. It keeps at most maxMetricHosts hosts; the
// rest are added up under "(other)", so a crawl of millions of hosts does
// not grow it.
type hostMetrics struct {
	mu    sync.Mutex
	hosts map[string]*hostCount
}

type hostCount struct {
	fetched, failed, bytes int64
	latency                time.Duration // sum
}

const maxMetricHosts = 1000

func newHostMetrics() *hostMetrics { return &hostMetrics{hosts: map[string]*hostCount{}} }

func (m *hostMetrics) entry(host string) *hostCount {
	h := m.hosts[host]
	if h == nil {
		if len(m.hosts) >= maxMetricHosts {
			host = "(other)"
			if h = m.hosts[host]; h != nil {
				return h
			}
		}
		h = &hostCount{}
		m.hosts[host] = h
	}
	return h
}

func (m *hostMetrics) fetched(host string, bytes int, latency time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.entry(host)
	h.fetched++
	h.bytes += int64(bytes)
	h.latency += latency
}

func (m *hostMetrics) failed(host string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entry(host).failed++
}

func (m *hostMetrics) top(n int) []HostStats {
	m.mu.Lock()
	out := make([]HostStats, 0, len(m.hosts))
	for h, c := range m.hosts {
		s := HostStats{Host: h, Fetched: c.fetched, Failed: c.failed, Bytes: c.bytes}
		if c.fetched > 0 {
			s.Latency = c.latency / time.Duration(c.fetched)
		}
		out = append(out, s)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Fetched != out[j].Fetched {
			return out[i].Fetched > out[j].Fetched
		}
		return out[i].Host < out[j].Host
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// settler writes outcomes to the frontier in batches: one transaction per
// flush instead of one per URL. An outcome is queued only once it is final
// (for an article: after the downstream ack), so batching delays a Done
// mark but never makes one early; a crash before the flush leaves the URL
// in flight, and it is fetched again on restart.
type settler struct {
	f   Frontier
	log *slog.Logger

	mu       sync.Mutex
	queue    []frontier.Settled
	closed   bool
	flushing bool
	kick     chan struct{}
	stopped  chan struct{}
}

const (
	settleEvery = 20 * time.Millisecond
	settleBatch = 256
)

func newSettler(f Frontier, log *slog.Logger) *settler {
	s := &settler{f: f, log: log, kick: make(chan struct{}, 1), stopped: make(chan struct{})}
	go s.loop()
	return s
}

// add queues an outcome. After close it writes through.
func (s *settler) add(b frontier.Settled) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.f.SettleAll(context.Background(), []frontier.Settled{b})
	}
	s.queue = append(s.queue, b)
	full := len(s.queue) >= settleBatch
	s.mu.Unlock()
	if full {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// idle reports whether nothing is queued or being written.
func (s *settler) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue) == 0 && !s.flushing
}

func (s *settler) loop() {
	defer close(s.stopped)
	t := time.NewTicker(settleEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.kick:
		}
		s.mu.Lock()
		batch, closed := s.queue, s.closed
		s.queue = nil
		s.flushing = len(batch) > 0
		s.mu.Unlock()
		if len(batch) > 0 {
			if err := s.f.SettleAll(context.Background(), batch); err != nil {
				s.log.Error("cannot record fetch outcomes", "n", len(batch), "err", err)
			}
			s.mu.Lock()
			s.flushing = false
			s.mu.Unlock()
		}
		if closed {
			return
		}
	}
}

// close flushes what is queued and makes later adds write through.
func (s *settler) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	<-s.stopped
}
