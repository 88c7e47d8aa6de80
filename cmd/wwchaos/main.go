// Command wwchaos runs the wirewatch pipeline as separate processes over a
// private Kafka broker and Elasticsearch node, injects faults for a bounded
// time while a news site keeps publishing and revising articles, and then
// checks that every article reached Elasticsearch exactly once in its
// latest revision and that every matching story alerted (`make chaos`).
//
// It is a command rather than a test behind a build tag because a chaos run
// is an experiment, not a unit check: it takes minutes, a seed and a
// duration, prints a table meant for the README, keeps the role logs for
// reading afterwards, and its exit status is the verdict (non-zero when an
// article was lost or stored twice, or a secret reached a log).
//
// The faults, one at a time at random moments (the seed is printed, and
// -seed repeats the choices, though not the timing): kill -9 of a random
// role and its restart; a broker restart; an Elasticsearch restart (each
// graceful or kill -9); a full disk under a role's --data (a small tmpfs
// filled to the last byte, then freed); and SIGSTOP of a consumer past its
// --session-timeout, then SIGCONT. Every kind comes once, in random order,
// before any comes twice, and each fault waits until Elasticsearch has
// caught up with the last one (at most -settle) plus a random gap, so that
// each recovery time belongs to one fault.
//
// The roles: one crawl (seeded with the site's Atom feed and sitemap), two
// extract, two index processes sharing one --data (as on one host; they
// cluster stories and alert), and serve with an API token. A role that
// exits on its own is restarted after 2 s, as a supervisor would, and the
// exit is counted. Credentials: SASL PLAIN to the broker, an Elasticsearch
// password (the test node has no security, so it is sent and ignored), the
// webhook's signing secret and the API token; every role's log (at debug
// level) is searched for each of them.
//
// The broker and node are private (deployments/local scripts with their own
// run root and ports), never the shared ones, since the run restarts them.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/internal/chaos"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/store/elastic"
)

type config struct {
	bin, scripts, root    string
	seed                  uint64
	duration, drain       time.Duration
	warmup                time.Duration
	sessionTimeout        time.Duration
	kafkaPort, esPort     int
	keepServices          bool
	publishEvery          time.Duration
	fsSize                string
	extracts, indexers    int
	initialArticles       int
	keywordShare          float64
	maxRevisions          int
	minGap, maxGap        time.Duration
	pauseExtra            time.Duration
	settle                time.Duration
	logLevel              string
	fullFor               time.Duration
	partitions            int
	esUser                string
	kafkaUser, kafkaSASLP string
}

