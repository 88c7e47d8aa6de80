#!/usr/bin/env bash
# Run a real single-node Apache Kafka broker (KRaft, combined broker+controller) from Maven Central jars.
#
#   deployments/local/kafka.sh start|stop|status|reset
#
# Listeners (loopback only):
#   127.0.0.1:9092  PLAINTEXT        (clients; printed by `start` as the last stdout line)
#   127.0.0.1:9093  CONTROLLER       (KRaft quorum, internal)
#   127.0.0.1:9094  SASL_PLAINTEXT   (SASL/PLAIN, user wirewatch / wirewatch-secret; off with KAFKA_SASL=0)
#
# Environment:
#   KAFKA_VERSION        broker version from Maven Central (default below)
#   WIREWATCH_CACHE      cache root (default $HOME/.cache/wirewatch); jars go to $WIREWATCH_CACHE/kafka-<version>/lib
#   WIREWATCH_RUN        run root (default /tmp/wirewatch-it); config/data/log go to $WIREWATCH_RUN/kafka
#   KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_SASL_PORT
#                        listener ports (default 9092, 9093, 9094); with another WIREWATCH_RUN they let a
#                        test run a second, private broker (e.g. one it restarts) beside the shared one
#   KAFKA_SASL           1 (default) adds the SASL_PLAINTEXT listener on 9094, 0 leaves it out
#   KAFKA_HEAP_OPTS      JVM heap flags (default "-Xms256m -Xmx768m")
#   KAFKA_JAVA_HOME      JDK to use (else JAVA_HOME, else OpenJDK 17, else java on PATH; must be >= 17)
#   KAFKA_START_TIMEOUT  seconds to wait for readiness (default 180; a loaded 2-core box needed ~80s)
#   KAFKA_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 30)
#
# Progress goes to stderr; `start` prints only the bootstrap address on stdout.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE_ROOT=${WIREWATCH_CACHE:-$HOME/.cache/wirewatch}
CACHE_DIR=$CACHE_ROOT/kafka-$KAFKA_VERSION
RUN_ROOT=${WIREWATCH_RUN:-/tmp/wirewatch-it}
K_DIR=$RUN_ROOT/kafka
DATA_DIR=$K_DIR/data
LOG_FILE=$K_DIR/kafka.log
PID_FILE=$K_DIR/kafka.pid
HOST=127.0.0.1
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
SASL_PORT=${KAFKA_SASL_PORT:-9094}
KAFKA_SASL=${KAFKA_SASL:-1}
SASL_USER=wirewatch
SASL_PASSWORD=wirewatch-secret
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-180}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

log() { echo "kafka.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

show_log_tail() {
  if [[ -f $LOG_FILE ]]; then
    log "last 40 lines of $LOG_FILE:"
    tail -n 40 "$LOG_FILE" >&2 || true
    if grep -qE '^\[[^]]*\] (ERROR|FATAL) ' "$LOG_FILE"; then
      log "error lines (first 5) in $LOG_FILE:"
      grep -E '^\[[^]]*\] (ERROR|FATAL) ' "$LOG_FILE" | head -n 5 | cut -c1-400 >&2 || true
    fi
  fi
}

# pid of the running broker, or nothing (and status 1)
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}


java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2; exit }'
}

