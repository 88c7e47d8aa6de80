package story_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

var t0 = time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

// A wire story and an independent report of the same event: same people,
// places and figures, different words.
const (
	wire = `MADRID (AP) — Firefighters in eastern Spain on Tuesday battled a wildfire that has forced the evacuation of about 1,500 people from villages near Valencia, regional officials said.

The blaze broke out on Monday afternoon in the hills above the town of Villanueva de Viver and spread quickly overnight, driven by strong winds and temperatures above 35 degrees Celsius, according to the regional emergency service.

More than 400 firefighters, supported by 22 aircraft, were working to contain the fire, which had burned through some 4,000 hectares of pine forest and scrubland by Tuesday morning, the service said in a statement.

Regional president Carlos Mazón told reporters that no injuries had been reported but that the situation remained "very complicated" because of shifting winds. He urged residents to follow the instructions of emergency crews and to stay away from the area.

Spain has suffered a series of severe heat waves this summer, and scientists say climate change is making such extreme weather more frequent and more intense across southern Europe.`

	rival = `Valencia regional authorities evacuated roughly 1,500 residents overnight as a forest fire tore through hillsides near Villanueva de Viver, in a blaze that officials described as one of the worst of the year.

Speaking at a press conference in Valencia, Carlos Mazón said the fire was still out of control on Tuesday. "The wind is our worst enemy right now," the regional leader said, adding that crews hoped for calmer conditions by the evening.

Local people described a night of fear. "We saw the flames coming down the mountain and we just ran," said one villager, who asked not to be named. Many spent the night in a sports hall in a neighbouring town, where the Red Cross handed out blankets and food.

Hundreds of firefighters and more than twenty planes and helicopters have been deployed. Around 4,000 hectares have already burned, according to early estimates, and roads into the area remain closed.

Experts have warned for years that hotter, drier summers in Spain leave forests more exposed to large fires.`
)

// syndicate makes the kind of copy an outlet publishes: the first sentence
// rewritten, one paragraph cut, a credit line appended.
func syndicate(body string, drop int, first, credit string) string {
	paras := strings.Split(body, "\n\n")
	if i := strings.Index(paras[0], ". "); i >= 0 {
		paras[0] = first + paras[0][i+1:]
	} else {
		paras[0] = first
	}
	if drop > 0 && drop < len(paras) {
		paras = append(paras[:drop:drop], paras[drop+1:]...)
	}
	return strings.Join(append(paras, credit), "\n\n")
}

