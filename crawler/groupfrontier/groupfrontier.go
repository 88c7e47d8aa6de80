// Package groupfrontier is a crawl frontier shared by several crawler
// processes through Kafka: each host is crawled by exactly one process at a
// time, the one that Kafka's consumer-group assignment gives the host's
// partition, and the crawl state lives in Kafka, so a process can die, join
// or leave at any time without losing a URL.
//
// # Topics
//
// Two topics with the same number of partitions carry everything:
//
//   - the URL topic (<prefix>crawl.urls) takes URLs for the host's owner:
//     seeds, links found on another owner's pages, re-checks a feed asked
//     for. The group consumes it; whoever is assigned partition p owns
//     every host whose key hashes to p.
//   - the state topic (<prefix>crawl.state) is compacted: the latest
//     record of each URL (state, validators, re-poll interval, re-checks)
//     and of each host (URLs admitted, robots.txt failures, when it may be
//     requested next). Its partition p holds the hosts of the URL topic's
//     partition p, and a process that is assigned p reads it from the
//     start before crawling those hosts.
//
// Messages of both topics are placed by one partitioner, the Java client's
// murmur2 hash of the partition key (the host, or with PartitionBy the
// registered domain), which is the part of the message key before its
// first NUL byte. A producer of either topic must place them the same way.
//
// # The local cache
//
// The owned hosts' state is kept in a local store (Cache; the SQLite
// frontier of crawler/sqlfrontier and the cleaner's clean.SQLiteStats, in
// the file under --data) that does the frontier's work: claims in
// order, page limits, re-checks. Every change to it but a claim is written
// to the state topic before the call that made it returns (a claimed URL
// stays pending there until it is settled, which is what makes its next
// owner fetch it if this process dies first), so the cache can be deleted
// at any time: the process empties it when it starts and fills it from the
// state topic as partitions are assigned.
//
// # Rebalancing
//
// kafka-go's consumer group rebalances eagerly: at the end of a
// generation every member stops work on all its partitions before any
// member is given partitions of the next. On the end of a generation this
// frontier stops handing out URLs of its hosts, waits (up to ReleaseWait)
// until the URLs it handed out are settled, and writes each host's pace.
// So a host that moves is requested by the new owner no sooner than the
// old owner's pace allows, and a URL in flight is settled, not fetched
// twice. A member that dies (kill -9) or stops answering (SIGSTOP) past
// the session timeout loses its partitions without that hand-over: its
// URLs in flight are fetched once more by the new owner (their state is
// still pending), and its last pace records (written every PaceFlush) are
// what the new owner respects. A member that comes back after a generation
// went by without it reads its partitions' state again.
//
// # The cleaner's per-site statistics
//
// The frontier is also the cleaner's block statistics (clean.BlockStats):
// each observed page of a site, up to SharedPages pages per site, is
// written to the state topic in its host's partition, so a new owner of
// the host knows the site's boilerplate from its first page. Pages past
// that count only in the process that saw them (the statistics have
// settled by then, and the state topic stays bounded).
//
// # New sites' first pages
//
// The crawler keeps a new site's first articles to clean them again once
// the site's learned layer is ready (see package crawler). Each is a
// record of its own on the state topic, in its host's partition (up to
// maxFirstPageRecord; larger pages stay in the cache only), and a
// tombstone once it is cleaned again or released, so the host's next
// owner, or this process restarted, cleans again what the last one kept.
//
// # robots.txt
//
// The robots.txt a process read (status and body) and a host's run of
// failed reads are on the host's record, so a new owner uses the rules
// until they expire (a day) without asking the host again.
package groupfrontier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/net/publicsuffix"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
)