func main() {
	var c config
	var seed int64
	flag.StringVar(&c.bin, "bin", "bin/wirewatch", "the wirewatch binary to run the roles with")
	flag.StringVar(&c.scripts, "scripts", "deployments/local", "directory of kafka.sh and elasticsearch.sh")
	flag.StringVar(&c.root, "root", "/tmp/ww-chaos", "run root of the private broker and node (WIREWATCH_RUN) and of the run's logs")
	flag.Int64Var(&seed, "seed", 0, "seed of the random choices (0: a new one, printed)")
	flag.DurationVar(&c.duration, "duration", envDuration("CHAOS_DURATION", 3*time.Minute), "how long faults are injected, at least until every kind came once (env CHAOS_DURATION)")
	flag.DurationVar(&c.drain, "drain", envDuration("CHAOS_DRAIN", 3*time.Minute), "longest wait, after the faults, for the pipeline to catch up")
	flag.DurationVar(&c.warmup, "warmup", 20*time.Second, "time before the first fault")
	flag.DurationVar(&c.sessionTimeout, "session-timeout", 6*time.Second, "--session-timeout of the consuming roles")
	flag.IntVar(&c.kafkaPort, "kafka-port", 19092, "private broker's PLAINTEXT port (controller +1, SASL +2)")
	flag.IntVar(&c.esPort, "es-port", 19200, "private node's HTTP port (transport +100)")
	flag.BoolVar(&c.keepServices, "keep-services", false, "leave the private broker and node running at the end (default: reset them)")
	flag.DurationVar(&c.publishEvery, "publish-every", 1500*time.Millisecond, "mean time between two changes on the site (a new article or a revision)")
	flag.StringVar(&c.fsSize, "fs-size", "8m", "size of the tmpfs under each role's --data")
	flag.IntVar(&c.extracts, "extracts", 2, "extract processes")
	flag.IntVar(&c.indexers, "indexers", 2, "index processes (sharing one --data, as on one host)")
	flag.IntVar(&c.initialArticles, "initial", 15, "articles the site holds before the roles start")
	flag.Float64Var(&c.keywordShare, "keyword-share", 0.35, "share of articles the saved search matches")
	flag.IntVar(&c.maxRevisions, "max-revisions", 4, "most revisions of one article")
	flag.DurationVar(&c.minGap, "min-gap", 2*time.Second, "shortest time between a fault's recovery and the next fault")
	flag.DurationVar(&c.maxGap, "max-gap", 10*time.Second, "longest time between a fault's recovery and the next fault")
	flag.DurationVar(&c.settle, "settle", 90*time.Second, "longest wait for the pipeline to catch up after a fault before the next one")
	flag.DurationVar(&c.pauseExtra, "pause-extra", 4*time.Second, "how far past --session-timeout a paused process stays paused (at most)")
	flag.DurationVar(&c.fullFor, "full-for", 12*time.Second, "how long a disk stays full (at most)")
	flag.IntVar(&c.partitions, "partitions", 3, "partitions of the run's topics")
	flag.StringVar(&c.logLevel, "log-level", "debug", "--log-level of the roles (debug logs the most, so the secret check sees the most)")
	flag.Parse()
	c.seed = uint64(seed)
	if c.seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		c.seed = uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3]) // short enough to type
	}
	c.esUser, c.kafkaUser, c.kafkaSASLP = "elastic", "wirewatch", "wirewatch-secret"

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	code, err := run(ctx, c, log)
	if err != nil {
		log.Error("chaos run failed", "err", err)
		if code == 0 {
			code = 2
		}
	}
	os.Exit(code)
}

func envDuration(name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		if n, err := strconv.Atoi(v); err == nil {
			return time.Duration(n) * time.Second
		}
		fmt.Fprintf(os.Stderr, "wwchaos: %s=%q is not a duration; using %s\n", name, v, def)
	}
	return def
}

