// Package indexer is the last stage of the pipeline: it writes tagged
// articles into a store, the embedded SQLite file or Elasticsearch.
package indexer

import (
	"context"
	"fmt"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Store is where the indexer writes. Put must be idempotent and must never
// let an older version of an article (by fetched_at) replace a newer one,
// because the bus delivers at least once and not always in order.
type Store interface {
	Put(ctx context.Context, a *article.Article) error
}

// Syncer is a Store whose Put may return before the write is durable: the
// SQLite store commits with synchronous=NORMAL, which a power cut can undo.
// Sync makes every Put so far durable; a Kafka index role calls it before
// it commits offsets, so that no committed message's article is lost.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Indexer writes articles to a store.
type Indexer struct {
	store Store
}

// New returns an indexer writing to s.
func New(s Store) *Indexer { return &Indexer{store: s} }

// Process validates a and stores it.
func (ix *Indexer) Process(ctx context.Context, a *article.Article) error {
	if err := Prepare(a); err != nil {
		return err
	}
	return ix.store.Put(ctx, a)
}

// Prepare normalizes a and checks the invariants every store relies on, as
// Process does before it stores a; an error means a must not be stored. A
// sink that writes to a store its own way (in batches) calls it for each
// article.
func Prepare(a *article.Article) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}
