package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
)

func testES(t *testing.T) string {
	t.Helper()
	u := os.Getenv("WIREWATCH_TEST_ES")
	if u == "" {
		t.Skip("WIREWATCH_TEST_ES not set (make test starts Elasticsearch and sets it)")
	}
	return u
}

// TestDistributedIntoElasticsearch runs crawl, extract and index --es-url
// as separate processes over the real broker into the real Elasticsearch
// node. The indexer is killed with SIGKILL mid-stream and started again,
// and a tagged article the mapping rejects is injected: every article ends
// up in the index exactly once, and the rejected one in the dead-letter
// topic with Elasticsearch's reason.
func TestDistributedIntoElasticsearch(t *testing.T) {
	brokers, esURL := testBroker(t), testES(t)
	site, ids := demoSubset(t, 16)
	bin := buildBinary(t)
	prefix := testPrefix(t, brokers)
	esPrefix := strings.TrimSuffix(prefix, ".")
	kafkaArgs := []string{"--kafka-brokers", brokers, "--topic-prefix", prefix, "--topic-partitions", "3", "--log-format", "text"}
	consumer := append([]string{"--session-timeout", "6s", "--drain-timeout", "40s"}, kafkaArgs...)
	// Both index processes share one --data, as on one host: it holds the
	// story fingerprints and the saved searches.
	indexData := t.TempDir()
	alertsFile := filepath.Join(t.TempDir(), "alerts.jsonl")
	indexArgs := append([]string{"index", "--group", prefix + "index", "--data", indexData, "--alerts-out", alertsFile,
		"--es-url", esURL, "--es-index-prefix", esPrefix}, consumer...)
	// A saved search every article matches: each story must alert once,
	// whatever the kill and the redelivery it causes.
	if code, _, stderr := runCLI(t, "alerts", "add", "--data", indexData, "--name", "everything", "the"); code != 0 {
		t.Fatalf("alerts add: exit %d: %s", code, stderr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := elastic.Open(ctx, elastic.Config{URLs: []string{esURL}, IndexPrefix: esPrefix}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elastictest.Drop(t, st) })
	count := func() int {
		if err := st.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := st.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitCount := func(n int, within time.Duration) {
		t.Helper()
		waitFor(t, within, func() bool { return count() >= n }, fmt.Sprintf("%d articles are indexed", n))
	}

	// A tagged article Elasticsearch refuses: one keyword over its 32 KB limit.
	topics := kafkabus.TopicNames(prefix)
	if err := kafkabus.EnsureTopics(ctx, kafkabus.Conn{Brokers: []string{brokers}}, 3, 1, topics.All()...); err != nil {
		t.Fatal(err)
	}
	bad := article.New("https://example.org/rejected", "", time.Now())
	bad.Title, bad.Body = "Rejected", "A body."
	bad.People = []string{strings.Repeat("x", 40000)}
	doc, err := article.Marshal(bad)
	if err != nil {
		t.Fatal(err)
	}
	kw := &kafka.Writer{Addr: kafka.TCP(brokers), Topic: topics.Tagged, RequiredAcks: kafka.RequireAll, Transport: &kafka.Transport{}}
	if err := kw.WriteMessages(ctx, kafka.Message{Key: []byte(bad.ID), Value: doc}); err != nil {
		t.Fatal(err)
	}
	kw.Close()

	ext := startRole(t, bin, "extract", append([]string{"extract", "--group", prefix + "extract"}, consumer...)...)
	idx := startRole(t, bin, "index-1", indexArgs...)
	crawl := startRole(t, bin, "crawl", append([]string{"crawl", "--group", prefix + "crawl", "--data", t.TempDir(), "--once", "--delay", "300ms",
		"--max-depth", "1", "--progress", "never", "--seeds", site.URL + "/sitemap.xml"}, kafkaArgs...)...)

	waitCount(3, 3*time.Minute)
	idx.cmd.Process.Signal(syscall.SIGKILL)
	<-idx.done
	killedAt := count()
	if killedAt >= len(ids) {
		t.Fatalf("every article was indexed before the kill; the test proves nothing")
	}
	t.Logf("index killed with %d of %d articles indexed", killedAt, len(ids))
	idx2 := startRole(t, bin, "index-2", indexArgs...)
	select {
	case err := <-crawl.done:
		if err != nil {
			t.Fatalf("crawl: %v", err)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("crawl --once did not finish in 3 minutes")
	}
	waitCount(len(ids), 3*time.Minute)
	ext.stop(t)
	idx2.stop(t)

	seen := map[string]int{}
	theWord := regexp.MustCompile(`(?i)\bthe\b`)
	matching := 0 // English articles: those the saved search matches
	err = st.Scan(ctx, query.Query{}, "", func(a *article.Article) error {
		seen[a.URL]++
		if theWord.MatchString(a.Title + " " + a.Body) {
			matching++
		}
		if a.StoryID == "" {
			t.Errorf("%s indexed without a story_id", a.URL)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if n := seen[site.URL+demosite.ArticlePath(id)]; n != 1 {
			t.Errorf("article %s indexed %d times, want 1", id, n)
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("%d articles in the index, want %d", len(seen), len(ids))
	}

	code, out, stderr := runCLI(t, "alerts", "log", "--data", indexData, "--json", "--limit", "1000")
	if code != 0 {
		t.Fatalf("alerts log: exit %d: %s", code, stderr)
	}
	fired := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var al struct {
			StoryID string `json:"story_id"`
		}
		if err := json.Unmarshal([]byte(line), &al); err != nil {
			t.Fatalf("alerts log line %q: %v", line, err)
		}
		fired[al.StoryID]++
	}
	if matching == 0 || len(fired) != matching {
		t.Errorf("alerts fired for %d stories, want the %d that match", len(fired), matching)
	}
	for s, n := range fired {
		if n != 1 {
			t.Errorf("story %s alerted %d times, want once", s, n)
		}
	}
	if b, err := os.ReadFile(alertsFile); err != nil || strings.Count(string(b), "\n") > len(ids) {
		t.Errorf("--alerts-out holds %d lines (%v), want at most one per story (%d)", strings.Count(string(b), "\n"), err, len(ids))
	}

	var list bytes.Buffer
	if code := run(ctx, append([]string{"dlq", "list"}, kafkaArgs...), nil, &list, os.Stderr); code != 0 {
		t.Fatalf("dlq list exited %d", code)
	}
	if !strings.Contains(list.String(), bad.ID) || !strings.Contains(list.String(), "rejected it with status 400") {
		t.Errorf("dlq list does not show the rejected article with the reason:\n%s", list.String())
	}
}
