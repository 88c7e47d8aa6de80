package reindex_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/reindex"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite/sqlitetest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// stores are the two stores with the sink that writes into each, as
// cmd/wirewatch wires them. Elasticsearch is skipped without
// WIREWATCH_TEST_ES.
var stores = []struct {
	name string
	o    storetest.Options
	sink func(s storetest.Store) reindex.Sink
}{
	{"SQLite", sqlitetest.Options(), func(s storetest.Store) reindex.Sink {
		// Small batches, so that a run writes several and settles some
		// articles while others are still read.
		return reindex.BatchSink(s.(sqlitetest.Store).Store, reindex.BatchConfig{Size: 4, Linger: 20 * time.Millisecond})
	}},
	{"Elasticsearch", elastictest.Options(), func(s storetest.Store) reindex.Sink {
		return indexer.NewBulk(s.(elastictest.Store).Store, indexer.BulkConfig{FlushInterval: 20 * time.Millisecond})
	}},
}

var (
	exOnce sync.Once
	ex     *extractor.Extractor
	exErr  error
)

// tagger is the real extractor, loaded once for the package's tests.
func tagger(t testing.TB) *extractor.Extractor {
	t.Helper()
	exOnce.Do(func() { ex, exErr = extractor.New(extractor.Options{Figures: figures.Extract}) })
	if exErr != nil {
		t.Fatal(exErr)
	}
	return ex
}

// untagged returns n articles stored as a build without withdrawal events
// left them: each body announces a withdrawal, and no article has events.
func untagged(n int) []*article.Article {
	var out []*article.Article
	for i := range n {
		body := fmt.Sprintf("Ruritania will withdraw its %d troops from Novigrad, the defence minister said on Monday.", 100+i)
		out = append(out, storetest.Mk(fmt.Sprintf("/world/%d", i), "news.example.org", fmt.Sprintf("Ruritania to withdraw troops %d", i), body, storetest.T0.Add(time.Duration(i)*time.Minute)))
	}
	return out
}

// search returns the ids the store finds for q.
func search(t *testing.T, s storetest.Store, q string) map[string]bool {
	t.Helper()
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(context.Background(), query.MustParse(q), 1000)
	if err != nil {
		t.Fatalf("search %s: %v", q, err)
	}
	out := map[string]bool{}
	for _, h := range hits {
		out[h.ID] = true
	}
	return out
}

// TestRetag writes back articles stored before the detector found their
// events: tagged again, each is found by event:new-withdrawal, keeps its
// version (fetched_at), url, title and body, and a document that does not
// decode is left as it is and counted, while the others go on.
func TestRetag(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.o.Open(t)
			docs := untagged(5)
			plain := storetest.Mk("/cash", "news.example.org", "Banks", "A cash withdrawal of $200 was made at the bank.", storetest.T0)
			storetest.Put(t, s, append(docs, plain)...)
			bad := storetest.Raw{ID: strings.Repeat("0", 32), URL: "https://news.example.org/bad", FetchedAt: storetest.T0, JSON: []byte(`{"id": "` + strings.Repeat("0", 32) + `", "url": 7}`)}
			skipped := 0
			if err := st.o.PutRaw(t, s, bad); err == nil {
				skipped = 1
			}
			if got := search(t, s, "event:withdrawal"); len(got) != 0 {
				t.Fatalf("before: event:withdrawal finds %d articles", len(got))
			}

			p, err := reindex.Run(ctx, s, st.sink(s), reindex.Job{Retag: tagger(t), Workers: 2, Parallel: 2})
			if err != nil {
				t.Fatal(err)
			}
			want := reindex.Progress{Total: len(docs) + 1 + skipped, Read: len(docs) + 1, Skipped: skipped, Written: len(docs) + 1, EventsChanged: len(docs)}
			if p.Total != want.Total || p.Read != want.Read || p.Skipped != want.Skipped || p.Written != want.Written || p.Failed != 0 || p.EventsChanged != want.EventsChanged {
				t.Errorf("progress %+v, want %+v", p, want)
			}
			found := search(t, s, "event:new-withdrawal event.actor:Ruritania event.kind:military")
			for _, a := range docs {
				if !found[a.ID] {
					t.Errorf("%s: not found by its events after the reindex", a.URL)
				}
				got, err := s.Get(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !got.FetchedAt.Equal(a.FetchedAt) || got.URL != a.URL || got.Title != a.Title || got.Body != a.Body {
					t.Errorf("%s: written back as %s %s %q, want the stored version", a.URL, got.FetchedAt, got.URL, got.Title)
				}
			}
			if found[plain.ID] {
				t.Error("the cash withdrawal is tagged a withdrawal")
			}
		})
	}
}

