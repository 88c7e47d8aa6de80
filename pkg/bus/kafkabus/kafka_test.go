package kafkabus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus/kafkatest"
)

// broker returns the address of the test broker that `make test` starts.
func broker(t testing.TB) string { return kafkatest.Broker(t) }

// prefix returns a topic and group prefix of its own for one test; its
// topics and groups are deleted when the test ends.
func prefix(t testing.TB) string { return kafkatest.Prefix(t, broker(t)) }

func testArticle(i int, body string) *article.Article {
	a := article.New(fmt.Sprintf("https://news.example/%d", i), "", time.Unix(1700000000, 0))
	a.Title = fmt.Sprintf("Article %d", i)
	a.Body = body
	return a
}

type setup struct {
	conn   Conn
	topics Topics
	dlq    *DeadLetters
	prefix string
}

// group returns a consumer group name of the test's own: members of one
// group share its rebalances whatever their topics, so a group shared with
// another test (or another test binary on the same broker) would disturb it.
func (s setup) group(name string) string { return s.prefix + name }

func newSetup(t *testing.T, partitions int) setup {
	t.Helper()
	conn := Conn{Brokers: []string{broker(t)}}
	p := prefix(t)
	topics := TopicNames(p)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := EnsureTopics(ctx, conn, partitions, 1, topics.All()...); err != nil {
		t.Fatal(err)
	}
	dlq, err := NewDeadLetters(conn, topics.DLQ, "test", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dlq.Close() })
	return setup{conn: conn, topics: topics, dlq: dlq, prefix: p}
}

