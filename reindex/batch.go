package reindex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// BatchStore is a store that writes many articles in one transaction; the
// embedded store (sqlite.Store) is one.
type BatchStore interface {
	// PutBatch stores every article of as, each as the version its
	// fetched_at makes it (a newer stored version wins), or, when it
	// returns an error, none of them. A batch of one is one article's
	// write.
	PutBatch(ctx context.Context, as []*article.Article) error
}

// BatchConfig bounds the batches of a BatchSink. The zero value is the
// defaults.
type BatchConfig struct {
	// Size is the most articles written in one transaction (default 200).
	Size int
	// Linger is how long a batch waits for more articles after its first
	// one before it is written anyway (default 100 ms): the longest an
	// article waits for others when the input is slow.
	Linger time.Duration
	// Workers is how many batches are collected and written at once
	// (default 2): the store encodes and analyses one batch while it
	// writes another.
	Workers int
	// Logger is where failed batches are logged (default slog.Default).
	Logger *slog.Logger
}

// Defaults of BatchConfig, chosen with BenchmarkReindex.
const (
	DefaultBatchSize    = 200
	DefaultBatchLinger  = 100 * time.Millisecond
	DefaultBatchWorkers = 2
)

func (c BatchConfig) withDefaults() BatchConfig {
	if c.Size <= 0 {
		c.Size = DefaultBatchSize
	}
	if c.Linger <= 0 {
		c.Linger = DefaultBatchLinger
	}
	if c.Workers <= 0 {
		c.Workers = DefaultBatchWorkers
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// BatchSink returns a sink that writes the articles it reads into st in
// batches, each article checked first as the indexer checks it
// (indexer.Prepare). An article is acknowledged only once the batch that
// holds it is committed. When a batch fails, its articles are written
// again one at a time, so that only the one that cannot be written fails,
// and is acknowledged with its error. When ctx ends, the articles not yet
// committed are handed back (bus.ErrRedeliver). Run returns nil once its
// input is closed and every article read is settled, ctx's error when it
// ends, and the bus's error otherwise.
func BatchSink(st BatchStore, cfg BatchConfig) Sink {
	return batchSink{st: st, cfg: cfg.withDefaults()}
}

type batchSink struct {
	st  BatchStore
	cfg BatchConfig
}

func (s batchSink) Run(parent context.Context, in bus.Reader) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	// One reader hands the messages to the workers, so that a worker
	// lingering over a batch waits on a timer, not inside Read.
	msgs := make(chan bus.Message)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		readErr <- s.read(ctx, in, msgs)
	}()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range s.cfg.Workers {
		wg.Go(func() {
			if err := s.work(ctx, msgs); err != nil {
				errOnce.Do(func() { firstErr = err; cancel() })
			}
		})
	}
	wg.Wait()
	// The workers are gone: a message the reader still holds is handed
	// back once it sees ctx end.
	cancel()
	rerr := <-readErr
	switch {
	case firstErr != nil:
		return firstErr
	case rerr != nil:
		return rerr
	}
	return parent.Err()
}

// read passes the messages of in to msgs until in is drained (then it
// returns nil), fails, or ctx ends.
func (s batchSink) read(ctx context.Context, in bus.Reader, msgs chan<- bus.Message) error {
	for {
		m, err := in.Read(ctx)
		if errors.Is(err, bus.ErrClosed) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("reindex write: read: %w", err)
		}
		select {
		case msgs <- m:
		case <-ctx.Done():
			s.handBack(ctx, []bus.Message{m})
			return nil
		}
	}
}

// work collects batches from msgs and writes them until msgs is closed or
// ctx ends. It returns an error only when a message cannot be settled.
func (s batchSink) work(ctx context.Context, msgs <-chan bus.Message) error {
	for {
		batch, more := s.collect(ctx, msgs)
		if err := s.write(ctx, batch); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

// collect returns the next batch: the first message, whenever it comes,
// and those that follow until the batch is full or Linger has passed
// since the first. more is false once msgs is closed or ctx has ended.
func (s batchSink) collect(ctx context.Context, msgs <-chan bus.Message) (batch []bus.Message, more bool) {
	select {
	case m, ok := <-msgs:
		if !ok {
			return nil, false
		}
		batch = append(batch, m)
	case <-ctx.Done():
		return nil, false
	}
	linger := time.NewTimer(s.cfg.Linger)
	defer linger.Stop()
	for len(batch) < s.cfg.Size {
		select {
		case m, ok := <-msgs:
			if !ok {
				return batch, false
			}
			batch = append(batch, m)
		case <-linger.C:
			return batch, true
		case <-ctx.Done():
			return batch, false
		}
	}
	return batch, true
}

// write stores batch and settles each of its messages: with nil once the
// transaction that wrote it is committed, with the error of an article
// that cannot be checked or written, and, when ctx ends first, handed
// back.
func (s batchSink) write(ctx context.Context, batch []bus.Message) error {
	if ctx.Err() != nil {
		s.handBack(ctx, batch)
		return nil
	}
	var ready []bus.Message
	var as []*article.Article
	for _, m := range batch {
		if err := indexer.Prepare(m.Article); err != nil {
			if err := settle(ctx, m, err); err != nil {
				return err
			}
			continue
		}
		ready = append(ready, m)
		as = append(as, m.Article)
	}
	if len(ready) == 0 {
		return nil
	}
	err := s.st.PutBatch(ctx, as)
	switch {
	case err == nil:
		for _, m := range ready {
			if err := settle(ctx, m, nil); err != nil {
				return err
			}
		}
		return nil
	case ctx.Err() != nil:
		s.handBack(ctx, ready)
		return nil
	case len(ready) == 1:
		return settle(ctx, ready[0], err)
	}
	// Which article failed is the store's business; writing each alone
	// finds it without losing the others.
	s.cfg.Logger.Warn("reindex: a batch was not written; writing its articles one at a time", "articles", len(ready), "err", err)
	for i, m := range ready {
		err := s.st.PutBatch(ctx, as[i:i+1])
		if err != nil && ctx.Err() != nil {
			s.handBack(ctx, ready[i:])
			return nil
		}
		if err := settle(ctx, m, err); err != nil {
			return err
		}
	}
	return nil
}

// settle acknowledges m with err (nil: written).
func settle(ctx context.Context, m bus.Message, err error) error {
	if aerr := m.Ack(ctx, err); aerr != nil {
		return fmt.Errorf("reindex write: settle article %s: %w", m.Article.ID, aerr)
	}
	return nil
}

// handBack returns unwritten messages to their source, which delivers them
// again: they have neither been written nor failed.
func (s batchSink) handBack(ctx context.Context, ms []bus.Message) {
	for _, m := range ms {
		if err := m.Ack(ctx, fmt.Errorf("reindex write: %w: %w", bus.ErrRedeliver, ctx.Err())); err != nil {
			s.cfg.Logger.Warn("reindex: hand back unwritten article", "id", m.Article.ID, "err", err)
		}
	}
}
