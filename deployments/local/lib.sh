# Helpers shared by kafka.sh and elasticsearch.sh. Each script defines its
# own log() (with its name as prefix) before sourcing this file.

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# stop_server PID_FILE TIMEOUT: stops the server running_pid finds, with
# SIGTERM for a clean shutdown and SIGKILL after TIMEOUT seconds.
stop_server() {
  local pid_file=$1 timeout=$2 pid t0
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  t0=$(now)
  log "stopping pid $pid (SIGTERM) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      log "still running after ${timeout}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  log "stopped in $(since "$t0")"
}
