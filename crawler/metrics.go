package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
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
	Rechecked                                                                     int64
	// Queue is the frontier by state (Pending is the queue depth).
	Queue frontier.Stats
	// Hosts are the busiest hosts by pages fetched, at most 20.
	Hosts []HostStats
	// AddressRefused counts URLs the address policy refused, by reason.
	AddressRefused []AddressRefusal
}

// Snapshot reports the crawler's counters, the frontier's queue and the
// busiest hosts.
func (c *Crawler) Snapshot(ctx context.Context) (Snapshot, error) {
	s := &c.Stats
	snap := Snapshot{
		Found: s.Found.Load(), Fetched: s.Fetched.Load(), Articles: s.Articles.Load(), Completed: s.Completed.Load(),
		Failed: s.Failed.Load(), Skipped: s.Skipped.Load(), Retried: s.Retried.Load(), Refused: s.Refused.Load(),
		Bytes: s.Bytes.Load(), InFlight: s.InFlight.Load(), Rechecked: s.Rechecked.Load(), Hosts: c.metrics.top(20),
		AddressRefused: c.AddressRefusals(),
	}
	q, err := c.frontier.Frontier(ctx)
	if err != nil {
		return snap, fmt.Errorf("crawl snapshot: %w", err)
	}
	snap.Queue = q
	return snap, nil
}

// FirstPagesKept reports how many first pages of new sites the crawler
// holds in memory to clean them again (see the package doc), and the
// bytes they take (their HTML deflated and the bodies emitted).
func (c *Crawler) FirstPagesKept() (pages, bytes int) {
	_, pages, bytes = c.first.usage()
	return pages, bytes
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

// writer writes outcomes and discovered links to the frontier in batches:
// one transaction per flush instead of one per URL, links before outcomes.
// An outcome is queued only once it is final (for an article: after the
// downstream ack), so batching delays a Done mark but never makes one
// early, and a page's links are stored no later than the page is marked
// done. A crash before the flush leaves the URL in flight, and it is
// fetched again on restart.
type writer struct {
	f     Frontier
	limit func(host string) int
	found *atomic.Int64
	log   *slog.Logger

	mu       sync.Mutex
	adds     []frontier.Entry
	settles  []frontier.Settled
	closed   bool
	flushing bool
	kick     chan struct{}
	stopped  chan struct{}
	// flushed is signalled after a flush that stored links, which wakes a
	// dispatcher that found nothing due.
	flushed chan struct{}
	// failures counts flushes that failed in a row; a failed batch is put
	// back and tried again. After maxWriteFailures the error sticks: every
	// later call returns it, so the crawl stops with the reason instead of
	// waiting forever on URLs whose outcome cannot be recorded.
	failures  int
	err       error
	retryWait time.Duration // back-off before the first retry, doubled after
}

const (
	writeEvery       = 20 * time.Millisecond
	writeBatch       = 512
	maxWriteFailures = 6 // about a minute of back-off with the default RetryWait
)

func newWriter(f Frontier, limit func(string) int, found *atomic.Int64, retryWait time.Duration, log *slog.Logger) *writer {
	w := &writer{f: f, limit: limit, found: found, retryWait: retryWait, log: log, kick: make(chan struct{}, 1), stopped: make(chan struct{}), flushed: make(chan struct{}, 1)}
	go w.loop()
	return w
}

// add queues discovered entries.
func (w *writer) add(entries []frontier.Entry) error {
	return w.queue(entries, nil)
}

// settle queues an outcome.
func (w *writer) settle(b frontier.Settled) error {
	return w.queue(nil, []frontier.Settled{b})
}

func (w *writer) queue(entries []frontier.Entry, settles []frontier.Settled) error {
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return err
	}
	if w.closed {
		w.mu.Unlock()
		return w.apply(entries, settles) // after the crawl: write through
	}
	w.adds = append(w.adds, entries...)
	w.settles = append(w.settles, settles...)
	full := len(w.adds)+len(w.settles) >= writeBatch
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

func (w *writer) apply(entries []frontier.Entry, settles []frontier.Settled) error {
	n, err := w.f.Apply(context.Background(), entries, settles, w.limit)
	w.found.Add(int64(n))
	return err
}

// failed returns the error that made the writer give up, if it did.
func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// idle reports whether nothing is queued or being written.
func (w *writer) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.adds) == 0 && len(w.settles) == 0 && !w.flushing
}

func (w *writer) loop() {
	defer close(w.stopped)
	t := time.NewTicker(writeEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-w.kick:
		}
		w.mu.Lock()
		adds, settles, closed := w.adds, w.settles, w.closed
		w.adds, w.settles = nil, nil
		w.flushing = len(adds)+len(settles) > 0
		w.mu.Unlock()
		if len(adds)+len(settles) > 0 {
			err := w.apply(adds, settles)
			w.mu.Lock()
			w.flushing = false
			if err != nil {
				// One transaction per flush: nothing of the batch was
				// stored, and every write in it is idempotent, so it is put
				// back in front of what came since and tried again.
				w.adds, w.settles = append(adds, w.adds...), append(settles, w.settles...)
				w.failures++
				if w.failures >= maxWriteFailures {
					w.err = fmt.Errorf("record crawl state: giving up after %d failed writes: %w", w.failures, err)
				}
			} else {
				w.failures = 0
			}
			failures, sticky := w.failures, w.err
			w.mu.Unlock()
			if err != nil {
				w.log.Error("cannot record crawl state; will retry", "links", len(adds), "outcomes", len(settles), "failures", failures, "err", err)
				if sticky != nil || closed {
					return
				}
				time.Sleep(min(w.retryWait<<failures, 30*time.Second))
				continue
			}
			if len(adds) > 0 {
				select {
				case w.flushed <- struct{}{}:
				default:
				}
			}
		}
		if closed {
			return
		}
	}
}

// notify wakes a dispatcher that found nothing due, after URLs were queued
// without the writer.
func (w *writer) notify() {
	select {
	case w.flushed <- struct{}{}:
	default:
	}
}

// close flushes what is queued and makes later calls write through.
func (w *writer) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
	<-w.stopped
}
