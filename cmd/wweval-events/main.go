// Command wweval-events scores withdrawal-event detection on labelled sets,
// wirewatch's detector and the keyword baseline side by side: detection
// precision, recall and F1, new_announcement precision, recall and F1, kind
// and status accuracy on the items both labelled and detected, the share of
// their labelled actors, whats and froms the main event agrees with
// (events.SameRole), and throughput in sentences per second on one core (the median of several
// timed runs over the set's texts).
//
// The baseline is the saved search an analyst writes today,
// withdraw* OR pullout OR "pull out" OR recall*, matched as plain
// case-insensitive word and prefix matching; it fires on every mention, so
// every hit counts as a new announcement, and it knows no kind or status.
//
// The detector sees each item as the pipeline does: with the entities the
// extractor finds in its text first (roles take their canonical names from
// them, and a few rules read them; -no-entities leaves them out), and with
// its article context where it is known:
// the headline and dateline of a CoNLL document, the title and date of a
// corpus page, or the item's own title and published fields; -no-context
// judges every item alone.
//
//	go run ./cmd/wweval-events
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/pkg/article"
)

func main() {
	sets := flag.String("sets", "../shared/events/dev.jsonl,testdata/events/tune.jsonl,testdata/events/reuters-tune.jsonl,"+
		"testdata/events/mined2-dev.jsonl,testdata/events/authored2-dev.jsonl,"+
		"testdata/events/heldout.jsonl,testdata/events/reuters-heldout.jsonl,testdata/events/public.jsonl,"+
		"testdata/events/mined2-heldout.jsonl,testdata/events/authored2-heldout.jsonl,"+
		"testdata/events/context-dev.jsonl,testdata/events/context-heldout.jsonl,"+
		"testdata/events/current-events-dev.jsonl,testdata/events/current-events-heldout.jsonl,"+
		"testdata/events/current-events-archive-dev.jsonl,testdata/events/current-events-archive-heldout.jsonl,"+
		"testdata/events/current-events-archive2-dev.jsonl,testdata/events/current-events-archive2-heldout.jsonl,"+
		"testdata/events/current-events-archive3-dev.jsonl,testdata/events/current-events-archive3-heldout.jsonl,"+
		"testdata/events/current-events-archive4-dev.jsonl,testdata/events/current-events-mined3-dev.jsonl,"+
		"testdata/events/current-events-fired-dev.jsonl,testdata/events/current-events-unfired-dev.jsonl,"+
		"testdata/events/current-events-missed-dev.jsonl,testdata/events/current-events-archive5-heldout.jsonl,"+
		"testdata/events/wikinews-dev.jsonl,testdata/events/wikinews-heldout.jsonl",
		"comma-separated labelled JSONL sets; a missing file is skipped with a note")
	conll := flag.String("conll-dir", "../shared/ner", "directory of the CoNLL files that sets point into (their text is not in the repository)")
	corpora := flag.String("corpus-dirs", "../shared/corpus,../shared/corpus-wcxb",
		"comma-separated corpus directories (with truth.jsonl) whose page titles and dates give corpus items their article context; a missing one is skipped")
	noContext := flag.Bool("no-context", false, "judge every item alone, without its article's title and date (to compare)")
	noEntities := flag.Bool("no-entities", false, "detect without entities, to compare (by default the extractor finds the "+
		"entities first, as the pipeline and `wirewatch events` do); roles then carry no canonical names")
	runs := flag.Int("runs", 5, "timed runs per system; the median is reported")
	listErrs := flag.Bool("errors", false, "instead of per-set figures, list the detector's errors over the pooled tuning sets "+
		"(false-positive detections and news, missed events and news; sets named *heldout* are left out)")
	folds := flag.Int("folds", 0, "instead of per-set figures, pool the sets and print the detector's figures on each of this many folds, "+
		"every article, CoNLL document or authored story in one fold (to judge a rule change; sets named *heldout* are left out)")
	predictions := flag.Bool("predictions", false, "instead of per-set figures, print a JSON line for every item of the pooled tuning sets: "+
		"its label, the detector's prediction and the events found (sets named *heldout* are left out)")
	confusion := flag.Bool("confusion", false, "with -folds: also print the status confusion matrix over the pooled tuning sets "+
		"(gold status by predicted status, on items both labelled and detected as withdrawals)")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	src := sources{conllDir: *conll, noContext: *noContext}
	if !*noEntities {
		tg, err := newTagger()
		if err != nil {
			fmt.Fprintln(os.Stderr, "wweval-events:", err)
			os.Exit(1)
		}
		src.tag = tg
	}
	for _, dir := range strings.Split(*corpora, ",") {
		if _, err := os.Stat(dir); err == nil {
			src.corpusDirs = append(src.corpusDirs, dir)
		} else {
			fmt.Fprintf(os.Stderr, "wweval-events: corpus %s not found, its items have no article context\n", dir)
		}
	}
	var err error
	switch {
	case *folds > 0:
		err = runFolds(os.Stdout, strings.Split(*sets, ","), src, *folds, *confusion)
	case *predictions:
		err = runPredictions(os.Stdout, os.Stderr, strings.Split(*sets, ","), src)
	case *listErrs:
		err = runErrors(os.Stdout, strings.Split(*sets, ","), src)
	default:
		err = run(os.Stdout, strings.Split(*sets, ","), src, *runs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wweval-events:", err)
		os.Exit(1)
	}
}

// sources says where the text and article context of items live.
type sources struct {
	conllDir   string
	corpusDirs []string
	noContext  bool // drop the context, to compare
	// tag finds the items' entities before detection; nil detects
	// without them.
	tag *tagger
}

// detect runs det over an item as the pipeline does: with the entities of
// its text (unless src.tag is nil) and its article context.
func (src sources) detect(det *events.Detector, it events.Labelled) ([]article.Event, error) {
	c, err := it.Context()
	if err != nil {
		return nil, err
	}
	ents, err := src.tag.entities(it.Text)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", it.ID, err)
	}
	return det.DetectContext(it.Text, ents, c), nil
}

