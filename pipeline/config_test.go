package pipeline

import (
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// roleConfig is what every role's configuration offers a command.
type roleConfig interface {
	RegisterFlags(fs *flag.FlagSet)
	Validate() error
}

// parseConfig registers cfg's flags on a fresh flag set and parses args.
func parseConfig(t *testing.T, cfg roleConfig, args ...string) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
}

// TestValidate: every role's Validate accepts its defaults with the one
// required flag, and refuses bad values with an error naming the flag.
func TestValidate(t *testing.T) {
	seeds := []string{"--seeds", "http://127.0.0.1:1/"}
	brokers := []string{"--kafka-brokers", "127.0.0.1:1"}
	both := append(append([]string{}, seeds...), brokers...)
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	tests := []struct {
		name    string
		cfg     func() roleConfig
		args    []string
		wantErr string // "" means valid
	}{
		{"run ok", func() roleConfig { return &RunConfig{} }, seeds, ""},
		{"run no seeds", func() roleConfig { return &RunConfig{} }, nil, "no seeds: give --seeds"},
		{"run bad log format", func() roleConfig { return &RunConfig{} }, with(seeds, "--log-format", "xml"), `--log-format "xml": want text or json`},
		{"run bad log level", func() roleConfig { return &RunConfig{} }, with(seeds, "--log-level", "loud"), "--log-level"},
		{"run bad include", func() roleConfig { return &RunConfig{} }, with(seeds, "--include", "("), `--include "("`},
		{"run zero workers", func() roleConfig { return &RunConfig{} }, with(seeds, "--workers", "0"), "--workers must be positive"},
		{"run negative delay", func() roleConfig { return &RunConfig{} }, with(seeds, "--delay", "-1s"), "--delay must be at least 0"},
		{"run zero means zero", func() roleConfig { return &RunConfig{} }, with(seeds, "--delay", "0", "--retries", "0", "--max-depth", "0", "--recheck-max", "0", "--stall-after", "0"), ""},
		{"run zero story window", func() roleConfig { return &RunConfig{} }, with(seeds, "--story-window", "0"), "--story-window must be positive"},
		{"crawl ok", func() roleConfig { return &CrawlConfig{} }, both, ""},
		{"crawl by domain", func() roleConfig { return &CrawlConfig{} }, with(both, "--partition-by", "domain"), ""},
		{"crawl no brokers", func() roleConfig { return &CrawlConfig{} }, seeds, "no brokers: give --kafka-brokers"},
		{"crawl no seeds", func() roleConfig { return &CrawlConfig{} }, brokers, "no seeds"},
		{"crawl bad partition-by", func() roleConfig { return &CrawlConfig{} }, with(both, "--partition-by", "zone"), `--partition-by must be host or domain, not "zone"`},
		{"crawl empty group", func() roleConfig { return &CrawlConfig{} }, with(both, "--group", ""), "--group must not be empty"},
		{"crawl zero session timeout", func() roleConfig { return &CrawlConfig{} }, with(both, "--session-timeout", "0s"), "--session-timeout must be positive"},
		{"extract ok", func() roleConfig { return &ExtractConfig{} }, brokers, ""},
		{"extract workers 0 is one per CPU", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--workers", "0", "--retries", "0"), ""},
		{"extract negative workers", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--workers", "-1"), "--workers must be at least 0"},
		{"extract negative retries", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--retries", "-1"), "--retries must be at least 0"},
		{"extract zero partitions", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--topic-partitions", "0"), "--topic-partitions must be positive"},
		{"extract zero drain timeout", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--drain-timeout", "0s"), "--drain-timeout must be positive"},
		{"extract bad compression", func() roleConfig { return &ExtractConfig{} }, with(brokers, "--kafka-compression", "brotli"), "--kafka-compression"},
		{"story ok", func() roleConfig { return &StoryConfig{} }, with(brokers, "--alerts-out", "-"), ""},
		{"story negative window", func() roleConfig { return &StoryConfig{} }, with(brokers, "--story-window", "-1h"), "--story-window must be positive"},
		{"index ok", func() roleConfig { return &IndexConfig{} }, with(brokers, "--es-url", "http://127.0.0.1:9200"), ""},
		{"index story role", func() roleConfig { return &IndexConfig{} }, with(brokers, "--story-role"), ""},
		{"index story role alerts", func() roleConfig { return &IndexConfig{} }, with(brokers, "--story-role", "--alerts-out", "a.jsonl"), "--alerts-out with --story-role"},
		{"index zero session timeout", func() roleConfig { return &IndexConfig{} }, with(brokers, "--session-timeout", "0s"), "--session-timeout must be positive"},
		{"serve ok", func() roleConfig { return &ServeConfig{} }, nil, ""},
		{"serve bad log level", func() roleConfig { return &ServeConfig{} }, []string{"--log-level", "loud"}, "--log-level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg()
			parseConfig(t, cfg, tt.args...)
			err := cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestKafkaFlagDefaultsAreTheBusDefaults: the defaults the flags register
// are the ones a Kafka built in code gets for its zero fields, so that a
// role behaves alike however it is started.
func TestKafkaFlagDefaultsAreTheBusDefaults(t *testing.T) {
	var c ExtractConfig
	parseConfig(t, &c, "--kafka-brokers", "127.0.0.1:1")
	fromFlags, err := c.Consumer.Config(nil)
	if err != nil {
		t.Fatal(err)
	}
	var zero Kafka
	zero.defaults()
	if fromFlags.Partitions != zero.Partitions || fromFlags.Replication != zero.Replication ||
		fromFlags.MaxInFlight != zero.MaxInFlight || fromFlags.DrainTimeout != zero.DrainTimeout {
		t.Errorf("flags give partitions %d, replication %d, max in flight %d, drain %s; a zero Kafka gets %d, %d, %d, %s",
			fromFlags.Partitions, fromFlags.Replication, fromFlags.MaxInFlight, fromFlags.DrainTimeout,
			zero.Partitions, zero.Replication, zero.MaxInFlight, zero.DrainTimeout)
	}
	if fromFlags.GroupID != ExtractGroupID {
		t.Errorf("--group defaults to %q, want %q", fromFlags.GroupID, ExtractGroupID)
	}
}

// TestRolesShareFlagGroups: a flag that several roles have is registered
// by one group, so it has one default and one usage in every role.
func TestRolesShareFlagGroups(t *testing.T) {
	roles := map[string]roleConfig{
		"run": &RunConfig{}, "crawl": &CrawlConfig{}, "extract": &ExtractConfig{},
		"story": &StoryConfig{}, "index": &IndexConfig{}, "serve": &ServeConfig{},
	}
	seen := map[string]*flag.Flag{}
	owner := map[string]string{}
	// --listen, --group, --workers, --retries and --session-timeout mean
	// different things in different roles (the web page or only the ops
	// endpoints; a crawl or consumer group; fetches or articles).
	differ := map[string]bool{"listen": true, "group": true, "workers": true, "retries": true, "session-timeout": true}
	for _, name := range []string{"run", "crawl", "extract", "story", "index", "serve"} {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		roles[name].RegisterFlags(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if differ[f.Name] {
				return
			}
			if prev, ok := seen[f.Name]; ok {
				if prev.DefValue != f.DefValue || prev.Usage != f.Usage {
					t.Errorf("--%s: %s has default %q usage %q, %s has %q %q", f.Name, owner[f.Name], prev.DefValue, prev.Usage, name, f.DefValue, f.Usage)
				}
				return
			}
			seen[f.Name], owner[f.Name] = f, name
		})
	}
}

// TestNewRunHoldsDataUntilClose: the run role holds its data directory
// from NewRun to Close, and a NewRun that fails part way releases what it
// took, so that the next one can start.
func TestNewRunHoldsDataUntilClose(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	env := Env{Stdout: io.Discard, Stderr: io.Discard, Version: "test", Command: "run"}
	var cfg RunConfig
	parseConfig(t, &cfg, "--data", dir, "--seeds", "http://127.0.0.1:1/", "--once", "--log-level", "error")

	bad := cfg
	bad.Stories.AlertsOut = filepath.Join(dir, "no such directory", "alerts.jsonl")
	if _, err := NewRun(ctx, bad, env); err == nil || !strings.Contains(err.Error(), "--alerts-out") {
		t.Fatalf("NewRun with an unwritable --alerts-out: %v", err)
	}
	r, err := NewRun(ctx, cfg, env)
	if err != nil {
		t.Fatalf("NewRun after a failed one: %v", err)
	}
	if _, err := NewRun(ctx, cfg, env); err == nil || !strings.Contains(err.Error(), "is in use by wirewatch run") {
		t.Errorf("second NewRun on one --data: %v, want it refused", err)
	}
	r.Close()
	r, err = NewRun(ctx, cfg, env)
	if err != nil {
		t.Fatalf("NewRun after Close: %v", err)
	}
	r.Close()
}

// TestDemoOnSite: demo crawls its site once, with its own defaults for
// the crawler flags the user did not set and the user's values for those
// set.
func TestDemoOnSite(t *testing.T) {
	tests := []struct {
		args                []string
		delay               time.Duration
		perHost, depth, nQs int
	}{
		{nil, 0, 4, 1, 4},
		{[]string{"--delay", "2s", "--max-depth", "0", "--query", "org:NATO"}, 2 * time.Second, 4, 0, 1},
		{[]string{"--per-host", "1", "--max-depth", "3"}, 0, 1, 3, 4},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		var c DemoConfig
		c.RegisterFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		c.OnSite("http://127.0.0.1:1", fs)
		if err := c.Validate(); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		cr := c.Crawler
		if !cr.Once || len(cr.Seeds) != 1 || cr.Seeds[0] != "http://127.0.0.1:1/" || cr.Delay != tt.delay ||
			cr.PerHost != tt.perHost || cr.MaxDepth != tt.depth || len(c.Queries) != tt.nQs {
			t.Errorf("%q: once %v, seeds %q, delay %s, per-host %d, depth %d, %d queries; want delay %s, per-host %d, depth %d, %d queries",
				tt.args, cr.Once, cr.Seeds, cr.Delay, cr.PerHost, cr.MaxDepth, len(c.Queries), tt.delay, tt.perHost, tt.depth, tt.nQs)
		}
	}
}
