#!/usr/bin/env bash
# Stop the test PostgreSQL server started by scripts/postgres/up.sh.
#   scripts/postgres/down.sh           # pg_ctl stop -m fast (no-op if not running)
#   scripts/postgres/down.sh --clean   # ... and delete <repo>/.eddy/postgres (data, socket dir, log)
set -euo pipefail

log() { printf '[pg-down] %s\n' "$*" >&2; }

CLEAN=0
for arg in "$@"; do
  case "$arg" in
    --clean) CLEAN=1 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) log "unknown argument: $arg"; exit 2 ;;
  esac
done

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AREA_LINK="${EDDY_PG_AREA:-$REPO_ROOT/.eddy/postgres}"
if [[ ! -e "$AREA_LINK" ]]; then
  log "nothing at $AREA_LINK; no server to stop"
  exit 0
fi
AREA="$(readlink -f "$AREA_LINK")"
DATA="$AREA/data"

RUN_AS=""
if [[ $EUID -eq 0 ]]; then RUN_AS=postgres; fi

if [[ -s "$DATA/PG_VERSION" ]]; then
  VER="$(cat "$DATA/PG_VERSION")"
  BINDIR="/usr/lib/postgresql/$VER/bin"
  if [[ ! -x "$BINDIR/pg_ctl" ]]; then
    BINDIR="$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -t/ -k5,5n -r | head -1)"
  fi
  pgctl() {
    if [[ -n "$RUN_AS" ]]; then (cd / && runuser -u "$RUN_AS" -- "$BINDIR/pg_ctl" "$@"); else "$BINDIR/pg_ctl" "$@"; fi
  }
  if [[ -n "$BINDIR" && -x "$BINDIR/pg_ctl" ]] && pgctl -D "$DATA" status >/dev/null 2>&1; then
    log "stopping server in $DATA"
    pgctl -D "$DATA" -m fast -w -t 60 stop >&2
  else
    log "server in $DATA is not running"
  fi
fi

if [[ $CLEAN -eq 1 ]]; then
  if [[ -f "$DATA/postmaster.pid" ]] && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null; then
    log "refusing to delete $DATA: postmaster $(head -1 "$DATA/postmaster.pid") is still alive"
    exit 1
  fi
  log "deleting $AREA"
  rm -rf -- "$AREA"
  if [[ -L "$AREA_LINK" ]]; then rm -f -- "$AREA_LINK"; fi
fi
