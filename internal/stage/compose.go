package stage

import (
	"context"
	"fmt"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

// Chain runs processors in order on each article; the first error stops
// the chain, so an article is never half handled by a later step.
func Chain(ps ...Processor) Processor {
	return ProcessorFunc(func(ctx context.Context, a *article.Article) error {
		for _, p := range ps {
			if err := p.Process(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// Through returns a reader that runs p on each message of in before handing
// it out. A message p fails is settled with the error and skipped, as a
// Stage would; it lets a sink that reads its own messages (the bulk
// indexer) have a processing step in front of it.
func Through(in bus.Reader, p Processor) bus.Reader {
	return &through{in: in, p: p}
}

type through struct {
	in bus.Reader
	p  Processor
}

func (t *through) Read(ctx context.Context) (bus.Message, error) {
	for {
		m, err := t.in.Read(ctx)
		if err != nil {
			return m, err
		}
		perr := t.p.Process(ctx, m.Article)
		if perr == nil {
			return m, nil
		}
		ack := m.Ack
		if ctx.Err() != nil {
			// Cancelled mid-article: hand it back to be delivered again.
			_ = ack(ctx, fmt.Errorf("%w: %w", bus.ErrRedeliver, ctx.Err()))
			return bus.Message{}, ctx.Err()
		}
		if err := ack(ctx, perr); err != nil {
			return bus.Message{}, err
		}
	}
}