// Cache is the local store that holds the owned hosts' state and does the
// frontier's bookkeeping; sqlfrontier.Store with clean.SQLiteStats beside
// it implements it. Its methods have the meaning of the crawler's Frontier
// (see package crawler); the record methods read and write whole records
// as the state topic carries them.
type Cache interface {
	AddSeeds(ctx context.Context, seeds []frontier.Entry, now time.Time) error
	Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(host string) int) (int, error)
	Recover(ctx context.Context) (int, error)
	Claim(ctx context.Context, n int, now time.Time, skip []string, perHost int) ([]frontier.Entry, error)
	ClaimURL(ctx context.Context, e frontier.Entry, now time.Time) (bool, error)
	Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error)
	State(ctx context.Context, u string) (frontier.State, bool, error)
	Outlook(ctx context.Context) (frontier.Outlook, error)
	Frontier(ctx context.Context) (frontier.Stats, error)
	RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error)
	SetRobotsFailure(ctx context.Context, host string, f frontier.RobotsFailure) error

	// FrontierRecords returns the records of the URLs it knows.
	FrontierRecords(ctx context.Context, urls []string) ([]frontier.Record, error)
	// PutFrontierRecords replaces URLs' records (in flight becomes pending).
	PutFrontierRecords(ctx context.Context, recs []frontier.Record) error
	// HostRecords returns the records of the hosts it knows (NotBefore zero).
	HostRecords(ctx context.Context, hosts []string) ([]frontier.HostRecord, error)
	// PutHostRecords replaces hosts' records (NotBefore is not kept).
	PutHostRecords(ctx context.Context, recs []frontier.HostRecord) error
	// FrontierHosts lists the hosts it holds anything of.
	FrontierHosts(ctx context.Context) ([]string, error)
	// DropFrontierHosts forgets hosts entirely.
	DropFrontierHosts(ctx context.Context, hosts []string) error
	// Observe records the text blocks of a site's page for the cleaner's
	// learned layer (see clean.BlockStats).
	Observe(ctx context.Context, site, pageID string, blocks []uint64) (seen []int, pages int, err error)
	// KeepFirstPage, DropFirstPages, DropFirstPagesBefore, FirstPages and
	// FirstPagesOf keep new sites' first pages for cleaning again, by the
	// host of their URL (see the crawler's firstPageMemory; FrontierHosts
	// and DropFrontierHosts count them as the host's).
	KeepFirstPage(ctx context.Context, p frontier.FirstPage) error
	DropFirstPages(ctx context.Context, site string, ids ...string) ([]frontier.FirstPage, error)
	DropFirstPagesBefore(ctx context.Context, t time.Time) ([]frontier.FirstPage, error)
	FirstPages(ctx context.Context) ([]frontier.FirstPage, error)
	FirstPagesOf(ctx context.Context, site string) ([]frontier.FirstPage, error)
}

// Config configures a Frontier.
type Config struct {
	Conn kafkabus.Conn
	// URLTopic and StateTopic name the two topics (see the package doc);
	// they are created if missing, with Partitions partitions each.
	URLTopic, StateTopic string
	Partitions           int // default 6
	Replication          int // default 1
	// Group is the consumer group the crawler processes share.
	Group string
	// SessionTimeout is how long the group waits for a silent member
	// before giving its hosts to others (default 10s).
	SessionTimeout time.Duration
	// ReleaseWait bounds how long, at the end of a generation, the
	// frontier waits for URLs it handed out to be settled (default 20s;
	// it must stay below the group's rebalance timeout, 30s).
	ReleaseWait time.Duration
	// PaceFlush is how often hosts' pace records are written (default
	// 250ms): the longest a killed member's last pace can be lost for.
	PaceFlush time.Duration
	// ByDomain keys partitions by registered domain (example.co.uk for
	// news.example.co.uk) instead of host, so that one process crawls
	// all of a site's hosts.
	ByDomain bool
	Cache    Cache
	Logger   *slog.Logger
}

// ErrClosed is returned by calls on a closed Frontier.
var ErrClosed = errors.New("groupfrontier: closed")

