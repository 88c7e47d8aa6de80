package pipeline

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/crawler/sqlfrontier"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// exported gathers the names of every metric some wirewatch process
// registers, with histograms' series suffixes.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.DiscardHandler)
	names := map[string]bool{}
	var regs []*metrics.Registry
	// run and demo: crawler, frontier, stored articles, outbox.
	run := metrics.New("test")
	crawlMetrics(run, func() *crawler.Crawler { return nil })
	frontierMetrics(run, sqlfrontier.New(st), log)
	outboxMetrics(run, st, log)
	// the consuming roles, and serve's store size.
	for _, role := range []string{"extract", "index", "story"} {
		r := metrics.New("test")
		roleMetrics(r, role, &RoleStats{})
		zero := func(context.Context) (int64, error) { return 0, nil }
		busMetrics(r, log, "wirewatch.tagged", zero, zero)
		if role == "index" {
			bulkMetrics(r)(time.Millisecond)
		}
		regs = append(regs, r)
	}
	serve := metrics.New("test")
	serve.Gauge("store_articles", "", func() float64 { return 0 })
	regs = append(regs, run, serve)
	for _, r := range regs {
		// Vectors appear once they have a series.
		r.ObserveHTTP("GET /api/v1/search", 200, time.Millisecond)
		mfs, err := r.Gatherer().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			n := mf.GetName()
			names[n] = true
			if mf.GetType().String() == "HISTOGRAM" {
				names[n+"_bucket"], names[n+"_sum"], names[n+"_count"] = true, true, true
			}
		}
	}
	return names
}

// TestDashboardMetricsExported checks that the Grafana dashboard queries
// only metrics the processes export, and follows the naming conventions.
func TestDashboardMetricsExported(t *testing.T) {
	names := exported(t)
	b, err := os.ReadFile("../deployments/grafana/wirewatch.json")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\b(?:wirewatch|process|go)_[a-z0-9_]+\b`).FindAllString(string(b), -1)
	if len(used) < 10 {
		t.Fatalf("the dashboard queries only %v", used)
	}
	for _, m := range used {
		if !names[m] {
			t.Errorf("the dashboard queries %s, which no process exports", m)
		}
	}
	for _, want := range []string{"wirewatch_http_request_duration_seconds", "wirewatch_articles_stored_total", "wirewatch_pages_fetched_total",
		"wirewatch_pages_failed_total", "wirewatch_robots_refusals_total", "wirewatch_alert_latency_seconds", "wirewatch_webhook_deliveries_total",
		"wirewatch_alerts_outbox_entries", "wirewatch_last_crawl_success_timestamp_seconds",
		"wirewatch_bus_lag_messages", "wirewatch_dlq_messages", "wirewatch_bulk_request_duration_seconds"} {
		if !slices.Contains(used, want) && !slices.Contains(used, want+"_bucket") && !slices.Contains(used, want+"_count") {
			t.Errorf("the dashboard does not show %s", want)
		}
	}
	for n := range names {
		if !strings.HasPrefix(n, "wirewatch_") {
			continue
		}
		if strings.Contains(n, "_milliseconds") || strings.HasSuffix(n, "_count_total") {
			t.Errorf("%s: use base units and one suffix", n)
		}
	}
}
