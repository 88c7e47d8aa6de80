// Package reindex writes stored articles back into their store, so that
// what a newer build derives from an article reaches the articles stored
// before it: the fields a store indexes beside the article (Elasticsearch's
// analysed search fields, the values the event actors facet counts) and,
// when asked, the extractor's tags (entities, figures and withdrawal
// events found again by this build's models and rules).
//
// It reads like the pipeline it borrows from:
//
//	store (Source, id order) → retag (Tagger, optional) → store (Sink)
//
// Each article is written back with its own fetched_at, so a store keeps it
// as the same version, and an article fetched again meanwhile (a newer
// version) wins. No story is recomputed and no alert fires: an article
// written back is not news.
package reindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirewatch/wirewatch/internal/stage"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/scan"
)

// Source reads a store's articles in bulk; both stores implement it.
type Source interface {
	// Export calls fn with pages of the stored documents matching r whose
	// ids sort after r.After, in id order, one call at a time and from the
	// calling goroutine, and returns fn's first error at once.
	Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error
	// ExportCount returns how many articles match r, positions aside; it
	// only feeds the progress.
	ExportCount(ctx context.Context, r scan.Request) (int, error)
}

// Tagger tags an article again in place, replacing its entities, figures
// and events (extractor.Extractor). It must be safe for concurrent use.
type Tagger interface {
	Tag(ctx context.Context, a *article.Article) error
}

// Sink writes the articles it reads into the store, each as the version its
// fetched_at makes it, and settles every message: with nil once the store
// holds it (or a newer version of it), with an error when it cannot be
// written. Run returns nil once the input is closed and every message read
// is settled, and an error when it cannot go on. indexer.Bulk is the sink
// for Elasticsearch, BatchSink the one for the embedded store.
type Sink interface {
	Run(ctx context.Context, in bus.Reader) error
}

// Job says what to write back and how.
type Job struct {
	// Query selects the articles, as search does; the zero Query selects
	// every article.
	Query query.Query
	// After continues an earlier run: only articles whose ids sort after
	// it are read ("" for all). Progress.Resume is the value to pass.
	After string
	// Retag, when not nil, tags each article again before it is written.
	Retag Tagger
	// Workers is how many articles are tagged at once (default: the number
	// of processors).
	Workers int
	// Parallel is how many ranges of ids a store may read at once (see
	// scan.Request; the embedded store reads one).
	Parallel int
	// Every is how often OnProgress is called (default 2 s); OnProgress,
	// when set, is also called once at the end.
	Every      time.Duration
	OnProgress func(Progress)
	Logger     *slog.Logger
}

// Progress counts what a run has done so far.
type Progress struct {
	// Total is how many articles match, -1 when the store could not say.
	Total int
	// Read articles were read and decoded; Skipped documents could not be
	// decoded and are left as they are.
	Read, Skipped int
	// Written articles are stored again (or a newer version of them is);
	// Failed ones could not be tagged or written.
	Written, Failed int
	// EventsChanged counts the articles whose withdrawal events the
	// tagging changed (with Job.Retag).
	EventsChanged int
	// Resume is the id after which a later run with Job.After continues:
	// every article up to it is settled (written, failed or skipped). ""
	// before the first.
	Resume  string
	Elapsed time.Duration
}

