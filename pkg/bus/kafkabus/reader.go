package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/bus"
)

// ReaderConfig configures a Reader.
type ReaderConfig struct {
	Conn    Conn
	Topic   string
	GroupID string // instances with one group id share the partitions
	Role    string // named in dead letters
	// MaxInFlight bounds messages fetched and not yet settled; Read
	// blocks when it is reached.
	MaxInFlight int
	// CommitInterval is how often the completed prefix is committed.
	CommitInterval time.Duration
	// SessionTimeout is how long the group waits for a silent member
	// (one killed with SIGKILL) before giving its partitions to others.
	SessionTimeout time.Duration
	// DeadLetters receives poison messages and those settled with an
	// error. Required.
	DeadLetters *DeadLetters
	// Traces, when set, receives each article's trace id for the Writer.
	Traces *Traces
	Logger *slog.Logger
}

// Reader consumes articles from a topic as a member of a consumer group.
// It commits an offset only when every message before it in its partition
// has been settled, and settles poison messages itself by dead-lettering
// them.
type Reader struct {
	cfg     ReaderConfig
	kr      *kafka.Reader
	tracker *Tracker
	sem     chan struct{}
	log     *slog.Logger

	mu       sync.Mutex // serializes fetch + track, so tracking is in fetch order
	stopOnce sync.Once
	stopped  chan struct{}
	fetchCtx context.Context
	cancel   context.CancelFunc

	commitNow  chan struct{}
	commitDone chan struct{}
	commitStop context.CancelFunc

	unsettledMu sync.Mutex
	unsettled   error // first message left unsettled; see ErrUnsettled

	// Poisoned counts messages dead-lettered at decode.
	Poisoned    atomic.Int64
	closeOnce   sync.Once
	closeResult error
}

// NewReader joins cfg.GroupID on cfg.Topic. A new group starts at the
// earliest offset, so nothing produced before the first consumer started
// is skipped.
func NewReader(cfg ReaderConfig) (*Reader, error) {
	if err := cfg.Conn.validate(); err != nil {
		return nil, err
	}
	if cfg.Topic == "" || cfg.GroupID == "" {
		return nil, errors.New("kafkabus: reader needs a topic and a group id")
	}
	if cfg.DeadLetters == nil {
		return nil, errors.New("kafkabus: reader needs a dead-letter producer")
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	if cfg.CommitInterval <= 0 {
		cfg.CommitInterval = time.Second
	}
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Reader{
		cfg: cfg, tracker: NewTracker(), sem: make(chan struct{}, cfg.MaxInFlight),
		log:     cfg.Logger.With("topic", cfg.Topic, "group", cfg.GroupID),
		stopped: make(chan struct{}), commitNow: make(chan struct{}, 1), commitDone: make(chan struct{}),
	}
	r.kr = kafka.NewReader(kafka.ReaderConfig{
		Brokers: cfg.Conn.Brokers, GroupID: cfg.GroupID, Topic: cfg.Topic, Dialer: cfg.Conn.dialer(),
		StartOffset: kafka.FirstOffset, MinBytes: 1, MaxBytes: 64 << 20, MaxWait: 250 * time.Millisecond,
		QueueCapacity:     cfg.MaxInFlight,
		HeartbeatInterval: cfg.SessionTimeout / 5, SessionTimeout: cfg.SessionTimeout,
		RebalanceTimeout: cfg.SessionTimeout, JoinGroupBackoff: time.Second,
		Logger: kafkaLogger(r.log, "kafka-go"), ErrorLogger: kafkaLogger(r.log, "kafka-go error"),
		// CommitInterval 0: CommitMessages commits synchronously; the
		// committer below decides when.
	})
	r.fetchCtx, r.cancel = context.WithCancel(context.Background())
	ctx, stop := context.WithCancel(context.Background())
	r.commitStop = stop
	go r.commitLoop(ctx)
	return r, nil
}

// kafkaLogger routes kafka-go's own log lines to log at debug level, or
// returns nil (no formatting cost) when debug logging is off. Its lines
// (joins, generations, per-partition reconnects) are what explains a
// consumer that stops making progress.
func kafkaLogger(log *slog.Logger, source string) kafka.Logger {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		return nil
	}
	return kafka.LoggerFunc(func(format string, args ...any) {
		log.Debug(strings.TrimSpace(fmt.Sprintf(format, args...)), "source", source)
	})
}

