package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func testBroker(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("WIREWATCH_TEST_KAFKA")
	if addr == "" {
		t.Skip("WIREWATCH_TEST_KAFKA not set (make test starts a broker and sets it)")
	}
	if testing.Short() {
		t.Skip("runs real processes against a real broker")
	}
	return addr
}

// testPrefix returns a topic and group prefix of the test's own on
// brokers; what the roles create under it is deleted when the test ends.
func testPrefix(t testing.TB, brokers string) string { return kafkatest.Prefix(t, brokers) }

// demoSubset serves n corpus pages.
func demoSubset(t *testing.T, n int) (*demosite.Site, []string) {
	t.Helper()
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tr := range truth[:n] {
		ids = append(ids, tr.ID)
	}
	site, err := demosite.Start(ids...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	return site, ids
}

// role starts one wirewatch process; its output goes to the test log.
type role struct {
	name string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
}

func startRole(t testing.TB, bin, name string, args ...string) *role {
	t.Helper()
	r := &role{name: name, cmd: exec.Command(bin, args...), out: &bytes.Buffer{}, done: make(chan error, 1)}
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("--- %s output:\n%s", r.name, tail(r.out.String(), 4000))
		}
	})
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// stop sends SIGTERM and expects a clean, drained exit.
func (r *role) stop(t testing.TB) {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM", r.name, err)
		}
	case <-time.After(60 * time.Second):
		t.Errorf("%s did not exit within 60s of SIGTERM", r.name)
	}
}