// secrets are the credentials the roles are given; none may appear in a log.
type secrets struct {
	esPassword, apiToken, webhookSecret, saslPassword string
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// needles are the strings whose presence in a log leaks a secret: each
// secret, and the forms a client puts on the wire.
func (s secrets) needles(esUser, kafkaUser string) map[string]string {
	m := map[string]string{
		"Elasticsearch password":              s.esPassword,
		"Elasticsearch basic-auth header":     base64.StdEncoding.EncodeToString([]byte(esUser + ":" + s.esPassword)),
		"API token":                           s.apiToken,
		"SASL password":                       s.saslPassword,
		"SASL PLAIN message":                  "\x00" + kafkaUser + "\x00" + s.saslPassword,
		"webhook secret":                      s.webhookSecret,
		"webhook secret key (without whsec_)": strings.TrimPrefix(s.webhookSecret, "whsec_"),
	}
	for k, v := range m {
		if len(v) < 8 {
			delete(m, k)
		}
	}
	return m
}

// run is the whole chaos run; the int is the exit code.
func run(ctx context.Context, c config, log *slog.Logger) (int, error) {
	started := time.Now()
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return 2, err
	}
	if _, err := os.Stat(bin); err != nil {
		return 2, fmt.Errorf("the wirewatch binary: %w (make build)", err)
	}
	runID := fmt.Sprintf("%d-%s", c.seed, started.UTC().Format("150405"))
	dir := filepath.Join(c.root, "runs", runID)
	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return 2, err
	}
	// The node runs as another user when we are root; it must traverse the root.
	os.Chmod(c.root, 0o755)
	fmt.Printf("wwchaos: seed %d (repeat with -seed %d), faults for %s, logs in %s\n", c.seed, c.seed, c.duration, dir)
	faultRNG := mrand.New(mrand.NewPCG(c.seed, 1))
	siteRNG := mrand.New(mrand.NewPCG(c.seed, 2))
	pubRNG := mrand.New(mrand.NewPCG(c.seed, 3))

	srv := &servers{c: c, log: log}
	if err := srv.start(ctx); err != nil {
		return 2, err
	}
	defer srv.finish()

	prefix := "chaos-" + runID + "."
	esPrefix := "chaos-" + runID
	alias := elastic.NamesFor(esPrefix).Alias
	brokerPlain := fmt.Sprintf("127.0.0.1:%d", c.kafkaPort)
	brokerSASL := fmt.Sprintf("127.0.0.1:%d", c.kafkaPort+2)
	esURL := fmt.Sprintf("http://127.0.0.1:%d", c.esPort)

	sec := secrets{esPassword: "es-" + randomToken(12), apiToken: "tok-" + randomToken(16), saslPassword: c.kafkaSASLP}

	// Each role's --data on a small tmpfs, so that it can be filled.
	crawlData, indexData := filepath.Join(dir, "crawl-data"), filepath.Join(dir, "index-data")
	var mounts []string
	fsKind := "tmpfs of " + c.fsSize
	for _, d := range []string{crawlData, indexData} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return 2, err
		}
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+c.fsSize, "tmpfs", d).CombinedOutput(); err != nil {
			// No honest equivalent here: a filler file on the machine's own
			// disk would fill the shared machine. Say so and skip the fault.
			log.Warn("mount -t tmpfs refused; the disk-full fault is skipped", "dir", d, "err", err, "out", strings.TrimSpace(string(out)))
			fsKind = "none (mount refused: " + strings.TrimSpace(string(out)) + ")"
			continue
		}
		mounts = append(mounts, d)
	}
	defer func() {
		for _, d := range mounts {
			exec.Command("umount", "-l", d).Run()
		}
	}()

	site, err := chaos.NewSite(siteRNG)
	if err != nil {
		return 2, err
	}
	defer site.Close()
	for range c.initialArticles {
		site.Publish(c.keywordShare)
	}

	hooks := &receiver{log: log}
	hookLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 2, err
	}
	hookSrv := &http.Server{Handler: hooks, ReadHeaderTimeout: 5 * time.Second}
	go hookSrv.Serve(hookLn)
	defer hookSrv.Close()
	hookURL := "http://" + hookLn.Addr().String() + "/hook"

	// The saved search, with a webhook to the receiver.
	out, err := exec.CommandContext(ctx, bin, "alerts", "add", "--data", indexData, "--name", "chaos", "--webhook", hookURL,
		"--allow-private-webhooks", chaos.Keyword).CombinedOutput()
	if err != nil {
		return 2, fmt.Errorf("alerts add: %w: %s", err, out)
	}
	if m := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).Find(out); m != nil {
		sec.webhookSecret = string(m)
		hooks.setSecret(sec.webhookSecret)
	} else {
		return 2, fmt.Errorf("alerts add printed no webhook secret")
	}

	// A letter that belongs in the dead-letter topic: a tagged article
	// Elasticsearch refuses (a keyword over its 32 KB limit).
	topics := kafkabus.TopicNames(prefix)
	poisonID, err := producePoison(ctx, brokerPlain, topics, c.partitions)
	if err != nil {
		return 2, err
	}

	tokenFile := filepath.Join(dir, "api-token")
	if err := os.WriteFile(tokenFile, []byte(sec.apiToken+"\n"), 0o600); err != nil {
		return 2, err
	}
	serveAddr, err := freeAddr()
	if err != nil {
		return 2, err
	}

	kafkaArgs := []string{"--kafka-brokers", brokerSASL, "--kafka-sasl-mechanism", "PLAIN", "--kafka-sasl-username", c.kafkaUser,
		"--topic-prefix", prefix, "--topic-partitions", strconv.Itoa(c.partitions), "--log-format", "text", "--log-level", c.logLevel}
	esArgs := []string{"--es-url", esURL, "--es-username", c.esUser, "--es-index-prefix", esPrefix}
	secretEnv := []string{"WIREWATCH_KAFKA_SASL_PASSWORD=" + sec.saslPassword, "WIREWATCH_ES_PASSWORD=" + sec.esPassword}
	consumer := []string{"--session-timeout", c.sessionTimeout.String(), "--drain-timeout", "20s"}
	newProc := func(name string, args ...string) *proc {
		return &proc{name: name, bin: bin, args: args, env: secretEnv, logPath: filepath.Join(logs, name+".log"), log: log}
	}
	crawl := newProc("crawl", append([]string{"crawl", "--data", crawlData, "--seeds", site.FeedURL() + "," + site.SitemapURL(),
		"--delay", "50ms", "--per-host", "2", "--workers", "4", "--max-depth", "0", "--timeout", "10s", "--retries", "3", "--retry-wait", "500ms",
		"--repoll", "3s", "--repoll-min", "2s", "--repoll-max", "6s", "--recheck-min", "2s", "--recheck-max", "10", "--progress", "never"},
		kafkaArgs...)...)
	roles := []*proc{crawl}
	var consumers []*proc
	for i := 1; i <= c.extracts; i++ {
		p := newProc(fmt.Sprintf("extract-%d", i), append(append([]string{"extract", "--group", prefix + "extract"}, consumer...), kafkaArgs...)...)
		roles, consumers = append(roles, p), append(consumers, p)
	}
	alertsFile := filepath.Join(dir, "alerts.jsonl")
	for i := 1; i <= c.indexers; i++ {
		args := append([]string{"index", "--group", prefix + "index", "--data", indexData, "--alerts-out", alertsFile, "--allow-private-webhooks"}, esArgs...)
		p := newProc(fmt.Sprintf("index-%d", i), append(append(args, consumer...), kafkaArgs...)...)
		roles, consumers = append(roles, p), append(consumers, p)
	}
	serve := newProc("serve", append([]string{"serve", "--listen", serveAddr, "--api-token-file", tokenFile, "--log-format", "text",
		"--log-level", c.logLevel}, esArgs...)...)
	for _, p := range roles {
		if err := p.start(); err != nil {
			return 2, err
		}
	}
	defer func() {
		for _, p := range roles {
			p.stop(30 * time.Second)
		}
	}()

	// The site keeps changing until the faults stop.
	pubCtx, stopPublishing := context.WithCancel(ctx)
	defer stopPublishing()
	var pubWG sync.WaitGroup
	pubWG.Add(1)
	go func() {
		defer pubWG.Done()
		for {
			wait := time.Duration(float64(c.publishEvery) * (0.5 + pubRNG.Float64()))
			select {
			case <-pubCtx.Done():
				return
			case <-time.After(wait):
			}
			if pubRNG.Float64() < 0.7 {
				site.Publish(c.keywordShare)
			} else if _, ok := site.Revise(c.maxRevisions); !ok {
				site.Publish(c.keywordShare)
			}
		}
	}()

	// Polls of Elasticsearch: when each revision first appeared.
	es := &esReader{url: esURL, alias: alias, user: c.esUser, password: sec.esPassword}
	seen := chaos.Seen{}
	var seenMu sync.Mutex
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	var pollWG sync.WaitGroup
	pollWG.Add(1)
	go func() {
		defer pollWG.Done()
		for pollCtx.Err() == nil {
			at := time.Now()
			docs, err := es.docs(pollCtx)
			if err == nil {
				seenMu.Lock()
				seen.Observe(at, docs)
				seenMu.Unlock()
			}
			select {
			case <-pollCtx.Done():
			case <-time.After(time.Second):
			}
		}
	}()

	// The API, with and without the token, as a user of `serve` would;
	// serve refuses to start before the index role created the index.
	for ctx.Err() == nil {
		if _, code, err := es.do(ctx, http.MethodHead, "/"+alias, nil); err == nil && code == http.StatusOK {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err := serve.start(); err != nil {
		return 2, err
	}
	defer serve.stop(10 * time.Second)
	roles = append(roles, serve)
	api := &apiChecker{base: "http://" + serveAddr, token: sec.apiToken}

	// Faults.
	inj := &injector{c: c, rng: faultRNG, log: log, srv: srv, all: roles[:len(roles)-1], consumers: consumers,
		dataDirs: mounts}
	time.Sleep(c.warmup)
	api.check(ctx)
	deadline := time.Now().Add(c.duration)
	for ctx.Err() == nil {
		gap := c.minGap + time.Duration(faultRNG.Int64N(int64(c.maxGap-c.minGap)+1))
		// Past the deadline only to finish the first round, so that a
		// short run still injects every kind once.
		if time.Now().Add(gap).After(deadline) && inj.roundDone() {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(gap):
		}
		if ctx.Err() != nil {
			break
		}
		f := inj.next(ctx)
		// One fault at a time: the next waits until Elasticsearch has
		// caught up with this one (at most -settle), so that each recovery
		// time belongs to one fault.
		settled := "caught up"
		settleBy := time.Now().Add(c.settle)
		for ctx.Err() == nil {
			seenMu.Lock()
			_, ok := seen.CaughtUp(site.Versions(), f.Cleared)
			seenMu.Unlock()
			if ok {
				break
			}
			if time.Now().After(settleBy) {
				settled = "not caught up after " + c.settle.String()
				break
			}
			time.Sleep(time.Second)
		}
		fmt.Printf("wwchaos: %s  %-13s %-22s lasted %s, %s%s\n", f.Start.Format("15:04:05"), f.Kind, f.Target,
			chaos.Seconds(f.Cleared.Sub(f.Start)), settled, errSuffix(f.Err))
		api.check(ctx)
	}
	stopPublishing()
	pubWG.Wait()
	faultsEnd := time.Now()
	published := site.Versions()
	fmt.Printf("wwchaos: faults stopped; %d articles, %d revisions published; draining (at most %s)\n",
		countArticles(published), len(published), c.drain)

	// Drain: wait until Elasticsearch holds every latest revision and both
	// alert channels have every matching story, or the bound passes.
	var docs []chaos.Doc
	drainDeadline := time.Now().Add(c.drain)
	caughtUp := false
	for ctx.Err() == nil {
		d, err := es.docs(ctx)
		if err == nil {
			docs = d
			res := chaos.Compare(published, docs)
			hookCount := chaos.CountAlerts("webhook", published, docs, hooks.deliveries())
			fileCount := chaos.CountAlerts("file", published, docs, readAlertsFile(alertsFile))
			if len(res.Lost) == 0 && len(res.Stale) == 0 && len(hookCount.Missing) == 0 && len(fileCount.Missing) == 0 {
				caughtUp = true
				break
			}
		}
		if time.Now().After(drainDeadline) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
	drained := time.Since(faultsEnd)
	// Alerts delivered twice show up within a delivery round; give a
	// redelivery after a restart the time to arrive before counting.
	time.Sleep(3 * time.Second)
	stopPolling()
	pollWG.Wait()
	api.check(ctx)

	// Stop the roles as an operator would, then read the dead letters.
	for _, p := range roles {
		p.stop(30 * time.Second)
	}
	dlqOut, letters, dlqErr := listLetters(ctx, bin, append([]string{"dlq", "list"}, kafkaArgs...), secretEnv, filepath.Join(logs, "dlq-list.log"))

	// The verdict.
	if d, err := es.docs(ctx); err == nil {
		docs = d
	}
	res := chaos.Compare(published, docs)
	res.Alerts = []chaos.AlertCount{
		chaos.CountAlerts("webhook", published, docs, hooks.deliveries()),
		chaos.CountAlerts("--alerts-out file", published, docs, readAlertsFile(alertsFile)),
	}
	for _, l := range letters {
		if l.Key == poisonID {
			res.Expected++
		} else {
			res.Letters = append(res.Letters, l)
		}
	}
	leaks := grepSecrets(logs, sec.needles(c.esUser, c.kafkaUser))

	var recov []time.Duration
	unrecovered := 0
	for i := range inj.faults {
		f := &inj.faults[i]
		if d, ok := f.Recovery(seen, published); ok {
			recov = append(recov, d)
		} else {
			unrecovered++
		}
	}
	lat := seen.Latencies(published)

	// Exits the run did not cause, by role and reason.
	exitCount := map[string]int{}
	nExits := 0
	for _, p := range roles {
		for _, e := range p.unexpected() {
			exitCount[p.name+": "+e]++
			nExits++
		}
	}
	var exits []string
	for k, n := range exitCount {
		exits = append(exits, fmt.Sprintf("%s (x%d)", k, n))
	}
	sort.Strings(exits)

	rows := [][2]string{
		{"seed", strconv.FormatUint(c.seed, 10)},
		{"faults injected for", c.duration.String() + fmt.Sprintf(" (warm-up %s first)", c.warmup)},
		{"faults injected", inj.summary()},
		{"role exits not injected (restarted)", fmt.Sprintf("%d%s", nExits, listSuffix(exits, 5))},
		{"articles published (revisions)", fmt.Sprintf("%d (%d)", res.Articles, res.Versions)},
		{"documents in Elasticsearch", strconv.Itoa(res.Stored)},
		{"**lost**", fmt.Sprintf("%d%s", len(res.Lost), listSuffix(res.Lost, 5))},
		{"**duplicated documents**", fmt.Sprintf("%d%s", len(res.Duplicated), listSuffix(flatten(res.Duplicated), 5))},
		{"stale versions", fmt.Sprintf("%d%s", len(res.Stale), listSuffix(staleList(res.Stale), 5))},
		{"documents of no published article", strconv.Itoa(len(res.Foreign))},
	}
	for _, a := range res.Alerts {
		rows = append(rows, [2]string{"alerts by " + a.Channel + ": matching stories, delivered ≥1, twice or more (most copies)",
			fmt.Sprintf("%d, %d, %d (%d)%s", a.Expected, a.Delivered, a.Twice, a.MostCopies, listSuffix(a.Missing, 3))})
		if len(a.Repeats) > 0 {
			rows = append(rows, [2]string{"alerts by " + a.Channel + " delivered more than once", strings.Join(a.Repeats, "; ")})
		}
		if a.Unexpected > 0 {
			rows = append(rows, [2]string{"alerts by " + a.Channel + " for stories that do not match", strconv.Itoa(a.Unexpected)})
		}
	}
	rows = append(rows,
		[2]string{"webhook requests with a bad signature", strconv.Itoa(hooks.badSignatures())},
		[2]string{"dead letters: of the poison article (expected), of any other (should not be there)", fmt.Sprintf("%d, %d%s%s", res.Expected, len(res.Letters), letterSuffix(res.Letters), errSuffix(dlqErr))},
		[2]string{"recovery (fault → Elasticsearch caught up), median / max", fmt.Sprintf("%s / %s over %d faults%s",
			chaos.Seconds(chaos.Median(recov)), chaos.Seconds(chaos.Max(recov)), len(recov), unrecoveredSuffix(unrecovered))},
		[2]string{"publish → searchable, median / max (every revision)", fmt.Sprintf("%s / %s", chaos.Seconds(chaos.Median(lat)), chaos.Seconds(chaos.Max(lat)))},
		[2]string{"drain after the faults", fmt.Sprintf("%s%s", chaos.Seconds(drained), map[bool]string{true: "", false: " (did not catch up)"}[caughtUp])},
		[2]string{"API answers (token / no token refused)", api.summary()},
		[2]string{"data directories", fsKind},
		[2]string{"secrets found in logs", fmt.Sprintf("%d%s", len(leaks), listSuffix(leaks, 10))},
	)
	fmt.Println()
	fmt.Print(chaos.Table(rows))
	fmt.Println()
	fmt.Println(inj.detail(seen, published))
	writeDetails(filepath.Join(dir, "result.json"), res, inj.faults, dlqOut)

	code := 0
	if len(res.Lost) > 0 || len(res.Duplicated) > 0 || len(leaks) > 0 {
		code = 1
	}
	fmt.Printf("wwchaos: %s (seed %d, logs in %s)\n", map[int]string{0: "PASS", 1: "FAIL"}[code], c.seed, dir)
	return code, nil
}

func countArticles(vs []chaos.Version) int {
	n := 0
	for _, v := range vs {
		if v.Rev == 1 {
			n++
		}
	}
	return n
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (error: " + err.Error() + ")"
}

func listSuffix(xs []string, n int) string {
	if len(xs) == 0 {
		return ""
	}
	if len(xs) > n {
		return ": " + strings.Join(xs[:n], ", ") + ", …"
	}
	return ": " + strings.Join(xs, ", ")
}

func unrecoveredSuffix(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d never caught up", n)
}

func flatten(xss [][]string) []string {
	var out []string
	for _, xs := range xss {
		out = append(out, strings.Join(xs, " "))
	}
	return out
}

func staleList(ss []chaos.Stale) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s r%d of r%d", s.URL, s.Have, s.Max))
	}
	return out
}