func run(w io.Writer, paths []string, src sources, runs int) error {
	det, err := events.New("en")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-22s %-8s %5s %5s | %5s %5s %5s | %5s %5s %5s | %6s %6s | %5s %5s %5s | %9s\n",
		"set", "system", "items", "gold", "detP", "detR", "detF1", "newP", "newR", "newF1", "kind", "status",
		"actor", "what", "from", "sent/s")
	// The sets never tuned on (named *heldout*) are also scored together:
	// all, without the authored ones (whose author also wrote rules), and
	// the news summaries of Wikipedia's Portal:Current events alone.
	type pool struct {
		name         string
		items, gold  int
		detect, news [2]events.PRF // by system: wirewatch, keyword
		// roles counts the wirewatch detector's labelled and agreeing
		// actors, whats and froms.
		rolesLabelled, rolesRight [3]int
	}
	pools := []*pool{{name: "all heldout"}, {name: "heldout, not authored"}, {name: "heldout, portal"}}
	var total, titled, dated int
	for _, path := range paths {
		f, err := os.Open(path)
		if os.IsNotExist(err) {
			fmt.Fprintf(w, "%-22s (not found, skipped)\n", path)
			continue
		}
		if err != nil {
			return err
		}
		items, err := readSet(f, path, src)
		f.Close()
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(w, "%-22s (CoNLL text not found in %s, skipped)\n", path, src.conllDir)
			continue
		}
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".jsonl")
		sentences := 0
		gold := 0
		for _, it := range items {
			sentences += det.CountSentences(it.Text)
			if it.Withdrawal {
				gold++
			}
		}
		var inPools []*pool
		if strings.Contains(name, "heldout") {
			inPools = append(inPools, pools[0])
			if !authored(name) {
				inPools = append(inPools, pools[1])
			}
			if strings.HasPrefix(name, "current-events") {
				inPools = append(inPools, pools[2])
			}
		}
		for _, p := range inPools {
			p.items += len(items)
			p.gold += gold
		}
		ctxs := make([]events.Context, len(items))
		ents := make([][]article.Entity, len(items))
		for k, it := range items {
			total++
			if it.Title != "" {
				titled++
			}
			if it.Published != "" {
				dated++
			}
			if ctxs[k], err = it.Context(); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if ents[k], err = src.tag.entities(it.Text); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		for n, sys := range []struct {
			name    string
			predict func(k int) events.Prediction
			typed   bool
		}{
			// The entities were found before timing: the speed is the
			// detector's.
			{"wirewatch", func(k int) events.Prediction {
				return events.PredictionOf(det.DetectContext(items[k].Text, ents[k], ctxs[k]))
			}, true},
			{"keyword", func(k int) events.Prediction { return events.Keyword(items[k].Text) }, false},
		} {
			preds := make([]events.Prediction, len(items))
			perSec := timeRuns(runs, sentences, func() {
				for k := range items {
					preds[k] = sys.predict(k)
				}
			})
			s := events.Evaluate(items, preds)
			for _, p := range inPools {
				add(&p.detect[n], s.Detect)
				add(&p.news[n], s.New)
				if sys.typed {
					for r := range p.rolesLabelled {
						p.rolesLabelled[r] += s.RolesLabelled[r]
						p.rolesRight[r] += s.RolesRight[r]
					}
				}
			}
			kind, status, roles := "-", "-", [3]string{"-", "-", "-"}
			if sys.typed {
				kind = fmt.Sprintf("%.3f", ratio(s.KindRight, s.TP))
				status = fmt.Sprintf("%.3f", ratio(s.StatusRight, s.TP))
				for r := range roles {
					roles[r] = fmt.Sprintf("%.3f", ratio(s.RolesRight[r], s.RolesLabelled[r]))
				}
			}
			fmt.Fprintf(w, "%-22s %-8s %5d %5d | %.3f %.3f %.3f | %.3f %.3f %.3f | %6s %6s | %5s %5s %5s | %9.0f\n",
				name, sys.name, len(items), gold, s.Detect.P(), s.Detect.R(), s.Detect.F1(),
				s.New.P(), s.New.R(), s.New.F1(), kind, status, roles[0], roles[1], roles[2], perSec)
		}
	}
	fmt.Fprintf(w, "article context: %d of %d items have their article's title, %d its date\n", titled, total, dated)
	for _, p := range pools {
		if p.items == 0 {
			continue
		}
		for n, sys := range []string{"wirewatch", "keyword"} {
			d, nw := p.detect[n], p.news[n]
			roles := ""
			if n == 0 {
				roles = fmt.Sprintf(" actor %.3f what %.3f from %.3f (of %d, %d, %d labelled)",
					ratio(p.rolesRight[0], p.rolesLabelled[0]), ratio(p.rolesRight[1], p.rolesLabelled[1]),
					ratio(p.rolesRight[2], p.rolesLabelled[2]), p.rolesLabelled[0], p.rolesLabelled[1], p.rolesLabelled[2])
			}
			fmt.Fprintf(w, "%-22s %-8s %5d %5d | %.3f %.3f %.3f | %.3f %.3f %.3f | (new gold %d)%s\n",
				p.name, sys, p.items, p.gold, d.P(), d.R(), d.F1(), nw.P(), nw.R(), nw.F1(), nw.TP+nw.FN, roles)
		}
	}
	return nil
}

