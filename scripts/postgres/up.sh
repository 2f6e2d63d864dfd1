#!/usr/bin/env bash
# Start (or reuse) a throw-away PostgreSQL server for Eddy's tests.
#
#   scripts/postgres/up.sh            # prints DATABASE_URL=... on stdout, progress on stderr
#   eval "export $(scripts/postgres/up.sh)"
#
# - installs Debian's `postgresql` package with apt-get when no server binaries exist
#   under /usr/lib/postgresql/*/bin (needs root or sudo);
# - keeps everything under <repo>/.eddy/postgres (gitignored): data/, run/ (unix socket),
#   log/postgres.log, env (the DATABASE_URL line);
# - listens on 127.0.0.1 only, port $PGPORT_EDDY (default 15432), max_prepared_transactions=20;
# - role `eddy` / password `eddy` owns database `eddy`; password (md5/SCRAM) auth on
#   127.0.0.1, trust on the private unix socket for the OS user that owns the server.
# Idempotent: a server already running from this data dir is reused.
#
# Env: PGPORT_EDDY (15432), EDDY_PG_READY_TIMEOUT seconds (60), EDDY_PG_AREA (<repo>/.eddy/postgres).
set -euo pipefail

log() { printf '[pg-up] %s\n' "$*" >&2; }
die() { printf '[pg-up] ERROR: %s\n' "$*" >&2; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${PGPORT_EDDY:-15432}"
READY_TIMEOUT="${EDDY_PG_READY_TIMEOUT:-60}"
AREA_LINK="${EDDY_PG_AREA:-$REPO_ROOT/.eddy/postgres}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PGPORT_EDDY must be a number, got '$PORT'"

# ---------------------------------------------------------------- root helpers
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

find_bindir() {
  # Prefer the version an existing data dir was made with, else the newest installed.
  local want="" d
  if [[ -f "${DATA:-/nonexistent}/PG_VERSION" ]]; then want="$(cat "$DATA/PG_VERSION")"; fi
  if [[ -n "$want" && -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]]; then
    echo "/usr/lib/postgresql/$want/bin"; return 0
  fi
  for d in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -t/ -k5,5n -r); do
    if [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]]; then echo "$d"; return 0; fi
  done
  return 1
}

