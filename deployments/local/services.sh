#!/usr/bin/env bash
# Starts (or stops) every server the integration tests need, in parallel:
# a real Kafka broker and a real Elasticsearch node, both from Maven Central.
# Usage: services.sh start|stop|status|reset
# reset stops both and deletes their data, so the next start is empty.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-start}
case "$cmd" in
start|stop|status|reset) ;;
*) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
logdir=${WIREWATCH_RUN:-/tmp/wirewatch-it}
mkdir -p "$logdir"
"$here/kafka.sh" "$cmd" >"$logdir/kafka.$cmd.out" 2>&1 & kpid=$!
"$here/elasticsearch.sh" "$cmd" >"$logdir/es.$cmd.out" 2>&1 & epid=$!
rc=0
wait $kpid || { rc=1; echo "kafka.sh $cmd failed:" >&2; tail -n 40 "$logdir/kafka.$cmd.out" >&2; }
wait $epid || { rc=1; echo "elasticsearch.sh $cmd failed:" >&2; tail -n 40 "$logdir/es.$cmd.out" >&2; }
if [ "$cmd" = start ] && [ $rc -eq 0 ]; then
  echo "kafka: $(tail -n 1 "$logdir/kafka.start.out")  elasticsearch: $(tail -n 1 "$logdir/es.start.out")"
fi
exit $rc