// authored reports whether a set holds sentences written by the engineers
// who also wrote rules (authored*, and the context sets of authored
// articles): their figures are an upper bound, pooled apart.
func authored(set string) bool {
	return strings.HasPrefix(set, "authored") || strings.HasPrefix(set, "context")
}

func add(to *events.PRF, p events.PRF) {
	to.TP += p.TP
	to.FP += p.FP
	to.FN += p.FN
}

// readSet reads one labelled set and fills the text of its CoNLL items and
// the article context of its CoNLL and corpus items (or drops every
// item's context with noContext); an error wrapping fs.ErrNotExist means
// the CoNLL files are not there.
func readSet(r io.Reader, path string, src sources) ([]events.Labelled, error) {
	items, err := events.ReadLabelled(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := events.ResolveCoNLL(items, src.conllDir); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := events.ResolveCorpus(items, src.corpusDirs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if src.noContext {
		for k := range items {
			items[k].Title, items[k].Published = "", ""
		}
	}
	return items, nil
}

// tuningSet is one labelled set that rules may be tuned on.
type tuningSet struct {
	name  string
	items []events.Labelled
}

// tuning returns the English detector and the tuning sets of paths (see
// readTuning), what -folds and -errors both start from.
func tuning(w io.Writer, paths []string, src sources) (*events.Detector, []tuningSet, error) {
	det, err := events.New("en")
	if err != nil {
		return nil, nil, err
	}
	sets, err := readTuning(w, paths, src)
	return det, sets, err
}

// readTuning reads the sets of paths that are not held out, noting on w
// each one it leaves out: rules are never judged on held-out sets.
func readTuning(w io.Writer, paths []string, src sources) ([]tuningSet, error) {
	var sets []tuningSet
	for _, path := range paths {
		if strings.Contains(path, "heldout") {
			fmt.Fprintf(w, "%s: held out, not used\n", path)
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		items, err := readSet(f, path, src)
		f.Close()
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".jsonl")
		sets = append(sets, tuningSet{name: name, items: items})
	}
	return sets, nil
}

// runFolds pools the sets and prints the detector's figures on each of k
// folds, every group (article, CoNLL document, authored story) in one
// fold, then the mean over folds: a rule change is kept when it helps on
// most folds, not when it fixes a few sentences. With confusion it also
// prints which statuses are taken for which, over all folds.
func runFolds(w io.Writer, paths []string, src sources, k int, confusion bool) error {
	det, sets, err := tuning(w, paths, src)
	if err != nil {
		return err
	}
	var items []events.Labelled
	for _, set := range sets {
		items = append(items, set.items...)
	}
	byFold := make([][]events.Labelled, k)
	for _, it := range items {
		n := events.Fold(events.GroupOf(it), k)
		byFold[n] = append(byFold[n], it)
	}
	fmt.Fprintf(w, "%-5s %5s %5s %4s | %5s %5s %5s | %5s %5s %5s | %6s %6s | %5s %5s %5s\n",
		"fold", "items", "gold", "new", "detP", "detR", "detF1", "newP", "newR", "newF1", "kind", "status",
		"actor", "what", "from")
	var sumDet, sumNew, sumKind, sumStatus float64
	var sumRoles [3]float64
	matrix := map[[2]string]int{} // gold status, predicted status
	for n, fold := range byFold {
		preds := make([]events.Prediction, len(fold))
		newGold := 0
		for j, it := range fold {
			evs, err := src.detect(det, it)
			if err != nil {
				return err
			}
			preds[j] = events.PredictionOf(evs)
			if it.NewAnnouncement {
				newGold++
			}
		}
		s := events.Evaluate(fold, preds)
		sumDet += s.Detect.F1()
		sumNew += s.New.F1()
		sumKind += ratio(s.KindRight, s.TP)
		sumStatus += ratio(s.StatusRight, s.TP)
		for r := range sumRoles {
			sumRoles[r] += ratio(s.RolesRight[r], s.RolesLabelled[r])
		}
		for j, it := range fold {
			if it.Withdrawal && preds[j].Withdrawal {
				matrix[[2]string{it.Status, preds[j].Status}]++
			}
		}
		fmt.Fprintf(w, "%-5d %5d %5d %4d | %.3f %.3f %.3f | %.3f %.3f %.3f | %.3f  %.3f | %.3f %.3f %.3f\n", n, len(fold),
			s.Detect.TP+s.Detect.FN, newGold, s.Detect.P(), s.Detect.R(), s.Detect.F1(), s.New.P(), s.New.R(), s.New.F1(),
			ratio(s.KindRight, s.TP), ratio(s.StatusRight, s.TP),
			ratio(s.RolesRight[0], s.RolesLabelled[0]), ratio(s.RolesRight[1], s.RolesLabelled[1]),
			ratio(s.RolesRight[2], s.RolesLabelled[2]))
	}
	fmt.Fprintf(w, "mean detF1 %.3f newF1 %.3f over %d folds\n", sumDet/float64(k), sumNew/float64(k), k)
	fmt.Fprintf(w, "mean kind %.3f status %.3f (accuracy on detected events) actor %.3f what %.3f from %.3f (on their labelled roles)\n",
		sumKind/float64(k), sumStatus/float64(k), sumRoles[0]/float64(k), sumRoles[1]/float64(k), sumRoles[2]/float64(k))
	if confusion {
		printConfusion(w, matrix)
	}
	return nil
}

// statuses lists the labels' statuses in the guideline's order.
var statuses = []string{"announced", "completed", "demanded", "supported", "refused", "historical", "hypothetical"}

// printConfusion prints a status confusion matrix: a row per gold status,
// a column per predicted one.
func printConfusion(w io.Writer, m map[[2]string]int) {
	fmt.Fprintf(w, "status confusion (rows gold, columns predicted):\n%-12s", "")
	for _, p := range statuses {
		fmt.Fprintf(w, " %5.5s", p)
	}
	fmt.Fprintln(w)
	for _, g := range statuses {
		fmt.Fprintf(w, "%-12s", g)
		for _, p := range statuses {
			fmt.Fprintf(w, " %5d", m[[2]string{g, p}])
		}
		fmt.Fprintln(w)
	}
}

// timeRuns runs f runs times (each at least 200 ms, repeating the set) and
// returns the median rate in sentences per second.
func timeRuns(runs, sentences int, f func()) float64 {
	var rates []float64
	for range max(runs, 1) {
		reps := 0
		start := time.Now()
		for reps == 0 || time.Since(start) < 200*time.Millisecond {
			f()
			reps++
		}
		rates = append(rates, float64(sentences*reps)/time.Since(start).Seconds())
	}
	slices.Sort(rates)
	return rates[len(rates)/2]
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
