package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/metrics"
)

func TestOps(t *testing.T) {
	reg := metrics.New("v1.2.3")
	reg.ObserveHTTP("GET /api/v1/search", 200, 30*time.Millisecond)
	reg.Webhook("delivered")
	reg.ObserveAlert("webhook", 2*time.Second)
	reg.Counter("things_total", "Things.", func() float64 { return 7 })
	observe := reg.Histogram("bulk_request_duration_seconds", "Bulk requests.", []float64{.1, 1})
	observe(300 * time.Millisecond)
	var broken atomic.Bool
	ops := reg.Ops(slog.New(slog.DiscardHandler),
		metrics.Check{Name: "store", Check: func(context.Context) error { return nil }},
		metrics.Check{Name: "kafka", Check: func(context.Context) error {
			if broken.Load() {
				return errors.New("no broker reachable")
			}
			return nil
		}})
	ts := httptest.NewServer(ops)
	defer ts.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/livez"); code != 200 || body != "ok\n" {
		t.Errorf("livez: %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || body != `{"status":"ok","checks":{"kafka":"ok","store":"ok"}}`+"\n" {
		t.Errorf("readyz: %d %s", code, body)
	}
	broken.Store(true)
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"kafka":"no broker reachable"`) || !strings.Contains(body, `"status":"unavailable"`) {
		t.Errorf("readyz with a failing check: %d %s", code, body)
	}
	_, body := get("/metrics")
	for _, want := range []string{
		`wirewatch_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/search",le="0.05"} 1`,
		`wirewatch_webhook_deliveries_total{outcome="delivered"} 1`,
		`wirewatch_webhook_deliveries_total{outcome="failed"} 0`,
		`wirewatch_alert_latency_seconds_count{sink="webhook"} 1`,
		`wirewatch_alert_latency_seconds_count{sink="local"} 0`,
		`wirewatch_build_info{version="v1.2.3"} 1`,
		`wirewatch_things_total 7`,
		`wirewatch_bulk_request_duration_seconds_bucket{le="0.1"} 0`,
		`wirewatch_bulk_request_duration_seconds_bucket{le="1"} 1`,
		`go_goroutines`, `process_cpu_seconds_total`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
