package main

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/sitefarm"
)

// BenchmarkCrawlGroup crawls the same farm of 30 sites (20 articles
// each, 300ms between requests to a host; a fresh copy per crawl) with 1,
// 2 and 3 crawl processes of one group, in one run. Hosts outnumber
// processes, so each process owns several hosts; one process has
// --workers 4 fetches in flight at most, each held back by its host's
// delay, which is what more processes add to. It reports articles/s from
// the first article on the clean topic to the last (so process start-up
// and the group's first join are left out), the duplicate article fetches
// and the cross-process overlaps the farm saw. Reproduce with
//
//	make bench-crawl
//
// which runs deployments/local/bench-crawl.sh: 3 runs of each
// (WIREWATCH_BENCH_CRAWL=1 go test -run '^$' -bench BenchmarkCrawlGroup
// -benchtime 1x -count 3 ./cmd/wirewatch), then the medians and the
// ratios procs=2/procs=1 and procs=3/procs=1, the scaling figures.
func BenchmarkCrawlGroup(b *testing.B) {
	if os.Getenv("WIREWATCH_BENCH_CRAWL") == "" {
		b.Skip("minutes long: set WIREWATCH_BENCH_CRAWL=1 (make bench-crawl does)")
	}
	brokers := testBroker(b)
	bin := buildBinary(b)
	requireCrawlGroup(b, bin)
	const delay = 300 * time.Millisecond
	for _, procs := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
			var rate, dups, overlaps float64
			n := 0
			for b.Loop() {
				farm, err := sitefarm.Start(sitefarm.Options{Sites: 30, Articles: 20, Name: "Bench"})
				if err != nil {
					b.Fatal(err)
				}
				f := newCrawlFleet(b, bin, brokers, farm, "--delay", delay.String(), "--workers", "4")
				var rs []*role
				for i := range procs {
					rs = append(rs, f.start(fmt.Sprintf("p%d", i+1)))
				}
				waitFor(b, 5*time.Minute, func() bool { return f.onTopic() == len(f.expected) },
					fmt.Sprintf("all %d articles are on the clean topic", len(f.expected)))
				first, last := f.clean.span(f.expected)
				stopAll(b, rs...)
				sum := sitefarm.Summarize(farm.Log(), sitefarm.Fixed(delay))
				farm.Close()
				rate += float64(len(f.expected)-1) / last.Sub(first).Seconds()
				dups += float64(sum.Duplicates)
				overlaps += float64(sum.Overlaps)
				n++
			}
			b.ReportMetric(rate/float64(n), "articles/s")
			b.ReportMetric(dups/float64(n), "dupfetches/op")
			b.ReportMetric(overlaps/float64(n), "overlaps/op")
		})
	}
}
