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
	// Durable, when set, is called before each commit and must make the
	// effects of every message settled so far durable, for a sink whose
	// writes are acknowledged before they reach the disk. When it fails,
	// nothing is committed until a later call succeeds.
	Durable func(context.Context) error
	Logger  *slog.Logger
}

// Reader consumes articles from a topic as a member of a consumer group.
// It commits an offset only when every message before it in its partition
// has been settled, and settles poison messages itself by dead-lettering
// them.
//
// It drives kafka-go's ConsumerGroup itself rather than using a group
// kafka.Reader, because it must know the generation each message was
// fetched in: a kafka.Reader hands out messages buffered under an
// assignment that has ended and commits every offset through the current
// generation, so a member could commit a partition it had lost, behind
// the offset its new owner had committed. Here each generation reads its
// partitions with a partition reader each, and commits through that
// generation only what was fetched and finished under it; the broker
// refuses commits of a generation that has ended. When a rebalance ends a
// generation, the reader stops handing out its messages and waits up to a
// third of SessionTimeout for those in flight, so that they are committed
// rather than processed again by their partition's next owner.
type Reader struct {
	cfg     ReaderConfig
	cg      *kafka.ConsumerGroup
	tracker *Tracker
	sem     chan struct{}
	log     *slog.Logger

	msgs    chan fetched // from the partition readers of the current generation
	errs    chan error   // errors no retry can heal, for Read
	runDone chan struct{}

	mu       sync.Mutex // serializes receive + track, so tracking is in fetch order
	stopOnce sync.Once
	stopped  chan struct{}
	fetchCtx context.Context
	cancel   context.CancelFunc

	commitNow chan struct{}
	finalMu   sync.Mutex
	finalErr  error // of the last commit of the last generation

	partsMu sync.Mutex
	parts   map[int]*assigned // partitions of the current generation

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
		log:  cfg.Logger.With("topic", cfg.Topic, "group", cfg.GroupID),
		msgs: make(chan fetched, cfg.MaxInFlight), errs: make(chan error, 1), runDone: make(chan struct{}),
		stopped: make(chan struct{}), commitNow: make(chan struct{}, 1),
	}
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID: cfg.GroupID, Brokers: cfg.Conn.Brokers, Dialer: cfg.Conn.dialer(), Topics: []string{cfg.Topic},
		StartOffset:       kafka.FirstOffset,
		HeartbeatInterval: cfg.SessionTimeout / 5, SessionTimeout: cfg.SessionTimeout,
		RebalanceTimeout: cfg.SessionTimeout, JoinGroupBackoff: time.Second,
		Logger: kafkaLogger(r.log, "kafka-go"), ErrorLogger: kafkaLogger(r.log, "kafka-go error"),
	})
	if err != nil {
		return nil, fmt.Errorf("kafkabus: consumer group %s: %w", cfg.GroupID, err)
	}
	r.cg = cg
	r.fetchCtx, r.cancel = context.WithCancel(context.Background())
	go r.run()
	return r, nil
}

// assigned is one partition of a generation and the reader of it.
type assigned struct {
	pr    *kafka.Reader
	start int64 // the group's committed offset when the generation began
}

// fetched is a message and the tracker generation it was fetched in.
type fetched struct {
	m   kafka.Message
	gen int
}

// run takes part in each generation of the group until the group is
// closed.
func (r *Reader) run() {
	defer close(r.runDone)
	for {
		gen, err := r.cg.Next(context.Background())
		if errors.Is(err, kafka.ErrGroupClosed) {
			return
		}
		if err != nil {
			// The group retries by itself, pacing its attempts.
			if permanent(err) {
				r.report(err)
			}
			r.log.Warn("joining the consumer group failed; retrying", "err", err)
			continue
		}
		r.assign(gen)
	}
}

// report hands an error no retry can heal to Read.
func (r *Reader) report(err error) {
	select {
	case r.errs <- err:
	default: // one is waiting already
	}
}

// assign starts the work of one generation: a commit loop and a reader
// per assigned partition, from the group's committed offset. All of them
// end with the generation; kafka-go waits for them before it joins the
// next one, and the tracker forgets the generation's offsets when the next
// one is assigned.
func (r *Reader) assign(gen *kafka.Generation) {
	g := r.tracker.Assign()
	parts := gen.Assignments[r.cfg.Topic]
	r.log.Debug("assigned", "generation", gen.ID, "partitions", len(parts))
	as := make(map[int]*assigned, len(parts))
	for _, pa := range parts {
		as[pa.ID] = &assigned{start: pa.Offset, pr: kafka.NewReader(kafka.ReaderConfig{
			Brokers: r.cfg.Conn.Brokers, Topic: r.cfg.Topic, Partition: pa.ID, Dialer: r.cfg.Conn.dialer(),
			MinBytes: 1, MaxBytes: 64 << 20, MaxWait: 250 * time.Millisecond, QueueCapacity: r.cfg.MaxInFlight,
			Logger: kafkaLogger(r.log, "kafka-go"), ErrorLogger: kafkaLogger(r.log, "kafka-go error"),
		})}
	}
	r.partsMu.Lock()
	r.parts = as
	r.partsMu.Unlock()
	gen.Start(func(ctx context.Context) { r.commitLoop(ctx, gen, g) })
	for id, a := range as {
		gen.Start(func(ctx context.Context) { r.readPartition(ctx, g, id, a) })
	}
}

