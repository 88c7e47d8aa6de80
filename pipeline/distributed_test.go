package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

func TestRetrying(t *testing.T) {
	tests := []struct {
		name      string
		failures  int // calls that fail before one succeeds
		retries   int
		wantCalls int
		wantErr   bool
	}{
		{"succeeds at once", 0, 3, 1, false},
		{"succeeds on a retry", 2, 3, 3, false},
		{"fails for good", 10, 2, 3, true},
		{"no retries", 1, 0, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			p := retrying(stage.ProcessorFunc(func(context.Context, *article.Article) error {
				calls++
				if calls <= tt.failures {
					return errors.New("boom")
				}
				return nil
			}), tt.retries)
			err := p.Process(context.Background(), &article.Article{})
			if (err != nil) != tt.wantErr || calls != tt.wantCalls {
				t.Fatalf("err %v after %d calls; want error %v after %d", err, calls, tt.wantErr, tt.wantCalls)
			}
		})
	}
}

func testKafka(t *testing.T, brokers string) Kafka {
	t.Helper()
	return Kafka{Conn: kafkabus.Conn{Brokers: []string{brokers}}, Topics: kafkabus.TopicNames(kafkatest.Prefix(t, brokers)),
		Partitions: 3, Compression: kafka.Zstd, Workers: 4, SessionTimeout: 6 * time.Second, DrainTimeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// produceN writes n articles to the clean topic, retrying through broker
// outages, and returns their ids.
func produceN(t *testing.T, k Kafka, n int, every time.Duration) []string {
	t.Helper()
	return produceFrom(t, k, 0, n, every)
}

// produceFrom is produceN for articles from .. from+n-1.
func produceFrom(t *testing.T, k Kafka, from, n int, every time.Duration) []string {
	t.Helper()
	w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Clean, Logger: k.Logger})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ids []string
	for i := from; i < from+n; i++ {
		a := article.New(fmt.Sprintf("https://news.example/%d", i), "", time.Now())
		a.Title, a.Body = "Title "+strconv.Itoa(i), "Body of article "+strconv.Itoa(i)
		ids = append(ids, a.ID)
		wg.Add(1)
		ack := func(_ context.Context, err error) error {
			if err != nil {
				t.Errorf("produce %d: %v", i, err)
			}
			wg.Done()
			return nil
		}
		if err := w.Write(context.Background(), bus.Message{Article: a, Ack: ack}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(every) // paces the stream: a steady producer, not one burst
	}
	wg.Wait()
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ids
}

func brokerOrSkip(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("WIREWATCH_TEST_KAFKA")
	if addr == "" {
		t.Skip("WIREWATCH_TEST_KAFKA not set (make test starts a broker and sets it)")
	}
	if testing.Short() {
		t.Skip("needs a real broker")
	}
	return addr
}

// TestDrainOnStop stops an extract role mid-stream: what it fetched is
// finished, produced and committed before it returns, so a second run
// processes exactly the rest.
func TestDrainOnStop(t *testing.T) {
	k := testKafka(t, brokerOrSkip(t))
	ctx := context.Background()
	if err := k.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	ids := produceN(t, k, 60, 0)
	var mu sync.Mutex
	seen := map[string]int{}
	var done atomic.Int64
	proc := stage.ProcessorFunc(func(ctx context.Context, a *article.Article) error {
		time.Sleep(20 * time.Millisecond) // work that takes a while, so that the stop comes mid-stream
		mu.Lock()
		seen[a.ID]++
		mu.Unlock()
		done.Add(1)
		return nil
	})
	runCtx, stop := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- ExtractWith(runCtx, k, proc, nil) }()
	waitFor(t, time.Minute, func() bool { return done.Load() >= 10 }, "10 articles are processed")
	stop()
	if err := <-errc; err != nil {
		t.Fatalf("first run: %v", err)
	}
	first := int(done.Load())
	if first >= len(ids) {
		t.Fatalf("first run processed everything (%d); the test proves nothing", first)
	}
	runCtx, stop = context.WithCancel(ctx)
	go func() { errc <- ExtractWith(runCtx, k, proc, nil) }()
	waitFor(t, 2*time.Minute, func() bool { return done.Load() >= int64(len(ids)) }, "every article is processed")
	time.Sleep(500 * time.Millisecond) // a duplicate would show up now
	stop()
	if err := <-errc; err != nil {
		t.Fatalf("second run: %v", err)
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("article %s processed %d times, want 1 (first run drained %d)", id, seen[id], first)
		}
	}
}

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// privateBroker runs a broker of the test's own with deployments/local/kafka.sh
// on free ports, so that restarting it disturbs no other test.
type privateBroker struct {
	t   *testing.T
	env []string
}

func (b *privateBroker) run(cmd string) {
	b.t.Helper()
	c := exec.Command("../deployments/local/kafka.sh", cmd)
	c.Env = append(os.Environ(), b.env...)
	if out, err := c.CombinedOutput(); err != nil {
		b.t.Fatalf("kafka.sh %s: %v\n%s", cmd, err, out)
	}
}

