package crawler

import (
	"context"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// maxEmitting bounds the emitting set. Settled entries are dropped in bulk
// when it fills: by then the frontier's own Done state, written in batches a
// moment after the acknowledgement, answers for them.
const maxEmitting = 50_000

// startEmitting marks the article of canonical URL cu as emitted in this
// run; false means another URL of it already was.
func (c *Crawler) startEmitting(cu string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.emitting[cu] {
		return false
	}
	if len(c.emitting) >= maxEmitting {
		clear(c.emitting)
	}
	c.emitting[cu] = true
	return true
}

// doneEmitting forgets cu when its article failed or was never handed on,
// so that another URL of it may deliver it.
func (c *Crawler) doneEmitting(cu string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.emitting, cu)
}

// stateReader is the optional frontier lookup used to skip articles
// already emitted under their canonical URL.
type stateReader interface {
	State(ctx context.Context, url string) (frontier.State, bool, error)
}

func (c *Crawler) frontierState(ctx context.Context, u string) (frontier.State, bool, error) {
	if sr, ok := c.frontier.(stateReader); ok {
		return sr.State(ctx, u)
	}
	return "", false, nil
}