// Read returns the next decodable article. Its Ack must be called exactly
// once: nil commits it, an error dead-letters it and then commits it.
// An Ack with bus.ErrRedeliver hands the message back: it is not committed,
// and Read fails from then on with ErrUnsettled, as it does after an Ack
// whose dead letter could not be stored.
// After Stop, Read returns bus.ErrClosed. While the cluster is unreachable
// Read waits (logging each error) rather than failing, so a consumer rides
// through a broker restart; it fails only on errors no retry can heal,
// such as rejected credentials.
func (r *Reader) Read(ctx context.Context) (bus.Message, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return bus.Message{}, ctx.Err()
	case <-r.stopped:
		return bus.Message{}, bus.ErrClosed
	}
	if err := r.unsettledErr(); err != nil {
		<-r.sem
		return bus.Message{}, err
	}
	for {
		m, tok, err := r.fetch(ctx)
		if err != nil {
			<-r.sem
			return bus.Message{}, err
		}
		a, trace, derr := Decode(m)
		if derr != nil {
			if err := r.deadLetter(ctx, m, tok, derr); err != nil {
				r.leaveUnsettled(m, err)
				<-r.sem
				return bus.Message{}, err
			}
			r.Poisoned.Add(1)
			continue
		}
		if r.cfg.Traces != nil {
			r.cfg.Traces.Set(a, trace)
		}
		settle := func(ctx context.Context, err error) error {
			if r.cfg.Traces != nil {
				r.cfg.Traces.Forget(a)
			}
			// The slot is freed however the message ends: a message that
			// stays uncommitted is delivered again by a new reader, not by
			// holding its slot here.
			defer func() { <-r.sem }()
			switch {
			case err == nil:
				r.done(tok)
			case errors.Is(err, bus.ErrRedeliver):
				r.leaveUnsettled(m, err)
			default:
				if derr := r.deadLetter(ctx, m, tok, err); derr != nil {
					r.leaveUnsettled(m, derr)
					return derr
				}
			}
			return nil
		}
		return bus.Message{Article: a, Ack: bus.Once(settle)}, nil
	}
}

// fetch returns the next message and its tracking token. Errors of the
// cluster are retried, not returned: kafka-go's group reader reports them
// through FetchMessage while it keeps reconnecting and rejoining in the
// background (a broker restart surfaces as "failed to dial" and
// coordinator errors), and the next FetchMessage picks up where the group
// resumes. Giving up on them would end a consuming role on every broker
// outage. Only errors no retry can heal (see permanent) are returned.
func (r *Reader) fetch(ctx context.Context) (kafka.Message, Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.fetchCtx, cancel)
	defer stop()
	var failing time.Time // when the current run of errors began
	for attempt := 0; ; attempt++ {
		m, err := r.kr.FetchMessage(ctx)
		if err == nil {
			if !failing.IsZero() {
				r.log.Info("fetching again", "after", time.Since(failing).Round(time.Millisecond), "errors", attempt)
			}
			return m, r.tracker.Fetched(m.Partition, m.Offset), nil
		}
		if r.fetchCtx.Err() != nil {
			return m, Token{}, bus.ErrClosed
		}
		if ctx.Err() != nil {
			return m, Token{}, ctx.Err()
		}
		if permanent(err) {
			return m, Token{}, fmt.Errorf("fetch %s: %w", r.cfg.Topic, err)
		}
		if failing.IsZero() {
			failing = time.Now()
		}
		wait := fetchBackoff(attempt)
		r.log.Warn("fetch failed; retrying", "err", err, "errors", attempt+1,
			"failing_for", time.Since(failing).Round(time.Millisecond), "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if r.fetchCtx.Err() != nil {
				return m, Token{}, bus.ErrClosed
			}
			return m, Token{}, ctx.Err()
		}
	}
}

// fetchBackoff is the pause after the attempt-th consecutive fetch error.
// It stays short because kafka-go paces its own reconnects; the pause only
// keeps a burst of queued errors from flooding the log.
func fetchBackoff(attempt int) time.Duration {
	return min(50*time.Millisecond<<min(attempt, 5), time.Second)
}

