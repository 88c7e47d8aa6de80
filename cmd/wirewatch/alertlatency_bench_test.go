package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/demosite"
)

// BenchmarkAlertLatency measures what an analyst waits for: the time from
// an article's fetch to its alert, through `run` crawling the demo site
// (181 pages on loopback) with one saved search that matches nearly every story (`the`).
// The same alerts go to the local sink (--alerts-out; its figure is the
// fire time) and to a webhook on loopback (its figure is the time the
// receiver got the request), so the two sinks are compared in one run.
// It reports medians and 95th percentiles in milliseconds.
func BenchmarkAlertLatency(b *testing.B) {
	site, err := demosite.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer site.Close()
	var (
		mu   sync.Mutex
		hook []time.Duration
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var a alert.Alert
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil || a.FetchedAt.IsZero() {
			http.Error(w, "want an alert with fetched_at", http.StatusBadRequest)
			return
		}
		mu.Lock()
		hook = append(hook, at.Sub(a.FetchedAt))
		mu.Unlock()
	}))
	defer recv.Close()

	var local []time.Duration
	for b.Loop() {
		dir := b.TempDir()
		if code, out, stderr := runCLI(b, "alerts", "add", "--data", dir, "--allow-private-webhooks",
			"--webhook", recv.URL, "--name", "all", "the"); code != 0 {
			b.Fatalf("alerts add: exit %d\n%s%s", code, out, stderr)
		}
		out := filepath.Join(dir, "alerts.jsonl")
		if code, _, stderr := runCLI(b, "run", "--data", dir, "--once", "--delay", "0", "--progress", "never",
			"--allow-private-webhooks", "--alerts-out", out, "--seeds", site.URL+"/rss.xml"); code != 0 {
			b.Fatalf("run: exit %d\n%s", code, stderr)
		}
		for _, a := range readAlerts(b, out) {
			local = append(local, a.FiredAt.Sub(a.FetchedAt))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(local) == 0 || len(hook) == 0 {
		b.Fatalf("%d local and %d webhook alerts, want both", len(local), len(hook))
	}
	report := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, name+"-p50-ms")
		b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, name+"-p95-ms")
	}
	report("local", local)
	report("webhook", hook)
	b.ReportMetric(float64(len(hook))/float64(len(local)), "webhook/local")
}
