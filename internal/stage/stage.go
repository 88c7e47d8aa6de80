// Package stage runs one pipeline step: read a message from the bus, do one
// job on its article, then hand it on or settle it.
package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Processor does a stage's one job on an article, in place. An error fails
// that article only; the stage goes on with the next.
type Processor interface {
	Process(ctx context.Context, a *article.Article) error
}

// ProcessorFunc adapts a function to Processor.
type ProcessorFunc func(ctx context.Context, a *article.Article) error

// Process calls f.
func (f ProcessorFunc) Process(ctx context.Context, a *article.Article) error { return f(ctx, a) }

// Stats counts what a stage did. Safe for concurrent use.
type Stats struct {
	Done   atomic.Int64
	Failed atomic.Int64
}

// Stage connects a reader, a processor and, unless the stage is a sink, a
// writer.
type Stage struct {
	Name    string
	In      bus.Reader
	Proc    Processor
	Out     bus.Writer // nil for a sink: messages are acknowledged after Proc
	Workers int        // concurrent Process calls; < 1 means 1
	Logger  *slog.Logger
	Stats   *Stats // optional
}

// Run processes messages until In is closed and drained or ctx ends. It
// returns nil on a drained input, ctx.Err() on cancellation, and the error of
// the bus otherwise. Messages in flight when ctx ends are handed back
// (bus.ErrRedeliver), so an at-least-once source delivers them again.
func (s *Stage) Run(ctx context.Context) error {
	workers := max(s.Workers, 1)
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("stage", s.Name)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m, err := s.In.Read(ctx)
				if errors.Is(err, bus.ErrClosed) {
					return
				}
				if err != nil {
					if ctx.Err() == nil {
						fail(fmt.Errorf("%s: read: %w", s.Name, err))
					}
					return
				}
				if err := s.handle(ctx, log, m); err != nil {
					if ctx.Err() == nil {
						fail(err)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// handle processes one message. It returns an error only when the bus
// itself failed; a failed article is settled with its error instead.
func (s *Stage) handle(ctx context.Context, log *slog.Logger, m bus.Message) error {
	ack := m.Ack
	if err := s.Proc.Process(ctx, m.Article); err != nil {
		if ctx.Err() != nil {
			// Cancelled mid-article: hand it back to be delivered again.
			if aerr := ack(ctx, fmt.Errorf("%s: %w: %w", s.Name, bus.ErrRedeliver, ctx.Err())); aerr != nil {
				log.Warn("hand back unfinished article", "id", m.Article.ID, "err", aerr)
			}
			return nil
		}
		s.count(false)
		log.Warn("article failed", "id", m.Article.ID, "url", m.Article.URL, "err", err)
		if aerr := ack(ctx, fmt.Errorf("%s: %w", s.Name, err)); aerr != nil {
			return fmt.Errorf("%s: settle failed article %s: %w", s.Name, m.Article.ID, aerr)
		}
		return nil
	}
	if s.Out != nil {
		if err := s.Out.Write(ctx, bus.Message{Article: m.Article, Ack: ack}); err != nil {
			// A refused message is still ours: hand it back to its source
			// rather than leave it holding its place there.
			err = fmt.Errorf("%s: write %s: %w", s.Name, m.Article.ID, err)
			if aerr := ack(ctx, fmt.Errorf("%w: %w", bus.ErrRedeliver, err)); aerr != nil {
				log.Warn("hand back unwritten article", "id", m.Article.ID, "err", aerr)
			}
			return err
		}
	} else if err := ack(ctx, nil); err != nil {
		return fmt.Errorf("%s: ack %s: %w", s.Name, m.Article.ID, err)
	}
	s.count(true)
	return nil
}

func (s *Stage) count(ok bool) {
	if s.Stats == nil {
		return
	}
	if ok {
		s.Stats.Done.Add(1)
	} else {
		s.Stats.Failed.Add(1)
	}
}
