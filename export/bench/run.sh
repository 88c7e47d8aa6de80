#!/bin/sh
# Export benchmark: `wirewatch export --es-url` against elasticdump on the
# same Elasticsearch index in the same run, each REPS times, alternating,
# and the embedded store's export of the same articles; prints medians.
#
# The index (wwbench-export-articles, N synthetic articles of about 15 KB
# of JSON each) is filled by export/bench/seed and deleted at the end
# (KEEP=1 keeps it for the next run). elasticdump is installed by npm
# under $CACHE, never into the repository; its version is pinned below.
set -eu

ES=${WIREWATCH_TEST_ES:-http://127.0.0.1:9200}
N=${N:-20000}
REPS=${REPS:-3}
PREFIX=wwbench-export
ELASTICDUMP_VERSION=6.125.1
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wirewatch-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/export/bench
cd "$ROOT"

OUT=$CACHE/out
rm -rf "$OUT"
mkdir -p "$CACHE/bin" "$OUT"
cleanup() {
	rm -rf "$OUT"
	if [ -z "${KEEP:-}" ]; then go run ./export/bench/seed -es-url "$ES" -prefix "$PREFIX" -drop; fi
}
trap cleanup EXIT

ED=$CACHE/elasticdump/node_modules/elasticdump
if [ ! -f "$ED/package.json" ] || ! grep -q "\"version\": \"$ELASTICDUMP_VERSION\"" "$ED/package.json"; then
	echo "installing elasticdump $ELASTICDUMP_VERSION under $CACHE/elasticdump"
	mkdir -p "$CACHE/elasticdump"
	npm install --prefix "$CACHE/elasticdump" --no-audit --no-fund --silent "elasticdump@$ELASTICDUMP_VERSION"
fi

go build -o "$CACHE/bin/wirewatch" ./cmd/wirewatch
WW=$CACHE/bin/wirewatch
go run ./export/bench/seed -es-url "$ES" -prefix "$PREFIX" -n "$N"
go run ./export/bench/seed -sqlite "$CACHE/sqlite-$N" -n "$N"

# elasticdump reads the version from GET /, which the test distribution
# answers with 405: take it from the nodes API and preload it (esversion.cjs).
ES_VERSION=$(curl -s "$ES/_nodes/_local?filter_path=nodes.*.version" | grep -o '"version":"[^"]*"' | head -1 | cut -d'"' -f4)
export ES_VERSION ELASTICDUMP_DIR=$ED

now() { date +%s.%N; }
# run NAME OUTFILE COMMAND...: times one run, appends "seconds bytes peak-RSS-KB"
# to $OUT/NAME.times (RSS 0 without GNU time).
run() {
	name=$1 out=$2
	shift 2
	rm -rf "$out"
	t0=$(now)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$OUT/$name.rss" "$@" >"$OUT/$name.log" 2>&1 || { cat "$OUT/$name.log"; exit 1; }
	else
		echo 0 >"$OUT/$name.rss"
		"$@" >"$OUT/$name.log" 2>&1 || { cat "$OUT/$name.log"; exit 1; }
	fi
	t1=$(now)
	bytes=$(du -sb "$out" | cut -f1)
	echo "$t0 $t1 $bytes $(tail -1 "$OUT/$name.rss")" | awk '{printf "%.3f %d %d\n", $2-$1, $3, $4}' >>"$OUT/$name.times"
}
median() { sort -n "$1" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }

for i in $(seq "$REPS"); do
	echo "round $i of $REPS"
	run elasticdump "$OUT/ed.json" node --require "$HERE/esversion.cjs" "$ED/bin/elasticdump" \
		--input="$ES/$PREFIX-articles" --output="$OUT/ed.json" --type=data
	run wirewatch-es-jsonl "$OUT/ww.jsonl" "$WW" export --es-url "$ES" --es-index-prefix "$PREFIX" \
		--format jsonl --out "$OUT/ww.jsonl" --progress never
	run wirewatch-es-csv "$OUT/ww.csv" "$WW" export --es-url "$ES" --es-index-prefix "$PREFIX" \
		--format csv --out "$OUT/ww.csv" --progress never
	run wirewatch-sqlite-jsonl "$OUT/lite.jsonl" "$WW" export --data "$CACHE/sqlite-$N" \
		--format jsonl --out "$OUT/lite.jsonl" --progress never
	run wirewatch-sqlite-csv "$OUT/lite.csv" "$WW" export --data "$CACHE/sqlite-$N" \
		--format csv --out "$OUT/lite.csv" --progress never
	run wirewatch-sqlite-parquet "$OUT/lite.pq" "$WW" export --data "$CACHE/sqlite-$N" \
		--format parquet --out "$OUT/lite.pq" --progress never
done

echo
echo "export of $N articles, median of $REPS runs (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-26s %9s %13s %9s %12s\n' tool seconds articles/s MB/s peak-RSS-MB
for name in elasticdump wirewatch-es-jsonl wirewatch-es-csv wirewatch-sqlite-jsonl wirewatch-sqlite-csv wirewatch-sqlite-parquet; do
	median "$OUT/$name.times" | awk -v n="$N" -v name="$name" '{printf "%-26s %9.2f %13.0f %9.1f %12.0f\n", name, $1, n/$1, $2/1e6/$1, $3/1024}'
	median "$OUT/$name.times" | cut -d' ' -f1 >"$OUT/$name.median"
done
ed=$(cat "$OUT/elasticdump.median")
ww=$(cat "$OUT/wirewatch-es-jsonl.median")
echo "$ed $ww" | awk '{printf "wirewatch jsonl from Elasticsearch is %.2fx elasticdump (articles/s)\n", $1/$2}'
