package story

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

const (
	// PruneBatch is how many fingerprints one pruning transaction deletes
	// at most: small enough that assignments waiting on the index's write
	// lock are held up for milliseconds, not for the whole backlog.
	PruneBatch = 500
	// PruneEvery is how often Run prunes. Fingerprints leave the window at
	// the rate articles arrive, so each round has little to do.
	PruneEvery = 10 * time.Minute
)

// Pruner deletes fingerprints that have left the retention window, so that
// the index stops growing with the age of the crawl. It works beside the
// Assigner, never in the path of an article.
type Pruner struct {
	index     Expirer
	retention time.Duration
	log       *slog.Logger
}

// NewPruner returns a Pruner over index with opts.Retention.
func NewPruner(index Expirer, opts Options) *Pruner {
	opts.defaults()
	return &Pruner{index: index, retention: opts.Retention, log: opts.Logger}
}

// Cutoff is the fetch time before which fingerprints are pruned: Retention
// before the newest fingerprint or now, whichever is earlier. Counting from
// the newest fingerprint keeps a replay of old articles from pruning what it
// has just added; capping it at now keeps one article with a clock far
// ahead from emptying the index.
func (p *Pruner) Cutoff(ctx context.Context, now time.Time) (time.Time, error) {
	newest, err := p.index.Newest(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("story prune: %w", err)
	}
	if newest.IsZero() {
		return time.Time{}, nil
	}
	if now.Before(newest) {
		newest = now
	}
	return newest.Add(-p.retention), nil
}

// Prune deletes every fingerprint fetched before Cutoff, PruneBatch at a
// time, and returns how many it deleted.
func (p *Pruner) Prune(ctx context.Context, now time.Time) (int, error) {
	cutoff, err := p.Cutoff(ctx, now)
	if err != nil || cutoff.IsZero() {
		return 0, err
	}
	total := 0
	for {
		n, err := p.index.Expire(ctx, cutoff, PruneBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("story prune: %w", err)
		}
		if n < PruneBatch {
			return total, nil
		}
	}
}

// Run prunes at once and then every PruneEvery until ctx ends. A failed
// round is logged and tried again at the next one: pruning late costs only
// disk space.
func (p *Pruner) Run(ctx context.Context) {
	t := time.NewTicker(PruneEvery)
	defer t.Stop()
	for {
		n, err := p.Prune(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			p.log.Warn("story fingerprints not pruned", "err", err)
		case n > 0:
			p.log.Info("story fingerprints pruned", "deleted", n, "retention", p.retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
