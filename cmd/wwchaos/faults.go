package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wirewatch/wirewatch/internal/chaos"
)

// servers are the run's private broker and node, run by the
// deployments/local scripts under the run root.
type servers struct {
	c   config
	log *slog.Logger
	mu  sync.Mutex // one script at a time writes the services log
}

func (s *servers) env() []string {
	return []string{"WIREWATCH_RUN=" + s.c.root,
		"KAFKA_PORT=" + strconv.Itoa(s.c.kafkaPort), "KAFKA_CONTROLLER_PORT=" + strconv.Itoa(s.c.kafkaPort+1),
		"KAFKA_SASL_PORT=" + strconv.Itoa(s.c.kafkaPort+2), "KAFKA_SASL=1",
		"ES_PORT=" + strconv.Itoa(s.c.esPort), "ES_TRANSPORT_PORT=" + strconv.Itoa(s.c.esPort+100)}
}

// script runs kafka.sh or elasticsearch.sh with cmd, its output appended
// to services.log under the run root.
func (s *servers) script(ctx context.Context, name, cmd string) error {
	c := exec.CommandContext(ctx, filepath.Join(s.c.scripts, name), cmd)
	c.Env = append(os.Environ(), s.env()...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	s.mu.Lock()
	if f, ferr := os.OpenFile(filepath.Join(s.c.root, "services.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); ferr == nil {
		fmt.Fprintf(f, "=== %s %s %s\n%s", time.Now().UTC().Format(time.RFC3339), name, cmd, out.Bytes())
		f.Close()
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, cmd, err, lastLines(out.String(), 5))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// start starts the broker and the node, both at once (a no-op for one
// already running from a -keep-services run).
func (s *servers) start(ctx context.Context) error {
	fmt.Printf("wwchaos: starting the private broker (127.0.0.1:%d, SASL %d) and node (127.0.0.1:%d) under %s\n",
		s.c.kafkaPort, s.c.kafkaPort+2, s.c.esPort, s.c.root)
	errs := make(chan error, 2)
	for _, name := range []string{"kafka.sh", "elasticsearch.sh"} {
		go func() { errs <- s.script(ctx, name, "start") }()
	}
	return errors.Join(<-errs, <-errs)
}

// finish resets both (stops them and deletes their data) unless the run
// keeps them for the next one.
func (s *servers) finish() {
	if s.c.keepServices {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, name := range []string{"kafka.sh", "elasticsearch.sh"} {
		if err := s.script(ctx, name, "reset"); err != nil {
			s.log.Error("cannot reset a private server", "err", err)
		}
	}
}

// restart restarts the broker ("kafka.sh") or the node
// ("elasticsearch.sh"): with SIGKILL when hard, else through the script's
// graceful stop.
func (s *servers) restart(ctx context.Context, name string, hard bool) error {
	if hard {
		pidFile := filepath.Join(s.c.root, "kafka", "kafka.pid")
		if name == "elasticsearch.sh" {
			pidFile = filepath.Join(s.c.root, "elasticsearch", "es.pid")
		}
		b, err := os.ReadFile(pidFile)
		if err != nil {
			return err
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return fmt.Errorf("%s: %w", pidFile, err)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill -9 %d: %w", pid, err)
		}
		for syscall.Kill(pid, 0) == nil {
			time.Sleep(100 * time.Millisecond)
		}
	} else if err := s.script(ctx, name, "stop"); err != nil {
		return err
	}
	return s.script(ctx, name, "start")
}

// injector picks and injects the faults, one at a time.
type injector struct {
	c         config
	rng       *mrand.Rand
	log       *slog.Logger
	srv       *servers
	all       []*proc // roles kill -9 may hit
	consumers []*proc // roles with a session timeout, for the pause
	dataDirs  []string

	bag    []string // kinds still owed from the first round
	rounds int
	hits   map[string]int // faults per target, so that short runs spread them
	faults []chaos.Fault
}

var kinds = []string{"kill", "broker", "elasticsearch", "disk-full", "pause"}

// pick returns the next kind: every kind once, in random order, then kill
// and pause more often than restarts of the servers, which take long.
func (i *injector) pick() string {
	if i.rounds == 0 && len(i.bag) == 0 {
		for _, k := range kinds {
			if k == "disk-full" && len(i.dataDirs) == 0 {
				continue
			}
			i.bag = append(i.bag, k)
		}
		i.rng.Shuffle(len(i.bag), func(a, b int) { i.bag[a], i.bag[b] = i.bag[b], i.bag[a] })
		i.rounds = 1
	}
	if len(i.bag) > 0 {
		k := i.bag[0]
		i.bag = i.bag[1:]
		return k
	}
	switch r := i.rng.IntN(10); {
	case r < 4:
		return "kill"
	case r < 6:
		return "pause"
	case r < 8 && len(i.dataDirs) > 0:
		return "disk-full"
	case r < 9:
		return "broker"
	default:
		return "elasticsearch"
	}
}

// roundDone reports whether every kind has been injected once.
func (i *injector) roundDone() bool { return i.rounds > 0 && len(i.bag) == 0 }

// target picks one of names at random among those hit least so far: a
// short run then hits every role before it hits one twice.
func (i *injector) target(names []string) int {
	if i.hits == nil {
		i.hits = map[string]int{}
	}
	least := -1
	var idx []int
	for k, n := range names {
		switch h := i.hits[n]; {
		case least < 0 || h < least:
			least, idx = h, []int{k}
		case h == least:
			idx = append(idx, k)
		}
	}
	k := idx[i.rng.IntN(len(idx))]
	i.hits[names[k]]++
	return k
}

func procNames(ps []*proc) []string {
	out := make([]string, len(ps))
	for k, p := range ps {
		out[k] = p.name
	}
	return out
}

// next injects one fault and returns it once it is cleared.
func (i *injector) next(ctx context.Context) chaos.Fault {
	f := chaos.Fault{Kind: i.pick(), Start: time.Now()}
	switch f.Kind {
	case "kill":
		p := i.all[i.target(procNames(i.all))]
		f.Target = p.name
		p.kill()
		time.Sleep(time.Duration(i.rng.Int64N(int64(2 * time.Second))))
		f.Err = p.start()
	case "broker", "elasticsearch":
		hard := i.rng.IntN(2) == 0
		f.Target = map[bool]string{true: "kill -9", false: "graceful"}[hard]
		name := map[string]string{"broker": "kafka.sh", "elasticsearch": "elasticsearch.sh"}[f.Kind]
		f.Err = i.srv.restart(ctx, name, hard)
	case "disk-full":
		d := i.dataDirs[i.target(i.dataDirs)]
		f.Target = filepath.Base(d)
		filler := filepath.Join(d, "chaos-filler")
		n, err := fill(filler)
		if err != nil {
			f.Err = err
		} else {
			f.Target += fmt.Sprintf(" (+%d KiB)", n>>10)
			time.Sleep(i.c.fullFor/2 + time.Duration(i.rng.Int64N(int64(i.c.fullFor/2)+1)))
		}
		if err := os.Remove(filler); err != nil && f.Err == nil {
			f.Err = err
		}
	case "pause":
		p := i.consumers[i.target(procNames(i.consumers))]
		f.Target = p.name
		if f.Err = p.signal(syscall.SIGSTOP); f.Err == nil {
			time.Sleep(i.c.sessionTimeout + time.Second + time.Duration(i.rng.Int64N(int64(i.c.pauseExtra)+1)))
			f.Err = p.signal(syscall.SIGCONT)
		}
	}
	f.Cleared = time.Now()
	if f.Err != nil {
		i.log.Error("fault", "kind", f.Kind, "target", f.Target, "err", f.Err)
	}
	i.faults = append(i.faults, f)
	return f
}

// fill writes to path until the file system is full and returns how many
// bytes it took; a full disk is the expected end, not an error.
func fill(path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return 0, nil
		}
		return 0, err
	}
	defer f.Close()
	var n int64
	for _, size := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, size)
		for {
			k, err := f.Write(buf)
			n += int64(k)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// summary counts the faults by kind.
func (i *injector) summary() string {
	by := map[string]int{}
	for _, f := range i.faults {
		by[f.Kind]++
	}
	var parts []string
	for _, k := range kinds {
		if by[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, by[k]))
		}
	}
	failed := 0
	for _, f := range i.faults {
		if f.Err != nil {
			failed++
		}
	}
	s := fmt.Sprintf("%d: %s", len(i.faults), strings.Join(parts, ", "))
	if failed > 0 {
		s += fmt.Sprintf(" (%d with an error, see the fault list)", failed)
	}
	return s
}

// detail lists every fault with its length and recovery.
func (i *injector) detail(seen chaos.Seen, published []chaos.Version) string {
	var b strings.Builder
	b.WriteString("| # | at | fault | target | lasted | recovered after |\n|---|---|---|---|---|---|\n")
	fs := append([]chaos.Fault(nil), i.faults...)
	sort.SliceStable(fs, func(a, b int) bool { return fs[a].Start.Before(fs[b].Start) })
	for n, f := range fs {
		rec := "never"
		if d, ok := f.Recovery(seen, published); ok {
			rec = chaos.Seconds(d)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s%s |\n", n+1, f.Start.Format("15:04:05"), f.Kind, f.Target,
			chaos.Seconds(f.Cleared.Sub(f.Start)), rec, errSuffix(f.Err))
	}
	return b.String()
}
