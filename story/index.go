package story

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"
)

// Entry is one article's fingerprint with the story it was assigned.
type Entry struct {
	ArticleID string
	StoryID   string
	FetchedAt time.Time
	Fingerprint
}

// Index stores fingerprints for candidate lookup. The store behind it owns
// the atomicity: an Assigner reads candidates and writes its decision in one
// Update, so that two copies of a story processed at the same time, in one
// process or in several sharing the store, cannot both found a new story.
type Index interface {
	// Update runs fn in one transaction that is serialised with every
	// other Update on the same index. If fn fails, nothing it added is
	// kept.
	Update(ctx context.Context, fn func(ctx context.Context, tx IndexTx) error) error
}

// IndexTx is the view of an Index inside Update.
type IndexTx interface {
	// Get returns the entry of an article already in the index; the
	// returned entry's Bands and Sig may be left out.
	Get(ctx context.Context, articleID string) (e Entry, ok bool, err error)
	// Lookup returns the entries fetched at or after since that share at
	// least one band hash with bands.
	Lookup(ctx context.Context, bands []uint64, since time.Time) ([]Entry, error)
	// Add stores e under its band hashes, replacing the entry the article
	// had, if any, bands and all.
	Add(ctx context.Context, e Entry) error
}

// Expirer is an Index whose old entries can be deleted, which is what
// keeps it from growing for ever (see Pruner).
type Expirer interface {
	// Newest returns the latest FetchedAt in the index, zero if it is
	// empty.
	Newest(ctx context.Context) (time.Time, error)
	// Expire deletes up to limit entries fetched before before, oldest
	// first, in one transaction, and returns how many it deleted.
	Expire(ctx context.Context, before time.Time, limit int) (int, error)
}

// MemIndex is an in-memory Index, for tests and for runs that need no
// memory of earlier runs. The zero value is ready to use.
type MemIndex struct {
	mu      sync.Mutex
	entries map[string]Entry
	bands   map[uint64][]string
}

// Update runs fn under the index's lock. Entries added by a failing fn are
// dropped.
func (m *MemIndex) Update(ctx context.Context, fn func(context.Context, IndexTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.entries == nil {
		m.entries = map[string]Entry{}
		m.bands = map[uint64][]string{}
	}
	tx := &memTx{m: m}
	if err := fn(ctx, tx); err != nil {
		return err
	}
	for _, e := range tx.added {
		m.remove(e.ArticleID)
		m.entries[e.ArticleID] = e
		for _, b := range e.Bands {
			m.bands[b] = append(m.bands[b], e.ArticleID)
		}
	}
	return nil
}

// remove drops an article's entry and its bands; called with mu held.
func (m *MemIndex) remove(id string) {
	old, ok := m.entries[id]
	if !ok {
		return
	}
	delete(m.entries, id)
	for _, b := range old.Bands {
		ids := slices.DeleteFunc(m.bands[b], func(x string) bool { return x == id })
		if len(ids) == 0 {
			delete(m.bands, b)
		} else {
			m.bands[b] = ids
		}
	}
}

// Newest returns the latest FetchedAt in the index.
func (m *MemIndex) Newest(ctx context.Context) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var t time.Time
	for _, e := range m.entries {
		if e.FetchedAt.After(t) {
			t = e.FetchedAt
		}
	}
	return t, ctx.Err()
}

// Expire deletes up to limit entries fetched before before, oldest first.
func (m *MemIndex) Expire(ctx context.Context, before time.Time, limit int) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var old []Entry
	for _, e := range m.entries {
		if e.FetchedAt.Before(before) {
			old = append(old, e)
		}
	}
	sort.Slice(old, func(i, j int) bool { return earlier(old[i], old[j]) })
	old = old[:min(len(old), limit)]
	for _, e := range old {
		m.remove(e.ArticleID)
	}
	return len(old), nil
}

// Len returns the number of entries.
func (m *MemIndex) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

type memTx struct {
	m     *MemIndex
	added []Entry
}

func (t *memTx) Get(_ context.Context, id string) (Entry, bool, error) {
	for _, e := range slices.Backward(t.added) {
		if e.ArticleID == id {
			return e, true, nil
		}
	}
	e, ok := t.m.entries[id]
	return e, ok, nil
}

func (t *memTx) Lookup(_ context.Context, bands []uint64, since time.Time) ([]Entry, error) {
	seen := map[string]bool{}
	var out []Entry
	for _, b := range bands {
		for _, id := range t.m.bands[b] {
			if seen[id] {
				continue
			}
			seen[id] = true
			if e := t.m.entries[id]; !e.FetchedAt.Before(since) {
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ArticleID < out[j].ArticleID })
	return out, nil
}

func (t *memTx) Add(_ context.Context, e Entry) error {
	t.added = append(t.added, e)
	return nil
}