// Frontier is a crawl frontier shared by a consumer group. Open starts it;
// it implements the crawler's Frontier and its optional parts (re-checks,
// robots.txt failures, URL states, host pacing, new sites' first pages).
// Safe for concurrent use.
type Frontier struct {
	cfg   Config
	ids   []int // 0 .. Partitions-1, which the balancer chooses from
	cache Cache
	log   *slog.Logger
	group *kafka.ConsumerGroup
	w     *kafka.Writer
	done  chan struct{} // closed when the membership loop ends
	stop  context.CancelFunc

	// writeMu serialises cache writes with the records they produce, so
	// that the state topic receives each URL's records in the order they
	// were made.
	writeMu sync.Mutex

	mu       sync.Mutex
	parts    map[int]*partition
	hosts    map[string]int       // partition of every host in the cache
	pace     map[string]time.Time // host → earliest next request
	robots   map[string]frontier.RobotsFile
	dirty    map[string]bool // hosts whose pace is not written yet
	inflight map[string]int  // URL handed out → partition
	// settle is closed, and replaced, when URLs leave inflight or Close
	// is called: a release waits on it for its URLs to be settled.
	settle  chan struct{}
	limit   func(host string) int
	joined  bool  // a generation was assigned at least once
	lastGen int32 // id of the last generation assigned
	closed  bool
}

// partition is an owned partition's state.
type partition struct {
	id    int
	state partState
	// next is the URL topic offset to read next, hwm the latest high
	// watermark seen: below it, URLs are still on their way.
	next, hwm int64
}

type partState int

const (
	restoring partState = iota // reading the state topic; hosts not handed out
	owned                      // handing out URLs
	releasing                  // generation ended; waiting for URLs in flight
)

// Open creates the topics if needed, empties the cache, joins the group and
// returns the frontier. Close leaves the group.
func Open(ctx context.Context, cfg Config) (*Frontier, error) {
	if cfg.Cache == nil {
		return nil, errors.New("groupfrontier: no cache")
	}
	if cfg.URLTopic == "" || cfg.StateTopic == "" || cfg.Group == "" {
		return nil, errors.New("groupfrontier: URL topic, state topic and group are required")
	}
	if cfg.Partitions <= 0 {
		cfg.Partitions = 6
	}
	if cfg.Replication <= 0 {
		cfg.Replication = 1
	}
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 10 * time.Second
	}
	if cfg.ReleaseWait <= 0 {
		cfg.ReleaseWait = 20 * time.Second
	}
	if cfg.PaceFlush <= 0 {
		cfg.PaceFlush = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := kafkabus.EnsureTopics(ctx, cfg.Conn, cfg.Partitions, cfg.Replication, cfg.URLTopic); err != nil {
		return nil, err
	}
	if n, err := kafkabus.PartitionCount(ctx, cfg.Conn, cfg.URLTopic); err != nil {
		return nil, err
	} else if n != cfg.Partitions {
		return nil, fmt.Errorf("groupfrontier: topic %s has %d partitions, want %d (--topic-partitions)", cfg.URLTopic, n, cfg.Partitions)
	}
	if err := kafkabus.EnsureCompactedTopic(ctx, cfg.Conn, cfg.StateTopic, cfg.Partitions, cfg.Replication); err != nil {
		return nil, err
	}
	// The cache may hold hosts another process crawled since: only the
	// state topic is to be trusted.
	hosts, err := cfg.Cache.FrontierHosts(ctx)
	if err != nil {
		return nil, err
	}
	if err := cfg.Cache.DropFrontierHosts(ctx, hosts); err != nil {
		return nil, err
	}
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID: cfg.Group, Brokers: cfg.Conn.Brokers, Dialer: cfg.Conn.Dialer(), Topics: []string{cfg.URLTopic},
		SessionTimeout: cfg.SessionTimeout, RebalanceTimeout: cfg.ReleaseWait + 10*time.Second,
		HeartbeatInterval: min(3*time.Second, cfg.SessionTimeout/3),
		JoinGroupBackoff:  time.Second, StartOffset: kafka.FirstOffset,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			cfg.Logger.Debug("crawl group: " + fmt.Sprintf(msg, args...))
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("groupfrontier: join group %s: %w", cfg.Group, err)
	}
	f := &Frontier{
		cfg: cfg, ids: partitionIDs(cfg.Partitions), cache: cfg.Cache, log: cfg.Logger.With("group", cfg.Group), group: group,
		w: &kafka.Writer{
			Addr: kafka.TCP(cfg.Conn.Brokers...), Transport: cfg.Conn.Transport(), Balancer: keyPrefixBalancer{},
			RequiredAcks: kafka.RequireAll, BatchTimeout: 2 * time.Millisecond, BatchSize: 1000,
			MaxAttempts: 10, WriteBackoffMin: 50 * time.Millisecond, WriteBackoffMax: 2 * time.Second,
		},
		done:  make(chan struct{}),
		parts: map[int]*partition{}, hosts: map[string]int{}, pace: map[string]time.Time{}, robots: map[string]frontier.RobotsFile{},
		dirty: map[string]bool{}, inflight: map[string]int{}, settle: make(chan struct{}),
	}
	runCtx, stop := context.WithCancel(context.Background())
	f.stop = stop
	go f.paceLoop(runCtx)
	go f.membership(runCtx)
	return f, nil
}

