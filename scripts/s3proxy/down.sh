#!/usr/bin/env bash
# Stop the s3proxy started by scripts/s3proxy/up.sh.
#
#   scripts/s3proxy/down.sh            SIGTERM, wait up to S3PROXY_STOP_TIMEOUT (default 15s), then SIGKILL
#   scripts/s3proxy/down.sh --clean    also delete the data dir (every bucket and object)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
home="${EDDY_S3PROXY_HOME:-$repo_root/.eddy/s3proxy}"
pidfile="$home/s3proxy.pid"
portfile="$home/s3proxy.port"
stop_timeout="${S3PROXY_STOP_TIMEOUT:-15}"

log() { printf '[s3proxy-down] %s\n' "$*" >&2; }

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
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$cmd" == *org.gaul.s3proxy.Main*"$home/config/s3proxy.properties"* ]]; then
    log "stopping s3proxy pid $pid (SIGTERM)"
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
    log "pid file names no running s3proxy (pid $pid); removing it"
  fi
  rm -f "$pidfile" "$portfile"
else
  log "no pid file; nothing to stop"
fi

if ((clean)); then
  log "deleting $home/data"
  rm -rf "$home/data"
fi
