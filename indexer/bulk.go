package indexer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Index is the Elasticsearch index the bulk sink writes into; the
// Elasticsearch store (store/elastic) is one. The sink owns batching,
// retries and acknowledgements; the index owns the document's layout.
type Index interface {
	// Client is the client bulk requests are sent through.
	Client() *elasticsearch.Client
	// WriteAlias names the index or alias documents are written to.
	WriteAlias() string
	// EncodeVersioned returns a's document, its external version and the
	// version type, so that a write of an older version of a loses to a
	// newer one (a 409 the sink counts as stale). An error means a cannot
	// be indexed at all, and is final.
	EncodeVersioned(a *article.Article) (doc []byte, version int64, versionType string, err error)
}

// BulkConfig tunes the Elasticsearch bulk sink. The defaults come from
// BenchmarkIndex on a small node; see README.md in store/elastic.
type BulkConfig struct {
	// Workers is the number of concurrent bulk requests (default 2).
	Workers int
	// FlushBytes sends a bulk request once a worker holds this much
	// (default 2 MiB).
	FlushBytes int
	// FlushInterval sends what a worker holds at least this often, which
	// bounds the delay before a message is acknowledged (default 1 s).
	FlushInterval time.Duration
	// MaxInFlight bounds the messages read but not yet acknowledged; when
	// it is reached, Run stops reading (default 4096).
	MaxInFlight int
	// MinBackoff and MaxBackoff bound the wait before a retry, which
	// doubles from MinBackoff per attempt (defaults 200 ms and 10 s).
	MinBackoff, MaxBackoff time.Duration
	// OnRequest, when set, is called after each bulk request with the
	// time from sending it to the start of Elasticsearch's answer (the
	// answer is sent once the bulk is done), failed requests included.
	// It is how a caller records bulk latency without this package
	// knowing the caller's metrics.
	OnRequest func(time.Duration)
	Logger    *slog.Logger
}

// Defaults of BulkConfig, chosen with BenchmarkIndex.
const (
	DefaultBulkWorkers    = 2
	DefaultBulkFlushBytes = 2 << 20
)

