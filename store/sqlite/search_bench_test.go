package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// synthetic returns article i of a synthetic corpus: bodies of 120 words
// drawn with a Zipf law from 5,000 words (a few of which are the query's
// words), two people, a place and an organisation of a few hundred each,
// one of 50 sites, dated over two years.
func synthetic(r *rand.Rand, zipf *rand.Zipf, i int) *article.Article {
	word := func() string {
		n := zipf.Uint64()
		switch n {
		case 40:
			return "trade"
		case 60:
			return "China"
		case 90:
			return "tariffs"
		case 150:
			return "supply chain"
		case 200:
			return "Beijing"
		case 70:
			return "sport"
		case 300:
			return "football"
		}
		return "w" + strconv.FormatUint(n, 36)
	}
	var title, body []string
	for range 8 {
		title = append(title, word())
	}
	for range 120 {
		body = append(body, word())
	}
	person := func() string { return fmt.Sprintf("Given%d Family%d", r.IntN(300), r.IntN(100)) }
	p1, p2 := person(), person()
	place := []string{"China", "Libya", "France", "Brazil", "Kenya", "Japan", "Chile", "Peru"}[r.IntN(8)]
	org := fmt.Sprintf("Org%d", r.IntN(200))
	text := strings.Join(body, " ") + ". " + p1 + " and " + p2 + " met in " + place + " at " + org + "."
	site := fmt.Sprintf("site%d.example.com", r.IntN(50))
	fetched := storetest.T0.Add(time.Duration(r.IntN(2*365*24)) * time.Hour)
	return storetest.Mk(fmt.Sprintf("/%d", i), site, strings.Join(title, " "), text, fetched,
		article.Entity{Type: article.Person, Canonical: p1}, article.Entity{Type: article.Person, Canonical: p2},
		article.Entity{Type: article.Place, Canonical: place}, article.Entity{Type: article.Organization, Canonical: org})
}

// BenchmarkBooleanQuery runs a 10-clause boolean query with facets over
// a synthetic store (200,000 articles; WIREWATCH_BENCH_ARTICLES sets
// another size): a ranked search of 10 hits, then the facets of all the
// matches, and reports the time of the pair at the median and the 95th
// percentile. Building the store takes minutes; WIREWATCH_BENCH_DIR
// names a directory to keep it in and reuse.
func BenchmarkBooleanQuery(b *testing.B) {
	n := 200000
	if v := os.Getenv("WIREWATCH_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	dir := os.Getenv("WIREWATCH_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	s, err := Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	stored, err := s.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 4999)
	start := time.Now()
	for i := range n {
		a := synthetic(r, zipf, i)
		if i < stored {
			continue // kept from an earlier run
		}
		if err := s.Put(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("stored %d articles in %s", n, time.Since(start).Round(time.Second))
	q := query.MustParse(`(trade OR tariff* OR "supply chain") AND (china OR beijing OR place:Libya) NOT (sport OR football) since:2021-06-01 -person:Family7`)
	var took, searching []time.Duration
	hits := 0
	for b.Loop() {
		t := time.Now()
		h, err := s.Search(ctx, q, 10)
		if err != nil {
			b.Fatal(err)
		}
		searched := time.Since(t)
		if _, err := s.Facets(ctx, q, 10); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
		searching = append(searching, searched)
		hits = len(h)
	}
	if hits == 0 {
		b.Fatal("the query found nothing")
	}
	slices.Sort(took)
	slices.Sort(searching)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Milliseconds()), "p95-ms")
	b.ReportMetric(float64(searching[len(searching)/2].Milliseconds()), "search-p50-ms")
	b.ReportMetric(float64(searching[len(searching)*95/100].Milliseconds()), "search-p95-ms")
}
