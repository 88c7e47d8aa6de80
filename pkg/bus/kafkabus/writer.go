package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/bus"
)

// WriterConfig configures a Writer.
type WriterConfig struct {
	Conn  Conn
	Topic string
	// Compression is applied per batch; zstd and snappy keep long
	// articles under MaxMessageBytes.
	Compression kafka.Compression
	// MaxMessageBytes is the broker's limit on one record batch
	// (message.max.bytes, default 1048588). Larger messages, after
	// compression, are settled with ErrTooLarge instead of being sent.
	MaxMessageBytes int
	// MaxInFlight bounds messages handed to Write and not yet stored:
	// Write blocks when it is reached. That is the backpressure a slow
	// broker exerts on the stage.
	MaxInFlight int
	// BatchTimeout is how long a partial batch waits for more messages.
	BatchTimeout time.Duration
	// Traces, when set, supplies the trace ids noted by the stage's Reader.
	Traces *Traces
	Logger *slog.Logger
}

// Writer produces articles to a topic asynchronously and settles each
// message (calls its Ack) once the broker has stored it with acks=all.
// Failed produce attempts are retried with back-off for as long as the
// writer is open, so a broker restart delays messages but loses none.
type Writer struct {
	cfg    WriterConfig
	small  *kafka.Writer // batches of up to MaxMessageBytes uncompressed
	large  *kafka.Writer // one message a batch: big but compressible
	sem    chan struct{}
	wg     sync.WaitGroup // messages in flight
	stop   chan struct{}  // closed when Close gives up waiting
	once   sync.Once
	log    *slog.Logger
	closed bool
	mu     sync.Mutex
}

// pending is one message on its way to the broker.
type pending struct {
	ack      bus.AckFunc
	id       string
	attempts int
}

// NewWriter returns a writer to cfg.Topic.
func NewWriter(cfg WriterConfig) (*Writer, error) {
	if err := cfg.Conn.validate(); err != nil {
		return nil, err
	}
	if cfg.Topic == "" {
		return nil, errors.New("kafkabus: writer without a topic")
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 1_000_000
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 256
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 10 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Writer{cfg: cfg, sem: make(chan struct{}, cfg.MaxInFlight), stop: make(chan struct{}),
		log: cfg.Logger.With("topic", cfg.Topic)}
	w.small = w.newKafkaWriter(int64(cfg.MaxMessageBytes), 0)
	w.large = w.newKafkaWriter(64<<20, 1)
	return w, nil
}

func (w *Writer) newKafkaWriter(batchBytes int64, batchSize int) *kafka.Writer {
	return &kafka.Writer{
		Addr:         kafka.TCP(w.cfg.Conn.Brokers...),
		Topic:        w.cfg.Topic,
		Balancer:     &kafka.Hash{}, // key = article id: one article, one partition
		RequiredAcks: kafka.RequireAll,
		Async:        true,
		BatchTimeout: w.cfg.BatchTimeout,
		BatchBytes:   batchBytes,
		BatchSize:    batchSize,
		MaxAttempts:  5,
		Compression:  w.cfg.Compression,
		Transport:    w.cfg.Conn.transport(),
		Completion:   w.completed,
	}
}

// Write queues m for the broker and returns; m is settled when stored. An
// article that cannot be encoded or does not fit is settled at once with
// the reason (ErrTooLarge), which its source dead-letters. Write returns an
// error only when it did not take m: then the caller still owns it.
func (w *Writer) Write(ctx context.Context, m bus.Message) error {
	ack := m.AckOrNone()
	trace := ""
	if w.cfg.Traces != nil {
		trace, _ = w.cfg.Traces.Take(m.Article)
	}
	if trace == "" {
		trace = NewTraceID()
	}
	msg, err := Encode(m.Article, trace)
	if err != nil {
		return w.refuse(ctx, m.Article.ID, ack, err)
	}
	kw := w.small
	if raw := len(msg.Key) + len(msg.Value) + recordOverhead; raw > w.cfg.MaxMessageBytes {
		size, err := compressedSize(msg, w.cfg.Compression)
		if err != nil {
			return fmt.Errorf("kafkabus: measure %s: %w", m.Article.ID, err)
		}
		if size > w.cfg.MaxMessageBytes {
			w.log.Warn("article too large for the broker; dead-lettered", "id", m.Article.ID, "url", m.Article.URL,
				"bytes", raw, "compressed", size, "limit", w.cfg.MaxMessageBytes)
			return w.refuse(ctx, m.Article.ID, ack, fmt.Errorf("%w: %d bytes, %d compressed, limit %d", ErrTooLarge, raw, size, w.cfg.MaxMessageBytes))
		}
		kw = w.large
	}
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.sem
		return bus.ErrClosed
	}
	w.wg.Add(1)
	w.mu.Unlock()
	msg.WriterData = &pending{ack: ack, id: m.Article.ID}
	if err := w.submit(ctx, kw, msg); err != nil {
		// Not queued, so kafka-go will not call back for it: it goes back
		// to the caller, who can hand it back to its source.
		<-w.sem
		w.wg.Done()
		return fmt.Errorf("kafkabus: write %s to %s: %w", m.Article.ID, w.cfg.Topic, err)
	}
	return nil
}