func (c BulkConfig) withDefaults() BulkConfig {
	if c.Workers <= 0 {
		c.Workers = DefaultBulkWorkers
	}
	if c.FlushBytes <= 0 {
		c.FlushBytes = DefaultBulkFlushBytes
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 4096
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 200 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(10*time.Second, c.MinBackoff)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// BulkStats counts what a Bulk sink has done.
type BulkStats struct {
	// Indexed messages were written and acknowledged.
	Indexed uint64
	// Stale messages were older than the stored article and acknowledged
	// without a write.
	Stale uint64
	// Failed messages were acknowledged with an error (dead-lettered).
	Failed uint64
	// Retries counts items sent again after a 429, a 5xx or a lost
	// connection.
	Retries uint64
}

// Bulk is the index stage for Elasticsearch: it reads tagged articles and
// writes them with the bulk API. Each message is acknowledged exactly once:
// with nil when Elasticsearch has stored it or holds a newer version, with
// an error carrying Elasticsearch's reason when it fails for good. Throttling
// (429), server errors and unreachable nodes are retried with backoff for as
// long as the context lives, so while the cluster is down nothing is
// acknowledged and, once MaxInFlight messages wait, nothing more is read.
type Bulk struct {
	index Index
	cfg   BulkConfig

	indexed, stale, failed, retries atomic.Uint64
}

// NewBulk returns a sink writing into ix.
func NewBulk(ix Index, cfg BulkConfig) *Bulk {
	return &Bulk{index: ix, cfg: cfg.withDefaults()}
}

// Stats returns the counters so far.
func (b *Bulk) Stats() BulkStats {
	return BulkStats{Indexed: b.indexed.Load(), Stale: b.stale.Load(), Failed: b.failed.Load(), Retries: b.retries.Load()}
}

// job is one message on its way through the bulk indexer.
type job struct {
	m           bus.Message
	doc         []byte
	version     int64
	versionType string
	attempts    int
}

// run is the state of one Run call.
type run struct {
	b       *Bulk
	bi      esutil.BulkIndexer
	ctx     context.Context
	slots   chan struct{} // one per message in flight
	pending sync.WaitGroup
}

// Run indexes messages from in until in is closed and drained (then it
// returns nil once every message read is acknowledged), in fails, or ctx
// ends. In the last two cases it returns without retrying further:
// messages not yet indexed are handed back with bus.ErrRedeliver, and their
// source delivers them again.
func (b *Bulk) Run(ctx context.Context, in bus.Reader) error {
	var client esapi.Transport = b.index.Client()
	if b.cfg.OnRequest != nil {
		client = timedTransport{next: client, observe: b.cfg.OnRequest}
	}
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client:        client,
		Index:         b.index.WriteAlias(),
		NumWorkers:    b.cfg.Workers,
		FlushBytes:    b.cfg.FlushBytes,
		FlushInterval: b.cfg.FlushInterval,
		FilterPath:    []string{"items.*.status", "items.*.error", "items.*._id"},
		RequireAlias:  true,
		OnError: func(_ context.Context, err error) {
			b.cfg.Logger.Warn("elasticsearch bulk request failed; items will be retried", "err", err)
		},
	})
	if err != nil {
		return fmt.Errorf("bulk index: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &run{b: b, bi: bi, ctx: ctx, slots: make(chan struct{}, b.cfg.MaxInFlight)}
	readErr := r.read(in)
	if readErr != nil {
		// The input failed (or ctx ended): retrying what is in flight would
		// only hold the error back, so those items are handed back now
		// and their source delivers them again.
		cancel()
	} else {
		// The input is drained: send what the workers hold now rather than
		// at the next FlushInterval. Items retried later are flushed by
		// the interval.
		if err := bi.Flush(ctx); err != nil {
			b.cfg.Logger.Warn("elasticsearch bulk flush failed; items will be retried", "err", err)
		}
	}
	r.pending.Wait()
	// Every item has been settled or abandoned, so nothing is re-added
	// after Close.
	closeCtx, closeCancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer closeCancel()
	if err := bi.Close(closeCtx); err != nil && readErr == nil {
		readErr = fmt.Errorf("bulk index: close: %w", err)
	}
	return readErr
}

// timedTransport reports the duration of each request it performs. The
// bulk indexer sends only bulk requests through its client, so each is one
// bulk request.
type timedTransport struct {
	next    esapi.Transport
	observe func(time.Duration)
}

func (t timedTransport) Perform(r *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.next.Perform(r)
	t.observe(time.Since(start))
	return res, err
}

func (r *run) read(in bus.Reader) error {
	// Encoding an article is the sink's own CPU cost; encoders on every
	// core keep it off the path of the single reading loop.
	jobs := make(chan *job)
	var encoders sync.WaitGroup
	for range max(runtime.GOMAXPROCS(0), 1) {
		encoders.Add(1)
		go func() {
			defer encoders.Done()
			for j := range jobs {
				r.encodeAndAdd(j)
			}
		}()
	}
	defer func() {
		close(jobs)
		encoders.Wait()
	}()
	for {
		select {
		case r.slots <- struct{}{}:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
		m, err := in.Read(r.ctx)
		if err != nil {
			<-r.slots
			if errors.Is(err, bus.ErrClosed) {
				return nil
			}
			return fmt.Errorf("bulk index: read: %w", err)
		}
		r.pending.Add(1)
		j := &job{m: m}
		select {
		case jobs <- j:
		case <-r.ctx.Done():
			r.abandon(j)
			return r.ctx.Err()
		}
	}
}

// encodeAndAdd encodes j's article and hands it to the bulk indexer; an
// article that cannot be encoded fails on its own.
func (r *run) encodeAndAdd(j *job) {
	var err error
	j.doc, j.version, j.versionType, err = r.b.index.EncodeVersioned(j.m.Article)
	if err != nil {
		r.settle(j, fmt.Errorf("index: %w", err))
		return
	}
	r.add(j)
}

// add hands j to the bulk indexer; it blocks while the workers' queues are
// full.
func (r *run) add(j *job) {
	v := j.version
	err := r.bi.Add(r.ctx, esutil.BulkIndexerItem{
		Action:      "index",
		DocumentID:  j.m.Article.ID,
		Version:     &v,
		VersionType: j.versionType,
		Body:        bytes.NewReader(j.doc),
		OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) {
			r.b.indexed.Add(1)
			r.settle(j, nil)
		},
		OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
			r.failure(j, res, err)
		},
	})
	if err != nil { // only when ctx ended
		r.abandon(j)
	}
}

// failure decides between done (stale), retry and failed for good.
//
// A failed request (no answer, or a non-2xx answer to the whole bulk) is
// retried: it says something about the cluster or the credentials, not the
// article, so dead-lettering would lose good articles. The exception is 413:
// an article too large for the cluster; the bulk indexer sends an item
// larger than FlushBytes on its own, so only that article fails.
//
// Per item, 409 means a newer version is stored; 429 and 5xx are retried,
// and so is 404 (the alias is missing: writes require it, so that a deleted
// alias never turns into an index with dynamic mappings); anything else,
// such as a 400 mapping rejection, fails the message with the reason.
func (r *run) failure(j *job, res esutil.BulkIndexerResponseItem, err error) {
	id := j.m.Article.ID
	if err != nil {
		status := requestStatus(err)
		if status == http.StatusRequestEntityTooLarge {
			r.b.failed.Add(1)
			r.settle(j, fmt.Errorf("index article %s: %w", id, err))
			return
		}
		r.retry(j, status, err)
		return
	}
	switch st := res.Status; {
	case st == http.StatusConflict:
		r.b.stale.Add(1)
		r.settle(j, nil)
	case st == http.StatusTooManyRequests || st == http.StatusNotFound || st >= 500:
		r.retry(j, st, errors.New(res.Error.Type+": "+res.Error.Reason))
	default:
		r.b.failed.Add(1)
		reason := res.Error.Type + ": " + clip(res.Error.Reason, 400)
		if res.Error.Cause.Reason != "" {
			reason += " (caused by " + res.Error.Cause.Type + ": " + clip(res.Error.Cause.Reason, 400) + ")"
		}
		r.settle(j, fmt.Errorf("index article %s: elasticsearch rejected it with status %d: %s", id, st, reason))
	}
}

// requestStatus extracts the HTTP status from the bulk indexer's error for
// a failed request ("flush: [503 Service Unavailable] ..."); 0 means no
// answer was received.
func requestStatus(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "[")
	if i < 0 || !strings.HasPrefix(msg, "flush: [") {
		return 0
	}
	end := strings.IndexByte(msg[i:], ' ')
	if end < 0 {
		return 0
	}
	st, perr := strconv.Atoi(msg[i+1 : i+end])
	if perr != nil {
		return 0
	}
	return st
}

