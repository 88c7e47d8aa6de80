package story_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/story"
)

func corpusBodies(t testing.TB) []demosite.Truth {
	t.Helper()
	truth, err := demosite.LoadTruth()
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// TestCorpusDistinct runs the 181 real corpus pages, which are nearly all
// different stories, through the assigner over the SQLite index: merges
// must be rare, and each one is logged for inspection.
func TestCorpusDistinct(t *testing.T) {
	truth := corpusBodies(t)
	as := story.NewAssigner(story.NewSQLiteIndex(openStore(t)), story.Options{})
	members := map[string][]int{}
	var order []string
	for i, tr := range truth {
		a := newArticle(i, tr.Body, t0.Add(time.Duration(i)*time.Minute))
		if err := as.Process(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if members[a.StoryID] == nil {
			order = append(order, a.StoryID)
		}
		members[a.StoryID] = append(members[a.StoryID], i)
	}
	merged := 0
	for _, sid := range order {
		m := members[sid]
		if len(m) < 2 {
			continue
		}
		merged += len(m) - 1
		for _, i := range m {
			t.Logf("story %s: %s %s (%d words): %.80q", sid[:8], truth[i].ID, truth[i].Site, len(strings.Fields(truth[i].Body)), truth[i].Body)
		}
	}
	t.Logf("%d pages, %d stories, %d merged into an earlier story", len(truth), len(order), merged)
	if merged > len(truth)/50 {
		t.Errorf("%d of %d distinct pages merged", merged, len(truth))
	}
}

// TestSyndication builds syndicated copies of real bodies, three per
// original, each with its first sentence rewritten, a paragraph dropped and
// a credit line appended, shuffles them with the originals and requires
// nearly every copy to join its original's story and no two originals to
// share one.
func TestSyndication(t *testing.T) {
	truth := corpusBodies(t)
	r := rand.New(rand.NewPCG(7, 7))
	type item struct {
		group int
		body  string
	}
	var items []item
	groups := 0
	for _, tr := range truth {
		paras := strings.Split(tr.Body, "\n\n")
		if len(strings.Fields(tr.Body)) < 150 || len(paras) < 4 {
			continue
		}
		items = append(items, item{groups, tr.Body})
		for c := range 3 {
			first := fmt.Sprintf("In a development reported on day %d, officials confirmed the news.", c+1)
			credit := fmt.Sprintf("Reporting by %s; editing by %s.", []string{"Ana Ruiz", "Sam Okafor", "Li Wei"}[c], []string{"Tom Hogue", "Mark Potter", "Jane Wardell"}[c])
			items = append(items, item{groups, syndicate(tr.Body, 1+r.IntN(len(paras)-1), first, credit)})
		}
		if groups++; groups == 20 {
			break
		}
	}
	if groups < 20 {
		t.Fatalf("only %d corpus bodies long enough", groups)
	}
	items = shuffled(11, items)
	as := story.NewAssigner(story.NewSQLiteIndex(openStore(t)), story.Options{})
	stories := make([]map[string]int, groups) // per group: story id → members
	for g := range stories {
		stories[g] = map[string]int{}
	}
	owner := map[string]int{} // story id → first group seen in it
	cross := 0
	for i, it := range items {
		a := newArticle(i, it.body, t0.Add(time.Duration(i)*time.Minute))
		if err := as.Process(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		stories[it.group][a.StoryID]++
		if g, ok := owner[a.StoryID]; !ok {
			owner[a.StoryID] = it.group
		} else if g != it.group {
			cross++
			t.Errorf("a copy of group %d joined the story of group %d", it.group, g)
		}
	}
	// A group's story is the one most of its four members are in; the
	// others are copies that missed it.
	missed := 0
	for g, m := range stories {
		best := 0
		for _, n := range m {
			best = max(best, n)
		}
		if best < 4 {
			t.Logf("group %d split into %d stories: %v", g, len(m), m)
			var fps []story.Fingerprint
			for _, it := range items {
				if it.group == g {
					fps = append(fps, story.Compute(it.body))
				}
			}
			for i := range fps {
				for j := i + 1; j < len(fps); j++ {
					s, ok := story.Same(fps[i], fps[j])
					t.Logf("  members %d,%d: jaccard %.2f same %v", i, j, s, ok)
				}
			}
		}
		missed += 4 - best
	}
	copies := 3 * groups
	t.Logf("%d of %d copies joined their original's story, %d cross-story merges", copies-missed, copies, cross)
	if float64(copies-missed) < 0.95*float64(copies) {
		t.Errorf("only %d of %d copies joined their story", copies-missed, copies)
	}
}

// BenchmarkProcess measures Assigner.Process over the SQLite index holding
// n fingerprints: new articles, one in four a syndicated copy of a stored
// one.
func BenchmarkProcess(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		// Fill the index once per size, directly and in large
		// transactions: through Process, 100k would take minutes.
		idx := story.NewSQLiteIndex(openStore(b))
		ctx := context.Background()
		gen := newTextGen(uint64(n))
		bodies := make([]string, 0, 1000)
		for done := 0; done < n; {
			err := idx.Update(ctx, func(ctx context.Context, tx story.IndexTx) error {
				for end := min(done+10_000, n); done < end; done++ {
					body := gen.body(300)
					if len(bodies) < cap(bodies) {
						bodies = append(bodies, body)
					}
					a := newArticle(done, body, t0)
					e := story.Entry{ArticleID: a.ID, StoryID: a.ID, FetchedAt: t0, Fingerprint: story.Compute(body)}
					if err := tx.Add(ctx, e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		as := story.NewAssigner(idx, story.Options{})
		next := n
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			arts := make([]*article.Article, b.N)
			for i := range arts {
				body := gen.body(300)
				if i%4 == 0 {
					body = syndicate(bodies[i%len(bodies)], 0, "A new lead.", "Reporting by desk")
				}
				arts[i] = newArticle(next, body, t0.Add(time.Hour))
				next++
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := as.Process(ctx, arts[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// textGen makes random prose-like bodies: words drawn with a skewed
// distribution from a fixed vocabulary, in paragraphs.
type textGen struct {
	r     *rand.Rand
	words []string
}

func newTextGen(seed uint64) *textGen {
	g := &textGen{r: rand.New(rand.NewPCG(seed, seed))}
	for i := range 5000 {
		g.words = append(g.words, fmt.Sprintf("w%x", i*2654435761%100003))
	}
	return g
}

func (g *textGen) body(words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			if i%60 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		// Squaring skews towards common words, as in prose.
		f := g.r.Float64()
		b.WriteString(g.words[int(f*f*float64(len(g.words)))])
	}
	return b.String()
}
