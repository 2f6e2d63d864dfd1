#!/usr/bin/env bash
# Stop the test broker started by scripts/kafka/up.sh.
#
#   scripts/kafka/down.sh            SIGTERM, wait up to KAFKA_STOP_TIMEOUT (default 30s), then SIGKILL
#   scripts/kafka/down.sh --clean    also delete the data dir (topics, offsets, cluster id)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
home="${EDDY_KAFKA_HOME:-$repo_root/.eddy/kafka}"
pidfile="$home/kafka.pid"
portfile="$home/kafka.port"
stop_timeout="${KAFKA_STOP_TIMEOUT:-30}"

log() { printf '[kafka-down] %s\n' "$*" >&2; }

clean=0
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
    *) log "unknown argument: $arg"; exit 2 ;;
  esac
done

if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$cmd" == *kafka.Kafka*"$home/config/server.properties"* ]]; then
    log "stopping broker pid $pid (SIGTERM)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + stop_timeout))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "still alive after ${stop_timeout}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    log "stopped"
  else
    log "pid file names no running broker (pid $pid); removing it"
  fi
  rm -f "$pidfile" "$portfile"
else
  log "no pid file; nothing to stop"
fi

if ((clean)); then
  log "deleting $home/data"
  rm -rf "$home/data"
fi