// refuse settles a message Write takes but cannot send with the reason.
// The message is settled either way, so a failure of the settlement (a
// dead letter that could not be stored) is its source's to handle, not the
// caller's: it is logged, and Write reports success.
func (w *Writer) refuse(ctx context.Context, id string, ack bus.AckFunc, reason error) error {
	if err := ack(ctx, reason); err != nil {
		w.log.Error("settle refused message", "id", id, "reason", reason, "err", err)
	}
	return nil
}

// submit hands msg to kw, retrying errors that happen before the message
// is queued (metadata lookups fail while the broker is down), until ctx
// ends or the writer gives up waiting in Close.
func (w *Writer) submit(ctx context.Context, kw *kafka.Writer, msg kafka.Message) error {
	for attempt := 0; ; attempt++ {
		err := kw.WriteMessages(ctx, msg)
		if err == nil {
			return nil
		}
		if !w.backoff(ctx, attempt) {
			return err
		}
		w.log.Warn("produce failed; retrying", "err", err, "attempt", attempt+1)
	}
}

// backoff sleeps before retry attempt; false means give up.
func (w *Writer) backoff(ctx context.Context, attempt int) bool {
	d := min(100*time.Millisecond<<min(attempt, 5), 3*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-w.stop:
	}
	return false
}

// abandon gives msg up unstored and hands it back to its source
// (bus.ErrRedeliver), which delivers it again.
func (w *Writer) abandon(msg kafka.Message, err error) {
	p := msg.WriterData.(*pending)
	w.log.Error("giving up on message; its source will deliver it again", "id", p.id, "err", err)
	if aerr := p.ack(context.Background(), fmt.Errorf("%w: not stored in %s: %w", bus.ErrRedeliver, w.cfg.Topic, err)); aerr != nil {
		w.log.Error("hand back unstored message", "id", p.id, "err", aerr)
	}
	<-w.sem
	w.wg.Done()
}

// completed is kafka-go's callback for an asynchronously written batch.
func (w *Writer) completed(msgs []kafka.Message, err error) {
	for _, msg := range msgs {
		p, ok := msg.WriterData.(*pending)
		if !ok {
			continue
		}
		switch {
		case err == nil:
			if aerr := p.ack(context.Background(), nil); aerr != nil {
				w.log.Error("settle stored message", "id", p.id, "err", aerr)
			}
		case errors.Is(err, kafka.MessageSizeTooLarge):
			if aerr := p.ack(context.Background(), fmt.Errorf("%w: broker refused: %v", ErrTooLarge, err)); aerr != nil {
				w.log.Error("settle refused message", "id", p.id, "err", aerr)
			}
		default:
			// Retry on a fresh goroutine: kafka-go calls us from its own.
			p.attempts++
			// kafka-go hands completed messages back with their topic
			// filled in, and a writer with a topic of its own refuses
			// messages that name one, so it is cleared for the retry.
			msg.Topic = ""
			go func(msg kafka.Message, attempt int) {
				if !w.backoff(context.Background(), attempt) {
					w.abandon(msg, err)
					return
				}
				w.log.Warn("produce failed; retrying", "id", p.id, "err", err, "attempt", attempt)
				kw := w.small
				if len(msg.Value)+len(msg.Key)+recordOverhead > w.cfg.MaxMessageBytes {
					kw = w.large
				}
				if err := w.submit(context.Background(), kw, msg); err != nil {
					w.abandon(msg, err)
				}
			}(msg, p.attempts)
			continue
		}
		<-w.sem
		w.wg.Done()
	}
}

// InFlight reports messages written and not yet stored.
func (w *Writer) InFlight() int { return len(w.sem) }

// Close waits until every written message is stored and settled, or ctx
// ends (those still unstored are left unsettled for redelivery), then
// closes the connections.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err := fmt.Errorf("kafkabus: %d messages to %s not stored: %w", len(w.sem), w.cfg.Topic, ctx.Err())
		w.once.Do(func() { close(w.stop) })
		// kafka-go's Close would wait for the batches still retrying.
		go func() { w.small.Close(); w.large.Close() }()
		return err
	}
	w.once.Do(func() { close(w.stop) })
	return errors.Join(w.small.Close(), w.large.Close())
}