find_java() {
  local cand v
  for cand in "${KAFKA_JAVA_HOME:+$KAFKA_JAVA_HOME/bin/java}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
              /usr/lib/jvm/java-17-openjdk-amd64/bin/java "$(command -v java || true)"; do
    [[ -n $cand && -x $cand ]] || continue
    v=$(java_major "$cand")
    if [[ ${v%%.*} =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 17 )); then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

# Resolve broker jars into $CACHE_DIR/lib once; later calls reuse them.
resolve_jars() {
  if [[ -f $CACHE_DIR/.complete ]]; then
    log "jars cached in $CACHE_DIR/lib"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka $KAFKA_VERSION from Maven Central)"
  local t0
  t0=$(now)
  log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central into $CACHE_DIR ..."
  mkdir -p "$CACHE_DIR"
  cp "$SCRIPT_DIR/kafka/pom.xml" "$CACHE_DIR/pom.xml"
  rm -rf "$CACHE_DIR/lib.tmp"
  if ! (cd "$CACHE_DIR" && mvn -B -q -Dstyle.color=never -f pom.xml -Dkafka.version="$KAFKA_VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$CACHE_DIR/lib.tmp" \
        >"$CACHE_DIR/mvn.log" 2>&1); then
    cat "$CACHE_DIR/mvn.log" >&2
    die "mvn could not resolve Kafka $KAFKA_VERSION (output above)"
  fi
  ls "$CACHE_DIR/lib.tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
  rm -rf "${CACHE_DIR:?}/lib"
  mv "$CACHE_DIR/lib.tmp" "$CACHE_DIR/lib"
  touch "$CACHE_DIR/.complete"
  local jars=("$CACHE_DIR"/lib/*.jar)
  log "resolved ${#jars[@]} jars in $(since "$t0")"
}

# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding, not starting with '-'.
new_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id != -* ]] && { echo "$id"; return; }
  done
}

write_config() {
  mkdir -p "$K_DIR" "$DATA_DIR"
  local listeners="PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT"
  local advertised="PLAINTEXT://$HOST:$PORT"
  local protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [[ $KAFKA_SASL == 1 ]]; then
    listeners+=",SASL_PLAINTEXT://$HOST:$SASL_PORT"
    advertised+=",SASL_PLAINTEXT://$HOST:$SASL_PORT"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT"
  fi
  cat >"$K_DIR/server.properties" <<EOF
# generated by deployments/local/kafka.sh; rewritten on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listeners=$listeners
advertised.listeners=$advertised
listener.security.protocol.map=$protocols
log.dirs=$DATA_DIR
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
  if [[ $KAFKA_SASL == 1 ]]; then
    cat >>"$K_DIR/server.properties" <<EOF
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$SASL_USER" password="$SASL_PASSWORD" user_$SASL_USER="$SASL_PASSWORD";
EOF
  fi
  cat >"$K_DIR/log4j2.properties" <<'EOF'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.ak.name = org.apache.kafka
logger.ak.level = warn
logger.kafka.name = kafka
logger.kafka.level = warn
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = info
logger.state.name = state.change.logger
logger.state.level = warn
EOF
}

do_start() {
  local t_all pid t0 java
  t_all=$(now)
  if pid=$(running_pid); then
    local running_version
    running_version=$(cat "$K_DIR/version" 2>/dev/null || echo "?")
    [[ $running_version == "$KAFKA_VERSION" ]] \
      || die "a Kafka $running_version broker is running (pid $pid), not $KAFKA_VERSION; run '$0 reset' first"
    log "already running (pid $pid)"
    echo "$HOST:$PORT"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$PORT" "$CONTROLLER_PORT" $([[ $KAFKA_SASL == 1 ]] && echo "$SASL_PORT"); do
    port_open "$HOST" "$p" && die "$HOST:$p is already in use by another process (not a broker started by this script)"
  done
  if [[ -f $DATA_DIR/meta.properties && $(cat "$K_DIR/version" 2>/dev/null) != "$KAFKA_VERSION" ]]; then
    die "$DATA_DIR was formatted by Kafka $(cat "$K_DIR/version" 2>/dev/null || echo '?'), not $KAFKA_VERSION; run '$0 reset' first"
  fi
  java=$(find_java) || die "no Java >= 17 found (set KAFKA_JAVA_HOME)"
  resolve_jars
  write_config
  local cp="$CACHE_DIR/lib/*"
  local logopt="-Dlog4j2.configurationFile=file:$K_DIR/log4j2.properties"
  # shellcheck disable=SC2206
  local jopts=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
               -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Dkafka.logs.dir="$K_DIR")

  if [[ ! -f $DATA_DIR/meta.properties ]]; then
    t0=$(now)
    local cid
    cid=$(new_cluster_id)
    log "formatting storage in $DATA_DIR (cluster id $cid) ..."
    if ! "$java" -Xmx256m "$logopt" -cp "$cp" kafka.tools.StorageTool format -t "$cid" \
          -c "$K_DIR/server.properties" --ignore-formatted >"$K_DIR/format.log" 2>&1; then
      cat "$K_DIR/format.log" >&2
      die "storage format failed"
    fi
    echo "$KAFKA_VERSION" >"$K_DIR/version"
    log "formatted in $(since "$t0")"
  fi

  t0=$(now)
  log "starting Kafka $KAFKA_VERSION with $java (log: $LOG_FILE) ..."
  : >"$LOG_FILE"
  # setsid: own session, so the broker outlives the caller's process group / terminal
  setsid nohup "$java" "${jopts[@]}" "$logopt" -cp "$cp" kafka.Kafka "$K_DIR/server.properties" \
    >>"$LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail
      rm -f "$PID_FILE"
      die "broker exited during startup"
    fi
    if grep -q 'Kafka Server started' "$LOG_FILE" && port_open "$HOST" "$PORT" \
       && { [[ $KAFKA_SASL != 1 ]] || port_open "$HOST" "$SASL_PORT"; }; then
      break
    fi
    if (( SECONDS >= deadline )); then
      show_log_tail
      log "broker not ready after ${START_TIMEOUT}s; stopping it"
      do_stop
      die "broker not ready after ${START_TIMEOUT}s (raise KAFKA_START_TIMEOUT on a slow machine)"
    fi
    sleep 0.25
  done
  log "ready in $(since "$t0") (total $(since "$t_all")), pid $pid"
  [[ $KAFKA_SASL == 1 ]] && log "SASL/PLAIN listener on $HOST:$SASL_PORT (user $SASL_USER)"
  echo "$HOST:$PORT"
}

do_stop() { stop_server "$PID_FILE" "$STOP_TIMEOUT"; }

do_status() {
  local pid
  if pid=$(running_pid); then
    log "running (pid $pid) on $HOST:$PORT"
    return 0
  fi
  log "not running"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$K_DIR"
  log "wiped $K_DIR"
}

# one command at a time (parallel `go test` packages may all call start)
mkdir -p "$RUN_ROOT"
exec 9>"$RUN_ROOT/.kafka.lock"
flock -w 300 9 || die "timed out waiting for the lock $RUN_ROOT/.kafka.lock"

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
