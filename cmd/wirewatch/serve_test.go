package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeRefusesAnOpenAPIOnOtherMachines(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:0"}, "reachable from other machines"},
		{[]string{"--listen", ":0"}, "reachable from other machines"},
		{[]string{"--listen", "127.0.0.1:0", "--api-token-file", filepath.Join(dir, "missing")}, "--api-token-file"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, append([]string{"serve", "--data", dir}, tt.args...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("serve %v: exit %d, %q; want 1 and %q", tt.args, code, stderr, tt.want)
		}
	}
	if code, _, stderr := runCLI(t, "serve", "--data", t.TempDir()); code != 1 || !strings.Contains(stderr, "no store") {
		t.Errorf("serve without a store: exit %d %q", code, stderr)
	}
}

// TestServeAnswersWithToken starts serve on a free loopback port with a
// token file and checks the API, the token and the health endpoints, then
// stops it as Ctrl-C would.
func TestServeAnswersWithToken(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir)
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("t0ken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--listen", "127.0.0.1:0", "--api-token-file", tokenFile}, strings.NewReader(""), io.Discard, &stderr)
	}()
	addr := regexp.MustCompile(`serving http://([0-9.:]+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/api/v1/search?q=kept", "t0ken"); code != 200 || !strings.Contains(body, "Kept article") {
		t.Errorf("search with token: %d %s", code, body)
	}
	if code, _ := get("/api/v1/search?q=kept", ""); code != 401 {
		t.Errorf("search without token: %d, want 401", code)
	}
	if code, body := get("/readyz", ""); code != 200 || !strings.Contains(body, `"store":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
	if code, body := get("/metrics", ""); code != 200 || !strings.Contains(body, `wirewatch_http_request_duration_seconds_count{code="200",route="GET /api/v1/search"} 1`) ||
		!strings.Contains(body, "wirewatch_store_articles 1") || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "process_") {
		t.Errorf("metrics: %d %s", code, body)
	}
	if strings.Contains(stderr.String(), "t0ken") {
		t.Errorf("the token is in the log: %s", stderr.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d after Ctrl-C: %s", code, stderr.String())
	}
}

// TestAlertsAddRefusesInternalWebhooks checks the address policy when a
// webhook is added from the command line, and the secret printed once.
func TestAlertsAddRefusesInternalWebhooks(t *testing.T) {
	dir := t.TempDir()
	for _, hook := range []string{"http://127.0.0.1:9/x", "http://[::1]/x", "http://169.254.169.254/latest", "http://10.0.0.1/x"} {
		code, _, stderr := runCLI(t, "alerts", "add", "--data", dir, "--webhook", hook, "libya")
		if code != 1 || !strings.Contains(stderr, "refused by address policy") {
			t.Errorf("%s: exit %d %q, want a refusal", hook, code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, "alerts", "add", "--data", dir, "--allow-private-webhooks", "--webhook", "http://127.0.0.1:9/x", "libya")
	if code != 0 || !regexp.MustCompile(`webhook signing secret .*: whsec_[A-Za-z0-9+/=]{32}\n`).MatchString(stdout) {
		t.Errorf("allowed: exit %d %q %q", code, stdout, stderr)
	}
	if _, stdout, _ := runCLI(t, "alerts", "list", "--data", dir, "--json"); strings.Contains(stdout, "whsec_") {
		t.Errorf("alerts list shows the secret: %s", stdout)
	}
}