// Close leaves the group: the current generation ends, pace records are
// written, and the other members take the hosts over. Stop the crawler
// first: URLs still in flight are not waited for, and are fetched again by
// their next owner.
func (f *Frontier) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.wakeLocked()
	f.mu.Unlock()
	err := f.group.Close()
	<-f.done
	f.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, f.flushPace(ctx, nil), f.w.Close())
}

// wakeLocked wakes the releases waiting for URLs to leave inflight;
// called with mu held.
func (f *Frontier) wakeLocked() {
	close(f.settle)
	f.settle = make(chan struct{})
}

// Key returns the partition key of a URL's host: the host, or its
// registered domain with ByDomain.
func (f *Frontier) Key(host string) string {
	if !f.cfg.ByDomain {
		return host
	}
	name := host
	if i := strings.LastIndexByte(name, ':'); i > 0 && !strings.HasSuffix(name, "]") {
		name = name[:i]
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil {
		return d
	}
	return host
}

// Partition returns the partition that owns host.
func (f *Frontier) Partition(host string) int {
	ids := f.ids
	if len(ids) != f.cfg.Partitions {
		ids = partitionIDs(f.cfg.Partitions) // a Frontier not made by Open
	}
	return keyPrefixBalancer{}.Balance(kafka.Message{Key: []byte(f.Key(host))}, ids...)
}

func partitionIDs(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	return ids
}

// keyPrefixBalancer places a message by the murmur2 hash of its key up to
// the first NUL byte (the partition key), like the Java client's default
// partitioner would place a message keyed by that prefix alone.
type keyPrefixBalancer struct{}

func (keyPrefixBalancer) Balance(msg kafka.Message, partitions ...int) int {
	key := msg.Key
	if i := bytes.IndexByte(key, 0); i >= 0 {
		key = key[:i]
	}
	return kafka.Murmur2Balancer{Consistent: true}.Balance(kafka.Message{Key: key}, partitions...)
}

// ownedLocked reports whether host's partition is owned and handing out
// URLs; called with mu held.
func (f *Frontier) ownedLocked(host string) bool {
	p := f.parts[f.Partition(host)]
	return p != nil && p.state == owned
}

// split divides entries into those of hosts this process owns and the
// others.
func (f *Frontier) split(entries []frontier.Entry) (local, remote []frontier.Entry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range entries {
		if f.ownedLocked(frontier.Host(e.URL)) {
			local = append(local, e)
		} else {
			remote = append(remote, e)
		}
	}
	return local, remote
}

// op is a message of the URL topic: what the host's owner is asked to do.
type op struct {
	Op      string                  `json:"op"` // seed, add or recheck
	Entry   frontier.Entry          `json:"entry"`
	Now     time.Time               `json:"now,omitzero"`      // seed: when it is due
	Recheck *frontier.RecheckPolicy `json:"recheck,omitempty"` // recheck: the policy
}

// send puts ops on the URL topic, keyed by their hosts' partition keys.
func (f *Frontier) send(ctx context.Context, ops []op) error {
	if len(ops) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, 0, len(ops))
	for _, o := range ops {
		v, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("groupfrontier: %w", err)
		}
		msgs = append(msgs, kafka.Message{Topic: f.cfg.URLTopic, Key: urlKey(f.Key(frontier.Host(o.Entry.URL)), o.Entry.URL), Value: v})
	}
	if err := f.write(ctx, msgs); err != nil {
		return fmt.Errorf("groupfrontier: send URLs: %w", err)
	}
	return nil
}