// Run writes back every article the job selects: read from src, tagged
// again when the job says so, written to sink. It returns when all are
// settled, or with the first error of the source, the sink or ctx; the
// last Progress tells where to continue. Articles that cannot be decoded,
// tagged or written are counted and logged, and the rest go on.
func Run(ctx context.Context, src Source, sink Sink, job Job) (Progress, error) {
	log := job.Logger
	if log == nil {
		log = slog.Default()
	}
	workers := job.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	every := job.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	req := scan.Request{Query: job.Query, After: job.After, Parallel: max(job.Parallel, 1)}
	r := &run{start: time.Now(), log: log, total: -1, ids: map[int64]string{}, settled: map[int64]bool{}, resume: job.After}
	if n, err := src.ExportCount(ctx, req); err == nil {
		r.total = n
	} else if ctx.Err() == nil {
		log.Warn("reindex: cannot count the articles; progress shows no total", "err", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := bus.NewMemory(256)
	toSink := read
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	if job.Retag != nil {
		tagged := bus.NewMemory(256)
		toSink = tagged
		retag := &stage.Stage{Name: "reindex-retag", In: read, Proc: stage.ProcessorFunc(func(ctx context.Context, a *article.Article) error {
			return r.retag(ctx, job.Retag, a)
		}), Out: tagged, Workers: workers, Logger: log}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer tagged.Close()
			if err := retag.Run(ctx); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := sink.Run(ctx, toSink); err != nil {
			errs <- fmt.Errorf("write: %w", err)
			cancel()
		}
	}()
	stop := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if job.OnProgress != nil {
					job.OnProgress(r.progress())
				}
			}
		}
	}()

	readErr := src.Export(ctx, req, func(p scan.Page) error {
		for _, d := range p.Docs {
			seq := r.next(d.ID)
			a, err := article.Unmarshal(d.JSON)
			if err != nil {
				r.skipped.Add(1)
				log.Warn("reindex: article skipped: its stored document does not decode", "id", d.ID, "err", err)
				r.settle(seq)
				continue
			}
			r.read.Add(1)
			m := bus.Message{Article: a, Ack: r.ack(seq, a.ID)}
			if err := read.Write(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	read.Close()
	if readErr != nil {
		cancel()
	}
	wg.Wait()
	close(stop)
	<-ticked
	close(errs)
	err := readErr
	if err != nil {
		err = fmt.Errorf("read: %w", err)
	}
	for e := range errs {
		if err == nil || errors.Is(err, context.Canceled) {
			err = e
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	p := r.progress()
	if job.OnProgress != nil {
		job.OnProgress(p)
	}
	return p, err
}

// run is the state of one Run.
type run struct {
	start                                         time.Time
	log                                           *slog.Logger
	total                                         int
	read, skipped, written, failed, eventsChanged atomic.Int64

	// The resume point: articles are numbered in the order read (which is
	// id order); resume is the id of the last of the settled ones that
	// follow each other from the first.
	mu      sync.Mutex
	seq     int64 // the next number to give
	low     int64 // every number below it is settled
	ids     map[int64]string
	settled map[int64]bool
	resume  string
}

// next numbers the next document read.
func (r *run) next(id string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.seq
	r.seq++
	r.ids[n] = id
	return n
}

// settle records that document n is done with and moves the resume point
// past every document settled in a row.
func (r *run) settle(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settled[n] = true
	for r.settled[r.low] {
		r.resume = r.ids[r.low]
		delete(r.settled, r.low)
		delete(r.ids, r.low)
		r.low++
	}
}

// ack is the acknowledgement of article n: written, or failed for good. A
// message handed back (bus.ErrRedeliver, when the run stops) is neither,
// and keeps the resume point before it.
func (r *run) ack(n int64, id string) bus.AckFunc {
	return bus.Once(func(_ context.Context, err error) error {
		switch {
		case err == nil:
			r.written.Add(1)
		case errors.Is(err, bus.ErrRedeliver):
			return nil
		default:
			r.failed.Add(1)
			r.log.Warn("reindex: article not written", "id", id, "err", err)
		}
		r.settle(n)
		return nil
	})
}

// retag tags a again and counts it when its events changed.
func (r *run) retag(ctx context.Context, t Tagger, a *article.Article) error {
	before, err := json.Marshal(a.Events)
	if err != nil {
		return err
	}
	if err := t.Tag(ctx, a); err != nil {
		return err
	}
	after, err := json.Marshal(a.Events)
	if err != nil {
		return err
	}
	if string(before) != string(after) {
		r.eventsChanged.Add(1)
	}
	return nil
}

func (r *run) progress() Progress {
	r.mu.Lock()
	resume := r.resume
	r.mu.Unlock()
	return Progress{
		Total: r.total, Read: int(r.read.Load()), Skipped: int(r.skipped.Load()),
		Written: int(r.written.Load()), Failed: int(r.failed.Load()), EventsChanged: int(r.eventsChanged.Load()),
		Resume: resume, Elapsed: time.Since(r.start),
	}
}