func letterSuffix(ls []chaos.Letter) string {
	var xs []string
	for _, l := range ls {
		xs = append(xs, l.Key+" ("+l.Error+")")
	}
	return listSuffix(xs, 3)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// producePoison creates the run's topics and writes one tagged article
// the index role must dead-letter; it returns the article's id.
func producePoison(ctx context.Context, broker string, topics kafkabus.Topics, partitions int) (string, error) {
	conn := kafkabus.Conn{Brokers: []string{broker}}
	if err := kafkabus.EnsureTopics(ctx, conn, partitions, 1, topics.All()...); err != nil {
		return "", fmt.Errorf("create topics: %w", err)
	}
	bad := article.New("https://chaos.invalid/poison", "", time.Now())
	bad.Title, bad.Body = "Poison", "A body Elasticsearch refuses, for its oversized keyword."
	bad.People = []string{strings.Repeat("x", 40000)}
	doc, err := article.Marshal(bad)
	if err != nil {
		return "", err
	}
	w := &kafka.Writer{Addr: kafka.TCP(broker), Topic: topics.Tagged, RequiredAcks: kafka.RequireAll, Transport: &kafka.Transport{}}
	defer w.Close()
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte(bad.ID), Value: doc}); err != nil {
		return "", fmt.Errorf("produce the poison article: %w", err)
	}
	return bad.ID, nil
}