func urlKey(pkey, u string) []byte  { return []byte(pkey + "\x00u\x00" + u) }
func hostKey(pkey, h string) []byte { return []byte(pkey + "\x00h\x00" + h) }

// publish writes the current records of urls and hosts to the state topic.
// Called with writeMu held, after the cache changed.
func (f *Frontier) publish(ctx context.Context, urls []string, hosts []string) error {
	recs, err := f.cache.FrontierRecords(ctx, urls)
	if err != nil {
		return err
	}
	var msgs []kafka.Message
	for _, r := range recs {
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("groupfrontier: %w", err)
		}
		msgs = append(msgs, kafka.Message{Topic: f.cfg.StateTopic, Key: urlKey(f.Key(r.Host), r.URL), Value: v})
		f.noteHost(r.Host)
	}
	for _, h := range hosts {
		f.noteHost(h)
	}
	hmsgs, err := f.hostMessages(ctx, hosts)
	if err != nil {
		return err
	}
	msgs = append(msgs, hmsgs...)
	if len(msgs) == 0 {
		return nil
	}
	if err := f.write(ctx, msgs); err != nil {
		return fmt.Errorf("groupfrontier: write state: %w", err)
	}
	return nil
}

// hostMessages builds the state records of hosts from the cache and the
// pace held in memory.
func (f *Frontier) hostMessages(ctx context.Context, hosts []string) ([]kafka.Message, error) {
	if len(hosts) == 0 {
		return nil, nil
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	recs, err := f.cache.HostRecords(ctx, hosts)
	if err != nil {
		return nil, err
	}
	byHost := map[string]frontier.HostRecord{}
	for _, r := range recs {
		byHost[r.Host] = r
	}
	f.mu.Lock()
	for _, h := range hosts {
		r, ok := byHost[h]
		r.Host = h
		if t := f.pace[h]; !t.IsZero() {
			r.NotBefore, ok = t, true
		}
		delete(f.dirty, h)
		if ok {
			byHost[h] = r
		}
	}
	f.mu.Unlock()
	var msgs []kafka.Message
	for _, h := range hosts {
		r, ok := byHost[h]
		if !ok {
			continue
		}
		v, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("groupfrontier: %w", err)
		}
		msgs = append(msgs, kafka.Message{Topic: f.cfg.StateTopic, Key: hostKey(f.Key(h), h), Value: v})
	}
	return msgs, nil
}

func (f *Frontier) noteHost(h string) {
	f.mu.Lock()
	f.hosts[h] = f.Partition(h)
	f.mu.Unlock()
}

// AddSeeds sends the seeds to their hosts' owners, which queue them as
// the crawler's store would (due now, unless an article already fetched).
// Every process of a group is given the same seeds; queuing one twice
// changes nothing.
func (f *Frontier) AddSeeds(ctx context.Context, seeds []frontier.Entry, now time.Time) error {
	ops := make([]op, len(seeds))
	for i, s := range seeds {
		ops[i] = op{Op: "seed", Entry: s, Now: now}
	}
	if err := f.send(ctx, ops); err != nil {
		return err
	}
	return f.refreshHighWater(ctx)
}

// AddURLs queues unknown URLs (see Apply).
func (f *Frontier) AddURLs(ctx context.Context, entries []frontier.Entry, limit func(host string) int) (int, error) {
	return f.Apply(ctx, entries, nil, limit)
}

