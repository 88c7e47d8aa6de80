package main

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
)

// crawlOptions parses args as the crawl flags of run, demo and crawl.
func crawlOptions(t *testing.T, args ...string) (crawler.Options, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f crawlFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.options()
}

// TestCrawlFlagZeroMeansZero: a flag that accepts zero passes it through
// as zero (never as its default), and one where zero means nothing
// refuses it; the defaults are crawler.DefaultOptions.
func TestCrawlFlagZeroMeansZero(t *testing.T) {
	d := crawler.DefaultOptions()
	tests := []struct {
		flag    string
		get     func(crawler.Options) any
		def     any
		wantErr string // for zero; "" means zero is taken as zero
	}{
		{"max-depth", func(o crawler.Options) any { return o.MaxDepth }, d.MaxDepth, ""},
		{"retries", func(o crawler.Options) any { return o.Retries }, d.Retries, ""},
		{"max-pages", func(o crawler.Options) any { return o.MaxPages }, d.MaxPages, ""},
		{"max-redirects", func(o crawler.Options) any { return o.MaxRedirects }, d.MaxRedirects, ""},
		{"recheck-max", func(o crawler.Options) any { return o.RecheckMax }, d.RecheckMax, ""},
		{"delay", func(o crawler.Options) any { return o.Delay }, d.Delay, ""},
		{"workers", func(o crawler.Options) any { return o.Workers }, d.Workers, "--workers must be positive"},
		{"per-host", func(o crawler.Options) any { return o.PerHost }, d.PerHost, "--per-host must be positive"},
		{"max-bytes", func(o crawler.Options) any { return o.MaxBytes }, d.MaxBytes, "--max-bytes must be positive"},
		{"timeout", func(o crawler.Options) any { return o.Timeout }, d.Timeout, "--timeout must be positive"},
		{"retry-wait", func(o crawler.Options) any { return o.RetryWait }, d.RetryWait, "--retry-wait must be positive"},
		{"recheck-min", func(o crawler.Options) any { return o.RecheckMin }, d.RecheckMin, "--recheck-min must be positive"},
		{"repoll", func(o crawler.Options) any { return o.Repoll }, d.Repoll, "--repoll must be positive"},
		{"repoll-min", func(o crawler.Options) any { return o.RepollMin }, d.RepollMin, "--repoll-min must be positive"},
		{"repoll-max", func(o crawler.Options) any { return o.RepollMax }, d.RepollMax, "--repoll-max must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			o, err := crawlOptions(t)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(o); got != tt.def {
				t.Errorf("default --%s = %v, want crawler.DefaultOptions' %v", tt.flag, got, tt.def)
			}
			o, err = crawlOptions(t, "--"+tt.flag, "0")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("--%s 0: err %v, want %q", tt.flag, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("--%s 0: %v", tt.flag, err)
			}
			if got := tt.get(o); got != int(0) && got != time.Duration(0) {
				t.Errorf("--%s 0 gives %v, want 0", tt.flag, got)
			}
			neg := "-1"
			if _, ok := tt.def.(time.Duration); ok {
				neg = "-1s"
			}
			if _, err := crawlOptions(t, "--"+tt.flag, neg); err == nil {
				t.Errorf("--%s -1 accepted", tt.flag)
			}
		})
	}
}

// TestRoleFlagZero: the Kafka roles' numbers where zero would mean nothing
// refuse it (they were silently replaced by defaults); --retries 0 is
// taken as no retries and --workers 0 as one per CPU, as documented.
func TestRoleFlagZero(t *testing.T) {
	base := []string{"extract", "--kafka-brokers", "127.0.0.1:1"}
	for _, tt := range []struct {
		flag, value, want string
	}{
		{"topic-partitions", "0", "--topic-partitions must be positive"},
		{"topic-replication", "0", "--topic-replication must be positive"},
		{"kafka-max-message-bytes", "0", "--kafka-max-message-bytes must be positive"},
		{"max-in-flight", "0", "--max-in-flight must be positive"},
		{"drain-timeout", "0s", "--drain-timeout must be positive"},
		{"session-timeout", "0s", "--session-timeout must be positive"},
		{"retries", "-1", "--retries must be at least 0"},
		{"workers", "-1", "--workers must be at least 0"},
	} {
		code, _, stderr := runCLI(t, append(base, "--"+tt.flag, tt.value)...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("--%s %s: exit %d, stderr %q; want %q", tt.flag, tt.value, code, stderr, tt.want)
		}
	}
}