// esReader reads the run's documents back from Elasticsearch.
type esReader struct {
	url, alias, user, password string
}

func (e *esReader) do(ctx context.Context, method, path string, body []byte) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.SetBasicAuth(e.user, e.password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}

// docs returns every document under the run's alias (none before the
// index role created it).
func (e *esReader) docs(ctx context.Context) ([]chaos.Doc, error) {
	if _, code, err := e.do(ctx, http.MethodPost, "/"+e.alias+"/_refresh", nil); err != nil {
		return nil, err
	} else if code == http.StatusNotFound {
		return nil, nil
	}
	q := []byte(`{"size":10000,"track_total_hits":false,"_source":["url","canonical_url","story_id","body"],"query":{"match_all":{}}}`)
	b, code, err := e.do(ctx, http.MethodPost, "/"+e.alias+"/_search", q)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("search: status %d: %.200s", code, b)
	}
	var res struct {
		Hits struct {
			Hits []struct {
				ID     string `json:"_id"`
				Source struct {
					URL          string `json:"url"`
					CanonicalURL string `json:"canonical_url"`
					StoryID      string `json:"story_id"`
					Body         string `json:"body"`
				} `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]chaos.Doc, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		s := h.Source
		out = append(out, chaos.Doc{ID: h.ID, URL: s.URL, CanonicalURL: s.CanonicalURL, StoryID: s.StoryID, Body: s.Body})
	}
	return out, nil
}

// receiver is the loopback webhook endpoint: it checks each request's
// Standard Webhooks signature and records the alert.
type receiver struct {
	log *slog.Logger

	mu     sync.Mutex
	secret string
	got    []chaos.Delivery
	bad    int
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	r.secret = s
	r.mu.Unlock()
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	sec, _ := strconv.ParseInt(ts, 10, 64)
	want, err := alert.Sign(r.secret, id, time.Unix(sec, 0), body)
	if err != nil || req.Header.Get("webhook-signature") != want {
		r.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var a alert.Alert
	if err := json.Unmarshal(body, &a); err != nil {
		r.bad++
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.got = append(r.got, chaos.Delivery{StoryID: a.StoryID, URL: a.URL, At: time.Now()})
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) deliveries() []chaos.Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chaos.Delivery(nil), r.got...)
}

func (r *receiver) badSignatures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bad
}

// readAlertsFile reads the --alerts-out file; a torn last line (a process
// killed mid-write) is skipped.
func readAlertsFile(path string) []chaos.Delivery {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []chaos.Delivery
	for _, line := range strings.Split(string(b), "\n") {
		var a alert.Alert
		if json.Unmarshal([]byte(line), &a) == nil && a.StoryID != "" {
			out = append(out, chaos.Delivery{StoryID: a.StoryID, URL: a.URL})
		}
	}
	return out
}

// apiChecker asks the API of `serve` for the saved search's query, with
// the token and without it.
type apiChecker struct {
	base, token  string
	ok, refused  int
	failed       []string
	unauthorized int // answers without the token that were not refused
}

func (a *apiChecker) check(ctx context.Context) {
	for _, withToken := range []bool{true, false} {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/v1/search?q="+chaos.Keyword+"&limit=5", nil)
		if withToken {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err != nil {
			a.failed = append(a.failed, err.Error())
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case withToken && resp.StatusCode == http.StatusOK:
			a.ok++
		case withToken:
			a.failed = append(a.failed, resp.Status)
		case resp.StatusCode == http.StatusUnauthorized:
			a.refused++
		default:
			a.unauthorized++
		}
	}
}

func (a *apiChecker) summary() string {
	s := fmt.Sprintf("%d ok / %d refused", a.ok, a.refused)
	if a.unauthorized > 0 {
		s += fmt.Sprintf("; %d answered WITHOUT the token", a.unauthorized)
	}
	if len(a.failed) > 0 {
		s += fmt.Sprintf("; %d failed (%s)", len(a.failed), a.failed[0])
	}
	return s
}

// listLetters runs `wirewatch dlq list` and parses its table.
func listLetters(ctx context.Context, bin string, args, env []string, logPath string) (string, []chaos.Letter, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	os.WriteFile(logPath, append(stdout.Bytes(), stderr.Bytes()...), 0o644)
	if err != nil {
		return stdout.String(), nil, fmt.Errorf("dlq list: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var out []chaos.Letter
	for i, line := range strings.Split(stdout.String(), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 7 {
			continue
		}
		out = append(out, chaos.Letter{Key: f[5], Error: strings.Join(f[6:], " ")})
	}
	return stdout.String(), out, nil
}

// grepSecrets lists "file:line: what" for every secret found in the logs.
func grepSecrets(dir string, needles map[string]string) []string {
	var hits []string
	names := make([]string, 0, len(needles))
	for k := range needles {
		names = append(names, k)
	}
	sort.Strings(names)
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			for _, k := range names {
				if bytes.Contains(line, []byte(needles[k])) {
					hits = append(hits, fmt.Sprintf("%s:%d: %s", filepath.Base(path), i+1, k))
				}
			}
		}
		return nil
	})
	return hits
}

func writeDetails(path string, res chaos.Result, faults []chaos.Fault, dlq string) {
	type fault struct {
		Kind, Target   string
		Start, Cleared time.Time
		Err            string `json:",omitempty"`
	}
	var fs []fault
	for _, f := range faults {
		e := ""
		if f.Err != nil {
			e = f.Err.Error()
		}
		fs = append(fs, fault{f.Kind, f.Target, f.Start, f.Cleared, e})
	}
	b, _ := json.MarshalIndent(map[string]any{"result": res, "faults": fs, "dlq": dlq}, "", "  ")
	os.WriteFile(path, b, 0o644)
}
