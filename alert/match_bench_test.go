package alert_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// savedSearches makes n saved searches as monitoring teams write them:
// a few words and phrases ORed, ANDed with another group, a prefix, a
// negation, and a filter, from the corpus's own vocabulary.
func savedSearches(b *testing.B, n int, vocab []string) []*alert.Matcher {
	r := rand.New(rand.NewPCG(7, 11))
	word := func() string { return vocab[r.IntN(len(vocab))] }
	filters := []string{"place:China", "person:Trump", "org:Reuters", "site:bbc.com", "lang:en", "figure:money>1000000", "since:now-30d"}
	var out []*alert.Matcher
	for len(out) < n {
		q := fmt.Sprintf(`(%s OR %s OR "%s %s") AND (%s OR %s*) NOT %s %s`,
			word(), word(), word(), word(), word(), prefix(word()), word(), filters[r.IntN(len(filters))])
		pq, err := query.Parse(q)
		if err != nil {
			continue // a word too short for a prefix
		}
		m, err := alert.NewMatcher(pq)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func prefix(w string) string { return w[:min(len(w), 5)] }

// BenchmarkMatchSavedSearches matches 1,000 saved searches against each
// article of the demo corpus in turn, as the notifier does for every new
// article (one analysis, then every search), and reports the time per
// article at the median and the 95th percentile: in all, and for the
// matching alone (the analysis is once per article, whatever the number
// of searches).
func BenchmarkMatchSavedSearches(b *testing.B) {
	d, err := events.New("en")
	if err != nil {
		b.Fatal(err)
	}
	docs, err := storetest.Corpus(d)
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	var vocab []string
	for _, a := range docs {
		for _, w := range strings.Fields(strings.ToLower(a.Title)) {
			if len(w) > 3 && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 && !seen[w] {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	slices.Sort(vocab)
	matchers := savedSearches(b, 1000, vocab)
	var took, matching []time.Duration
	fired := 0
	i := 0
	for b.Loop() {
		a := docs[i%len(docs)]
		i++
		start := time.Now()
		d, now := alert.NewDoc(a), time.Now()
		analysed := time.Now()
		for _, m := range matchers {
			if m.MatchDoc(d, now) {
				fired++
			}
		}
		took = append(took, time.Since(start))
		matching = append(matching, time.Since(analysed))
	}
	slices.Sort(took)
	slices.Sort(matching)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs/article")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds()), "p95-µs/article")
	b.ReportMetric(float64(matching[len(matching)/2].Microseconds()), "match-p50-µs")
	b.ReportMetric(float64(matching[len(matching)*95/100].Microseconds()), "match-p95-µs")
	b.ReportMetric(float64(fired)/float64(len(took)), "alerts/article")
}
