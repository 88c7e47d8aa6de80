package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/wirewatch/wirewatch/pkg/frontier"
)

// hostGate spaces requests to each host: at most perHost at once, starts at
// least the host's delay apart, and none before a Retry-After back-off ends.
// Hosts that are idle and past their wait carry no state, and are dropped
// once the gate remembers more than maxGateHosts, so it stays small however
// many hosts a crawl visits.
//
// With a pacer (a frontier shared by several crawler processes), the gate
// also starts no request before the time the host's previous owner
// recorded, and records its own, so a host that changes hands keeps its
// pace.
type hostGate struct {
	mu      sync.Mutex
	perHost int
	hosts   map[string]*gateState
	pacer   hostPacer // nil: pace in memory only
}

// hostPacer is the optional part of a Frontier shared by several crawler
// processes, each owning some of the hosts: it carries each host's pace
// from one owner to the next. Both methods are called with the gate's
// lock held and must not block.
type hostPacer interface {
	// HostNotBefore returns the earliest start of the next request to
	// host that an earlier owner recorded (zero if none).
	HostNotBefore(host string) time.Time
	// HostPaced records that the next request to host may start at next.
	HostPaced(host string, next time.Time)
}

type gateState struct {
	inflight int
	next     time.Time // earliest start of the next request
}

const maxGateHosts = 4096

func newHostGate(perHost int, pacer hostPacer) *hostGate {
	return &hostGate{perHost: perHost, hosts: map[string]*gateState{}, pacer: pacer}
}

// pacerOf returns f's hostPacer, or nil if it has none.
func pacerOf(f Frontier) hostPacer {
	p, _ := f.(hostPacer)
	return p
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
	g.recall(host, s)
	if now.Before(s.next) {
		return false, s.next
	}
	s.inflight++
	g.set(host, s, now.Add(delay))
	return true, time.Time{}
}

// recall moves s.next to the pacer's time for host if that is later;
// called with mu held.
func (g *hostGate) recall(host string, s *gateState) {
	if g.pacer == nil {
		return
	}
	if t := g.pacer.HostNotBefore(host); t.After(s.next) {
		s.next = t
	}
}

// set sets s.next and tells the pacer; called with mu held.
func (g *hostGate) set(host string, s *gateState, next time.Time) {
	s.next = next
	if g.pacer != nil {
		g.pacer.HostPaced(host, next)
	}
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
	g.recall(host, s)
	if now.Before(s.next) {
		return false, s.next
	}
	g.set(host, s, now.Add(delay))
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
		g.set(host, s, until)
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
//
// A robots.txt that cannot be read (a 5xx answer, a timeout, a refused
// connection) is "unreachable" in RFC 9309's terms (section 2.3.1.4): the
// whole host is off limits until a later fetch succeeds. Such an entry
// expires after an exponential back-off from retryWait (or the answer's
// Retry-After), and the count and start of consecutive failures carry over
// to the next fetch, so the crawler can give up on a host after a while.
//
// With a memory (the frontier, when it has one), a run of failures is also
// recorded there, so that its count, start and back-off outlast a restart:
// a crawler restarted in a loop still gives up on the host in time, and
// does not fetch robots.txt again the moment it starts.
type robotsCache struct {
	client    *http.Client
	agent     string
	maxBytes  int
	retryWait time.Duration
	memory    robotsMemory // nil: failures are counted in memory only
	log       *slog.Logger

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	ready   chan struct{} // closed once data is set
	data    *robotstxt.RobotsData
	group   *robotstxt.Group
	fetched time.Time
	ttl     time.Duration
	// unreachable says why robots.txt could not be read ("" if it was);
	// failures counts the consecutive fetches that failed so, the first
	// of them at since.
	unreachable string
	failures    int
	since       time.Time
}

// expires is when the entry must be fetched again.
func (e *robotsEntry) expires() time.Time { return e.fetched.Add(e.ttl) }

const (
	robotsTTL      = 24 * time.Hour
	maxRobotsHosts = 10_000
	// robotsRecallGap bounds how long after its retry time a recorded run
	// of failures is continued. A crawler that was stopped for longer
	// cannot know whether robots.txt was readable meanwhile, so the run
	// starts again from one.
	robotsRecallGap = time.Hour
)

// robotsMemory is the optional part of a Frontier that keeps runs of
// failed robots.txt fetches across restarts.
type robotsMemory interface {
	RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error)
	// SetRobotsFailure records a run; Failures 0 deletes it.
	SetRobotsFailure(ctx context.Context, host string, f frontier.RobotsFailure) error
}

func newRobotsCache(client *http.Client, agent string, maxBytes int, retryWait time.Duration, memory robotsMemory, log *slog.Logger) *robotsCache {
	return &robotsCache{client: client, agent: agent, maxBytes: maxBytes, retryWait: retryWait, memory: memory, log: log,
		hosts: map[string]*robotsEntry{}}
}