// countingStore records the Puts an index role makes, so a test sees when
// the pipeline moves and how many redeliveries reached the store.
type countingStore struct {
	st   *sqlite.Store
	mu   sync.Mutex
	puts map[string]int
	last time.Time
}

func (c *countingStore) Put(ctx context.Context, a *article.Article) error {
	if err := c.st.Put(ctx, a); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts[a.ID]++
	c.last = time.Now()
	return nil
}

// progress reports the distinct articles put so far and when the last put was.
func (c *countingStore) progress() (int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.puts), c.last
}

// TestBrokerRestart stops and restarts the broker while articles flow
// from a producer through extract to index: the consuming roles ride
// through the outage (kafka-go reports it through FetchMessage while it
// reconnects; kafkabus.Reader retries), resume soon after the broker is
// back, and every article is stored exactly once. The broker is a private
// one on free ports, so the shared broker of the other tests is untouched.
func TestBrokerRestart(t *testing.T) {
	brokerOrSkip(t)
	t0 := time.Now()
	port, controller := freePort(t), freePort(t)
	for controller == port {
		controller = freePort(t)
	}
	b := &privateBroker{t: t, env: []string{"WIREWATCH_RUN=" + t.TempDir(), "KAFKA_SASL=0",
		"KAFKA_PORT=" + strconv.Itoa(port), "KAFKA_CONTROLLER_PORT=" + strconv.Itoa(controller),
		"KAFKA_HEAP_OPTS=-Xms128m -Xmx384m", "KAFKA_STOP_TIMEOUT=20"}}
	b.run("start")
	t.Cleanup(func() { b.run("reset") })
	t.Logf("private broker on port %d up after %s", port, time.Since(t0).Round(time.Millisecond))
	k := testKafka(t, "127.0.0.1:"+strconv.Itoa(port))
	ctx := context.Background()
	if err := k.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{st: st, puts: map[string]int{}}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errs := make(chan error, 2)
	var ex, ix RoleStats
	go func() {
		errs <- ExtractWith(runCtx, k, stage.ProcessorFunc(func(context.Context, *article.Article) error { return nil }), &ex)
	}()
	go func() { errs <- Index(runCtx, k, cs, story.NewSQLiteIndex(st), &ix) }()
	// waitFor polls cond until it holds; a role that returns early fails
	// the test at once instead of at the deadline.
	waitFor := func(what string, limit time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !cond() {
			select {
			case err := <-errs:
				t.Fatalf("a role returned while waiting for %s: %v", what, err)
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				got, _ := cs.progress()
				t.Fatalf("%s: not after %s (%d articles stored)", what, limit, got)
			}
		}
	}

	const n = 150
	produced := make(chan []string, 1)
	go func() { produced <- produceN(t, k, n, 20*time.Millisecond) }()
	waitFor("20 articles indexed", time.Minute, func() bool { got, _ := cs.progress(); return got >= 20 })
	b.run("stop")
	before, _ := cs.progress()
	t.Logf("broker stopped with %d of %d stored", before, n)
	time.Sleep(2 * time.Second) // the outage: the broker stays down a while
	b.run("start")
	back := time.Now()
	stored, _ := cs.progress()
	t.Logf("broker back after an outage with %d of %d stored", stored, n)
	// On a loaded machine the broker can take longer to stop than the
	// producer takes to finish: articles produced after the restart make
	// sure there is always something left to resume.
	const after = 10
	producedAfter := make(chan []string, 1)
	go func() { producedAfter <- produceFrom(t, k, n, after, 0) }()

	// Resuming takes a group rejoin (JoinGroupBackoff, and the coordinator
	// waits up to the rebalance timeout for the members it loaded from
	// before the restart); typically ~6s here, a minute allows for a loaded machine.
	const resumeLimit = time.Minute
	waitFor("the pipeline to resume", resumeLimit, func() bool {
		got, _ := cs.progress()
		return got > stored
	})
	t.Logf("resumed %s after the broker was back", time.Since(back).Round(time.Millisecond))
	waitFor("all articles stored", time.Minute, func() bool { got, _ := cs.progress(); return got >= n+after })
	t.Logf("all %d stored %s after the broker was back", n+after, time.Since(back).Round(time.Millisecond))
	ids := append(<-produced, <-producedAfter...)

	stop()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("role: %v", err)
		}
	}
	for _, id := range ids {
		if _, err := st.Get(ctx, id); err != nil {
			t.Errorf("article %s: %v", id, err)
		}
	}
	if c, err := st.Count(ctx); err != nil || c != n+after {
		t.Errorf("%d articles stored (%v), want %d", c, err, n+after)
	}
	cs.mu.Lock()
	redelivered := 0
	for _, p := range cs.puts {
		redelivered += p - 1
	}
	distinct := len(cs.puts)
	cs.mu.Unlock()
	if distinct != n+after {
		t.Errorf("%d distinct articles put, want %d", distinct, n+after)
	}
	t.Logf("index put %d articles %d times (%d redeliveries, idempotent); total %s",
		n+after, n+after+redelivered, redelivered, time.Since(t0).Round(time.Millisecond))
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