// Apply queues entries and records outcomes. Entries of hosts owned here
// go to the cache with the outcomes, in one transaction, and the changed
// records to the state topic; the others go to their owners through the
// URL topic (and are not counted as new: their owner decides). limit is
// remembered for the URLs that other processes send here.
func (f *Frontier) Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(host string) int) (int, error) {
	if limit != nil {
		f.mu.Lock()
		f.limit = limit
		f.mu.Unlock()
	}
	// Ownership is read under writeMu: a partition's release passes
	// through writeMu after marking it, so an entry is either written
	// here and published before the release ends, or sent to the owner.
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	local, remote := f.split(entries)
	ops := make([]op, len(remote))
	for i, e := range remote {
		ops[i] = op{Op: "add", Entry: e}
	}
	if err := f.send(ctx, ops); err != nil {
		return 0, err
	}
	if len(local) == 0 && len(settled) == 0 {
		return 0, nil
	}
	n, err := f.cache.Apply(ctx, local, settled, limit)
	if err != nil {
		return 0, err
	}
	urls := make([]string, 0, len(local)+len(settled))
	hosts := make([]string, 0, len(local))
	for _, e := range local {
		urls = append(urls, e.URL)
		hosts = append(hosts, frontier.Host(e.URL))
	}
	for _, s := range settled {
		urls = append(urls, s.URL)
	}
	if err := f.publish(ctx, urls, hosts); err != nil {
		return n, err
	}
	f.mu.Lock()
	for _, s := range settled {
		delete(f.inflight, s.URL)
	}
	if len(settled) > 0 {
		f.wakeLocked()
	}
	f.mu.Unlock()
	return n, nil
}

// Recover is a no-op: the cache starts empty, and URLs in flight in a
// record read from the state topic are pending in the cache.
func (f *Frontier) Recover(context.Context) (int, error) { return 0, nil }

// Claim hands out due URLs of the hosts owned here (see the crawler's
// Frontier), skipping hosts of partitions being restored or released.
func (f *Frontier) Claim(ctx context.Context, n int, now time.Time, skip []string, perHost int) ([]frontier.Entry, error) {
	// The hosts to skip are read under writeMu: a restore registers a
	// batch's hosts before it writes the batch under writeMu, so a claim
	// never sees a partition's state half read.
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.mu.Lock()
	for h, p := range f.hosts {
		if part := f.parts[p]; part == nil || part.state != owned {
			skip = append(skip, h)
		}
	}
	f.mu.Unlock()
	got, err := f.cache.Claim(ctx, n, now, skip, perHost)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	for _, e := range got {
		f.inflight[e.URL] = f.Partition(frontier.Host(e.URL))
	}
	f.mu.Unlock()
	return got, nil
}

// Keep reports whether a URL handed out may still be fetched: false once
// its host's partition is being released or is gone, and the URL is then
// pending again in the cache (it is the next owner's to fetch, and ours
// again should the partition come back).
func (f *Frontier) Keep(u string) bool {
	f.mu.Lock()
	mine := f.ownedLocked(frontier.Host(u))
	f.mu.Unlock()
	if mine {
		return true
	}
	// No deadline: a write waiting out a Kafka outage holds writeMu, and
	// a URL not put back would stay in flight in the cache, never handed
	// out again while the partition stays here.
	ctx := context.Background()
	f.writeMu.Lock()
	recs, err := f.cache.FrontierRecords(ctx, []string{u})
	if err == nil {
		err = f.cache.PutFrontierRecords(ctx, recs) // in flight becomes pending
	}
	f.writeMu.Unlock()
	if err != nil {
		f.log.Warn("crawl group: put back a URL taken back", "url", u, "err", err)
	}
	// Settled only now that it is back: a release waiting for it must not
	// drop the partition's hosts from the cache before the put back, which
	// would leave the URL pending there, claimable though not ours.
	f.mu.Lock()
	delete(f.inflight, u)
	f.wakeLocked()
	f.mu.Unlock()
	return false
}

// ClaimURL claims a redirect target or canonical URL. Of a host owned
// elsewhere it cannot know the state, and answers true: the article id,
// from the canonical URL, makes a second copy replace the first
// downstream.
func (f *Frontier) ClaimURL(ctx context.Context, e frontier.Entry, now time.Time) (bool, error) {
	h := frontier.Host(e.URL)
	f.writeMu.Lock() // see Apply
	defer f.writeMu.Unlock()
	f.mu.Lock()
	mine := f.ownedLocked(h)
	f.mu.Unlock()
	if !mine {
		return true, nil
	}
	ok, err := f.cache.ClaimURL(ctx, e, now)
	if err != nil || !ok {
		return ok, err
	}
	if err := f.publish(ctx, []string{e.URL}, []string{h}); err != nil {
		return false, err
	}
	f.mu.Lock()
	f.inflight[e.URL] = f.Partition(h)
	f.mu.Unlock()
	return true, nil
}

