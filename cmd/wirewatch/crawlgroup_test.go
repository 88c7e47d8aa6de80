package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/internal/sitefarm"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
)

// The crawl-group tests run several `wirewatch crawl` processes with one
// --group against a farm of loopback sites (internal/sitefarm) and check,
// from the sites' request logs and the clean topic, that the processes
// shared the hosts instead of each crawling everything: issue 16.

const (
	// groupDelay is every crawl's --delay: small, so that a test stays
	// well under a minute, and still the bottleneck of each host.
	groupDelay = 200 * time.Millisecond
	// groupWorkers is every crawl's --workers: the most URLs one process
	// has in flight, which bounds what a kill -9 may cause to be fetched
	// again.
	groupWorkers = 4
	// groupPartitions is --topic-partitions: more partitions than
	// processes, fewer than hosts, so that every process owns several
	// hosts and a rebalance moves some.
	groupPartitions = 8
	// quietFor is how long no article page may have been requested
	// anywhere in the farm before the frontier counts as quiet: many
	// times the delay, so a host still being worked on is never mistaken
	// for a finished one.
	quietFor = 3 * time.Second
)

// crawlFleet is a farm, a broker and the crawl processes of one group.
type crawlFleet struct {
	t        testing.TB
	bin      string
	farm     *sitefarm.Farm
	brokers  string
	prefix   string
	common   []string
	clean    *cleanTopic
	expected map[string]string // article id -> URL, of every article the farm serves
	t0       time.Time         // when the fleet was made; log times are offsets from it
}

// newCrawlFleet starts farm's crawl group on brokers: it creates the clean
// topic and starts reading it, and writes the seed file every process
// gets. extra are flags every process gets too.
func newCrawlFleet(t testing.TB, bin, brokers string, farm *sitefarm.Farm, extra ...string) *crawlFleet {
	t.Helper()
	requireCrawlGroup(t, bin)
	prefix := testPrefix(t, brokers)
	seeds := filepath.Join(t.TempDir(), "seeds.txt")
	if err := farm.WriteSeedFile(seeds); err != nil {
		t.Fatal(err)
	}
	f := &crawlFleet{t: t, bin: bin, farm: farm, brokers: brokers, prefix: prefix, t0: time.Now()}
	f.common = append([]string{"crawl",
		"--kafka-brokers", brokers, "--topic-prefix", prefix, "--topic-partitions", strconv.Itoa(groupPartitions),
		"--group", prefix + "crawl", "--session-timeout", "6s",
		"--seeds", seeds, "--allow-private", "--delay", groupDelay.String(), "--workers", strconv.Itoa(groupWorkers),
		"--max-depth", "1", "--progress", "never", "--log-format", "text", "--drain-timeout", "20s"}, extra...)
	topic := kafkabus.TopicNames(prefix).Clean
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, kafkabus.Conn{Brokers: []string{brokers}}, groupPartitions, 1, topic); err != nil {
		t.Fatal(err)
	}
	f.clean = readClean(t, brokers, topic, groupPartitions)
	f.refreshExpected()
	return f
}

// refreshExpected records the articles the farm serves now, after a test
// published more.
func (f *crawlFleet) refreshExpected() {
	f.t.Helper()
	f.expected = map[string]string{}
	for _, u := range f.farm.ArticleURLs() {
		f.expected[articleID(f.t, u)] = u
	}
}

func articleID(t testing.TB, u string) string {
	t.Helper()
	c, err := urlcanon.Canonicalize(u)
	if err != nil {
		t.Fatal(err)
	}
	return article.ID(c)
}

// agentPrefix starts the User-Agent of every crawl process of the tests;
// the process's name follows it.
const agentPrefix = "wirewatch-test/"

// processOf returns the name of the crawl process that made r (see start).
func processOf(r sitefarm.Request) string {
	return strings.TrimPrefix(r.UserAgent, agentPrefix)
}

// start starts a crawl process named name, which is also its User-Agent
// (how the farm's log tells processes apart), with an empty --data.
func (f *crawlFleet) start(name string, extra ...string) *role {
	f.t.Helper()
	args := append(slices.Clone(f.common), "--data", f.t.TempDir(), "--user-agent", agentPrefix+name)
	r := startRole(f.t, f.bin, name, append(args, extra...)...)
	f.mark("%s started", name)
	return r
}