// TestWriteBackOlderDocuments writes back, without tagging, documents an
// older build stored without what this build indexes beside them (stored
// behind the store's back, as PutRaw does): afterwards free text finds them
// the event actors facet counts an actor that names no entity under its
// country, and a name filter and event.actor: find a name without its
// accents, as for an article stored now.
func TestWriteBackOlderDocuments(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.o.Open(t)
			body := "Ruritania's defence ministry will withdraw its troops from Novigrad, Mesut Özil said. Özil's club pulled out of the cup."
			a := storetest.Mk("/old", "news.example.org", "Older", body, storetest.T0, article.Entity{Type: article.Person, Canonical: "Mesut Özil"})
			a.Events = []article.Event{
				storetest.Event(body, "withdraw", "military", "announced", true, storetest.Actor(body, "Ruritania's defence ministry", "", "RU")),
				// An actor that tells neither an entity nor a country: not
				// counted in the facet.
				storetest.Event(body, "pulled out", "sports", "announced", true, storetest.Actor(body, "Özil's club", "", "")),
			}
			doc, err := article.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.o.PutRaw(t, s, storetest.Raw{ID: a.ID, URL: a.URL, FetchedAt: a.FetchedAt, JSON: doc}); err != nil {
				t.Fatal(err)
			}
			if got := search(t, s, `troops OR person:ozil OR event.actor:"ozil's club"`); got[a.ID] {
				t.Fatal("the older document is found by free text, its name or its actor before it is written back; the test stores it as this build would")
			}

			p, err := reindex.Run(ctx, s, st.sink(s), reindex.Job{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Written != 1 || p.EventsChanged != 0 || p.Resume != a.ID {
				t.Errorf("progress %+v, want 1 written, no events changed, resume after %s", p, a.ID)
			}
			if got := search(t, s, "troops"); !got[a.ID] {
				t.Error("free text does not find the written-back document")
			}
			if got := search(t, s, "person:ozil"); !got[a.ID] {
				t.Error("person:ozil does not find the written-back document")
			}
			if got := search(t, s, `event.actor:"ozil's club" event.kind:sports`); !got[a.ID] {
				t.Error(`event.actor:"ozil's club" event.kind:sports does not find the written-back document`)
			}
			f, err := s.Facets(ctx, query.MustParse(""), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.EventActors) != 1 || f.EventActors[0] != (query.Count{Value: "Russia", Count: 1}) {
				t.Errorf("event actors %v, want Russia=1", f.EventActors)
			}
		})
	}
}

// stopAfter is a sink that is handed n articles, waits until they are
// written and then cancels the run, as an operator's ^C would, while more
// articles wait to be read and tagged. ids are the articles it was handed.
type stopAfter struct {
	sink   reindex.Sink
	n      int
	cancel context.CancelFunc

	mu         sync.Mutex
	delivered  int
	ids        map[string]bool
	written    atomic.Int64
	allWritten chan struct{}
}

func (s *stopAfter) Run(ctx context.Context, in bus.Reader) error {
	s.allWritten = make(chan struct{})
	s.ids = map[string]bool{}
	return s.sink.Run(ctx, stopReader{in: in, s: s})
}

type stopReader struct {
	in bus.Reader
	s  *stopAfter
}

func (r stopReader) Read(ctx context.Context) (bus.Message, error) {
	s := r.s
	s.mu.Lock()
	if s.delivered == s.n {
		s.mu.Unlock()
		select {
		case <-s.allWritten:
		case <-ctx.Done():
		}
		s.cancel()
		<-ctx.Done()
		return bus.Message{}, ctx.Err()
	}
	m, err := r.in.Read(ctx)
	if err != nil {
		s.mu.Unlock()
		return m, err
	}
	s.delivered++
	s.ids[m.Article.ID] = true
	s.mu.Unlock()
	ack := m.Ack
	m.Ack = func(ctx context.Context, err error) error {
		aerr := ack(ctx, err)
		if err == nil && s.written.Add(1) == int64(s.n) {
			close(s.allWritten)
		}
		return aerr
	}
	return m, nil
}

// TestResume interrupts a run and continues it after Progress.Resume: the
// resume point is the last of the articles written in a row from the
// first, in id order (tagged on three workers, the first 15 to reach the
// sink need not be the first 15 read, and the first article may not be
// among them: then there is none), every article ends up tagged, none of
// those before the resume point is read again, and a run that starts after
// the last id reads nothing.
func TestResume(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.o.Open(t)
			docs := untagged(40)
			storetest.Put(t, s, docs...)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := &stopAfter{sink: st.sink(s), n: 15, cancel: cancel}
			first, err := reindex.Run(ctx, s, stop, reindex.Job{Retag: tagger(t), Workers: 3})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v, want context.Canceled", err)
			}
			ids := make([]string, 0, len(docs))
			for _, a := range docs {
				ids = append(ids, a.ID)
			}
			slices.Sort(ids)
			resume := ""
			for _, id := range ids {
				if !stop.ids[id] {
					break
				}
				resume = id
			}
			if first.Written != 15 || first.Resume != resume {
				t.Fatalf("interrupted run %+v: want the 15 articles handed to the sink written, and the resume point %q", first, resume)
			}
			second, err := reindex.Run(context.Background(), s, st.sink(s), reindex.Job{Retag: tagger(t), After: first.Resume, Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			before := 0
			for _, a := range docs {
				if a.ID <= first.Resume {
					before++
				}
			}
			if second.Read != len(docs)-before || second.Failed != 0 {
				t.Errorf("resumed run %+v: want the %d articles after %s", second, len(docs)-before, first.Resume)
			}
			if got := search(t, s, "event:new-withdrawal"); len(got) != len(docs) {
				t.Errorf("%d of %d articles tagged after the two runs", len(got), len(docs))
			}
			last, err := reindex.Run(context.Background(), s, st.sink(s), reindex.Job{After: second.Resume})
			if err != nil || last.Read != 0 || last.Resume != second.Resume {
				t.Errorf("a run after the end: %+v, %v; want nothing read", last, err)
			}
		})
	}
}