// readPartition feeds the messages of one assigned partition to Read until
// ctx (the generation) ends. Errors are retried, not returned: the
// partition reader reconnects by itself (a broker restart surfaces as
// "failed to dial"), and a function of the generation that returns would
// end the generation. Only errors no retry can heal (see permanent) are
// reported to Read.
func (r *Reader) readPartition(ctx context.Context, gen, id int, a *assigned) {
	pr := a.pr
	defer pr.Close()
	if err := pr.SetOffset(a.start); err != nil {
		r.log.Error("cannot start reading partition", "partition", id, "offset", a.start, "err", err)
		<-ctx.Done()
		return
	}
	var failing time.Time // when the current run of errors began
	for attempt := 0; ; {
		m, err := pr.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if permanent(err) {
				r.report(fmt.Errorf("fetch %s: %w", r.cfg.Topic, err))
			}
			if failing.IsZero() {
				failing = time.Now()
			}
			wait := fetchBackoff(attempt)
			attempt++
			r.log.Warn("fetch failed; retrying", "partition", id, "err", err, "errors", attempt,
				"failing_for", time.Since(failing).Round(time.Millisecond), "retry_in", wait)
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		if !failing.IsZero() {
			r.log.Info("fetching again", "partition", id, "after", time.Since(failing).Round(time.Millisecond), "errors", attempt)
			failing, attempt = time.Time{}, 0
		}
		select {
		case r.msgs <- fetched{m: m, gen: gen}:
		case <-ctx.Done():
			return
		}
	}
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
// An Ack with bus.ErrRedeliver hands the message back: it is not
// committed, and its partition is read again from the last commit, so Read
// returns it again; so is a message whose dead letter could not be stored.
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
	for {
		m, tok, err := r.fetch(ctx)
		if err != nil {
			<-r.sem
			return bus.Message{}, err
		}
		a, trace, derr := Decode(m)
		if derr != nil {
			if err := r.deadLetter(ctx, m, tok, derr); err != nil {
				r.readAgain(m, tok, err)
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
			// stays uncommitted is read again, not held here.
			defer func() { <-r.sem }()
			switch {
			case err == nil:
				r.done(tok)
			case errors.Is(err, bus.ErrRedeliver):
				r.readAgain(m, tok, err)
			default:
				if derr := r.deadLetter(ctx, m, tok, err); derr != nil {
					r.readAgain(m, tok, derr)
					return derr
				}
			}
			return nil
		}
		return bus.Message{Article: a, Ack: bus.Once(settle)}, nil
	}
}

// fetch returns the next message of the current generation and its
// tracking token. Messages of a generation that has ended are dropped:
// their partitions are read again, from the group's committed offset, by
// whoever owns them now. Errors of the cluster are retried by the
// partition readers and the group; only errors no retry can heal (see
// permanent) are returned.
func (r *Reader) fetch(ctx context.Context) (kafka.Message, Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if r.fetchCtx.Err() != nil {
			return kafka.Message{}, Token{}, bus.ErrClosed
		}
		select {
		case f := <-r.msgs:
			if tok, ok := r.tracker.Fetched(f.gen, f.m.Partition, f.m.Offset); ok {
				return f.m, tok, nil
			}
		case err := <-r.errs:
			return kafka.Message{}, Token{}, fmt.Errorf("fetch %s: %w", r.cfg.Topic, err)
		case <-r.fetchCtx.Done():
			return kafka.Message{}, Token{}, bus.ErrClosed
		case <-ctx.Done():
			return kafka.Message{}, Token{}, ctx.Err()
		}
	}
}

// fetchBackoff is the pause after the attempt-th consecutive fetch error.
// It stays short because kafka-go paces its own reconnects; the pause only
// keeps a burst of queued errors from flooding the log.
func fetchBackoff(attempt int) time.Duration {
	return min(50*time.Millisecond<<min(attempt, 5), time.Second)
}

// permanent reports whether an error from the cluster is one that retrying
// cannot heal: the cluster refuses the credentials or the group's
// configuration. Fetches and one-off requests (retryTransient) share it.
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