// mark logs what happened, with the time since the fleet was made and
// the articles on the clean topic, so that the figures check reports can
// be set against the test's events.
func (f *crawlFleet) mark(format string, args ...any) {
	f.t.Helper()
	now := time.Now()
	f.t.Logf("%s (%s UTC): %s (%d of %d articles on the clean topic)", f.at(now), now.UTC().Format("15:04:05.000"),
		fmt.Sprintf(format, args...), f.onTopic(), len(f.expected))
}

// at is t as an offset from the fleet's start.
func (f *crawlFleet) at(t time.Time) string {
	return "+" + t.Sub(f.t0).Round(10*time.Millisecond).String()
}

// explain logs who fetched the duplicated articles and who made the
// overlapping requests, grouped by the pair of processes, with when the
// first and the second request of each pair started (wall clock, UTC, to
// set against the processes' logs): what a failing bound needs to be
// traced to its cause.
func (f *crawlFleet) explain(log []sitefarm.Request) {
	f.t.Helper()
	type pair struct{ first, second string }
	type span struct{ from, until time.Time }
	type seen struct {
		n             int
		hosts         map[string]bool
		first, second span
	}
	widen := func(s *span, at time.Time) {
		if s.from.IsZero() || at.Before(s.from) {
			s.from = at
		}
		if at.After(s.until) {
			s.until = at
		}
	}
	add := func(m map[pair]*seen, a, b sitefarm.Request) {
		p := pair{processOf(a), processOf(b)}
		s := m[p]
		if s == nil {
			s = &seen{hosts: map[string]bool{}}
			m[p] = s
		}
		s.n++
		s.hosts[a.Host] = true
		widen(&s.first, a.Start)
		widen(&s.second, b.Start)
	}
	clock := func(t time.Time) string { return t.UTC().Format("15:04:05.000") }
	show := func(what string, m map[pair]*seen) {
		keys := make([]pair, 0, len(m))
		for p := range m {
			keys = append(keys, p)
		}
		slices.SortFunc(keys, func(a, b pair) int { return m[a].second.from.Compare(m[b].second.from) })
		for _, p := range keys {
			s := m[p]
			hosts := slices.Sorted(maps.Keys(s.hosts))
			f.t.Logf("%s: %s (%s-%s) then %s (%s-%s, %s-%s): %d times on hosts %v", what,
				p.first, clock(s.first.from), clock(s.first.until),
				p.second, clock(s.second.from), clock(s.second.until), f.at(s.second.from), f.at(s.second.until), s.n, hosts)
		}
	}
	byURL := map[string][]sitefarm.Request{}
	for _, r := range log {
		if sitefarm.IsArticle(r.Path) {
			byURL[r.Host+r.Path] = append(byURL[r.Host+r.Path], r)
		}
	}
	again := map[pair]*seen{}
	for _, rs := range byURL {
		slices.SortFunc(rs, func(a, b sitefarm.Request) int { return a.Start.Compare(b.Start) })
		for i := 1; i < len(rs); i++ {
			add(again, rs[i-1], rs[i])
		}
	}
	show("fetched again", again)
	// The state and URL records of a few URLs fetched again: whether the
	// first fetch was recorded before the second owner started.
	var refetched []string
	for u, rs := range byURL {
		if len(rs) > 1 {
			refetched = append(refetched, "http://"+u)
		}
	}
	slices.Sort(refetched)
	f.history(refetched[:min(3, len(refetched))])
	clash := map[pair]*seen{}
	for _, o := range sitefarm.Overlaps(log, sitefarm.Fixed(groupDelay)) {
		add(clash, o.First, o.Second)
	}
	show("overlap", clash)
}

// history logs every record of the crawl state and URL topics about
// urls, in offset order, with the producer's timestamps.
func (f *crawlFleet) history(urls []string) {
	f.t.Helper()
	if len(urls) == 0 {
		return
	}
	topics := kafkabus.TopicNames(f.prefix)
	for _, topic := range []string{topics.CrawlState, topics.CrawlURLs} {
		for p := range groupPartitions {
			for _, m := range readPartition(f.t, f.brokers, topic, p) {
				for _, u := range urls {
					if !bytes.HasSuffix(m.Key, []byte("\x00"+u)) && !bytes.Contains(m.Value, []byte(`"url":"`+u+`"`)) {
						continue
					}
					var rec struct {
						Op        string     `json:"op"`
						State     string     `json:"state"`
						FetchedAt *time.Time `json:"fetched_at"`
					}
					_ = json.Unmarshal(m.Value, &rec)
					fetched := ""
					if rec.FetchedAt != nil {
						fetched = rec.FetchedAt.UTC().Format("15:04:05.000")
					}
					f.t.Logf("history of %s: %s/%d@%d at %s: op=%q state=%q fetched_at=%s",
						u, strings.TrimPrefix(topic, f.prefix), p, m.Offset, m.Time.UTC().Format("15:04:05.000"), rec.Op, rec.State, fetched)
				}
			}
		}
	}
}

