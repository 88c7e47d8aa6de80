package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one wirewatch role run as its own process, restarted when it
// exits without being told to, as a process supervisor would.
type proc struct {
	name    string
	bin     string
	args    []string
	env     []string
	logPath string
	log     *slog.Logger

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	expected bool // the next exit was caused by the run (kill, stop)
	stopping bool // do not restart any more
	starts   int
	exits    []string // exits the run did not cause, with their status
}

// start runs the process, its output appended to its log file.
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.startLocked()
}

func (p *proc) startLocked() error {
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	fmt.Fprintf(f, "=== wwchaos: start %d of %s at %s\n", p.starts+1, p.name, time.Now().UTC().Format(time.RFC3339Nano))
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.starts++
	p.cmd, p.done, p.expected = cmd, make(chan struct{}), false
	go p.wait(cmd, p.done, f)
	return nil
}

func (p *proc) wait(cmd *exec.Cmd, done chan struct{}, f io.Closer) {
	err := cmd.Wait()
	f.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	close(done)
	if p.expected || p.stopping {
		return
	}
	why := lastError(p.logPath)
	p.exits = append(p.exits, why)
	p.log.Warn("role exited on its own; restarting it", "role", p.name, "err", err, "why", why)
	go func() {
		time.Sleep(2 * time.Second) // as a supervisor's restart delay
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stopping || p.done != done {
			return
		}
		if err := p.startLocked(); err != nil {
			p.log.Error("restart failed", "role", p.name, "err", err)
		}
	}()
}

// lastError returns the last line the process wrote that starts with
// "wirewatch:" (how the binary reports the error it exits with), or
// "no error written".
func lastError(logPath string) string {
	f, err := os.Open(logPath)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > 8192 {
		f.Seek(st.Size()-8192, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	why := "no error written"
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "wirewatch: ") {
			why = strings.TrimPrefix(line, "wirewatch: ")
		}
	}
	return why
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.expected = true
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// signal sends sig to the running process.
func (p *proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Signal(sig)
}

// stop sends SIGTERM and waits up to grace before SIGKILL; it is not
// restarted.
func (p *proc) stop(grace time.Duration) {
	p.mu.Lock()
	p.stopping = true
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGCONT) // a paused process cannot stop
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		p.log.Warn("role did not stop after SIGTERM; killing it", "role", p.name, "grace", grace)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
}

// unexpected returns the exits the run did not cause.
func (p *proc) unexpected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.exits...)
}