// readAgain makes the partition of m, which will not be settled, be read
// again from its last commit. Its token stays pending in the tracker until
// then, so nothing is committed from m on, and the messages after m are
// delivered again too. A group reader could not seek; this one reads each
// partition with a reader of its own, which can.
func (r *Reader) readAgain(m kafka.Message, tok Token, cause error) {
	if r.fetchCtx.Err() != nil {
		return // stopping: the next reader of the partition gets m
	}
	from, ok := r.tracker.Rewind(tok)
	if !ok {
		return // its partition has been read again, or reassigned, since
	}
	r.partsMu.Lock()
	a := r.parts[m.Partition]
	r.partsMu.Unlock()
	if a == nil {
		return
	}
	if from < 0 {
		from = a.start
	}
	r.log.Warn("message not settled; reading its partition again from the last commit",
		"partition", m.Partition, "offset", m.Offset, "from", from, "err", cause)
	if err := a.pr.SetOffset(from); err != nil {
		// Only a closed reader refuses: the generation has ended, and the
		// partition's next reader starts from the commit anyway.
		r.log.Debug("partition reader closed before it could read again", "partition", m.Partition, "err", err)
	}
}

func (r *Reader) done(tok Token) {
	if r.tracker.Done(tok) && r.tracker.InFlight() == 0 {
		select { // idle: commit now rather than at the next tick
		case r.commitNow <- struct{}{}:
		default:
		}
	}
}

// commitLoop commits the completed prefix of gen's partitions every
// CommitInterval, and when the reader is idle, until the generation ends.
func (r *Reader) commitLoop(ctx context.Context, gen *kafka.Generation, g int) {
	t := time.NewTicker(r.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// The group still takes this generation's commits while it
			// prepares the next one, so what was finished under this
			// assignment is not delivered again; a rebalance first waits
			// a little for the messages in flight.
			if r.fetchCtx.Err() == nil {
				r.finishInFlight(g, r.cfg.SessionTimeout/3)
			}
			err := r.commit(gen, g)
			r.finalMu.Lock()
			r.finalErr = err
			r.finalMu.Unlock()
			return
		case <-t.C:
		case <-r.commitNow:
		}
		if err := r.commit(gen, g); err != nil {
			r.log.Warn("commit failed; will retry", "err", err)
		}
	}
}

// finishInFlight seals tracker generation g and waits up to limit for its
// messages in flight to be settled, so that they are committed under the
// generation that read them instead of being processed again by the next
// owner of their partition. The group waits for this member's rejoin up to
// the rebalance timeout (SessionTimeout), so limit stays well below it.
func (r *Reader) finishInFlight(g int, limit time.Duration) {
	r.tracker.Seal(g)
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for r.tracker.InFlight() > 0 {
		select {
		case <-deadline.C:
			r.log.Info("rebalance: messages still in flight will be delivered again", "count", r.tracker.InFlight())
			return
		case <-r.stopped:
			return
		case <-r.commitNow: // the last one was settled
		case <-poll.C:
		}
	}
}

// commit commits, through gen, the completed prefix of every partition
// fetched in tracker generation g.
func (r *Reader) commit(gen *kafka.Generation, g int) error {
	offs := r.tracker.Committable(g)
	if len(offs) == 0 {
		return nil
	}
	if r.cfg.Durable != nil {
		// offs were settled before this call, so it covers them.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := r.cfg.Durable(ctx)
		cancel()
		if err != nil {
			return fmt.Errorf("commit %s: settled messages not durable: %w", r.cfg.Topic, err)
		}
	}
	next := make(map[int]int64, len(offs))
	for p, off := range offs {
		next[p] = off + 1 // Kafka's committed offset is the next one to read
	}
	if err := gen.CommitOffsets(map[string]map[int]int64{r.cfg.Topic: next}); err != nil {
		return fmt.Errorf("commit %s in generation %d: %w", r.cfg.Topic, gen.ID, err)
	}
	for p, off := range offs {
		r.tracker.Committed(g, p, off)
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
// group, after a restart or a rebalance. If ctx ends first, Close returns
// its error and the group is left in the background.
func (r *Reader) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.Stop()
		// Closing the group ends the generation, whose commit loop makes
		// the final commit before the group is left; cg.Close returns once
		// that is done.
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			_ = r.cg.Close() // always nil
			<-r.runDone
		}()
		select {
		case <-closed:
		case <-ctx.Done():
			r.closeResult = fmt.Errorf("kafkabus: leave group %s: %w", r.cfg.GroupID, ctx.Err())
			return
		}
		if n := r.tracker.InFlight(); n > 0 {
			r.log.Warn("closing with unsettled messages; they will be delivered again", "count", n)
		}
		r.finalMu.Lock()
		r.closeResult = r.finalErr
		r.finalMu.Unlock()
	})
	return r.closeResult
}