install_postgres() {
  log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; installing Debian's postgresql package"
  local t0=$SECONDS added_policy=0
  # Do not let the package start the distro's default cluster (port 5432) as a side effect.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    added_policy=1
  fi
  local rc=0
  {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  } >&2 || rc=$?
  if [[ $added_policy -eq 1 ]]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  [[ $rc -eq 0 ]] || die "apt-get install postgresql failed (exit $rc)"
  log "installed in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- layout
# Server-side paths must be reachable by the OS user that runs postgres. When we are
# root that is `postgres`; it needs search (x) permission on every parent directory.
# If the repo lives somewhere it cannot reach, keep the area under its home and symlink it.
RUN_AS=""
if [[ $EUID -eq 0 ]]; then RUN_AS=postgres; fi

area_path_reachable() { # $1 = directory that will hold the area
  [[ -z "$RUN_AS" ]] && return 0
  (cd / && runuser -u "$RUN_AS" -- test -x "$1")
}

prepare_area() {
  if [[ -L "$AREA_LINK" || -d "$AREA_LINK" ]]; then
    AREA="$(readlink -f "$AREA_LINK")"
    mkdir -p "$AREA"
  else
    mkdir -p "$(dirname "$AREA_LINK")"
    if area_path_reachable "$(dirname "$AREA_LINK")"; then
      mkdir -p "$AREA_LINK"
      AREA="$(readlink -f "$AREA_LINK")"
    else
      local home hash
      home="$(getent passwd "$RUN_AS" | cut -d: -f6)"
      hash="$(printf '%s' "$AREA_LINK" | sha1sum | cut -c1-12)"
      AREA="$home/eddy-pg-$hash"
      log "$(dirname "$AREA_LINK") is not reachable by user $RUN_AS; keeping the server in $AREA (symlinked)"
      mkdir -p "$AREA"
      ln -sfn "$AREA" "$AREA_LINK"
    fi
  fi
  DATA="$AREA/data"; RUNDIR="$AREA/run"; LOGDIR="$AREA/log"; LOGFILE="$LOGDIR/postgres.log"
  mkdir -p "$DATA" "$RUNDIR" "$LOGDIR"
  chmod 755 "$AREA"
  chmod 700 "$DATA" "$RUNDIR"   # socket dir private: local `trust` only for the server's owner (and root)
  if [[ -n "$RUN_AS" ]]; then
    chown "$RUN_AS:" "$DATA" "$RUNDIR" "$LOGDIR"
    (cd / && runuser -u "$RUN_AS" -- test -w "$DATA") ||
      die "user $RUN_AS cannot write $DATA (a parent directory is not searchable?)"
  fi
}

pg() { # run a PostgreSQL binary as the server's owner
  local bin="$1"; shift
  # cd / so the binaries do not complain about a cwd the server's owner cannot enter
  if [[ -n "$RUN_AS" ]]; then (cd / && runuser -u "$RUN_AS" -- "$BINDIR/$bin" "$@")
  else "$BINDIR/$bin" "$@"
  fi
}

psql_admin() { # superuser over the private unix socket
  pg psql -X -q -v ON_ERROR_STOP=1 -h "$RUNDIR" -p "$PORT" -U postgres -d postgres "$@"
}

# ---------------------------------------------------------------- main
prepare_area
BINDIR="$(find_bindir)" || { install_postgres; BINDIR="$(find_bindir)" || die "still no server binaries after install"; }
log "binaries: $BINDIR ($("$BINDIR/postgres" --version))"
if [[ -n "$RUN_AS" ]] && ! getent passwd "$RUN_AS" >/dev/null; then die "OS user $RUN_AS does not exist"; fi

if [[ ! -s "$DATA/PG_VERSION" ]]; then
  [[ -z "$(ls -A "$DATA")" ]] || die "$DATA is not empty but has no PG_VERSION; run scripts/postgres/down.sh --clean"
  log "initdb $DATA"
  pg initdb -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=md5 >/dev/null \
    || pg initdb -D "$DATA" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=md5 >/dev/null
fi

# Settings we own live in an included file, rewritten on every run.
CONF_BODY="# Written by scripts/postgres/up.sh; edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUNDIR'
max_prepared_transactions = 20
max_connections = 100
fsync = on
logging_collector = off
log_min_messages = warning
"
HBA_BODY="# Written by scripts/postgres/up.sh; edits are overwritten.
# TYPE  DATABASE USER ADDRESS       METHOD
local   all      all                trust
host    all      all  127.0.0.1/32  md5
"
write_if_changed() { # $1 file, $2 content; returns 0 if it changed
  if [[ -f "$1" ]] && printf '%s' "$2" | cmp -s - "$1"; then return 1; fi
  printf '%s' "$2" > "$1.tmp"
  if [[ -n "$RUN_AS" ]]; then chown "$RUN_AS:" "$1.tmp"; fi
  chmod 600 "$1.tmp"
  mv -f "$1.tmp" "$1"
  return 0
}
CHANGED=0
write_if_changed "$DATA/eddy.conf" "$CONF_BODY" && CHANGED=1
write_if_changed "$DATA/pg_hba.conf" "$HBA_BODY" && CHANGED=1
if ! grep -q "^include_if_exists = 'eddy.conf'" "$DATA/postgresql.conf"; then
  printf "\ninclude_if_exists = 'eddy.conf'\n" >> "$DATA/postgresql.conf"
  CHANGED=1
fi

if pg pg_ctl -D "$DATA" status >/dev/null 2>&1; then
  if [[ $CHANGED -eq 1 ]]; then
    log "server running with an older configuration; restarting"
    pg pg_ctl -D "$DATA" -m fast -w -t "$READY_TIMEOUT" stop >&2
  else
    log "reusing running server (pid $(head -1 "$DATA/postmaster.pid"))"
  fi
fi

if ! pg pg_ctl -D "$DATA" status >/dev/null 2>&1; then
  if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
    die "something else is already listening on 127.0.0.1:$PORT (another checkout's server? set PGPORT_EDDY to another port)"
  fi
  log "starting postgres on 127.0.0.1:$PORT (log: $LOGFILE)"
  pg pg_ctl -D "$DATA" -l "$LOGFILE" -W start >/dev/null
fi

deadline=$((SECONDS + READY_TIMEOUT))
until "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1; do
  if (( SECONDS >= deadline )); then
    log "server not ready after ${READY_TIMEOUT}s; last log lines:"
    tail -n 30 "$LOGFILE" >&2 || true
    exit 1
  fi
  if ! pg pg_ctl -D "$DATA" status >/dev/null 2>&1 && (( SECONDS > deadline - READY_TIMEOUT + 3 )); then
    log "server exited during start-up; last log lines:"
    tail -n 30 "$LOGFILE" >&2 || true
    exit 1
  fi
  sleep 0.2
done

psql_admin <<'SQL'
SELECT 'CREATE ROLE eddy LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eddy') \gexec
ALTER ROLE eddy LOGIN CREATEDB PASSWORD 'eddy';
SELECT 'CREATE DATABASE eddy OWNER eddy' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'eddy') \gexec
SQL

URL="postgres://eddy:eddy@127.0.0.1:$PORT/eddy"
printf 'DATABASE_URL=%s\n' "$URL" > "$AREA/env"
log "ready: $(psql_admin -At -c 'SHOW server_version') max_prepared_transactions=$(psql_admin -At -c 'SHOW max_prepared_transactions')"
printf 'DATABASE_URL=%s\n' "$URL"
