package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// storyBody is a body of words drawn from a seeded generator, so that two
// stories share no 5-word shingle while the copies of one story share all
// but their last sentence.
func storyBody(story, copy int) string {
	r := rand.New(rand.NewPCG(uint64(story), 7))
	words := strings.Fields("troops withdrawal ceasefire ministers talks border capital council leaders announced " +
		"agreement foreign fighters envoy sanctions vote parliament election protest court ruling budget economy " +
		"minister region forces government officials statement week monday deadline month plan")
	var b strings.Builder
	for i := range 150 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	fmt.Fprintf(&b, ".\n\nReported by outlet number %d for its readers.", copy)
	return b.String()
}

type sinkFunc func(context.Context, alert.Alert) error

func (f sinkFunc) Send(ctx context.Context, a alert.Alert) error { return f(ctx, a) }

// TestStoryRoleAcrossHosts runs the story role between the tagged topic and
// two index processes with stores of their own, as on two hosts: every copy
// of a story gets the same story_id whichever process stores it, each story
// alerts once, and a second story process is refused.
func TestStoryRoleAcrossHosts(t *testing.T) {
	k := testKafka(t, brokerOrSkip(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := k.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	const stories, copies = 12, 4
	w, err := kafkabus.NewWriter(kafkabus.WriterConfig{Conn: k.Conn, Topic: k.Topics.Tagged, Logger: k.Logger})
	if err != nil {
		t.Fatal(err)
	}
	storyOf := map[string]int{} // article id → story number
	var wg sync.WaitGroup
	t0 := time.Now().Add(-time.Hour)
	for c := range copies { // copies of a story arrive apart, on different partitions
		for s := range stories {
			a := article.New(fmt.Sprintf("https://site%d.example/news/%d", c, s), "", t0.Add(time.Duration(c*stories+s)*time.Second))
			a.Title, a.Body = fmt.Sprintf("Story %d", s), storyBody(s, c)
			a.WordCount = len(strings.Fields(a.Body))
			storyOf[a.ID] = s
			wg.Add(1)
			err := w.Write(ctx, bus.Message{Article: a, Ack: func(_ context.Context, err error) error {
				if err != nil {
					t.Errorf("produce: %v", err)
				}
				wg.Done()
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	open := func() *sqlite.Store {
		st, err := sqlite.Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	storyStore, hostA, hostB := open(), open(), open()
	if _, err := alert.NewSQLiteStore(storyStore).Add(ctx, alert.Search{Name: "all", Query: "withdrawal"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	alerted := map[string]int{} // story_id → alerts
	sink := sinkFunc(func(_ context.Context, a alert.Alert) error {
		mu.Lock()
		alerted[a.StoryID]++
		mu.Unlock()
		return nil
	})
	n, err := alert.New(ctx, alert.NewSQLiteStore(storyStore), alert.Options{Sink: sink, Logger: k.Logger})
	if err != nil {
		t.Fatal(err)
	}

	k.GroupID = k.Topics.Clean + ".index"
	errc := make(chan error, 4)
	running := 0
	defer func() { // roles stop before the stores close, however the test ends
		cancel()
		for range running {
			if err := <-errc; err != nil {
				t.Errorf("role: %v", err)
			}
		}
	}()
	waitMembers := func(group string, n int) {
		t.Helper()
		waitFor(t, time.Minute, func() bool {
			m, err := kafkabus.GroupMembers(ctx, k.Conn, group)
			assigned := 0
			for _, x := range m {
				if x.Partitions > 0 {
					assigned++
				}
			}
			return err == nil && assigned >= n
		}, fmt.Sprintf("group %s has %d members holding partitions", group, n))
	}
	// Both index processes join first and hold partitions, so that the
	// copies of a story are stored by both.
	for _, st := range []*sqlite.Store{hostA, hostB} {
		running++
		go func() { errc <- Index(ctx, k, st, nil, nil) }()
	}
	waitMembers(k.GroupID, 2)
	sk := k
	sk.GroupID, sk.Workers = k.Topics.Clean+".story", 4
	running++
	go func() { errc <- Story(ctx, sk, story.NewSQLiteIndex(storyStore), nil, n) }()
	waitMembers(sk.GroupID, 1)
	if err := Story(ctx, sk, story.NewSQLiteIndex(open()), nil); !errors.Is(err, ErrNotAlone) {
		t.Errorf("second story process: %v, want ErrNotAlone", err)
	}

	count := func() int {
		a, _ := hostA.Count(ctx)
		b, _ := hostB.Count(ctx)
		return a + b
	}
	waitFor(t, 2*time.Minute, func() bool { return count() >= stories*copies }, fmt.Sprintf("%d articles are stored", stories*copies))
	if got := count(); got != stories*copies {
		t.Fatalf("stored %d articles, want %d", got, stories*copies)
	}
	cancel()
	for ; running > 0; running-- {
		if err := <-errc; err != nil {
			t.Errorf("role: %v", err)
		}
	}

	idOf := map[int]string{} // story number → story_id
	owner := map[string]int{}
	hosts := map[int]map[*sqlite.Store]bool{}
	for _, st := range []*sqlite.Store{hostA, hostB} {
		err := st.Scan(context.Background(), query.Query{}, "", func(a *article.Article) error {
			s := storyOf[a.ID]
			if hosts[s] == nil {
				hosts[s] = map[*sqlite.Store]bool{}
			}
			hosts[s][st] = true
			if a.StoryID == "" {
				t.Errorf("%s stored without a story_id", a.URL)
			} else if id, ok := idOf[s]; ok && id != a.StoryID {
				t.Errorf("story %d: %s has story_id %s, another copy %s", s, a.URL, a.StoryID, id)
			}
			idOf[s] = a.StoryID
			if o, ok := owner[a.StoryID]; ok && o != s {
				t.Errorf("stories %d and %d share story_id %s", o, s, a.StoryID)
			}
			owner[a.StoryID] = s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	split := 0
	for _, h := range hosts {
		if len(h) == 2 {
			split++
		}
	}
	if split == 0 {
		t.Errorf("no story had copies on both hosts; the test proves nothing")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(alerted) != stories {
		t.Errorf("%d stories alerted, want %d", len(alerted), stories)
	}
	for id, c := range alerted {
		if c != 1 {
			t.Errorf("story %s alerted %d times, want once", id, c)
		}
		if _, ok := owner[id]; !ok {
			t.Errorf("alert for story %s, which no stored article has", id)
		}
	}
}