// readPartition returns the messages of one topic partition, from its
// start to its end now.
func readPartition(t testing.TB, brokers, topic string, p int) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := kafka.DialLeader(ctx, "tcp", brokers, topic, p)
	if err != nil {
		t.Logf("history: %s/%d: %v", topic, p, err)
		return nil
	}
	first, last, err := conn.ReadOffsets()
	conn.Close()
	if err != nil || last <= first {
		return nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{brokers}, Topic: topic, Partition: p, MaxWait: 200 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(first); err != nil {
		return nil
	}
	var out []kafka.Message
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Logf("history: %s/%d: %v", topic, p, err)
			return out
		}
		out = append(out, m)
		if m.Offset >= last-1 {
			return out
		}
	}
}

// requireCrawlGroup skips the test if bin's crawl has no --group: the
// Kafka-held frontier of issue 16 is not built in yet, and without it every
// process crawls everything, which these tests would only report as
// failures.
func requireCrawlGroup(t testing.TB, bin string) {
	t.Helper()
	out, _ := exec.Command(bin, "crawl", "--help").CombinedOutput()
	if !strings.Contains(string(out), "-group") {
		t.Skip("wirewatch crawl has no --group yet (issue 16)")
	}
}

// kill ends r with SIGKILL: no drain, no goodbye to the group.
func kill(t testing.TB, r *role) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.done
}

// onTopic counts the expected articles on the clean topic so far.
func (f *crawlFleet) onTopic() int {
	n := 0
	for id := range f.expected {
		if f.clean.has(id) {
			n++
		}
	}
	return n
}

// waitShare waits until share of the expected articles are on the clean
// topic, and returns how many are.
func (f *crawlFleet) waitShare(share float64, within time.Duration) int {
	f.t.Helper()
	want := int(share * float64(len(f.expected)))
	waitFor(f.t, within, func() bool { return f.onTopic() >= want },
		fmt.Sprintf("%d of %d articles are on the clean topic", want, len(f.expected)))
	return f.onTopic()
}

// waitDone waits until every expected article is on the clean topic and
// no article page has been requested for quietFor: the frontier has
// nothing left to fetch.
func (f *crawlFleet) waitDone(within time.Duration) {
	f.t.Helper()
	waitFor(f.t, within, func() bool {
		if f.onTopic() < len(f.expected) {
			return false
		}
		last := sitefarm.LastRequest(f.farm.Log(), func(r sitefarm.Request) bool { return sitefarm.IsArticle(r.Path) })
		return time.Since(last) >= quietFor
	}, fmt.Sprintf("all %d articles are on the clean topic and the farm is quiet for %s", len(f.expected), quietFor))
}

// cleanTopic gathers every message of a clean topic as it arrives.
type cleanTopic struct {
	mu       sync.Mutex
	versions map[string]map[string]int // article id -> body -> messages
	first    map[string]time.Time      // article id -> when its first message was produced
	messages int
	bad      []error
}

