package story_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/story"
)

// storyOf returns the story an article has in idx, or "" if it has none.
func storyOf(t *testing.T, idx story.Index, id string) string {
	t.Helper()
	var sid string
	err := idx.Update(context.Background(), func(ctx context.Context, tx story.IndexTx) error {
		e, ok, err := tx.Get(ctx, id)
		if ok {
			sid = e.StoryID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sid
}

func TestPrune(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name      string
		ages      []time.Duration // fetch times, as offsets from t0
		now       time.Duration
		retention time.Duration
		kept      []int // indexes into ages
	}{
		{"nothing old", []time.Duration{0, day, 2 * day}, 3 * day, 30 * day, []int{0, 1, 2}},
		{"older than the window go", []time.Duration{0, 9 * day, 20 * day, 39 * day, 40 * day}, 40 * day, 30 * day, []int{2, 3, 4}},
		{"exactly at the cutoff stays", []time.Duration{10*day - time.Millisecond, 10 * day, 40 * day}, 40 * day, 30 * day, []int{1, 2}},
		{"a replay counts from its newest fingerprint, not from now", []time.Duration{0, 5 * day, 9 * day}, 400 * day, 7 * day, []int{1, 2}},
		{"a fingerprint from the future counts from now", []time.Duration{0, 5 * day, 100 * day}, 8 * day, 7 * day, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			indexes(t, func(t *testing.T, idx story.Index) {
				ctx := context.Background()
				as := story.NewAssigner(idx, story.Options{})
				var ids []string
				for i, age := range tt.ages {
					// Distinct bodies, so each article founds its own story.
					a := newArticle(i, fmt.Sprintf("Item %d. %s", i, shortBody(i)), t0.Add(age))
					if err := as.Process(ctx, a); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, a.ID)
				}
				p := story.NewPruner(idx.(story.Expirer), story.Options{Retention: tt.retention})
				n, err := p.Prune(ctx, t0.Add(tt.now))
				if err != nil {
					t.Fatal(err)
				}
				if want := len(ids) - len(tt.kept); n != want {
					t.Errorf("Prune deleted %d, want %d", n, want)
				}
				for i, id := range ids {
					kept := storyOf(t, idx, id) != ""
					if want := slices.Contains(tt.kept, i); kept != want {
						t.Errorf("article %d (fetched %s): kept %v, want %v", i, tt.ages[i], kept, want)
					}
				}
				if n, err := p.Prune(ctx, t0.Add(tt.now)); err != nil || n != 0 {
					t.Errorf("second Prune = %d, %v; want nothing left to delete", n, err)
				}
			})
		})
	}
}

// shortBody is a body too short to shingle, unique to i.
func shortBody(i int) string { return fmt.Sprintf("Notice number %d was published today.", i) }

// TestPruneInBatches prunes more fingerprints than one batch holds.
func TestPruneInBatches(t *testing.T) {
	indexes(t, func(t *testing.T, idx story.Index) {
		ctx := context.Background()
		as := story.NewAssigner(idx, story.Options{})
		const old = 2*story.PruneBatch + 17
		for i := range old + 3 {
			at := t0.Add(time.Duration(i) * time.Second)
			if i >= old {
				at = t0.Add(40 * 24 * time.Hour)
			}
			if err := as.Process(ctx, newArticle(i, shortBody(i), at)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := story.NewPruner(idx.(story.Expirer), story.Options{}).Prune(ctx, t0.Add(40*24*time.Hour))
		if err != nil || n != old {
			t.Errorf("Prune = %d, %v; want %d", n, err, old)
		}
	})
}

// TestPrunedStoryStartsNew shows the documented consequence of pruning: a
// copy that arrives late (fetched within the candidate window of its
// original, but processed after the original was pruned) finds nothing
// and founds a new story.
func TestPrunedStoryStartsNew(t *testing.T) {
	const day = 24 * time.Hour
	for _, prune := range []bool{false, true} {
		t.Run(fmt.Sprintf("pruned=%v", prune), func(t *testing.T) {
			indexes(t, func(t *testing.T, idx story.Index) {
				ctx := context.Background()
				opts := story.Options{Retention: 30 * day}
				as := story.NewAssigner(idx, opts)
				orig := newArticle(1, wire, t0)
				later := newArticle(2, rival, t0.Add(31*day)) // moves the newest fingerprint on
				if err := as.Process(ctx, orig); err != nil {
					t.Fatal(err)
				}
				if err := as.Process(ctx, later); err != nil {
					t.Fatal(err)
				}
				if prune {
					if _, err := story.NewPruner(idx.(story.Expirer), opts).Prune(ctx, t0.Add(31*day)); err != nil {
						t.Fatal(err)
					}
				}
				late := newArticle(3, syndicate(wire, 2, "Crews fought a wildfire in Spain.", "Reporting by Ana Ruiz"), t0.Add(day))
				if err := as.Process(ctx, late); err != nil {
					t.Fatal(err)
				}
				want := orig.ID
				if prune {
					want = late.ID
				}
				if late.StoryID != want {
					t.Errorf("late copy in story %s, want %s", late.StoryID, want)
				}
			})
		})
	}
}

// TestRefetchReplacesFingerprint re-processes an article whose body
// changed: it keeps its story, and later copies are matched against the
// new body.
func TestRefetchReplacesFingerprint(t *testing.T) {
	indexes(t, func(t *testing.T, idx story.Index) {
		ctx := context.Background()
		as := story.NewAssigner(idx, story.Options{})
		x := newArticle(1, rival, t0)
		steps := []struct {
			name      string
			i         int
			body      string
			at        time.Duration
			wantStory int // article number whose id is the story
		}{
			{"first version founds a story", 1, rival, 0, 1},
			{"re-fetch with a new body keeps the story", 1, wire, time.Hour, 1},
			{"an older version redelivered changes nothing", 1, rival, 0, 1},
			{"a copy of the new body joins", 2, syndicate(wire, 2, "Crews fought a wildfire in Spain.", "Reporting by Ana Ruiz"), 2 * time.Hour, 1},
			{"a copy of the old body no longer does", 3, syndicate(rival, 2, "Valencia evacuated villages.", "Reporting by desk"), 3 * time.Hour, 3},
		}
		for _, s := range steps {
			a := newArticle(s.i, s.body, t0.Add(s.at))
			if err := as.Process(ctx, a); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if want := newArticle(s.wantStory, "", t0).ID; a.StoryID != want {
				t.Errorf("%s: story %s, want %s", s.name, a.StoryID, want)
			}
		}
		if got := storyOf(t, idx, x.ID); got != x.ID {
			t.Errorf("re-fetched article's indexed story %q, want %q", got, x.ID)
		}
	})
}
