package story

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Decision thresholds, calibrated on the corpus by TestThresholdMargins:
// among the 16,110 pairs of distinct corpus bodies the highest estimated
// Jaccard similarity is 0.05 and no containment exceeds 0.3, while of 486
// syndicated copies (first sentence rewritten, a paragraph dropped, a credit
// line added) 95% keep a similarity of 0.57 or more to their original; the
// low tail is short bodies (150-200 words, 4-5 paragraphs) that lost a fifth
// of their text.
const (
	// MinJaccard is below the 0.5-0.7 often quoted for near-duplicate web
	// pages because news copies are short and one dropped paragraph weighs
	// heavily; it is still eight times the highest distinct pair.
	MinJaccard = 0.4
	// A heavily trimmed copy has a low Jaccard similarity against the full
	// version but is mostly contained in it: accept it when at least
	// MinContainment of the smaller body's shingles are estimated to be in
	// the larger one, provided the Jaccard estimate is at least
	// MinJaccardContained, which keeps a short brief from matching a long
	// feature on a few shared quotes (the estimate is too noisy below it).
	MinContainment      = 0.75
	MinJaccardContained = 0.25
)

// DefaultWindow is how far back, by fetch time, an article looks for
// earlier copies.
const DefaultWindow = 7 * 24 * time.Hour

// DefaultRetention is how long, by fetch time, a fingerprint is kept.
const DefaultRetention = 30 * 24 * time.Hour

// Options configures an Assigner and a Pruner.
type Options struct {
	// Window bounds candidates to articles fetched at most this long before
	// the article being assigned (default DefaultWindow, and never more
	// than Retention). Wire copies appear within hours; the bound keeps a
	// years-old story from absorbing a new one that reuses its background
	// paragraphs.
	Window time.Duration
	// Retention is how long after its fetch a fingerprint is kept (default
	// DefaultRetention); a Pruner deletes older ones. A copy fetched more
	// than Retention after every earlier member of its story was fetched
	// finds none of them and founds a new story.
	Retention time.Duration
	// Logger receives the Pruner's reports (default slog.Default()).
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	o.Window = min(o.Window, o.Retention)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Assigner sets the story id of articles. It is a pipeline stage processor
// and safe for concurrent use; the index serialises the decisions.
type Assigner struct {
	index  Index
	window time.Duration
}

// NewAssigner returns an Assigner over index.
func NewAssigner(index Index, opts Options) *Assigner {
	opts.defaults()
	return &Assigner{index: index, window: opts.Window}
}

// Process sets a.StoryID: the story of the most similar article in the
// index if any is similar enough, else a's own id, which founds a story. The
// story id of the first article processed in a cluster is therefore the
// cluster's id, and it never changes: an article already in the index keeps
// the story it was given, whatever its body is now, so alerts keyed on
// story_id fire once.
//
// An article fetched again with a changed body keeps its story but has its
// fingerprint replaced (and its fetch time moved to the new fetch), so
// later copies are matched against the text as it now is and join that
// story. The story is not re-evaluated: moving the article would change a
// story_id already stored and alerted on, and would leave the copies that
// joined a story it founded under the id of an article no longer in it. A
// version fetched no later than the indexed one changes nothing, so a late
// redelivery never rolls the fingerprint back.
func (as *Assigner) Process(ctx context.Context, a *article.Article) error {
	// Validate as the indexer does, so that an article the index stage
	// will reject leaves no fingerprint for later copies to join.
	a.Normalize()
	if err := a.Validate(); err != nil {
		return fmt.Errorf("assign story: %w", err)
	}
	fp := Compute(a.Body)
	since := a.FetchedAt.Add(-as.window)
	var storyID string
	err := as.index.Update(ctx, func(ctx context.Context, tx IndexTx) error {
		old, ok, err := tx.Get(ctx, a.ID)
		if err != nil {
			return fmt.Errorf("get: %w", err)
		}
		if ok {
			storyID = old.StoryID
			if old.Exact == fp.Exact || !a.FetchedAt.After(old.FetchedAt) {
				return nil
			}
			if err := tx.Add(ctx, Entry{ArticleID: a.ID, StoryID: storyID, FetchedAt: a.FetchedAt, Fingerprint: fp}); err != nil {
				return fmt.Errorf("replace: %w", err)
			}
			return nil
		}
		cands, err := tx.Lookup(ctx, fp.Bands, since)
		if err != nil {
			return fmt.Errorf("lookup: %w", err)
		}
		storyID = a.ID
		if best, ok := Best(fp, cands); ok {
			storyID = best.StoryID
		}
		if err := tx.Add(ctx, Entry{ArticleID: a.ID, StoryID: storyID, FetchedAt: a.FetchedAt, Fingerprint: fp}); err != nil {
			return fmt.Errorf("add: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("assign story to %s: %w", a.ID, err)
	}
	if storyID == "" {
		return errors.New("assign story to " + a.ID + ": index returned an empty story id")
	}
	a.StoryID = storyID
	return nil
}

// Same reports whether two fingerprints are of the same story, and a score
// for ranking several matches.
func Same(a, b Fingerprint) (float64, bool) {
	if a.Short() || b.Short() {
		j := Jaccard(a, b)
		return j, j == 1
	}
	j := Jaccard(a, b)
	if j >= MinJaccard {
		return j, true
	}
	if j >= MinJaccardContained {
		if c := Containment(a, b); c >= MinContainment {
			return j, true
		}
	}
	return j, false
}

// Best returns the candidate fp matches most closely, if any matches. Ties
// go to the earliest fetched, then the smallest id, so the choice does not
// depend on the order candidates come in.
func Best(fp Fingerprint, cands []Entry) (Entry, bool) {
	var (
		best  Entry
		score float64
		found bool
	)
	for _, c := range cands {
		s, ok := Same(fp, c.Fingerprint)
		if !ok {
			continue
		}
		if !found || s > score || (s == score && earlier(c, best)) {
			best, score, found = c, s, true
		}
	}
	if found && best.StoryID == "" {
		best.StoryID = best.ArticleID
	}
	return best, found
}

func earlier(a, b Entry) bool {
	if !a.FetchedAt.Equal(b.FetchedAt) {
		return a.FetchedAt.Before(b.FetchedAt)
	}
	return a.ArticleID < b.ArticleID
}