// Recheck queues again the changed articles of a listing: those of hosts
// owned here at once, the others through their owners.
func (f *Frontier) Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error) {
	f.writeMu.Lock() // see Apply
	defer f.writeMu.Unlock()
	local, remote := f.split(entries)
	ops := make([]op, 0, len(remote))
	for _, e := range remote {
		if e.Modified != nil {
			ops = append(ops, op{Op: "recheck", Entry: e, Recheck: &p})
		}
	}
	if err := f.send(ctx, ops); err != nil {
		return 0, err
	}
	if len(local) == 0 {
		return 0, nil
	}
	n, err := f.cache.Recheck(ctx, local, p)
	if err != nil || n == 0 {
		return n, err
	}
	urls := make([]string, len(local))
	for i, e := range local {
		urls[i] = e.URL
	}
	return n, f.publish(ctx, urls, nil)
}

// State returns the state of u if its host is owned here.
func (f *Frontier) State(ctx context.Context, u string) (frontier.State, bool, error) {
	return f.cache.State(ctx, u)
}

// RobotsFailure returns host's recorded run of robots.txt failures.
func (f *Frontier) RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error) {
	return f.cache.RobotsFailure(ctx, host)
}

// SetRobotsFailure records host's run of robots.txt failures, in the cache
// and on the state topic.
func (f *Frontier) SetRobotsFailure(ctx context.Context, host string, rf frontier.RobotsFailure) error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	if err := f.cache.SetRobotsFailure(ctx, host, rf); err != nil {
		return err
	}
	return f.publish(ctx, nil, []string{host})
}

// RobotsFile returns host's robots.txt as its last reader recorded it.
func (f *Frontier) RobotsFile(_ context.Context, host string) (frontier.RobotsFile, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	file, ok := f.robots[host]
	return file, ok, nil
}

// SetRobotsFile records host's robots.txt, in memory and on the state
// topic, for whoever owns the host next.
func (f *Frontier) SetRobotsFile(ctx context.Context, host string, file frontier.RobotsFile) error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.mu.Lock()
	f.robots[host] = file
	f.mu.Unlock()
	v, err := json.Marshal(file)
	if err != nil {
		return fmt.Errorf("groupfrontier: %w", err)
	}
	// A record of its own, not a field of the host's record: the host's
	// record is written with its pace several times a second.
	key := []byte(f.Key(host) + "\x00r\x00" + host)
	return f.write(ctx, []kafka.Message{{Topic: f.cfg.StateTopic, Key: key, Value: v}})
}

// Outlook reports URLs pending while the group has not assigned this
// process its partitions yet, while a partition is being restored, and
// while URLs sent to an owned partition have not been read yet; otherwise
// what the cache holds.
func (f *Frontier) Outlook(ctx context.Context) (frontier.Outlook, error) {
	f.mu.Lock()
	waiting := !f.joined
	for _, p := range f.parts {
		if p.state == restoring || p.next < p.hwm {
			waiting = true
		}
	}
	f.mu.Unlock()
	o, err := f.cache.Outlook(ctx)
	if err != nil {
		return o, err
	}
	if waiting {
		o.Pending = true
		if o.NextDue.IsZero() || o.NextDue.After(time.Now()) {
			o.NextDue = time.Now()
		}
	}
	return o, nil
}

// Frontier counts the URLs of the hosts owned here.
func (f *Frontier) Frontier(ctx context.Context) (frontier.Stats, error) {
	return f.cache.Frontier(ctx)
}

// SharedPages is how many pages of a site the cleaner's statistics share
// through the state topic.
const SharedPages = 500