// produce writes articles and waits until each is stored.
func produce(t *testing.T, s setup, topic string, as ...*article.Article) {
	t.Helper()
	w, err := NewWriter(WriterConfig{Conn: s.conn, Topic: topic, Compression: kafka.Zstd})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, a := range as {
		wg.Add(1)
		ack := func(_ context.Context, err error) error {
			if err != nil {
				t.Errorf("write %s: %v", a.ID, err)
			}
			wg.Done()
			return nil
		}
		if err := w.Write(ctx, bus.Message{Article: a, Ack: ack}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func newReader(t *testing.T, s setup, group string) *Reader {
	t.Helper()
	r, err := NewReader(ReaderConfig{Conn: s.conn, Topic: s.topics.Clean, GroupID: s.group(group), Role: "test",
		DeadLetters: s.dlq, CommitInterval: 100 * time.Millisecond, SessionTimeout: 6 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func read(t *testing.T, r *Reader, n int) []bus.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out []bus.Message
	for range n {
		m, err := r.Read(ctx)
		if err != nil {
			t.Fatalf("read %d of %d: %v", len(out)+1, n, err)
		}
		out = append(out, m)
	}
	return out
}

// TestCommitOnlyContiguousPrefix acks messages out of order, leaves one
// unacknowledged, and restarts the consumer: everything from the
// unacknowledged message on is delivered again, nothing before it is.
func TestCommitOnlyContiguousPrefix(t *testing.T) {
	s := newSetup(t, 1)
	var as []*article.Article
	for i := range 6 {
		as = append(as, testArticle(i, "body"))
	}
	produce(t, s, s.topics.Clean, as...)

	r := newReader(t, s, "g1")
	ms := read(t, r, 6)
	ctx := context.Background()
	for _, i := range []int{1, 0, 4, 3} { // 2 and 5 stay in flight
		if err := ms[i].Ack(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}

	r2 := newReader(t, s, "g1")
	defer r2.Close(ctx)
	again := read(t, r2, 4)
	for i, m := range again {
		if want := as[2+i].ID; m.Article.ID != want {
			t.Errorf("redelivery %d: %s, want %s", i, m.Article.ID, want)
		}
		m.Ack(ctx, nil)
	}
}

// TestHeaders checks key, schema version, content type and trace id on
// the wire, and that the trace id is carried from one topic to the next.
func TestHeaders(t *testing.T) {
	s := newSetup(t, 1)
	a := testArticle(1, "body")
	produce(t, s, s.topics.Clean, a)
	traces := &Traces{}
	r, err := NewReader(ReaderConfig{Conn: s.conn, Topic: s.topics.Clean, GroupID: s.group("g"), DeadLetters: s.dlq, Traces: traces})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	m := read(t, r, 1)[0]
	w, err := NewWriter(WriterConfig{Conn: s.conn, Topic: s.topics.Tagged, Traces: traces})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw := rawRead(t, s, s.topics.Clean, 1)[0]
	tagged := rawRead(t, s, s.topics.Tagged, 1)[0]
	if string(raw.Key) != a.ID {
		t.Errorf("key %q, want the article id %s", raw.Key, a.ID)
	}
	for _, h := range []struct{ key, want string }{{HeaderSchemaVersion, "1"}, {HeaderContentType, ContentTypeJSON}} {
		if v, _ := header(raw, h.key); v != h.want {
			t.Errorf("header %s = %q, want %q", h.key, v, h.want)
		}
	}
	tr, _ := header(raw, HeaderTraceID)
	if len(tr) != 32 {
		t.Errorf("trace id %q", tr)
	}
	if got, _ := header(tagged, HeaderTraceID); got != tr {
		t.Errorf("trace id on tagged topic %q, want %q from clean", got, tr)
	}
}

func rawRead(t *testing.T, s setup, topic string, n int) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: s.conn.Brokers, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []kafka.Message
	for range n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestPoisonDeadLettered sends undecodable JSON, an unknown schema version
// and an article that fails processing: each ends in the dead-letter topic
// with its origin and error, the good article after them is delivered, and
// dlq replay brings the failed one back.
func TestPoisonDeadLettered(t *testing.T) {
	s := newSetup(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	kw := &kafka.Writer{Addr: kafka.TCP(s.conn.Brokers...), Topic: s.topics.Clean, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond}
	bad := testArticle(9, "fails")
	good := testArticle(2, "fine")
	badMsg, _ := Encode(bad, "t")
	goodMsg, _ := Encode(good, "t")
	err := kw.WriteMessages(ctx,
		kafka.Message{Key: []byte("junk"), Value: []byte("{not json")},
		kafka.Message{Key: []byte("future"), Value: []byte(`{"schema_version": 99}`), Headers: []kafka.Header{{Key: HeaderSchemaVersion, Value: []byte("99")}}},
		badMsg, goodMsg)
	kw.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := newReader(t, s, "g")
	ms := read(t, r, 2)
	if ms[0].Article.ID != bad.ID || ms[1].Article.ID != good.ID {
		t.Fatalf("got %s, %s", ms[0].Article.ID, ms[1].Article.ID)
	}
	if err := ms[0].Ack(ctx, errors.New("extract: fails for good")); err != nil {
		t.Fatal(err)
	}
	ms[1].Ack(ctx, nil)
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.Poisoned.Load(); n != 2 {
		t.Errorf("poisoned %d, want 2", n)
	}
	var letters []Letter
	if _, err := ScanDLQ(ctx, s.conn, s.topics.DLQ, "", func(l Letter) error { letters = append(letters, l); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(letters) != 3 {
		t.Fatalf("%d letters, want 3: %+v", len(letters), letters)
	}
	wantErr := []string{"poison", "schema version", "fails for good"}
	for i, l := range letters {
		if !strings.Contains(l.Error, wantErr[i]) || l.Origin.Topic != s.topics.Clean || l.Origin.Offset != int64(i) ||
			l.Role != "test" || l.Time.IsZero() {
			t.Errorf("letter %d: %+v", i, l)
		}
	}

	n, skipped, err := Replay(ctx, s.conn, s.topics.DLQ, s.group("replay"), func(l Letter) bool { return l.Key == bad.ID })
	if err != nil || n != 1 || skipped != 2 {
		t.Fatalf("replay: %d replayed, %d skipped, %v", n, skipped, err)
	}
	r2 := newReader(t, s, "g")
	defer r2.Close(ctx)
	if m := read(t, r2, 1)[0]; m.Article.ID != bad.ID {
		t.Fatalf("after replay got %s, want %s", m.Article.ID, bad.ID)
	}
	if n, _, err := Replay(ctx, s.conn, s.topics.DLQ, s.group("replay"), nil); err != nil || n != 0 {
		t.Fatalf("second replay with the same group: %d replayed, %v; want 0", n, err)
	}
}

// TestTooLarge writes one article that compresses under the limit and one
// that does not: the first is stored, the second settled with ErrTooLarge.
func TestTooLarge(t *testing.T) {
	s := newSetup(t, 1)
	w, err := NewWriter(WriterConfig{Conn: s.conn, Topic: s.topics.Clean, Compression: kafka.Zstd, MaxMessageBytes: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	var b [30_000]byte
	_, _ = rand.Read(b[:])
	tests := []struct {
		name    string
		body    string
		wantErr error
	}{
		{"compressible", strings.Repeat("The council met on Tuesday. ", 2000), nil},
		{"incompressible", hex.EncodeToString(b[:]), ErrTooLarge},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan error, 1)
			err := w.Write(context.Background(), bus.Message{Article: testArticle(i, tt.body),
				Ack: func(_ context.Context, err error) error { got <- err; return nil }})
			if err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-got:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ack %v, want %v", err, tt.wantErr)
				}
			case <-time.After(time.Minute):
				t.Fatal("not settled")
			}
		})
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestSASLPlain produces and consumes through the broker's SASL/PLAIN
// listener, and checks that a wrong password is refused.
func TestSASLPlain(t *testing.T) {
	broker(t)
	addr := os.Getenv("WIREWATCH_TEST_KAFKA_SASL")
	if addr == "" {
		addr = "127.0.0.1:9094"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := prefix(t)
	topics := TopicNames(p)
	bad := Conn{Brokers: []string{addr}}
	if err := (Security{SASLMechanism: "PLAIN", Username: "wirewatch", Password: "nope"}).Apply(&bad); err != nil {
		t.Fatal(err)
	}
	if err := EnsureTopics(ctx, bad, 1, 1, topics.All()...); err == nil {
		t.Fatal("wrong password accepted")
	}
	conn := Conn{Brokers: []string{addr}}
	if err := (Security{SASLMechanism: "PLAIN", Username: "wirewatch", Password: "wirewatch-secret"}).Apply(&conn); err != nil {
		t.Fatal(err)
	}
	if err := EnsureTopics(ctx, conn, 1, 1, topics.All()...); err != nil {
		t.Fatal(err)
	}
	dlq, err := NewDeadLetters(conn, topics.DLQ, "test", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dlq.Close()
	s := setup{conn: conn, topics: topics, dlq: dlq, prefix: topics.Clean}
	a := testArticle(1, "secured")
	produce(t, s, topics.Clean, a)
	r := newReader(t, s, "g")
	defer r.Close(ctx)
	if m := read(t, r, 1)[0]; m.Article.ID != a.ID {
		t.Fatalf("read %s, want %s", m.Article.ID, a.ID)
	}
}

func TestSecurityApply(t *testing.T) {
	tests := []struct {
		name    string
		sec     Security
		wantErr bool
		tls     bool
		sasl    string
	}{
		{"none", Security{}, false, false, ""},
		{"plain", Security{SASLMechanism: "PLAIN", Username: "u", Password: "p"}, false, false, "PLAIN"},
		{"scram-256", Security{SASLMechanism: "SCRAM-SHA-256", Username: "u", Password: "p"}, false, false, "SCRAM-SHA-256"},
		{"scram-512 lower case", Security{SASLMechanism: "scram-sha-512", Username: "u", Password: "p"}, false, false, "SCRAM-SHA-512"},
		{"tls only", Security{TLS: true}, false, true, ""},
		{"unknown mechanism", Security{SASLMechanism: "GSSAPI"}, true, false, ""},
		{"user without mechanism", Security{Username: "u"}, true, false, ""},
		{"cert without key", Security{CertFile: "c.pem"}, true, false, ""},
		{"missing CA", Security{CAFile: "/nonexistent/ca.pem"}, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Conn
			err := tt.sec.Apply(&c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if (c.TLS != nil) != tt.tls {
				t.Errorf("TLS %v, want %v", c.TLS != nil, tt.tls)
			}
			got := ""
			if c.SASL != nil {
				got = c.SASL.Name()
			}
			if got != tt.sasl {
				t.Errorf("SASL %q, want %q", got, tt.sasl)
			}
		})
	}
}