// retry re-adds j after a backoff. It runs on its own goroutine: the bulk
// indexer calls OnFailure from a worker, and Add from there could wait on
// that very worker's queue.
func (r *run) retry(j *job, status int, cause error) {
	j.attempts++
	r.b.retries.Add(1)
	d := backoff(r.b.cfg.MinBackoff, r.b.cfg.MaxBackoff, j.attempts)
	if j.attempts == 1 || j.attempts%10 == 0 {
		r.b.cfg.Logger.Info("elasticsearch write will be retried", "id", j.m.Article.ID, "status", status, "err", cause, "attempt", j.attempts, "in", d)
	}
	go func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			r.add(j)
		case <-r.ctx.Done():
			r.abandon(j)
		}
	}()
}

// backoff is min·2^(attempt-1), capped at max, with up to 25% jitter so that
// many items retried together do not arrive together.
func backoff(minD, maxD time.Duration, attempt int) time.Duration {
	d := minD
	for i := 1; i < attempt && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// settle acknowledges j's message and frees its slot. The ack gets Run's
// ctx: an ack that waits (a dead letter while Kafka is down) must end when
// the drain is aborted, leaving the message unsettled for redelivery.
func (r *run) settle(j *job, err error) {
	if aerr := j.m.Ack(r.ctx, err); aerr != nil {
		r.b.cfg.Logger.Error("acknowledging message failed", "id", j.m.Article.ID, "err", aerr)
	}
	if err != nil {
		r.b.cfg.Logger.Warn("article not indexed", "err", err)
	}
	r.pending.Done()
	<-r.slots
}

// abandon hands j's message back unindexed (bus.ErrRedeliver) when Run's
// ctx ends, so that its source delivers it again, and frees its slot.
func (r *run) abandon(j *job) {
	if aerr := j.m.Ack(r.ctx, fmt.Errorf("index article %s: %w: %w", j.m.Article.ID, bus.ErrRedeliver, r.ctx.Err())); aerr != nil {
		r.b.cfg.Logger.Warn("handing back unindexed message failed", "id", j.m.Article.ID, "err", aerr)
	}
	r.pending.Done()
	<-r.slots
}

// clip shortens s to about n bytes: Elasticsearch quotes the offending
// value in its reason, and a dead letter needs the reason, not the value.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
