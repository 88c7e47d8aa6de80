package story_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/story"
)

// TestThresholdMargins is the calibration behind the thresholds: distinct
// corpus bodies must stay far below them, syndicated copies of every long
// enough corpus body mostly above.
func TestThresholdMargins(t *testing.T) {
	truth := corpusBodies(t)
	var fps []story.Fingerprint
	for _, tr := range truth {
		fps = append(fps, story.Compute(tr.Body))
	}
	var distinct []float64
	maxC := 0.0
	for i := range fps {
		for j := i + 1; j < len(fps); j++ {
			if fps[i].Short() || fps[j].Short() {
				continue
			}
			distinct = append(distinct, story.Jaccard(fps[i], fps[j]))
			maxC = max(maxC, story.Containment(fps[i], fps[j]))
		}
	}
	sort.Float64s(distinct)
	hi := distinct[len(distinct)-1]
	t.Logf("%d distinct pairs: max jaccard %.3f, max containment %.3f", len(distinct), hi, maxC)
	if hi > story.MinJaccardContained/2 || maxC > story.MinContainment/2 {
		t.Errorf("distinct bodies within a factor 2 of the thresholds")
	}

	r := rand.New(rand.NewPCG(7, 7))
	var copies []float64
	accepted := 0
	for _, tr := range truth {
		paras := strings.Split(tr.Body, "\n\n")
		if len(strings.Fields(tr.Body)) < 150 || len(paras) < 4 {
			continue
		}
		o := story.Compute(tr.Body)
		for c := range 3 {
			x := story.Compute(syndicate(tr.Body, 1+r.IntN(len(paras)-1),
				fmt.Sprintf("In a development reported on day %d, officials confirmed the news.", c+1), "Reporting by X; editing by Y."))
			copies = append(copies, story.Jaccard(o, x))
			if _, ok := story.Same(o, x); ok {
				accepted++
			}
		}
	}
	sort.Float64s(copies)
	t.Logf("%d copies: jaccard min %.3f, p5 %.3f, median %.3f; %d judged same story",
		len(copies), copies[0], copies[len(copies)/20], copies[len(copies)/2], accepted)
	if float64(accepted) < 0.97*float64(len(copies)) {
		t.Errorf("only %d of %d copies judged the same story as their original", accepted, len(copies))
	}
}