// permanent reports whether a fetch error is one that retrying cannot
// heal: the cluster refuses the credentials or the group's configuration.
// Everything else (connection errors, coordinator moves, rebalances,
// leader elections) passes while the cluster recovers.
func permanent(err error) bool {
	var kerr kafka.Error
	if !errors.As(err, &kerr) {
		return false
	}
	switch kerr {
	case kafka.SASLAuthenticationFailed, kafka.UnsupportedSASLMechanism,
		kafka.TopicAuthorizationFailed, kafka.GroupAuthorizationFailed, kafka.ClusterAuthorizationFailed,
		kafka.InvalidGroupId, kafka.InvalidSessionTimeout, kafka.InconsistentGroupProtocol:
		return true
	}
	return false
}

func (r *Reader) deadLetter(ctx context.Context, m kafka.Message, tok Token, reason error) error {
	if err := r.cfg.DeadLetters.Send(ctx, m, Origin{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}, reason); err != nil {
		return err
	}
	r.done(tok)
	return nil
}

// leaveUnsettled records that m will not be settled by this reader. Its
// token stays pending in the tracker, so its partition commits nothing
// from m on; the first such message makes Read fail.
func (r *Reader) leaveUnsettled(m kafka.Message, cause error) {
	r.unsettledMu.Lock()
	defer r.unsettledMu.Unlock()
	r.log.Warn("message left unsettled; its partition commits nothing past it until a new reader takes over",
		"partition", m.Partition, "offset", m.Offset, "err", cause)
	if r.unsettled == nil {
		r.unsettled = fmt.Errorf("%w: partition %d offset %d of %s: %w", ErrUnsettled, m.Partition, m.Offset, r.cfg.Topic, cause)
	}
}

func (r *Reader) unsettledErr() error {
	r.unsettledMu.Lock()
	defer r.unsettledMu.Unlock()
	return r.unsettled
}

func (r *Reader) done(tok Token) {
	if r.tracker.Done(tok) && r.tracker.InFlight() == 0 {
		select { // idle: commit now rather than at the next tick
		case r.commitNow <- struct{}{}:
		default:
		}
	}
}

func (r *Reader) commitLoop(ctx context.Context) {
	defer close(r.commitDone)
	t := time.NewTicker(r.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.commitNow:
		}
		if err := r.commit(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("commit failed; will retry", "err", err)
		}
	}
}

// commit commits the completed prefix of every partition.
func (r *Reader) commit(ctx context.Context) error {
	offs := r.tracker.Committable()
	if len(offs) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, 0, len(offs))
	for p, off := range offs {
		msgs = append(msgs, kafka.Message{Topic: r.cfg.Topic, Partition: p, Offset: off})
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := r.kr.CommitMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("commit %s: %w", r.cfg.Topic, err)
	}
	for p, off := range offs {
		r.tracker.Committed(p, off)
	}
	return nil
}

// Stop makes Read return bus.ErrClosed; messages already read stay valid
// and are committed when settled. It is the first step of a graceful
// shutdown: stop fetching, finish in-flight work, then Close.
func (r *Reader) Stop() {
	r.stopOnce.Do(func() { close(r.stopped); r.cancel() })
}

// InFlight reports messages fetched and not yet settled.
func (r *Reader) InFlight() int { return len(r.sem) }

// Close stops fetching, commits what is settled and leaves the group. It
// does not wait for unsettled messages: those are delivered again, to this
// group, after a restart or a rebalance.
func (r *Reader) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.Stop()
		r.commitStop()
		<-r.commitDone
		err := r.commit(ctx)
		if n := r.tracker.InFlight(); n > 0 {
			r.log.Warn("closing with unsettled messages; they will be delivered again", "count", n)
		}
		r.closeResult = errors.Join(err, r.kr.Close())
	})
	return r.closeResult
}

// ErrUnsettled is returned by Read once a message was handed back
// unprocessed (bus.ErrRedeliver) or its dead letter could not be stored.
// Its partition cannot commit past it again, and a group reader cannot
// seek back to it, so the reader stops rather than go on handing out
// messages it can never commit; a new reader gets the message again.
var ErrUnsettled = errors.New("kafkabus: a message was left unsettled; restart the reader to have it delivered again")