// get returns host's rules, fetching them (from scheme://host/robots.txt)
// if they are not cached or have expired; fetched says whether a request
// was made for this lookup, by this call or by the one it waited for (so
// that every request dispatched meanwhile keeps the host's delay after it).
func (r *robotsCache) get(ctx context.Context, scheme, host string) (e *robotsEntry, fetched bool) {
	r.mu.Lock()
	e = r.hosts[host]
	var prev *robotsEntry // an expired entry whose failures carry over
	if e != nil && isClosed(e.ready) && !time.Now().Before(e.expires()) {
		delete(r.hosts, host)
		prev, e = e, nil
	}
	if e != nil {
		r.mu.Unlock()
		if isClosed(e.ready) {
			return e, false
		}
		select {
		case <-e.ready:
		case <-ctx.Done():
		}
		return e, true
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

	recorded := prev != nil && prev.unreachable != ""
	if prev == nil {
		// The first lookup of host in this process: a run of failures
		// recorded by an earlier one carries on, back-off included.
		var kept *robotsEntry
		if kept, recorded = r.recall(ctx, host); kept != nil && time.Now().Before(kept.expires()) {
			e.data, e.group, e.fetched, e.ttl = kept.data, kept.data.FindGroup(r.agent), kept.fetched, kept.ttl
			e.unreachable, e.failures, e.since = kept.unreachable, kept.failures, kept.since
			close(e.ready)
			return e, false
		}
		prev = kept
	}

	data, why, wait := r.fetch(ctx, scheme+"://"+host+"/robots.txt")
	now := time.Now()
	e.data, e.fetched, e.ttl, e.unreachable = data, now, robotsTTL, why
	if why == "" && wait > 0 {
		e.ttl = wait // rules of a host the address policy refused
	}
	if why != "" {
		e.failures, e.since = 1, now
		if prev != nil && prev.unreachable != "" {
			e.failures, e.since = prev.failures+1, prev.since
		}
		e.ttl = max(backoff(r.retryWait, e.failures-1), wait)
		r.remember(ctx, host, frontier.RobotsFailure{Failures: e.failures, Since: e.since, Retry: e.expires(), Reason: why})
	} else if recorded {
		r.remember(ctx, host, frontier.RobotsFailure{})
	}
	e.group = data.FindGroup(r.agent)
	close(e.ready)
	return e, true
}

// recall returns the run of failures the memory holds for host as an
// entry (expired if robots.txt may be fetched again), nil if there is
// none or it is older than robotsRecallGap; recorded says whether the
// memory holds a record at all, which a success must delete.
func (r *robotsCache) recall(ctx context.Context, host string) (kept *robotsEntry, recorded bool) {
	if r.memory == nil {
		return nil, false
	}
	f, ok, err := r.memory.RobotsFailure(ctx, host)
	if err != nil {
		r.log.Warn("robots.txt failures not read; counting from zero", "host", host, "err", err)
		return nil, false
	}
	now := time.Now()
	if !ok || f.Failures <= 0 || now.Sub(f.Retry) > robotsRecallGap {
		return nil, ok
	}
	disallowAll, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	return &robotsEntry{data: disallowAll, fetched: now, ttl: f.Retry.Sub(now),
		unreachable: f.Reason, failures: f.Failures, since: f.Since}, true
}

// remember records host's run of failures in the memory (a zero f: the
// run is over). A failed write costs only what the memory is for, so it
// is logged, not returned.
func (r *robotsCache) remember(ctx context.Context, host string, f frontier.RobotsFailure) {
	if r.memory == nil {
		return
	}
	if err := r.memory.SetRobotsFailure(ctx, host, f); err != nil && ctx.Err() == nil {
		r.log.Warn("robots.txt failures not recorded", "host", host, "err", err)
	}
}

// fetch reads a robots.txt. A 4xx means no rules (RFC 9309 section
// 2.3.1.3). A 5xx or a failed request means the file is unreachable: the
// rules returned then disallow everything, why says what went wrong and
// wait is the server's Retry-After, if any. A host the address policy
// refuses gets no rules, why "" and a wait: how long to keep them.
func (r *robotsCache) fetch(ctx context.Context, u string) (data *robotstxt.RobotsData, why string, wait time.Duration) {
	allowAll, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	disallowAll, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return allowAll, "", 0 // a host that makes no URL cannot be fetched anyway
	}
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.client.Do(req)
	if err != nil {
		if _, ok := refused(err); ok {
			// The host is refused by the address policy; its URLs are
			// refused before they are requested, with the reason. No
			// rules, kept only a minute: should the host resolve to an
			// allowed address later, its robots.txt is read then.
			return allowAll, "", time.Minute
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return disallowAll, "robots.txt unreachable: timeout", 0
		}
		return disallowAll, fmt.Sprintf("robots.txt unreachable: %v", err), 0
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(min(r.maxBytes, 512<<10))))
	if err != nil {
		return disallowAll, fmt.Sprintf("robots.txt unreachable: read body: %v", err), 0
	}
	if resp.StatusCode >= 500 {
		return disallowAll, fmt.Sprintf("robots.txt unreachable: HTTP %d", resp.StatusCode), retryAfter(resp.Header, time.Now())
	}
	data, err = robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return allowAll, "", 0 // an odd status (1xx, 3xx left over): no usable rules
	}
	return data, "", 0
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

// errRobotsUnreachable marks a URL whose host's robots.txt could not be
// read: it waits until retry, unless the crawler gives up on the host.
type errRobotsUnreachable struct {
	reason       string
	failures     int // consecutive failed fetches of robots.txt
	retry, since time.Time
}

func (e errRobotsUnreachable) Error() string { return e.reason }

// errRobots marks a URL that robots.txt disallows.
type errRobots struct{ path string }

func (e errRobots) Error() string { return fmt.Sprintf("disallowed by robots.txt: %s", e.path) }