func TestSame(t *testing.T) {
	short := "Markets closed higher on Friday after a volatile week of trading."
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", wire, wire, true},
		{"whitespace and quotes differ", wire, strings.ReplaceAll(strings.ReplaceAll(wire, "\n\n", "\n"), `"`, "“"), true},
		{"edited sentence and extra paragraph", wire,
			strings.Replace(wire, "regional officials said.", "the regional government said late on Tuesday.", 1) +
				"\n\nThe Associated Press contributed to this report. Follow all of our coverage of wildfires at apnews.com/wildfires.", true},
		{"syndicated copy", wire, syndicate(wire, 4, "Crews battled a wildfire in eastern Spain on Tuesday.",
			"Reporting by Ana Ruiz; Editing by Tom Hogue"), true},
		{"trimmed to the first three paragraphs", wire, strings.Join(strings.Split(wire, "\n\n")[:3], "\n\n"), true},
		{"same event, independent report", wire, rival, false},
		{"short identical", short, short, true},
		{"short, one word differs", short, strings.Replace(short, "Friday", "Thursday", 1), false},
		{"short against its long version", short, short + " " + wire, false},
		{"empty", "", wire, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := story.Compute(tt.a), story.Compute(tt.b)
			score, got := story.Same(a, b)
			t.Logf("jaccard %.3f containment %.3f score %.3f", story.Jaccard(a, b), story.Containment(a, b), score)
			if got != tt.want {
				t.Errorf("Same = %v, want %v", got, tt.want)
			}
			if _, back := story.Same(b, a); back != got {
				t.Errorf("Same is not symmetric")
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	a, b := story.Compute(wire), story.Compute(wire)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("two fingerprints of one body differ")
	}
	if len(a.Sig) != story.NumHashes || len(a.Bands) != story.Bands {
		t.Fatalf("signature %d values, %d bands", len(a.Sig), len(a.Bands))
	}
	// Pinned values: a change here makes every stored fingerprint
	// incomparable with new ones and needs a migration, not a test update.
	if got := fmt.Sprintf("%d %016x %08x %08x %016x", a.Shingles, a.Exact, a.Sig[0], a.Sig[story.NumHashes-1], a.Bands[0]); got != goldenWire {
		t.Errorf("fingerprint of wire = %s, want %s", got, goldenWire)
	}
}

const goldenWire = "166 2c633d7c55b4be80 0025f00b 00ac0c55 cfb8b7c264d062e5"

func newArticle(i int, body string, fetched time.Time) *article.Article {
	a := article.New(fmt.Sprintf("https://example%d.com/news/%d", i%7, i), "", fetched)
	a.Title = fmt.Sprintf("Headline %d", i)
	a.Body = body
	return a
}

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// indexes runs a test over each Index implementation.
func indexes(t *testing.T, fn func(t *testing.T, idx story.Index)) {
	t.Run("mem", func(t *testing.T) { fn(t, &story.MemIndex{}) })
	t.Run("sqlite", func(t *testing.T) { fn(t, story.NewSQLiteIndex(openStore(t))) })
}

func TestAssigner(t *testing.T) {
	indexes(t, func(t *testing.T, idx story.Index) {
		ctx := context.Background()
		as := story.NewAssigner(idx, story.Options{Window: 48 * time.Hour})
		copyBody := syndicate(wire, 2, "Spanish firefighters fought a wildfire near Valencia.", "Reporting by Ana Ruiz")
		steps := []struct {
			name  string
			i     int
			body  string
			at    time.Duration
			story int // index of the step whose article founds the story
		}{
			{"original founds a story", 0, wire, 0, 0},
			{"identical copy joins", 1, wire, time.Hour, 0},
			{"syndicated copy joins", 2, copyBody, 2 * time.Hour, 0},
			{"independent report founds its own", 3, rival, 3 * time.Hour, 3},
			{"re-processing keeps the story", 3, wire, 4 * time.Hour, 3},
			{"copy outside the window founds its own", 5, wire, 72 * time.Hour, 5},
			{"short body founds its own", 6, "Short note.", 73 * time.Hour, 6},
			{"identical short body joins", 7, "Short  NOTE", 74 * time.Hour, 6},
		}
		ids := map[int]string{}
		for _, s := range steps {
			a := newArticle(s.i, s.body, t0.Add(s.at))
			ids[s.i] = a.ID
			if err := as.Process(ctx, a); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if want := ids[steps[s.story].i]; a.StoryID != want {
				t.Errorf("%s: story %s, want %s", s.name, a.StoryID, want)
			}
		}
	})
}

func TestAssignerRejectsInvalid(t *testing.T) {
	idx := &story.MemIndex{}
	a := newArticle(1, wire, time.Time{})
	if err := story.NewAssigner(idx, story.Options{}).Process(context.Background(), a); err == nil {
		t.Fatal("article without fetched_at assigned")
	}
	if idx.Len() != 0 {
		t.Fatal("invalid article left a fingerprint")
	}
}

// TestConcurrent processes copies of a few stories from many goroutines:
// every copy must end in one story per original, however they interleave.
func TestConcurrent(t *testing.T) {
	indexes(t, func(t *testing.T, idx story.Index) {
		as := story.NewAssigner(idx, story.Options{})
		bodies := []string{wire, rival}
		const copies = 16
		arts := make([]*article.Article, 0, len(bodies)*copies)
		for c := range copies {
			for b, body := range bodies {
				// Copies differ only in their credit line, so that any
				// split is a race between two assignments, not a miss.
				body = syndicate(body, 0, "Lead sentence.", fmt.Sprintf("Reporting by desk %d", c))
				arts = append(arts, newArticle(c*len(bodies)+b, body, t0.Add(time.Duration(c)*time.Minute)))
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(arts))
		for _, a := range arts {
			wg.Go(func() {
				if err := as.Process(context.Background(), a); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i, a := range arts {
			if first := arts[i%len(bodies)]; a.StoryID != first.StoryID || a.StoryID == "" {
				t.Errorf("copy %d of story %d in %q, first copy in %q", i/len(bodies), i%len(bodies), a.StoryID, first.StoryID)
			}
		}
		if arts[0].StoryID == arts[1].StoryID {
			t.Error("the two stories merged")
		}
	})
}

func TestProcessIdempotent(t *testing.T) {
	indexes(t, func(t *testing.T, idx story.Index) {
		as := story.NewAssigner(idx, story.Options{})
		a := newArticle(1, rival, t0)
		b := newArticle(2, rival, t0.Add(time.Minute))
		for _, x := range []*article.Article{a, b, b, a} {
			if err := as.Process(context.Background(), x); err != nil {
				t.Fatal(err)
			}
			if x.StoryID != a.ID {
				t.Errorf("%s: story %s, want %s", x.ID, x.StoryID, a.ID)
			}
		}
	})
}

func shuffled[T any](seed uint64, xs []T) []T {
	r := rand.New(rand.NewPCG(seed, seed))
	out := append([]T(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
