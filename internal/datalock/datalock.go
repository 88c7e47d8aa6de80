// Package datalock keeps two wirewatch processes that write from using
// one data directory at once: a lock file under the directory, held with
// flock(2), that names its holder.
package datalock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// FileName is the lock file under the data directory; it holds who owns
// the directory, for the error a second process prints.
const FileName = "wirewatch.lock"

// Mode says how a command shares the data directory.
type Mode int

const (
	// Exclusive: the command owns the directory (run, demo, crawl, story).
	Exclusive Mode = iota
	// Shared: processes of the same kind may share it, as index processes
	// on one host do, but none of an exclusive command.
	Shared
)

// lockOwner is what the lock file records about the process holding it.
type lockOwner struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

// Lock takes the lock of the data directory dir for command, creating
// dir if needed, and keeps it until release is called or the process ends,
// however it ends: the lock is an flock(2) on the open lock file, which
// the kernel drops with the process, so a kill -9 leaves no stale lock.
// Read-only commands (search, export, alerts list) take no lock; SQLite's
// WAL lets them read while the owner writes. If another process holds the
// lock, the error names it: pid, command and start time.
func Lock(dir, command string, mode Mode) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	how := unix.LOCK_EX
	if mode == Shared {
		how = unix.LOCK_SH
	}
	for {
		err = unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by %s; stop it first, or give this command another --data",
				dir, describeOwner(f))
		}
		return nil, fmt.Errorf("lock data directory %s: %w", dir, err)
	}
	owner, _ := json.Marshal(lockOwner{PID: os.Getpid(), Command: command, Started: time.Now().UTC().Truncate(time.Second)})
	// Under a shared lock the last process to start is named; any of them
	// answers for the directory. A failed write costs only that name.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(owner, '\n'), 0)
	}
	return func() {
		// Unlocking before closing; the file stays, so the next process
		// locks the same inode rather than racing to create a new one.
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		_ = f.Close()
	}, nil
}

// describeOwner reads who holds the lock from the lock file f.
func describeOwner(f *os.File) string {
	b, err := os.ReadFile(f.Name())
	var o lockOwner
	if err != nil || json.Unmarshal([]byte(strings.TrimSpace(string(b))), &o) != nil || o.PID == 0 {
		return "another wirewatch process (it has not recorded its pid yet)"
	}
	return fmt.Sprintf("wirewatch %s (pid %d, started %s)", o.Command, o.PID, o.Started.Format(time.RFC3339))
}
