package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// hostGate spaces requests to each host: at most perHost at once, starts at
// least the host's delay apart, and none before a Retry-After back-off ends.
// Hosts that are idle and past their wait carry no state, and are dropped
// once the gate remembers more than maxGateHosts, so it stays small however
// many hosts a crawl visits.
type hostGate struct {
	mu      sync.Mutex
	perHost int
	hosts   map[string]*gateState
}

type gateState struct {
	inflight int
	next     time.Time // earliest start of the next request
}

const maxGateHosts = 4096

func newHostGate(perHost int) *hostGate {
	return &hostGate{perHost: perHost, hosts: map[string]*gateState{}}
}

// acquire takes a slot for host if one is free and the host's wait is
// over; otherwise it reports when to ask again (zero: when a slot frees).
func (g *hostGate) acquire(host string, delay time.Duration, now time.Time) (bool, time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.hosts[host]
	if s == nil {
		g.evict(now)
		s = &gateState{}
		g.hosts[host] = s
	}
	if s.inflight >= g.perHost {
		return false, time.Time{}
	}
	if now.Before(s.next) {
		return false, s.next
	}
	s.inflight++
	s.next = now.Add(delay)
	return true, time.Time{}
}

// acquireAgain lets a request that holds a slot of host start once the
// host's wait is over (it made a robots.txt request first).
func (g *hostGate) acquireAgain(host string, delay time.Duration, now time.Time) (bool, time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.hosts[host]
	if s == nil {
		s = &gateState{inflight: 1}
		g.hosts[host] = s
	}
	if now.Before(s.next) {
		return false, s.next
	}
	s.next = now.Add(delay)
	return true, time.Time{}
}

// release frees a slot of host.
func (g *hostGate) release(host string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.hosts[host]; s != nil && s.inflight > 0 {
		s.inflight--
	}
}

// pause keeps host waiting until at least until (Retry-After, or the
// delay owed after a request made outside the gate such as robots.txt).
func (g *hostGate) pause(host string, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.hosts[host]
	if s == nil {
		s = &gateState{}
		g.hosts[host] = s
	}
	if until.After(s.next) {
		s.next = until
	}
}

// waiting lists the hosts that must wait before their next request (a
// delay or a back-off); hosts that are only at their concurrency limit are
// not listed, since a slot frees as soon as a fetch ends.
func (g *hostGate) waiting(now time.Time) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for h, s := range g.hosts {
		if now.Before(s.next) {
			out = append(out, h)
		}
	}
	return out
}

// nextReady is the earliest time a waiting host may go (zero if none).
func (g *hostGate) nextReady(now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	var t time.Time
	for _, s := range g.hosts {
		if now.Before(s.next) && (t.IsZero() || s.next.Before(t)) {
			t = s.next
		}
	}
	return t
}

// evict drops hosts whose state no longer matters; called with mu held.
func (g *hostGate) evict(now time.Time) {
	if len(g.hosts) < maxGateHosts {
		return
	}
	for h, s := range g.hosts {
		if s.inflight == 0 && !now.Before(s.next) {
			delete(g.hosts, h)
		}
	}
}

// robotsCache fetches and keeps hosts' robots.txt rules for robotsTTL.
// Concurrent lookups of one host share one fetch. It holds at most
// maxRobotsHosts hosts; the oldest are forgotten first (and simply fetched
// again when needed).
type robotsCache struct {
	client   *http.Client
	agent    string
	maxBytes int

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	ready   chan struct{} // closed once data is set
	data    *robotstxt.RobotsData
	group   *robotstxt.Group
	fetched time.Time
	ttl     time.Duration
}

const (
	robotsTTL      = 24 * time.Hour
	robotsRetryTTL = 10 * time.Minute // after a failed fetch
	maxRobotsHosts = 10_000
)

func newRobotsCache(client *http.Client, agent string, maxBytes int) *robotsCache {
	return &robotsCache{client: client, agent: agent, maxBytes: maxBytes, hosts: map[string]*robotsEntry{}}
}

// get returns host's rules, fetching them (from scheme://host/robots.txt)
// if they are not cached; fetched says whether a request was made.
func (r *robotsCache) get(ctx context.Context, scheme, host string) (e *robotsEntry, fetched bool) {
	r.mu.Lock()
	e = r.hosts[host]
	if e != nil && isClosed(e.ready) && time.Since(e.fetched) > e.ttl {
		delete(r.hosts, host)
		e = nil
	}
	if e != nil {
		r.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
		}
		return e, false
	}
	if len(r.hosts) >= maxRobotsHosts {
		var oldest string
		var at time.Time
		for h, x := range r.hosts {
			if isClosed(x.ready) && (oldest == "" || x.fetched.Before(at)) {
				oldest, at = h, x.fetched
			}
		}
		delete(r.hosts, oldest)
	}
	e = &robotsEntry{ready: make(chan struct{})}
	r.hosts[host] = e
	r.mu.Unlock()

	data, ttl := r.fetch(ctx, scheme+"://"+host+"/robots.txt")
	e.data, e.ttl, e.fetched = data, ttl, time.Now()
	e.group = data.FindGroup(r.agent)
	close(e.ready)
	return e, true
}

// fetch reads a robots.txt. A 4xx means no rules; a 5xx means keep off
// the whole site for now (robotstxt's reading of RFC 9309); a network error
// is treated as no rules but retried sooner.
func (r *robotsCache) fetch(ctx context.Context, u string) (*robotstxt.RobotsData, time.Duration) {
	allowAll, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return allowAll, robotsRetryTTL
	}
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.client.Do(req)
	if err != nil {
		return allowAll, robotsRetryTTL
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(min(r.maxBytes, 512<<10))))
	if err != nil {
		return allowAll, robotsRetryTTL
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return allowAll, robotsRetryTTL
	}
	if resp.StatusCode >= 500 {
		return data, robotsRetryTTL
	}
	return data, robotsTTL
}

// crawlDelay returns host's cached Crawl-delay (zero if unknown).
func (r *robotsCache) crawlDelay(host string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.hosts[host]; e != nil && isClosed(e.ready) && e.group != nil {
		return e.group.CrawlDelay
	}
	return 0
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// errRobots marks a URL that robots.txt disallows.
type errRobots struct{ path string }

func (e errRobots) Error() string { return fmt.Sprintf("disallowed by robots.txt: %s", e.path) }
