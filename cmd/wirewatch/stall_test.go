package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRunReadyzCrawlStalled runs the crawl against pages that never
// answer: with a tiny --stall-after, /readyz must turn 503 naming the
// crawl check.
func TestRunReadyzCrawlStalled(t *testing.T) {
	release := make(chan struct{})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer site.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"run", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--stall-after", "50ms",
			"--workers", "1", "--per-host", "1", "--timeout", "1h", "--ignore-robots", "--progress", "never",
			"--seeds", site.URL + "/a", "--seeds", site.URL + "/b"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	addr := regexp.MustCompile(`listening on http://([0-9.:]+)/`)
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for {
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never reported the stall; last answer %s; stderr:\n%s", last, stderr.String())
		}
		select {
		case code := <-done:
			t.Fatalf("run exited %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		m := addr.FindStringSubmatch(stderr.String())
		if m == nil {
			continue
		}
		res, err := http.Get("http://" + m[1] + "/readyz")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		last = string(b)
		if res.StatusCode == http.StatusServiceUnavailable && strings.Contains(last, "crawl stalled") {
			return
		}
	}
}
