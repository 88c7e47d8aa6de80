package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// buildBinary builds wirewatch for tests that need a real process to kill.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wirewatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func storedCount(t *testing.T, dir string) int {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		return 0
	}
	defer st.Close()
	n, _ := st.Count(context.Background())
	return n
}

// TestKillNineThenResume kills `run` with SIGKILL in the middle of a crawl
// and starts it again: the crawl completes with every article stored once.
func TestKillNineThenResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tr := range truth[:60] {
		ids = append(ids, tr.ID)
	}
	site, err := demosite.Start(ids...)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	bin := buildBinary(t)
	dir := t.TempDir()
	args := []string{"run", "--data", dir, "--once", "--max-depth", "1", "--progress", "never", "--seeds", site.URL + "/sitemap.xml"}

	first := exec.Command(bin, append(args, "--delay", "100ms")...)
	first.Stderr = os.Stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill() // if the wait fails; killed below otherwise
	waitFor(t, 3*time.Minute, func() bool { return storedCount(t, dir) >= 10 }, "the first run stores 10 articles")
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	killedAt := storedCount(t, dir)
	if killedAt >= len(ids) {
		t.Fatalf("the first run finished (%d articles) before it was killed; the test proves nothing", killedAt)
	}
	t.Logf("killed with %d of %d articles stored", killedAt, len(ids))

	second := exec.Command(bin, append(args, "--delay", "0")...)
	second.Stderr = os.Stderr
	if err := second.Run(); err != nil {
		t.Fatalf("second run: %v", err)
	}
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
	for _, id := range ids {
		if n := seen[site.URL+demosite.ArticlePath(id)]; n != 1 {
			t.Errorf("article %s stored %d times after resume, want 1", id, n)
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("%d articles stored, want %d", len(seen), len(ids))
	}
	// Nothing fetched in the first run is fetched again unless it was in flight.
	counts := map[string]int{}
	for _, r := range site.Requests() {
		counts[r]++
	}
	refetched := 0
	for _, id := range ids {
		if counts[demosite.ArticlePath(id)] > 1 {
			refetched++
		}
	}
	if refetched > 16 {
		t.Errorf("%d articles fetched twice; only the few in flight at the kill should be", refetched)
	}
}

// waitFor polls cond every 100ms until it holds, and fails the test with
// what if it does not hold within timeout. The conditions here open a
// store or refresh an index, so they are not asked every few milliseconds.
func waitFor(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", timeout, what)
		}
	}
}