// storedURLs counts stored articles by URL.
func storedURLs(t *testing.T, dir string) map[string]int {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seen := map[string]int{}
	err = st.Scan(context.Background(), query.Query{}, "", func(a *article.Article) error {
		seen[a.URL]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func waitStored(t *testing.T, dir string, n int, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool { return storedCount(t, dir) >= n }, fmt.Sprintf("%d articles are stored", n))
}

// TestDistributedRoles runs crawl, two extractors in one group and an
// indexer as separate processes over the real broker. One extractor is
// killed with SIGKILL mid-stream and a poison message is injected. Every
// article must arrive in the store exactly once, and the poison must sit
// in the dead-letter topic.
func TestDistributedRoles(t *testing.T) {
	brokers := testBroker(t)
	site, ids := demoSubset(t, 20)
	bin := buildBinary(t)
	prefix := testPrefix(t, brokers)
	indexDir, crawlDir := t.TempDir(), t.TempDir()
	kafkaArgs := []string{"--kafka-brokers", brokers, "--topic-prefix", prefix, "--topic-partitions", "4", "--log-format", "text"}
	consumer := append([]string{"--session-timeout", "6s", "--workers", "2", "--drain-timeout", "40s"}, kafkaArgs...)

	ext1 := startRole(t, bin, "extract-1", append([]string{"extract", "--group", prefix + "extract"}, consumer...)...)
	ext2 := startRole(t, bin, "extract-2", append([]string{"extract", "--group", prefix + "extract"}, consumer...)...)
	idx := startRole(t, bin, "index", append([]string{"index", "--group", prefix + "index", "--data", indexDir}, consumer...)...)

	// A poison message ahead of the articles; the topics may not exist yet.
	conn := kafkabus.Conn{Brokers: []string{brokers}}
	topics := kafkabus.TopicNames(prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, conn, 4, 1, topics.All()...); err != nil {
		t.Fatal(err)
	}
	// A transport of its own: the shared default one caches topic metadata
	// from earlier tests and would not know these topics yet.
	kw := &kafka.Writer{Addr: kafka.TCP(brokers), Topic: topics.Clean, RequiredAcks: kafka.RequireAll, Transport: &kafka.Transport{}}
	if err := kw.WriteMessages(ctx, kafka.Message{Key: []byte("poison-1"), Value: []byte(`{"schema_version": 1, "id": `)}); err != nil {
		t.Fatal(err)
	}
	kw.Close()

	// A delay between pages keeps articles coming while an extractor dies.
	crawl := startRole(t, bin, "crawl", append([]string{"crawl", "--group", prefix + "crawl", "--data", crawlDir, "--once", "--delay", "400ms",
		"--max-depth", "1", "--progress", "never", "--seeds", site.URL + "/sitemap.xml"}, kafkaArgs...)...)

	// Kill one extractor while articles are still on their way.
	waitStored(t, indexDir, 3, 3*time.Minute)
	ext1.cmd.Process.Signal(syscall.SIGKILL)
	<-ext1.done
	killedAt := storedCount(t, indexDir)
	t.Logf("extract-1 killed with %d of %d articles stored", killedAt, len(ids))
	if killedAt >= len(ids) {
		t.Fatalf("every article was stored before the kill; the test proves nothing")
	}
	select {
	case err := <-crawl.done:
		if err != nil {
			t.Fatalf("crawl: %v", err)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("crawl --once did not finish in 3 minutes")
	}

	waitStored(t, indexDir, len(ids), 3*time.Minute)
	ext2.stop(t)
	idx.stop(t)

	seen := storedURLs(t, indexDir)
	for _, id := range ids {
		if n := seen[site.URL+demosite.ArticlePath(id)]; n != 1 {
			t.Errorf("article %s stored %d times, want 1", id, n)
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("%d distinct articles stored, want %d", len(seen), len(ids))
	}
	if n := storedCount(t, indexDir); n != len(ids) {
		t.Errorf("store counts %d articles, want %d", n, len(ids))
	}

	var list bytes.Buffer
	if code := run(ctx, append([]string{"dlq", "list"}, kafkaArgs...), nil, &list, os.Stderr); code != 0 {
		t.Fatalf("dlq list exited %d", code)
	}
	if !strings.Contains(list.String(), "poison-1") || !strings.Contains(list.String(), topics.Clean) {
		t.Errorf("dlq list does not show the poison message:\n%s", list.String())
	}
	if !strings.Contains(list.String(), "1 dead letters") {
		t.Errorf("dlq list: want exactly the poison message:\n%s", list.String())
	}
}

// TestRoleFlagsErrors checks the errors a misconfigured role reports
// before it touches the network.
func TestRoleFlagsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"extract"}, "no brokers"},
		{[]string{"index", "--kafka-brokers", "127.0.0.1:1", "--es-url", "http://127.0.0.1:1"}, "elasticsearch: cluster health"},
		{[]string{"crawl", "--kafka-brokers", "127.0.0.1:1"}, "no seeds"},
		{[]string{"crawl", "--kafka-brokers", "127.0.0.1:1", "--seeds", "http://a.test/", "--partition-by", "ip"}, "--partition-by must be host or domain"},
		{[]string{"crawl", "--kafka-brokers", "127.0.0.1:1", "--seeds", "http://a.test/", "--group", ""}, "--group must not be empty"},
		{[]string{"crawl", "--kafka-brokers", "127.0.0.1:1", "--seeds", "http://a.test/", "--session-timeout", "0s"}, "--session-timeout must be positive"},
		{[]string{"index", "--kafka-brokers", "127.0.0.1:1", "--story-window", "-1h"}, "--story-window"},
		{[]string{"extract", "--kafka-brokers", "127.0.0.1:1", "--kafka-compression", "brotli"}, "--kafka-compression"},
		{[]string{"extract", "--kafka-brokers", "127.0.0.1:1", "--kafka-sasl-mechanism", "GSSAPI"}, "SASL mechanism"},
		{[]string{"dlq", "list"}, "no brokers"},
		{[]string{"story"}, "no brokers"},
		{[]string{"index", "--kafka-brokers", "127.0.0.1:1", "--story-role", "--alerts-out", "a.jsonl"}, "the story role alerts"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), tt.args, nil, &bytes.Buffer{}, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want failure mentioning %q", code, stderr.String(), tt.want)
			}
		})
	}
}
