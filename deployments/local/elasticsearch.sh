#!/usr/bin/env bash
# Run a real single-node Elasticsearch from the integ-test-zip distribution that Elastic publishes
# to Maven Central (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip).
#
#   deployments/local/elasticsearch.sh start|stop|status|reset
#
# HTTP on 127.0.0.1:9200 (printed by `start` as the last stdout line), transport on 127.0.0.1:9300;
# ES_PORT and ES_TRANSPORT_PORT move them.
# No security (plain HTTP, no credentials). Minimal distribution: see deployments/local/README.md
# for the modules it lacks (no GET /, no analysis-common, painless, reindex, ingest ...).
#
# Environment:
#   ES_VERSION         distribution version (default below)
#   WIREWATCH_CACHE    cache root (default $HOME/.cache/wirewatch); zip goes to $WIREWATCH_CACHE/elasticsearch-<version>/
#   WIREWATCH_RUN      run root (default /tmp/wirewatch-it); ES home/data/logs, pid and lock files go under it,
#                      so start/stop/status/reset only ever act on the node of this run root
#   ES_PORT, ES_TRANSPORT_PORT
#                      HTTP and transport ports (default 9200, 9300); with another WIREWATCH_RUN they let a
#                      test run a second, private node (e.g. one it restarts) beside the shared one
#   ES_JAVA_HOME       JDK to run ES with (default OpenJDK 17, else JAVA_HOME, else java on PATH)
#   ES_HEAP            heap size for -Xms/-Xmx (default 512m)
#   ES_EXTRA_JAVA_OPTS more JVM flags appended to ES_JAVA_OPTS (default none)
#   ES_USER            system user ES runs as when this script runs as root (default wirewatch-es; created if missing)
#   ES_START_TIMEOUT   seconds to wait for yellow health (default 240; a loaded 2-core box needed ~95s cold)
#   ES_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (default 30)
#
# Progress goes to stderr; `start` prints only the URL on stdout.
set -euo pipefail

ES_VERSION=${ES_VERSION:-8.19.21}
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE_ROOT=${WIREWATCH_CACHE:-$HOME/.cache/wirewatch}
CACHE_DIR=$CACHE_ROOT/elasticsearch-$ES_VERSION
ZIP=$CACHE_DIR/elasticsearch-$ES_VERSION.zip
# absolute, because it ends up in the node's config and in the path.home we look processes up by
RUN_ROOT=$(realpath -m -- "${WIREWATCH_RUN:-/tmp/wirewatch-it}")
E_DIR=$RUN_ROOT/elasticsearch
ES_HOME=$E_DIR/elasticsearch-$ES_VERSION
DATA_DIR=$E_DIR/data
LOGS_DIR=$E_DIR/logs
TMP_DIR=$E_DIR/tmp
PID_FILE=$E_DIR/es.pid
OUT_FILE=$E_DIR/es-launch.log
CLUSTER=wirewatch-it
HOST=127.0.0.1
PORT=${ES_PORT:-9200}
TRANSPORT_PORT=${ES_TRANSPORT_PORT:-9300}
PORTS_FILE=$E_DIR/ports
URL=http://$HOST:$PORT
ES_HEAP=${ES_HEAP:-512m}
ES_USER=${ES_USER:-wirewatch-es}
START_TIMEOUT=${ES_START_TIMEOUT:-240}
STOP_TIMEOUT=${ES_STOP_TIMEOUT:-30}

