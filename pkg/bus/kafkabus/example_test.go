package kafkabus_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
)

// The main use: one stage writes articles to a topic, the next reads them
// as a member of a consumer group and settles each; the broker stores the
// offset only once every message before it is settled. The example needs
// a broker, so it is compiled but not run; TestKafkaConformance runs the
// same contract (package bustest) on the real one.
func Example() {
	ctx := context.Background()
	conn := kafkabus.Conn{Brokers: []string{"127.0.0.1:9092"}}
	topics := kafkabus.TopicNames("wirewatch.")
	if err := kafkabus.EnsureTopics(ctx, conn, 3, 1, topics.All()...); err != nil {
		log.Fatal(err)
	}

	w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: conn, Topic: topics.Clean, Compression: kafka.Zstd})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close(ctx)
	a := article.New("https://example.com/news/1", "", time.Now())
	a.Body = "Troops began to withdraw on Monday."
	stored := make(chan error, 1)
	// Write returns at once; the Ack runs when the broker has stored it.
	err = w.Write(ctx, bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
		stored <- err
		return nil
	}})
	if err != nil {
		log.Fatal(err)
	}
	if err := <-stored; err != nil {
		log.Fatal(err)
	}

	dlq, err := kafkabus.NewDeadLetters(conn, topics.DLQ, "extract", 0, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer dlq.Close()
	r, err := kafkabus.NewReader(kafkabus.ReaderConfig{Conn: conn, Topic: topics.Clean, GroupID: "wirewatch-extract",
		Role: "extract", DeadLetters: dlq})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close(ctx)
	m, err := r.Read(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Article.URL)
	// nil: done, committed in order; bus.ErrRedeliver: read again;
	// any other error: dead-lettered with the reason.
	if err := m.Ack(ctx, nil); err != nil {
		log.Fatal(err)
	}
}

// An article travels as its JSON, keyed by its id so that every version
// of it lands in one partition in order, with headers that let a consumer
// refuse a schema it does not know before parsing the body.
func ExampleEncode() {
	a := article.New("https://example.com/news/1", "", time.Date(2024, 5, 10, 9, 0, 0, 0, time.UTC))
	a.Body = "Troops began to withdraw on Monday."
	m, err := kafkabus.Encode(a, "trace-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(m.Key) == a.ID)
	for _, h := range m.Headers {
		fmt.Printf("%s: %s\n", h.Key, h.Value)
	}
	back, trace, err := kafkabus.Decode(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Body, trace)
	// Output:
	// true
	// wirewatch-schema-version: 1
	// content-type: application/json
	// wirewatch-trace-id: trace-1
	// Troops began to withdraw on Monday. trace-1
}

// Workers finish messages in any order, but a commit of an offset says
// every message before it is done: the Tracker lets a partition's commit
// advance only over the finished prefix.
func ExampleTracker() {
	t := kafkabus.NewTracker()
	gen := t.Assign()
	var toks []kafkabus.Token
	for _, off := range []int64{10, 11, 12} {
		tok, _ := t.Fetched(gen, 0, off)
		toks = append(toks, tok)
	}
	t.Done(toks[2])
	fmt.Println("12 done:", t.Committable(gen))
	t.Done(toks[0])
	fmt.Println("10 done:", t.Committable(gen))
	t.Done(toks[1])
	fmt.Println("11 done:", t.Committable(gen))
	// Output:
	// 12 done: map[]
	// 10 done: map[0:10]
	// 11 done: map[0:12]
}

// Topic names carry a prefix, so that several pipelines (or tests) share
// a cluster.
func ExampleTopicNames() {
	t := kafkabus.TopicNames("prod.")
	fmt.Println(t.All())
	// Output:
	// [prod.articles.clean prod.articles.tagged prod.articles.clustered prod.dlq]
}