// readClean reads every partition of topic from the start until the test
// ends.
func readClean(t testing.TB, brokers, topic string, partitions int) *cleanTopic {
	t.Helper()
	c := &cleanTopic{versions: map[string]map[string]int{}, first: map[string]time.Time{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for p := range partitions {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{brokers}, Topic: topic, Partition: p,
			MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond})
		wg.Go(func() {
			defer r.Close()
			for {
				m, err := r.ReadMessage(ctx)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					// The partition reader reconnects by itself, across
					// a broker restart too; ask again.
					continue
				}
				c.add(m)
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	return c
}

func (c *cleanTopic) add(m kafka.Message) {
	a, _, err := kafkabus.Decode(m)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages++
	if err != nil {
		c.bad = append(c.bad, err)
		return
	}
	if c.versions[a.ID] == nil {
		c.versions[a.ID] = map[string]int{}
		c.first[a.ID] = m.Time
	}
	c.versions[a.ID][a.Body]++
}

func (c *cleanTopic) has(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.versions[id] != nil
}

// span returns when the first and the last of ids first reached the topic
// (by the producer's timestamp).
func (c *cleanTopic) span(ids map[string]string) (first, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range ids {
		at, ok := c.first[id]
		if !ok {
			continue
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	return first, last
}

// cleanCounts is what a clean topic holds.
type cleanCounts struct {
	messages   int
	articles   int // distinct ids
	versions   int // distinct (id, body)
	duplicates int // messages beyond the first of each version
	multi      []string
	bad        []error
}

func (c *cleanTopic) counts() cleanCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := cleanCounts{messages: c.messages, articles: len(c.versions), bad: slices.Clone(c.bad)}
	for id, bodies := range c.versions {
		out.versions += len(bodies)
		if len(bodies) > 1 {
			out.multi = append(out.multi, id)
		}
		for _, n := range bodies {
			out.duplicates += n - 1
		}
	}
	return out
}

// check asserts what every crawl-group test wants of the clean topic and
// the farm's log: every expected article on the topic in one version,
// at most maxDup duplicate messages and maxDupFetch duplicate article
// fetches, no fetch robots.txt disallows, at most maxOverlap overlapping
// requests to a host from two processes, and no site's boilerplate let
// through by more than its first owner would (checkBoilerplate). A
// negative maxDup or maxDupFetch leaves that count to the caller
// (checkKillRefetches). It logs the figures.
func (f *crawlFleet) check(maxDup, maxDupFetch, maxOverlap int) (sitefarm.Summary, cleanCounts) {
	t := f.t
	t.Helper()
	cc := f.clean.counts()
	for _, err := range cc.bad {
		t.Errorf("undecodable message on the clean topic: %v", err)
	}
	missing := 0
	for id, u := range f.expected {
		if !f.clean.has(id) {
			missing++
			if missing <= 5 {
				t.Errorf("article %s (%s) is not on the clean topic", id, u)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d articles are missing from the clean topic", missing, len(f.expected))
	}
	if cc.articles != len(f.expected) {
		t.Errorf("%d distinct articles on the clean topic, want %d", cc.articles, len(f.expected))
	}
	// The pages never change, so an article has one version, or two when
	// the crawler cleaned one of a site's first pages again once the
	// site's learned layer was ready: the first with the site's blurb, the
	// second the same without it. Any other second body would mean a
	// process cleaned a page without the site's boilerplate statistics
	// that the first owner had learnt.
	var multi []string
	for _, id := range cc.multi {
		if !f.recleaned(id) {
			multi = append(multi, id)
		}
	}
	if len(multi) > 0 {
		t.Errorf("%d articles on the clean topic in more than one version, other than re-cleaned first pages, e.g. %s", len(multi), multi[0])
	}
	if maxDup >= 0 && cc.duplicates > maxDup {
		t.Errorf("%d duplicate messages on the clean topic (same id, same body), want at most %d", cc.duplicates, maxDup)
	}
	log := f.farm.Log()
	sum := sitefarm.Summarize(log, sitefarm.Fixed(groupDelay))
	if maxDupFetch >= 0 && sum.Duplicates > maxDupFetch {
		_, again := sitefarm.DuplicateFetches(log)
		t.Errorf("%d duplicate article fetches, want at most %d; e.g. %v", sum.Duplicates, maxDupFetch, firstN(again, 5))
	}
	if d := sitefarm.DisallowedFetches(log); len(d) > 0 {
		t.Errorf("%d fetches robots.txt disallows, want 0; first: %+v", len(d), d[0])
	}
	if sum.Overlaps > maxOverlap {
		ov := sitefarm.Overlaps(log, sitefarm.Fixed(groupDelay))
		t.Errorf("%d overlapping requests to one host from two processes (on %d hosts), want at most %d; first: %+v",
			sum.Overlaps, sum.OverlappedHosts, maxOverlap, ov[0])
	}
	f.checkBoilerplate()
	byProcess := map[string]int{}
	for _, r := range log {
		if sitefarm.IsArticle(r.Path) {
			byProcess[processOf(r)]++
		}
	}
	t.Logf("article fetches by process: %v", byProcess)
	if sum.Duplicates > 0 || sum.Overlaps > 0 {
		f.explain(log)
	}
	t.Logf("clean topic: %d messages, %d articles, %d versions, %d duplicate messages", cc.messages, cc.articles, cc.versions, cc.duplicates)
	t.Logf("farm: %d requests, %d article fetches of %d articles, %d duplicate fetches, %d disallowed, %d overlaps on %d hosts",
		sum.Requests, sum.ArticleFetches, sum.Articles, sum.Duplicates, sum.Disallowed, sum.Overlaps, sum.OverlappedHosts)
	return sum, cc
}

// recleaned reports whether article id is on the clean topic in two
// versions, the first page of a site and that page cleaned again once the
// site's learned layer was ready: one body with the site's blurb, the
// other the same without it.
func (f *crawlFleet) recleaned(id string) bool {
	f.t.Helper()
	blurb := ""
	for _, s := range f.farm.Sites {
		for _, u := range s.ArticleURLs() {
			if articleID(f.t, u) == id {
				blurb = s.BoilerplateText()
			}
		}
	}
	f.clean.mu.Lock()
	defer f.clean.mu.Unlock()
	var with, without []string
	for body := range f.clean.versions[id] {
		if blurb != "" && strings.Contains(body, blurb) {
			with = append(with, body)
		} else {
			without = append(without, body)
		}
	}
	return len(with) == 1 && len(without) == 1 && strings.Replace(with[0], blurb+"\n\n", "", 1) == without[0]
}

// checkBoilerplate fails the test if a site has more than 2 article
// versions on the clean topic that still carry its boilerplate paragraph
// (sitefarm.Options.Boilerplate). A cleaner that keeps a site's block
// statistics strips it from all but the first MinSeen-1 (2) pages it
// cleans of the site; the statistics move with the host through the state
// topic, so a new owner must not let through 2 more.
func (f *crawlFleet) checkBoilerplate() {
	f.t.Helper()
	f.clean.mu.Lock()
	defer f.clean.mu.Unlock()
	perSite := map[string]int{}
	total := 0
	for _, s := range f.farm.Sites {
		blurb := s.BoilerplateText()
		for _, u := range s.ArticleURLs() {
			for body := range f.clean.versions[articleID(f.t, u)] {
				if strings.Contains(body, blurb) {
					perSite[s.Host]++
					total++
				}
			}
		}
	}
	if total == 0 {
		return
	}
	most := 0
	for host, n := range perSite {
		if n > 2 {
			f.t.Errorf("%d article versions of %s carry its boilerplate paragraph, want at most 2: the site's statistics did not follow it", n, host)
		}
		most = max(most, n)
	}
	f.t.Logf("site boilerplate: %d article versions on %d sites carry it, at most %d on one site", total, len(perSite), most)
}

func firstN(m map[string]int, n int) map[string]int {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := map[string]int{}
	for _, k := range keys[:min(n, len(keys))] {
		out[k] = m[k]
	}
	return out
}

// stopAll stops the live processes with SIGTERM, expecting clean exits.
func stopAll(t testing.TB, rs ...*role) {
	t.Helper()
	for _, r := range rs {
		r.stop(t)
	}
}

// TestCrawlGroup runs three crawl processes of one group on 24 sites,
// kills one with SIGKILL midway and restarts it with an empty --data,
// adds a fourth and stops one with SIGTERM, and checks that they shared
// the hosts: every article on the clean topic once, no page fetched again
// but what was in flight at the kill, nothing robots.txt disallows, and
// two processes on one host only around the hand-overs.
func TestCrawlGroup(t *testing.T) {
	brokers := testBroker(t)
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 24, Articles: 30, Boilerplate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { farm.Close() })
	f := newCrawlFleet(t, buildBinary(t), brokers, farm)

	p1, p2, p3 := f.start("p1"), f.start("p2"), f.start("p3")
	killedAt := f.waitShare(0.15, 2*time.Minute)
	kill(t, p1)
	killTime := time.Now()
	f.mark("p1 killed with SIGKILL")
	if killedAt >= len(f.expected) {
		t.Fatal("the crawl finished before the kill; the test proves nothing")
	}
	p1b := f.start("p1-restarted") // an empty --data: its state must come from Kafka

	f.waitShare(0.40, 2*time.Minute)
	p4 := f.start("p4")

	f.waitShare(0.60, 2*time.Minute)
	f.mark("p2 sent SIGTERM")
	p2.stop(t)
	f.mark("p2 exited")

	f.waitDone(3 * time.Minute)
	f.mark("crawl done")
	stopAll(t, p3, p1b, p4)

	// A URL fetched by its owner but not yet recorded on the state topic
	// when the owner is killed is fetched once more by the next owner,
	// and its article may have reached the clean topic before: the URLs
	// in flight (--workers) and the outcomes the crawler had queued but
	// not yet written (it writes them in batches, every 20ms, each batch
	// as long as the broker takes to acknowledge it, which grows with the
	// machine's load). So the test checks the cause of each such fetch
	// again rather than their count (checkKillRefetches). SIGTERM and
	// joins hand hosts over without dropping work; under load a few pages
	// of a live process were still seen fetched again (3, once in 10 runs
	// with the race detector on a loaded machine; cause not found), so
	// those, and the produces sent again after a lost acknowledgement,
	// are held to what one process can have in flight, its --workers.
	const maxAgain = groupWorkers
	// Politeness across processes: a kill -9 hands its hosts over only
	// after the session timeout (6s, far beyond the delay), so it causes
	// no overlap; each of the three other membership changes (p1
	// restarted, p4 joining, p2 leaving) moves some hosts while their
	// old owner may still have one request (--per-host 1) in flight or
	// just started, so at most one overlap per host per change.
	const changes = 3
	f.check(-1, -1, changes*len(farm.Sites))
	f.checkKillRefetches("p1", killTime, maxAgain)
	// A site's first articles that went out with its blurb are cleaned
	// again once its learned layer is ready, by whichever process owns
	// the host then: the pages kept for that move with the host through
	// the state topic. Only an article emitted by the killed process
	// whose page it had not yet written there can be missed: at most what
	// it had in flight.
	carried, corrected := f.firstVersions()
	t.Logf("first versions with the site's blurb: %d, cleaned again: %d", carried, corrected)
	if carried == 0 {
		t.Error("no article went out with its site's blurb: the test proves nothing about cleaning again")
	}
	if carried-corrected > maxAgain {
		t.Errorf("%d of %d first versions with the site's blurb were not cleaned again, want at most %d", carried-corrected, carried, maxAgain)
	}
}

// firstVersions counts the articles on the clean topic with a version
// that carries their site's blurb, and those of them that also have the
// version without it that cleaning again gives (see recleaned).
func (f *crawlFleet) firstVersions() (carried, corrected int) {
	f.t.Helper()
	for _, s := range f.farm.Sites {
		blurb := s.BoilerplateText()
		for _, u := range s.ArticleURLs() {
			id := articleID(f.t, u)
			f.clean.mu.Lock()
			with := false
			for body := range f.clean.versions[id] {
				with = with || strings.Contains(body, blurb)
			}
			f.clean.mu.Unlock()
			if !with {
				continue
			}
			carried++
			if f.recleaned(id) {
				corrected++
			}
		}
	}
	return carried, corrected
}

// TestCrawlGroupRobotsDown runs two processes on six sites, one of which
// answers 503 for robots.txt: its URLs wait, nothing but robots.txt is
// requested from it, and the other sites are crawled to the end.
func TestCrawlGroupRobotsDown(t *testing.T) {
	brokers := testBroker(t)
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 6, Articles: 10, RobotsDown: []int{0}, Name: "Down"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { farm.Close() })
	f := newCrawlFleet(t, buildBinary(t), brokers, farm)
	down := farm.Sites[0]
	// Only the healthy sites' articles are expected.
	for _, u := range down.ArticleURLs() {
		delete(f.expected, articleID(t, u))
	}
	p1, p2 := f.start("p1"), f.start("p2")
	f.waitDone(2 * time.Minute)
	// The down site's robots.txt was asked for (so the test saw the 503
	// path), and its URLs still wait: nothing else of it was requested.
	waitFor(t, time.Minute, func() bool {
		for _, r := range down.Log() {
			if r.Path == "/robots.txt" {
				return true
			}
		}
		return false
	}, "the down site's robots.txt is requested")
	stopAll(t, p1, p2)
	for _, r := range down.Log() {
		if r.Path != "/robots.txt" {
			t.Errorf("%s requested %s from the site whose robots.txt is down", r.UserAgent, r.Path)
		}
	}
	for _, u := range down.ArticleURLs() {
		if f.clean.has(articleID(t, u)) {
			t.Errorf("%s is on the clean topic though its robots.txt never answered", u)
		}
	}
	f.check(0, 0, len(farm.Sites))
}

// TestCrawlGroupFeedOwnerKilled seeds only the sites' feeds (and follows
// no links), so a new article is found only by re-polling its feed. The
// owner of the first site is killed with SIGKILL while that site keeps
// publishing: the new owner keeps re-polling the feed, and each new
// article reaches the clean topic.
func TestCrawlGroupFeedOwnerKilled(t *testing.T) {
	brokers := testBroker(t)
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 4, Articles: 3, Name: "Feed"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { farm.Close() })
	bin := buildBinary(t)
	f := newCrawlFleet(t, bin, brokers, farm)
	// Feeds only, no links followed, re-polled every second or two.
	feeds := filepath.Join(t.TempDir(), "feeds.txt")
	var list []byte
	for _, s := range farm.Sites {
		list = append(list, s.URL+"/rss.xml\n"...)
	}
	if err := os.WriteFile(feeds, list, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, a := range f.common {
		if a == "--seeds" {
			f.common[i+1] = feeds
		}
		if a == "--max-depth" {
			f.common[i+1] = "0"
		}
	}
	f.common = append(f.common, "--repoll", "1s", "--repoll-min", "500ms", "--repoll-max", "2s")
	site := farm.Sites[0]
	procs := map[string]*role{"p1": f.start("p1"), "p2": f.start("p2")}
	f.waitDone(2 * time.Minute)

	// publish adds an article to the site and waits for it on the topic.
	publish := func(when string) {
		t.Helper()
		u := site.Publish()
		f.refreshExpected()
		id := articleID(t, u)
		waitFor(t, time.Minute, func() bool { return f.clean.has(id) }, fmt.Sprintf("%s, published %s, is on the clean topic", u, when))
	}
	publish("before the kill")
	owner := feedPoller(t, site, time.Time{})
	victim := procs[owner]
	if victim == nil {
		t.Fatalf("the feed was last polled by %q, not by a process of this test", owner)
	}
	kill(t, victim)
	killed := time.Now()
	delete(procs, owner)
	f.mark("%s, the owner of %s, killed with SIGKILL", owner, site.Host)
	for i := range 3 {
		publish(fmt.Sprintf("%d after the kill", i+1))
	}
	// Who polled the feed since the kill: only the survivor can have.
	after := feedPoller(t, site, killed)
	if after == owner || procs[after] == nil {
		t.Errorf("the feed was polled after the kill by %q, want the survivor", after)
	}
	for _, r := range procs {
		r.stop(t)
	}
	// The kill may cut one fetch short; nothing else is fetched twice.
	f.check(groupWorkers, groupWorkers, len(farm.Sites))
}

// feedPoller returns the process (by User-Agent) that last requested
// site's feed, failing the test if none did after since.
func feedPoller(t *testing.T, site *sitefarm.Site, since time.Time) string {
	t.Helper()
	var last sitefarm.Request
	for _, r := range site.Log() {
		if r.Path == "/rss.xml" && r.Start.After(since) && r.Start.After(last.Start) {
			last = r
		}
	}
	if last.Start.IsZero() {
		t.Fatalf("nobody requested %s/rss.xml after %v", site.URL, since)
	}
	if !strings.HasPrefix(last.UserAgent, agentPrefix) {
		t.Fatalf("feed requested with User-Agent %q", last.UserAgent)
	}
	return processOf(last)
}

// crawlBroker is a broker of the test's own, run with
// deployments/local/kafka.sh on free ports, so that restarting it disturbs
// nobody else's tests (the shared broker is never restarted).
type crawlBroker struct {
	t    *testing.T
	env  []string
	addr string
}

func startCrawlBroker(t *testing.T) *crawlBroker {
	t.Helper()
	port, controller := loopbackPort(t), loopbackPort(t)
	for controller == port {
		controller = loopbackPort(t)
	}
	b := &crawlBroker{t: t, addr: "127.0.0.1:" + strconv.Itoa(port), env: []string{"WIREWATCH_RUN=" + t.TempDir(), "KAFKA_SASL=0",
		"KAFKA_PORT=" + strconv.Itoa(port), "KAFKA_CONTROLLER_PORT=" + strconv.Itoa(controller),
		"KAFKA_HEAP_OPTS=-Xms128m -Xmx384m", "KAFKA_STOP_TIMEOUT=20"}}
	b.run("start")
	t.Cleanup(func() { b.run("reset") })
	return b
}

func (b *crawlBroker) run(cmd string) {
	b.t.Helper()
	c := exec.Command("../../deployments/local/kafka.sh", cmd)
	c.Env = append(os.Environ(), b.env...)
	if out, err := c.CombinedOutput(); err != nil {
		b.t.Fatalf("kafka.sh %s: %v\n%s", cmd, err, out)
	}
}

// loopbackPort returns a loopback port nobody listens on right now.
func loopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestCrawlGroupBrokerRestart stops and restarts a private broker while
// two crawl processes of one group work through eight sites: they ride
// through the outage and the crawl completes, every article on the clean
// topic.
func TestCrawlGroupBrokerRestart(t *testing.T) {
	testBroker(t) // skips like the other broker tests
	bin := buildBinary(t)
	requireCrawlGroup(t, bin) // before starting a broker for nothing
	t0 := time.Now()
	b := startCrawlBroker(t)
	t.Logf("private broker on %s up after %s", b.addr, time.Since(t0).Round(time.Millisecond))
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 8, Articles: 20, Name: "Restart", Boilerplate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { farm.Close() })
	f := newCrawlFleet(t, bin, b.addr, farm)
	p1, p2 := f.start("p1"), f.start("p2")
	f.waitShare(0.25, 2*time.Minute)
	f.mark("broker stopping")
	b.run("stop")
	f.mark("broker stopped")
	time.Sleep(2 * time.Second) // the outage: the broker stays down a while
	b.run("start")
	f.mark("broker back")
	f.waitDone(3 * time.Minute)
	f.mark("crawl done")
	stopAll(t, p1, p2)
	// Each process may have had --workers URLs in flight when the broker
	// went: a produce whose acknowledgement was lost is sent again, and a
	// URL whose settling was lost is fetched again. The group re-forms
	// once the broker is back and may move hosts between the two: one
	// overlap per host at most.
	f.check(2*groupWorkers, 2*groupWorkers, len(farm.Sites))
}

// checkKillRefetches checks the articles fetched more than once. One
// fetched first by the process killed at killed, before the kill, may be
// fetched again once, after the kill, by another process, if the state
// topic held no record of the first fetch's outcome by then: that is
// at-least-once delivery, however many such URLs the load left
// unrecorded. Beyond maxOther of them, most of what the killed process
// fetched must have been recorded, or its writer did not write. Any other
// article fetched again counts against maxOther, and duplicate messages on
// the clean topic against one for each article fetched again plus
// maxOther (a produce whose acknowledgement was lost is sent again).
func (f *crawlFleet) checkKillRefetches(killedUA string, killed time.Time, maxOther int) {
	t := f.t
	t.Helper()
	byURL := map[string][]sitefarm.Request{}
	ownFetches := 0
	for _, r := range f.farm.Log() {
		if !sitefarm.IsArticle(r.Path) {
			continue
		}
		byURL["http://"+r.Host+r.Path] = append(byURL["http://"+r.Host+r.Path], r)
		if processOf(r) == killedUA {
			ownFetches++
		}
	}
	again := map[string][]sitefarm.Request{}
	for u, rs := range byURL {
		if len(rs) > 1 {
			slices.SortFunc(rs, func(a, b sitefarm.Request) int { return a.Start.Compare(b.Start) })
			again[u] = rs
		}
	}
	// done[u] is when the state topic first recorded u as fetched.
	done := map[string]time.Time{}
	if len(again) > 0 {
		topic := kafkabus.TopicNames(f.prefix).CrawlState
		for p := range groupPartitions {
			for _, m := range readPartition(t, f.brokers, topic, p) {
				var rec struct {
					URL   string `json:"url"`
					State string `json:"state"`
				}
				if json.Unmarshal(m.Value, &rec) != nil || rec.State != "done" || again[rec.URL] == nil {
					continue
				}
				if at, ok := done[rec.URL]; !ok || m.Time.Before(at) {
					done[rec.URL] = m.Time
				}
			}
		}
	}
	killedAgain, other := 0, 0
	for _, u := range slices.Sorted(maps.Keys(again)) {
		rs := again[u]
		first, second := rs[0], rs[1]
		if processOf(first) != killedUA || !first.Start.Before(killed) {
			other += len(rs) - 1
			continue
		}
		killedAgain++
		switch {
		case len(rs) > 2:
			t.Errorf("%s fetched %d times, want at most twice", u, len(rs))
		case second.Start.Before(killed) || second.UserAgent == first.UserAgent:
			t.Errorf("%s fetched again by %s at %s, not by another process after the kill", u, second.UserAgent, f.at(second.Start))
		case !done[u].IsZero() && done[u].Before(second.Start):
			t.Errorf("%s fetched again at %s although the state topic recorded it at %s", u, f.at(second.Start), f.at(done[u]))
		}
	}
	if 2*killedAgain > ownFetches && killedAgain > maxOther {
		t.Errorf("%d of the %d articles %s fetched were fetched again: its outcomes were not written", killedAgain, ownFetches, killedUA)
	}
	if other > maxOther {
		t.Errorf("%d fetches again of articles the killed %s did not fetch first, want at most %d", other, killedUA, maxOther)
	}
	if cc := f.clean.counts(); cc.duplicates > len(again)+maxOther {
		t.Errorf("%d duplicate messages on the clean topic, want at most %d: one for each of the %d articles fetched again, and %d",
			cc.duplicates, len(again)+maxOther, len(again), maxOther)
	}
	t.Logf("fetched again: %d of the %d articles %s fetched before its kill, none recorded before; %d others", killedAgain, ownFetches, killedUA, other)
}
