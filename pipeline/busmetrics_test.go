package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
)

// scrape returns reg's /metrics page.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	ts := httptest.NewServer(reg.Ops(slog.New(slog.DiscardHandler)))
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestBusMetricsCachedAndFailed checks that the brokers are asked at most
// once per busReadEvery and that a failed read shows as -1.
func TestBusMetricsCachedAndFailed(t *testing.T) {
	reg := metrics.New("test")
	calls := 0
	lag := func(context.Context) (int64, error) { calls++; return 42, nil }
	dlq := func(context.Context) (int64, error) { return 0, errors.New("no broker") }
	busMetrics(reg, slog.New(slog.DiscardHandler), "p.tagged", lag, dlq)
	for range 3 {
		body := scrape(t, reg)
		if !strings.Contains(body, `wirewatch_bus_lag_messages{topic="p.tagged"} 42`) || !strings.Contains(body, "wirewatch_dlq_messages -1") {
			t.Fatalf("metrics lack the lag or the failed dlq size:\n%s", body)
		}
	}
	if calls != 1 {
		t.Errorf("lag read %d times in three quick scrapes, want once", calls)
	}
}

// TestBusMetricsFromKafka reads a consuming role's lag and the dead-letter
// topic's size from the test broker.
func TestBusMetricsFromKafka(t *testing.T) {
	broker := brokerOrSkip(t)
	p := kafkatest.Prefix(t, broker)
	k := Kafka{Conn: kafkabus.Conn{Brokers: []string{broker}}, Topics: kafkabus.TopicNames(p), GroupID: p + "extract"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, k.Conn, 2, 1, k.Topics.All()...); err != nil {
		t.Fatal(err)
	}
	d, err := kafkabus.NewDeadLetters(k.Conn, k.Topics.DLQ, "test", 0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range 3 {
		m := kafka.Message{Key: []byte(fmt.Sprint(i)), Value: []byte("x")}
		if err := d.Send(ctx, m, kafkabus.Origin{Topic: k.Topics.Clean, Offset: int64(i)}, errors.New("poison")); err != nil {
			t.Fatal(err)
		}
	}
	reg := metrics.New("test")
	kafkaBusMetrics(reg, slog.New(slog.DiscardHandler), "extract", k, k.Topics.Clean)
	body := scrape(t, reg)
	for _, want := range []string{"wirewatch_dlq_messages 3", `wirewatch_bus_lag_messages{topic="` + k.Topics.Clean + `"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
