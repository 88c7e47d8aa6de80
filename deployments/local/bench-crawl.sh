#!/usr/bin/env bash
# Crawl throughput of `wirewatch crawl` processes sharing hosts through one
# consumer group (issue 16): BenchmarkCrawlGroup with 1, 2 and 3 processes
# on 30 loopback sites, 300ms between requests to a host, COUNT runs each
# (default 3), then the median articles/s and duplicate fetches of each
# process count and the ratios against one process.
#
#   deployments/local/bench-crawl.sh [output file, default bench-crawl.out]
#
# Needs the broker the tests use (WIREWATCH_TEST_KAFKA; `make services`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-bench-crawl.out}
count=${COUNT:-3}
: "${WIREWATCH_TEST_KAFKA:=127.0.0.1:9092}"
export WIREWATCH_TEST_KAFKA WIREWATCH_BENCH_CRAWL=1
cd "$here/../.."
go test -run '^$' -bench BenchmarkCrawlGroup -benchtime 1x -count "$count" -timeout 60m ./cmd/wirewatch | tee "$out"
awk '
# Medians of articles/s and dupfetches/op per process count of
# BenchmarkCrawlGroup output, and the scaling ratios against procs=1.
/^BenchmarkCrawlGroup\/procs=/ {
	p = $1; sub(/^.*procs=/, "", p); sub(/-.*/, "", p)
	for (i = 2; i <= NF; i++) {
		if ($i == "articles/s") { n[p]++; rate[p, n[p]] = $(i-1) }
		if ($i == "dupfetches/op") { dups[p, n[p]] = $(i-1) }
	}
}
function median(arr, p, k,    i, j, t, v) {
	for (i = 1; i <= k; i++) v[i] = arr[p, i]
	for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
	return k % 2 ? v[(k+1)/2] : (v[k/2] + v[k/2+1]) / 2
}
END {
	for (p = 1; p in n; p++) {
		m = median(rate, p, n[p])
		if (p == 1) base = m
		printf "procs=%d: median %.2f articles/s (%.2fx procs=1), median %d duplicate fetches, %d runs\n", p, m, m / base, median(dups, p, n[p]), n[p]
	}
}
' "$out"
