// Package metrics is wirewatch's Prometheus instrumentation and its
// operations endpoints: /metrics (Prometheus text format), /livez (the
// process is serving) and /readyz (its dependencies answer).
//
// Names follow Prometheus conventions: the wirewatch_ prefix, base units
// (seconds, bytes), _total for counters, and labels of few values only
// (route patterns, status codes, outcomes), never URLs, hosts or ids.
// Every long-running role registers what it can count cheaply; a metric a
// process does not take part in is absent from it.
package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every wirewatch metric.
const Namespace = "wirewatch"

// Registry holds one process's metrics.
type Registry struct {
	reg         *prometheus.Registry
	httpSeconds *prometheus.HistogramVec
	alertLat    *prometheus.HistogramVec
	webhooks    *prometheus.CounterVec
}

// New returns a registry with the Go runtime and process collectors and
// the metrics every process has: HTTP request durations, alert latency and
// webhook deliveries (zero in a process that serves or alerts nothing).
func New(version string) *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r := &Registry{
		reg: reg,
		httpSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
		alertLat: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "alert_latency_seconds",
			Help:    "Time from fetching an article to delivering the alert it fired, by sink (local or webhook).",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, []string{"sink"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome (delivered, failed, refused).",
		}, []string{"outcome"}),
	}
	for _, s := range []string{"local", "webhook"} {
		r.alertLat.WithLabelValues(s)
	}
	for _, o := range []string{"delivered", "failed", "refused"} {
		r.webhooks.WithLabelValues(o)
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "Always 1; the version label is the binary's version.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	reg.MustRegister(r.httpSeconds, r.alertLat, r.webhooks, build)
	return r
}

// Gatherer is the registry for tests and exporters.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

// ObserveHTTP records one answered request. route is the pattern that
// matched, not the path, so that ids in paths do not multiply series.
func (r *Registry) ObserveHTTP(route string, code int, d time.Duration) {
	r.httpSeconds.WithLabelValues(route, strconv.Itoa(code)).Observe(d.Seconds())
}

// ObserveAlert records the time from an article's fetch to the delivery of
// the alert it fired, by sink: "local" (the process's own sink) or
// "webhook". Its signature is alert.Options.Latency's.
func (r *Registry) ObserveAlert(sink string, d time.Duration) {
	r.alertLat.WithLabelValues(sink).Observe(d.Seconds())
}

// Webhook counts a webhook delivery attempt by outcome: delivered, failed
// or refused (its address is not allowed).
func (r *Registry) Webhook(outcome string) { r.webhooks.WithLabelValues(outcome).Inc() }

// Counter registers a counter read from fn at each scrape, for the
// process's existing atomic counts. name lacks the prefix.
func (r *Registry) Counter(name, help string, fn func() float64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, fn))
}

// CounterBy registers one counter per value of a label, each read from
// its function at each scrape.
func (r *Registry) CounterBy(name, help, label string, fns map[string]func() float64) {
	for v, fn := range fns {
		r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: Namespace, Name: name, Help: help, ConstLabels: prometheus.Labels{label: v},
		}, fn))
	}
}

// GaugeBy registers one gauge per value of a label, each read from its
// function at each scrape.
func (r *Registry) GaugeBy(name, help, label string, fns map[string]func() float64) {
	for v, fn := range fns {
		r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: Namespace, Name: name, Help: help, ConstLabels: prometheus.Labels{label: v},
		}, fn))
	}
}

// Gauge registers a gauge read from fn at each scrape.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, fn))
}

// Histogram registers a histogram of durations in seconds and returns the
// function that records one, for code that takes a plain func rather than
// importing this package. name lacks the prefix and ends in _seconds.
func (r *Registry) Histogram(name, help string, buckets []float64) func(time.Duration) {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets})
	r.reg.MustRegister(h)
	return func(d time.Duration) { h.Observe(d.Seconds()) }
}

// Check is one readiness check: a dependency that must answer.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Ops returns the handler of /metrics, /livez and /readyz. /readyz runs
// every check with a timeout and answers 503 with the failures when one
// fails; its answer is JSON {status, checks:{name: "ok" | error}}.
func (r *Registry) Ops(log *slog.Logger, checks ...Check) http.Handler {
	m := http.NewServeMux()
	m.Handle("GET /metrics", promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{log}}))
	m.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	m.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 5*time.Second)
		defer cancel()
		res := struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}{Status: "ok", Checks: map[string]string{}}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range checks {
			wg.Go(func() {
				err := c.Check(ctx)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res.Status = "unavailable"
					res.Checks[c.Name] = err.Error()
					log.Warn("not ready", "check", c.Name, "err", err)
					return
				}
				res.Checks[c.Name] = "ok"
			})
		}
		wg.Wait()
		code := http.StatusOK
		if res.Status != "ok" {
			code = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(res)
	})
	return m
}

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Error("metrics", "err", fmt.Sprint(v...)) }

// Serve serves h on ln until ctx ends, then shuts down gracefully, closing
// connections still open (live streams) after five seconds.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// Streams never end by themselves: close what is left after the grace.
	if err := srv.Shutdown(shut); err != nil {
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