// page is a state record of one page the cleaner observed.
type page struct {
	Site   string   `json:"site"`
	Page   string   `json:"page"`
	Blocks []uint64 `json:"blocks"`
}

// Observe implements the cleaner's block statistics: the cache counts,
// and the first SharedPages pages of each site go to the state topic, in
// the partition of the host the page came from.
func (f *Frontier) Observe(ctx context.Context, site, pageID string, blocks []uint64) ([]int, int, error) {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	seen, pages, err := f.cache.Observe(ctx, site, pageID, blocks)
	if err != nil || pages > SharedPages {
		return seen, pages, err
	}
	host := f.siteHost(site)
	v, err := json.Marshal(page{Site: site, Page: pageID, Blocks: blocks})
	if err != nil {
		return seen, pages, fmt.Errorf("groupfrontier: %w", err)
	}
	key := []byte(f.Key(host) + "\x00s\x00" + site + "\x00" + pageID)
	if err := f.write(ctx, []kafka.Message{{Topic: f.cfg.StateTopic, Key: key, Value: v}}); err != nil {
		return seen, pages, fmt.Errorf("groupfrontier: write page statistics: %w", err)
	}
	return seen, pages, nil
}

// siteHost returns the owned host whose site (host without "www.") is
// site, or site itself.
func (f *Frontier) siteHost(site string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for h := range f.hosts {
		if strings.TrimPrefix(hostname(h), "www.") == site {
			return h
		}
	}
	return site
}

// hostname is host without its port, as an article's site is.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// HostNotBefore returns the earliest next request to host that the state
// topic recorded (zero if none).
func (f *Frontier) HostNotBefore(host string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pace[host]
}

// HostPaced records host's next allowed request; it is written to the
// state topic within PaceFlush, and when the host's partition is
// released.
func (f *Frontier) HostPaced(host string, next time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if next.After(f.pace[host]) {
		f.pace[host] = next
		f.dirty[host] = true
	}
}

// Ready waits until the group has assigned this process its partitions
// and their state is read, or ctx ends. A process that is assigned none
// (more processes than partitions) is ready once it knows that.
func (f *Frontier) Ready(ctx context.Context) error {
	for {
		f.mu.Lock()
		ready := f.joined
		for _, p := range f.parts {
			if p.state != owned {
				ready = false
			}
		}
		f.mu.Unlock()
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("groupfrontier: not ready: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Owned lists the partitions this process crawls now, for tests and
// metrics.
func (f *Frontier) Owned() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for id, p := range f.parts {
		if p.state == owned {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// paceLoop writes dirty pace records every PaceFlush.
func (f *Frontier) paceLoop(ctx context.Context) {
	t := time.NewTicker(f.cfg.PaceFlush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f.flushPace(ctx, nil); err != nil && ctx.Err() == nil {
				f.log.Warn("crawl group: write host pace", "err", err)
			}
		}
	}
}

// flushPace writes the dirty pace records of the given partition's hosts
// (nil: all).
func (f *Frontier) flushPace(ctx context.Context, only *int) error {
	f.mu.Lock()
	var hosts []string
	for h := range f.dirty {
		if only == nil || f.Partition(h) == *only {
			hosts = append(hosts, h)
		}
	}
	f.mu.Unlock()
	if len(hosts) == 0 {
		return nil
	}
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	msgs, err := f.hostMessages(ctx, hosts)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	if err := f.write(ctx, msgs); err != nil {
		f.mu.Lock()
		for _, h := range hosts {
			f.dirty[h] = true
		}
		f.mu.Unlock()
		return fmt.Errorf("groupfrontier: write pace: %w", err)
	}
	return nil
}

// write produces msgs, retrying for as long as ctx lasts: while the
// cluster is unreachable (a broker restarting) the crawl waits here
// rather than fail, since nothing it found may be lost. Each retry is
// logged.
func (f *Frontier) write(ctx context.Context, msgs []kafka.Message) error {
	wait := 100 * time.Millisecond
	for {
		err := f.w.WriteMessages(ctx, msgs...)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		f.log.Warn("crawl group: write to Kafka failed, retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