log() { echo "elasticsearch.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for p in "$PORT" "$TRANSPORT_PORT"; do
  if ! [[ $p =~ ^[1-9][0-9]{0,4}$ ]] || (( p > 65535 )); then
    die "bad port '$p' in ES_PORT/ES_TRANSPORT_PORT"
  fi
done
[[ $PORT != "$TRANSPORT_PORT" ]] || die "ES_PORT and ES_TRANSPORT_PORT are both $PORT"

show_log_tail() {
  local f
  for f in "$OUT_FILE" "$LOGS_DIR/$CLUSTER.log"; do
    # skip a node log left over from an earlier run
    if [[ -s $f && ! $E_DIR/.start-marker -nt $f ]]; then
      log "last 40 lines of $f:"
      tail -n 40 "$f" >&2 || true
    fi
  done
  f=$LOGS_DIR/$CLUSTER.log
  if [[ -s $f && ! $E_DIR/.start-marker -nt $f ]] && grep -qE '^\[[^]]*\]\[(ERROR|FATAL)' "$f"; then
    log "error lines (first 5) in $f:"
    grep -E '^\[[^]]*\]\[(ERROR|FATAL)' "$f" | head -n 5 | cut -c1-400 >&2 || true
  fi
}

# ours PID succeeds when PID is a node whose home is in $E_DIR (any version). Matching the whole
# -Des.path.home argument, not a prefix or just "org.elasticsearch", keeps a stale pid file or another
# run root's node (e.g. the shared one beside a test's private node) from being taken for ours.
ours() {
  local arg
  [[ -r /proc/$1/cmdline ]] || return 1
  while IFS= read -r -d '' arg; do
    if [[ $arg == "-Des.path.home=$E_DIR/elasticsearch-"* && ${arg#"-Des.path.home=$E_DIR/"} != */* ]]; then
      return 0
    fi
  done 2>/dev/null <"/proc/$1/cmdline"
  return 1
}

# pid of the node started from $E_DIR, or nothing (and status 1). Uses the pid file, else looks for
# the process by its -Des.path.home (the pid file is written only once the node has started).
running_pid() {
  local pid="" d
  if [[ -f $PID_FILE ]]; then
    pid=$(cat "$PID_FILE" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && ours "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  for d in /proc/[0-9]*; do
    if ours "${d#/proc/}"; then
      echo "${d#/proc/}"
      return 0
    fi
  done
  return 1
}

# "HTTP TRANSPORT" ports the node of this run root was last started with
started_ports() { cat "$PORTS_FILE" 2>/dev/null || echo "9200 9300"; }


# GET $1 from the node; prints the body and succeeds only on HTTP 200. Uses curl when present.
http_get() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time 30 "$URL$1" 2>/dev/null
    return
  fi
  local resp
  resp=$( exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
          printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$1" "$HOST" "$PORT" >&3
          timeout 30 cat <&3 ) 2>/dev/null || return 1
  [[ $resp == HTTP/1.?\ 200* ]] || return 1
  printf '%s\n' "${resp#*$'\r\n\r\n'}"
}

find_java_home() {
  local cand
  for cand in "${ES_JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 "${JAVA_HOME:-}"; do
    [[ -n $cand && -x $cand/bin/java ]] && { echo "$cand"; return 0; }
  done
  cand=$(command -v java || true)
  [[ -n $cand ]] || return 1
  dirname "$(dirname "$(readlink -f "$cand")")"
}

download_zip() {
  if [[ -s $ZIP ]]; then
    log "distribution cached at $ZIP"
    return 0
  fi
  # The cache is shared by every run root, whose locks do not exclude each other: download under a
  # cache lock, and look again once we hold it (another node's start may have fetched the zip).
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.download.lock"
  flock -w 600 8 || die "timed out waiting for the lock $CACHE_DIR/.download.lock"
  if [[ -s $ZIP ]]; then
    exec 8>&-
    log "distribution cached at $ZIP"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Elasticsearch $ES_VERSION from Maven Central)"
  local t0
  t0=$(now)
  log "downloading org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip into $CACHE_DIR ..."
  rm -rf "$CACHE_DIR/tmp"
  mkdir -p "$CACHE_DIR/tmp"
  # run outside any project directory so mvn does not pick up a pom.xml
  if ! (cd "$CACHE_DIR/tmp" && mvn -B -q -Dstyle.color=never \
        org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
        -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
        -Dtransitive=false -DoutputDirectory="$CACHE_DIR/tmp" >"$CACHE_DIR/mvn.log" 2>&1); then
    cat "$CACHE_DIR/mvn.log" >&2
    die "mvn could not download Elasticsearch $ES_VERSION (output above)"
  fi
  [[ -s $CACHE_DIR/tmp/elasticsearch-$ES_VERSION.zip ]] || die "zip missing after mvn"
  mv "$CACHE_DIR/tmp/elasticsearch-$ES_VERSION.zip" "$ZIP"
  rm -rf "$CACHE_DIR/tmp"
  exec 8>&-
  log "downloaded $(du -h "$ZIP" | cut -f1) in $(since "$t0")"
}

unpack() {
  [[ -x $ES_HOME/bin/elasticsearch ]] && return 0
  local t0
  t0=$(now)
  mkdir -p "$E_DIR"
  rm -rf "$E_DIR/unpack.tmp"
  mkdir -p "$E_DIR/unpack.tmp"
  if command -v unzip >/dev/null; then
    unzip -q "$ZIP" -d "$E_DIR/unpack.tmp"
  else
    (cd "$E_DIR/unpack.tmp" && "$JAVA_HOME_ES/bin/jar" xf "$ZIP")
  fi
  mv "$E_DIR/unpack.tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$E_DIR/unpack.tmp"
  chmod +x "$ES_HOME"/bin/*
  log "unpacked into $ES_HOME in $(since "$t0")"
}

# The integ-test distribution has only a few modules; ES refuses unknown settings, so only set
# xpack.* when the module that defines it is present.
write_config() {
  local yml=$ES_HOME/config/elasticsearch.yml
  cat >"$yml" <<EOF
# generated by deployments/local/elasticsearch.sh; rewritten on every start
cluster.name: $CLUSTER
node.name: node-1
discovery.type: single-node
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORT
path.data: $DATA_DIR
path.logs: $LOGS_DIR
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  if [[ -d $ES_HOME/modules/x-pack-security ]]; then
    echo "xpack.security.enabled: false" >>"$yml"
  fi
}

ensure_user() {
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  command -v useradd >/dev/null || die "user $ES_USER missing and useradd not found"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER" \
    || id -u "$ES_USER" >/dev/null 2>&1 || die "could not create system user $ES_USER"
  log "created system user $ES_USER"
}

do_start() {
  local t_all t0 pid
  t_all=$(now)
  if pid=$(running_pid); then
    local running_version
    running_version=$(cat "$E_DIR/version" 2>/dev/null || echo "?")
    [[ $running_version == "$ES_VERSION" ]] \
      || die "Elasticsearch $running_version is running (pid $pid), not $ES_VERSION; run '$0 reset' first"
    local running_ports
    running_ports=$(started_ports)
    [[ $running_ports == "$PORT $TRANSPORT_PORT" ]] \
      || die "Elasticsearch is running (pid $pid) on ports $running_ports, not $PORT $TRANSPORT_PORT; run '$0 stop' first"
    log "already running (pid $pid)"
    echo "$URL"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$PORT" "$TRANSPORT_PORT"; do
    port_open "$HOST" "$p" && die "$HOST:$p is already in use by another process (not a node started by this script)"
  done
  if [[ -d $DATA_DIR && $(cat "$E_DIR/version" 2>/dev/null || echo "$ES_VERSION") != "$ES_VERSION" ]]; then
    die "$DATA_DIR was written by Elasticsearch $(cat "$E_DIR/version"), not $ES_VERSION; run '$0 reset' first"
  fi
  JAVA_HOME_ES=$(find_java_home) || die "no JDK found (set ES_JAVA_HOME)"
  download_zip
  unpack
  write_config
  mkdir -p "$DATA_DIR" "$LOGS_DIR" "$TMP_DIR"
  echo "$ES_VERSION" >"$E_DIR/version"
  echo "$PORT $TRANSPORT_PORT" >"$PORTS_FILE"
  rm -f "$OUT_FILE"
  touch "$E_DIR/.start-marker"

  local -a as_user=()
  if [[ $(id -u) == 0 ]]; then
    # Elasticsearch refuses to run as root
    ensure_user
    chown -R "$ES_USER:" "$E_DIR"
    # the ES user must be able to reach the run dir
    runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" \
      || die "user $ES_USER cannot access $ES_HOME (is a parent of WIREWATCH_RUN private?)"
    as_user=(runuser -u "$ES_USER" --)
  fi

  t0=$(now)
  local deadline=$((SECONDS + START_TIMEOUT))
  log "starting Elasticsearch $ES_VERSION (java: $JAVA_HOME_ES, heap $ES_HEAP${as_user:+, user $ES_USER}) ..."
  # -d: the launcher forks the server, waits until the node has started, then returns
  if ! timeout "$START_TIMEOUT" "${as_user[@]}" env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$E_DIR" \
        ES_JAVA_HOME="$JAVA_HOME_ES" ES_TMPDIR="$TMP_DIR" \
        ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
        setsid "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE" >"$OUT_FILE" 2>&1 </dev/null 9>&-; then
    show_log_tail
    do_stop
    die "Elasticsearch failed to start (launcher failed or took over ${START_TIMEOUT}s)"
  fi
  log "launcher returned after $(since "$t0")"

  while :; do
    if http_get "/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null; then
      break
    fi
    if [[ -f $PID_FILE ]] && ! running_pid >/dev/null; then
      show_log_tail
      die "Elasticsearch exited during startup"
    fi
    if (( SECONDS >= deadline )); then
      show_log_tail
      log "no yellow cluster health after ${START_TIMEOUT}s; stopping it"
      do_stop
      die "no yellow cluster health after ${START_TIMEOUT}s (raise ES_START_TIMEOUT on a slow machine)"
    fi
    sleep 0.5
  done
  pid=$(running_pid || echo "?")
  log "ready in $(since "$t0") (total $(since "$t_all")), pid $pid"
  echo "$URL"
}

do_stop() { stop_server "$PID_FILE" "$STOP_TIMEOUT"; }

do_status() {
  local pid
  if pid=$(running_pid); then
    log "running (pid $pid) on http://$HOST:$(started_ports | cut -d' ' -f1)"
    return 0
  fi
  log "not running"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$E_DIR"
  log "wiped $E_DIR"
}

# one command at a time (parallel `go test` packages may all call start)
mkdir -p "$RUN_ROOT"
exec 9>"$RUN_ROOT/.elasticsearch.lock"
flock -w 300 9 || die "timed out waiting for the lock $RUN_ROOT/.elasticsearch.lock"

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
