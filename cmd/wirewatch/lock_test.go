package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/wirewatch/wirewatch/internal/datalock"
)

// TestLockHelperProcess is not a test: TestDataLockAcrossProcesses runs
// the test binary with it to hold a data directory's lock in another
// process until that process is killed.
func TestLockHelperProcess(t *testing.T) {
	dir := os.Getenv("WIREWATCH_LOCK_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	if _, err := datalock.Lock(dir, "run", datalock.Exclusive); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {} // until killed
}

// TestDataLockAcrossProcesses: a second writer on one --data refuses,
// naming the first; readers still work; kill -9 of the first frees it.
func TestDataLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	want := seedStore(t, dir)
	helper := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	helper.Env = append(os.Environ(), "WIREWATCH_LOCK_HELPER_DIR="+dir)
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = helper.Process.Kill(); _ = helper.Wait() })
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper: %q", line)
	}

	for _, args := range [][]string{
		{"run", "--data", dir, "--once", "--seeds", "http://127.0.0.1:1/"},
		{"demo", "--data", dir},
	} {
		code, _, stderr := runCLI(t, args...)
		wantMsg := fmt.Sprintf("is in use by wirewatch run (pid %d, started ", helper.Process.Pid)
		if code != 1 || !strings.Contains(stderr, wantMsg) {
			t.Errorf("%s while locked: exit %d, stderr %q; want 1 and %q", args[0], code, stderr, wantMsg)
		}
	}
	// Readers do not lock.
	if code, out, stderr := runCLI(t, "search", "--data", dir, "survive"); code != 0 || !strings.Contains(out, "Kept article") {
		t.Errorf("search while locked: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "jsonl", "--out", "-"); code != 0 {
		t.Errorf("export while locked: exit %d, stderr %q", code, stderr)
	}

	if err := helper.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = helper.Wait()
	release, err := datalock.Lock(dir, "run", datalock.Exclusive)
	if err != nil {
		t.Fatalf("lock after kill -9 of its holder: %v", err)
	}
	release()
	assertIntact(t, dir, want)
}

func TestUnknownCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serch", "foo"}, `unknown command "serch"; did you mean "search"?`},
		{[]string{"exprot"}, `unknown command "exprot"; did you mean "export"?`},
		{[]string{"alert", "list"}, `unknown command "alert"; did you mean "alerts"?`},
		{[]string{"xyzzy"}, `unknown command "xyzzy" (wirewatch --help`},
	}
	for _, tt := range tests {
		code, out, stderr := runCLI(t, tt.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q on stderr", tt.args, code, out, stderr, tt.want)
		}
	}
	// Help is still help.
	if code, _, _ := runCLI(t, "--help"); code != 0 {
		t.Errorf("--help: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
}
