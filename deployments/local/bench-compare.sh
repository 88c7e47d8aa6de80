#!/usr/bin/env bash
# bench-compare.sh OLD NEW PKG BENCH [ROUNDS]
#
# Runs benchmark BENCH (a -bench regexp) of package PKG (./store/sqlite) as
# built at commit OLD and at commit NEW, alternately, ROUNDS times (3), on
# this machine, and prints benchstat's comparison. Alternating the two test
# binaries in one run is how the README's before/after figures were made:
# on a shared machine, two separate runs differ more than two builds do.
# Run it on an idle machine; the Kafka and Elasticsearch benchmarks need
# WIREWATCH_TEST_KAFKA / WIREWATCH_TEST_ES as `make bench` sets them.
set -euo pipefail
if [ $# -lt 4 ]; then
	echo "usage: $0 OLD NEW PKG BENCH [ROUNDS]" >&2
	exit 2
fi
old=$1 new=$2 pkg=$3 bench=$4 rounds=${5:-3}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true
	git -C "$root" worktree remove --force "$work/new" >/dev/null 2>&1 || true
	rm -rf "$work"' EXIT
for v in old new; do
	git -C "$root" worktree add --detach --quiet "$work/$v" "${!v}"
	(cd "$work/$v" && go test -c -o "$work/$v.test" "$pkg")
done
for _ in $(seq "$rounds"); do
	for v in old new; do
		(cd "$work/$v/$pkg" && "$work/$v.test" -test.run '^$' -test.bench "$bench" -test.benchmem \
			-test.count 1 -test.timeout 60m | grep -E '^Benchmark' >>"$work/$v.txt")
	done
done
cd "$root" && go run golang.org/x/perf/cmd/benchstat@latest "$work/old.txt" "$work/new.txt"
