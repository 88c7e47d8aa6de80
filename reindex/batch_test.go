package reindex_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/reindex"
	"github.com/wirewatch/wirewatch/store/sqlite/sqlitetest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestBatchSinkFailedArticle writes back articles in one batch of which
// the store refuses one: that one fails and is counted, every other is
// written (tagged again, found by its events), and the resume point is
// past them all.
func TestBatchSinkFailedArticle(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Options().Open(t).(sqlitetest.Store)
	docs := untagged(10)
	storetest.Put(t, s, docs...)
	bad := docs[3]
	// The store refuses to write the bad article again, as it would an
	// article it cannot hold.
	if err := s.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE UPDATE ON articles WHEN new.id = '`+bad.ID+`'
			BEGIN SELECT RAISE(ABORT, 'refused'); END`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// One worker and a batch larger than the run: the bad article is
	// written in the same transaction as all the others.
	sink := reindex.BatchSink(s.Store, reindex.BatchConfig{Size: 100, Linger: time.Minute, Workers: 1})
	p, err := reindex.Run(ctx, s, sink, reindex.Job{Retag: tagger(t), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	last := slices.MaxFunc(docs, func(a, b *article.Article) int { return strings.Compare(a.ID, b.ID) })
	if p.Written != len(docs)-1 || p.Failed != 1 || p.Resume != last.ID {
		t.Errorf("progress %+v, want %d written, 1 failed, resume after %s", p, len(docs)-1, last.ID)
	}
	found := search(t, s, "event:new-withdrawal")
	for _, a := range docs {
		if found[a.ID] == (a == bad) {
			t.Errorf("%s: found by its events: %v", a.URL, found[a.ID])
		}
	}
}

// fakeStore records the batches it is asked to write. failMany fails a
// batch of more than one article at once. block makes PutBatch wait for
// ctx to end; it then fails with ctx's error, or, with commitLate,
// succeeds, as a commit that ends just as ctx does.
type fakeStore struct {
	failMany, block, commitLate bool
	entered                     chan struct{} // closed when PutBatch first blocks

	mu        sync.Mutex
	batches   [][]string
	committed map[string]bool
	once      sync.Once
}

func newFakeStore() *fakeStore {
	return &fakeStore{entered: make(chan struct{}), committed: map[string]bool{}}
}

func (f *fakeStore) PutBatch(ctx context.Context, as []*article.Article) error {
	if f.failMany && len(as) > 1 {
		return errors.New("refused")
	}
	if f.block {
		f.once.Do(func() { close(f.entered) })
		<-ctx.Done()
		if !f.commitLate {
			return fmt.Errorf("store %d articles: %w", len(as), ctx.Err())
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
		f.committed[a.ID] = true
	}
	f.batches = append(f.batches, ids)
	return nil
}

func (f *fakeStore) sizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n []int
	for _, b := range f.batches {
		n = append(n, len(b))
	}
	return n
}

// acks records how each message was settled, and whether its article was
// committed at that moment.
type acks struct {
	st *fakeStore

	mu      sync.Mutex
	errs    map[string][]error
	early   []string // acknowledged as written before the store committed it
	settled chan struct{}
	want    int
}

func newAcks(st *fakeStore, want int) *acks {
	return &acks{st: st, errs: map[string][]error{}, settled: make(chan struct{}), want: want}
}

func (k *acks) ack(id string) bus.AckFunc {
	return func(_ context.Context, err error) error {
		k.st.mu.Lock()
		committed := k.st.committed[id]
		k.st.mu.Unlock()
		k.mu.Lock()
		defer k.mu.Unlock()
		if err == nil && !committed {
			k.early = append(k.early, id)
		}
		k.errs[id] = append(k.errs[id], err)
		if len(k.errs) == k.want && len(k.errs[id]) == 1 {
			close(k.settled)
		}
		return nil
	}
}

// articles returns n valid articles, the one at invalid (if any) with an
// entity outside its body, which the indexer's checks refuse.
func articles(n, invalid int) []*article.Article {
	var out []*article.Article
	for i := range n {
		a := storetest.Mk(fmt.Sprintf("/b/%d", i), "news.example.org", "Title", "Body text.", storetest.T0.Add(time.Duration(i)*time.Second))
		if i == invalid {
			a.Entities = []article.Entity{{Type: article.Person, Text: "Nobody", Start: 0, End: 99}}
		}
		out = append(out, a)
	}
	return out
}

// TestBatchSinkBatches checks how articles are grouped and settled: no
// batch is larger than Size, a batch is written after Linger while the
// input stays open, an article the indexer's checks refuse fails alone,
// and no article is acknowledged before the store has committed it.
func TestBatchSinkBatches(t *testing.T) {
	for _, c := range []struct {
		name      string
		cfg       reindex.BatchConfig
		n         int
		invalid   int  // index of an invalid article, -1 for none
		keepOpen  bool // settle every article before the input is closed
		wantSizes []int
	}{
		{"size bounds a batch", reindex.BatchConfig{Size: 4, Linger: time.Hour, Workers: 1}, 10, -1, false, []int{4, 4, 2}},
		{"linger bounds the wait", reindex.BatchConfig{Size: 100, Linger: 20 * time.Millisecond, Workers: 1}, 3, -1, true, []int{3}},
		{"an invalid article fails alone", reindex.BatchConfig{Size: 100, Linger: time.Hour, Workers: 1}, 5, 2, false, []int{4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st := newFakeStore()
			k := newAcks(st, c.n)
			in := bus.NewMemory(c.n)
			docs := articles(c.n, c.invalid)
			for _, a := range docs {
				if err := in.Write(ctx, bus.Message{Article: a, Ack: k.ack(a.ID)}); err != nil {
					t.Fatal(err)
				}
			}
			if !c.keepOpen {
				in.Close()
			}
			done := make(chan error, 1)
			go func() { done <- reindex.BatchSink(st, c.cfg).Run(ctx, in) }()
			select {
			case <-k.settled:
			case <-time.After(10 * time.Second):
				t.Fatal("not every article was settled")
			}
			in.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := st.sizes(); !slices.Equal(got, c.wantSizes) {
				t.Errorf("batches of %v articles, want %v", got, c.wantSizes)
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			if len(k.early) > 0 {
				t.Errorf("acknowledged before the commit: %v", k.early)
			}
			for i, a := range docs {
				errs := k.errs[a.ID]
				if len(errs) != 1 || (errs[0] != nil) != (i == c.invalid) {
					t.Errorf("article %d settled with %v", i, errs)
				}
			}
		})
	}
}

// TestBatchSinkCancel ends the context while a batch waits for more
// articles, while it is written, and while the articles of a failed batch
// are written one at a time: Run returns context.Canceled and every
// article not committed is handed back, neither written nor failed, while
// a batch the store committed as the context ended counts as written.
func TestBatchSinkCancel(t *testing.T) {
	for _, c := range []struct {
		name        string
		failMany    bool // the store fails the batch
		block       bool // the store waits for the context to end
		commitLate  bool // and then commits
		wantBatches int
	}{
		{"while lingering", false, false, false, 0},
		{"while writing", false, true, false, 0},
		{"while writing one at a time", true, true, false, 0},
		{"committed as it ends", false, true, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 5
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := newFakeStore()
			st.failMany, st.block, st.commitLate = c.failMany, c.block, c.commitLate
			k := newAcks(st, n)
			in := bus.NewMemory(n)
			for _, a := range articles(n, -1) {
				if err := in.Write(ctx, bus.Message{Article: a, Ack: k.ack(a.ID)}); err != nil {
					t.Fatal(err)
				}
			}
			// The input stays open: only the context ends the run. A
			// batch of all the articles is written at once; a larger
			// one waits for more.
			cfg := reindex.BatchConfig{Size: n + 1, Linger: time.Hour, Workers: 1}
			if c.block {
				cfg.Size = n
			}
			done := make(chan error, 1)
			go func() { done <- reindex.BatchSink(st, cfg).Run(ctx, in) }()
			if c.block {
				<-st.entered
			} else {
				for in.Len() > 0 {
					time.Sleep(time.Millisecond)
				}
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run = %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after the context ended")
			}
			if got := len(st.sizes()); got != c.wantBatches {
				t.Errorf("%d batches committed, want %d", got, c.wantBatches)
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			if len(k.errs) != n {
				t.Fatalf("%d of %d articles settled", len(k.errs), n)
			}
			for id, errs := range k.errs {
				want := "handed back"
				ok := len(errs) == 1 && errors.Is(errs[0], bus.ErrRedeliver)
				if c.commitLate {
					want, ok = "written", len(errs) == 1 && errs[0] == nil
				}
				if !ok {
					t.Errorf("%s settled with %v, want %s", id, errs, want)
				}
			}
		})
	}
}
