package indexer_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// ackLog counts acknowledgements per article id.
type ackLog struct {
	mu   sync.Mutex
	errs map[string][]error
	n    atomic.Int64
}

func (l *ackLog) msg(a *article.Article) bus.Message {
	return bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
		l.mu.Lock()
		if l.errs == nil {
			l.errs = map[string][]error{}
		}
		l.errs[a.ID] = append(l.errs[a.ID], err)
		l.mu.Unlock()
		l.n.Add(1)
		return nil
	}}
}

// freePorts returns two loopback ports nobody listens on right now. Both
// are held open until both are chosen, so the two differ.
func freePorts(t *testing.T) (http, transport int) {
	t.Helper()
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1]
}

// privateNode is an Elasticsearch node of the test's own, run by
// deployments/local/elasticsearch.sh on free ports under its own run root:
// packages run in parallel under go test ./..., and stopping the shared node
// on 9200 would fail the other packages' tests that use it meanwhile.
type privateNode struct {
	t   *testing.T
	env []string
	url string
}

// startPrivateNode starts a node and stops and wipes it when the test ends.
func startPrivateNode(t *testing.T) *privateNode {
	t.Helper()
	// As root the script runs the node as an unprivileged user, which must
	// be able to reach the run root; t.TempDir makes 0700 directories.
	run, err := os.MkdirTemp("", "wirewatch-es-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	if err := os.Chmod(run, 0o755); err != nil {
		t.Fatal(err)
	}
	httpPort, transportPort := freePorts(t)
	n := &privateNode{t: t, url: fmt.Sprintf("http://127.0.0.1:%d", httpPort), env: []string{
		"WIREWATCH_RUN=" + run,
		"ES_PORT=" + strconv.Itoa(httpPort),
		"ES_TRANSPORT_PORT=" + strconv.Itoa(transportPort),
	}}
	t.Cleanup(func() {
		if err := n.script("reset"); err != nil {
			t.Error(err)
		}
	})
	n.run("start")
	return n
}

func (n *privateNode) script(cmd string) error {
	start := time.Now()
	c := exec.Command("../deployments/local/elasticsearch.sh", cmd)
	c.Env = append(os.Environ(), n.env...)
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("elasticsearch.sh %s (%s): %v\n%s", cmd, n.url, err, out)
	}
	n.t.Logf("elasticsearch.sh %s (%s) took %v", cmd, n.url, time.Since(start).Round(time.Second))
	return nil
}

func (n *privateNode) run(cmd string) {
	n.t.Helper()
	if err := n.script(cmd); err != nil {
		n.t.Fatal(err)
	}
}

// TestBulkFaults runs against real nodes under its own index prefix. A
// document the mapping rejects is acknowledged with Elasticsearch's reason
// (on the shared node). Then a private node is stopped mid-stream: the sink
// stops acknowledging, backs off, resumes after the restart, and the index
// ends with every article exactly once.
func TestBulkFaults(t *testing.T) {
	cfg := elastictest.Config(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	t.Run("MappingRejection", func(t *testing.T) {
		st := elastictest.Open(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		bad := storetest.Mk("/immense", "example.com", "Immense", "A name too long to index.", storetest.T0)
		bad.People = []string{strings.Repeat("x", 40000)} // beyond Lucene's 32766-byte term limit
		good := storetest.Mk("/fine", "example.com", "Fine", "Fine text.", storetest.T0)
		in := bus.NewMemory(4)
		var acks ackLog
		in.Write(ctx, acks.msg(bad))
		in.Write(ctx, acks.msg(good))
		in.Close()
		sink := indexer.NewBulk(st, indexer.BulkConfig{FlushInterval: 50 * time.Millisecond, Logger: log})
		if err := sink.Run(ctx, in); err != nil {
			t.Fatal(err)
		}
		if errs := acks.errs[good.ID]; len(errs) != 1 || errs[0] != nil {
			t.Errorf("good article acknowledged with %v", errs)
		}
		errs := acks.errs[bad.ID]
		if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), "status 400") || !strings.Contains(errs[0].Error(), "immense term") {
			t.Fatalf("rejected article acknowledged with %v, want one error with the reason", errs)
		}
		t.Logf("dead-letter reason: %.300s", errs[0])
	})

	t.Run("NodeRestart", func(t *testing.T) {
		node := startPrivateNode(t)
		// No openES: the node and its indices go with the node's reset.
		st, err := elastic.Open(context.Background(), elastic.Config{URLs: []string{node.url}, IndexPrefix: cfg.IndexPrefix}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		const n = 3000
		docs := make([]*article.Article, n)
		for i := range docs {
			docs[i] = storetest.Mk(fmt.Sprintf("/restart/%d", i), "example.com", "Restart", fmt.Sprintf("Article %d survives a restart.", i), storetest.T0)
		}
		in := bus.NewMemory(64)
		var acks ackLog
		sink := indexer.NewBulk(st, indexer.BulkConfig{FlushInterval: 50 * time.Millisecond, MaxInFlight: 256,
			MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second, Logger: log})
		done := make(chan error, 1)
		go func() { done <- sink.Run(ctx, in) }()
		go func() {
			defer in.Close()
			for _, a := range docs {
				if in.Write(ctx, acks.msg(a)) != nil {
					return
				}
				time.Sleep(2 * time.Millisecond) // a steady stream, not one burst
			}
		}()
		waitFor(t, time.Minute, func() bool { return acks.n.Load() >= n/5 }, "a fifth of the messages are acknowledged")
		node.run("stop")
		time.Sleep(500 * time.Millisecond) // answers already on the wire
		stalled := acks.n.Load()
		// Nothing to wait for: an acknowledgement while the node is down
		// would show up now.
		time.Sleep(3 * time.Second)
		if now := acks.n.Load(); now != stalled {
			t.Errorf("acknowledged %d messages while Elasticsearch was down", now-stalled)
		}
		if stalled >= n {
			t.Fatalf("all %d messages acknowledged before the node stopped; the test proves nothing", n)
		}
		node.run("start")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, a := range docs {
			if errs := acks.errs[a.ID]; len(errs) != 1 || errs[0] != nil {
				t.Fatalf("article %s acknowledged %v, want exactly once with nil", a.ID, errs)
			}
		}
		if err := st.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		if err := st.Scan(ctx, parse(t, "site:example.com restart"), "", func(a *article.Article) error { seen[a.ID]++; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Errorf("index holds %d restart articles, want %d", len(seen), n)
		}
		s := sink.Stats()
		t.Logf("acknowledged %d before the outage; stats %+v", stalled, s)
		if s.Retries == 0 {
			t.Error("no retries recorded across the outage")
		}
	})
}

// waitFor polls cond every 10ms until it holds, and fails the test with
// what if it does not hold within timeout.
func waitFor(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", timeout, what)
		}
	}
}
