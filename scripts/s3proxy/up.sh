#!/usr/bin/env bash
# Start (or reuse) s3proxy, an S3-compatible server with a filesystem backend, for tests, bound to
# 127.0.0.1 only.
#
#   eval "export $(scripts/s3proxy/up.sh)"   # stdout is exactly: S3_ENDPOINT=http://127.0.0.1:19000
#   scripts/s3proxy/down.sh [--clean]
#
# stdout carries exactly one line, S3_ENDPOINT=http://host:port; progress goes to stderr.
# Idempotent: jars are fetched from Maven Central only when missing, and a live server from an
# earlier run (pid file) is reused. Objects live in EDDY_S3PROXY_HOME/data/<bucket>/.
# Credentials (SigV4): access key S3PROXY_ACCESS_KEY, secret S3PROXY_SECRET_KEY, region us-east-1.
#
# Environment:
#   S3PROXY_PORT         HTTP port                            default 19000
#   S3PROXY_ACCESS_KEY   access key id                        default eddy
#   S3PROXY_SECRET_KEY   secret access key                    default eddy-secret
#   S3PROXY_UP_TIMEOUT   seconds to wait for readiness        default 60
#   S3PROXY_HEAP         JVM heap flags                       default "-Xms64m -Xmx256m"
#   EDDY_S3PROXY_HOME    state dir (libs, config, data, logs, pid)   default <repo>/.eddy/s3proxy
set -euo pipefail

S3PROXY_VERSION=4.1.0   # passed to Maven as -Ds3proxy.version; pom.xml has the same default

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
home="${EDDY_S3PROXY_HOME:-$repo_root/.eddy/s3proxy}"
port="${S3PROXY_PORT:-19000}"
access_key="${S3PROXY_ACCESS_KEY:-eddy}"
secret_key="${S3PROXY_SECRET_KEY:-eddy-secret}"
timeout_s="${S3PROXY_UP_TIMEOUT:-60}"
heap="${S3PROXY_HEAP:--Xms64m -Xmx256m}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

libs="$home/libs"
conf="$home/config"
data="$home/data"
logs="$home/logs"
pidfile="$home/s3proxy.pid"
portfile="$home/s3proxy.port"

log() { printf '[s3proxy-up] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
die_start() {
  log "last 30 lines of $logs/s3proxy.out:"
  tail -n 30 "$logs/s3proxy.out" >&2 2>/dev/null || true
  die "$@"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True if $1 is a live s3proxy started from our config.
is_ours() {
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *org.gaul.s3proxy.Main*"$conf/s3proxy.properties"* ]]
}

# An anonymous request answered with any HTTP status proves the server is serving S3.
answers() {
  local reply
  reply="$(exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 && head -c 12 <&3)" 2>/dev/null || return 1
  [[ "$reply" == HTTP/1.1* ]]
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + timeout_s))
  until port_open "$port" && answers; do
    kill -0 "$pid" 2>/dev/null || die_start "s3proxy exited during startup; see $logs/s3proxy.out"
    ((SECONDS < deadline)) || die_start "s3proxy not answering on 127.0.0.1:$port after ${timeout_s}s; see $logs/s3proxy.out"
    sleep 0.2
  done
}

start_s=$SECONDS
mkdir -p "$home" "$conf" "$logs" "$data"

# --- 1. jars -----------------------------------------------------------------
if [[ ! -f "$libs/.s3proxy-$S3PROXY_VERSION" ]]; then
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  log "fetching s3proxy $S3PROXY_VERSION jars with Maven into $libs"
  tmp="$home/libs.tmp"
  rm -rf "$tmp"
  if ! mvn -B -Dstyle.color=never -f "$script_dir/pom.xml" -Ds3proxy.version="$S3PROXY_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >"$logs/maven.log" 2>&1; then
    tail -n 40 "$logs/maven.log" >&2
    die "maven could not fetch the jars; see $logs/maven.log"
  fi
  touch "$tmp/.s3proxy-$S3PROXY_VERSION"
  rm -rf "$libs"
  mv "$tmp" "$libs"
fi

# --- 2. reuse a running server -----------------------------------------------
if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  if is_ours "$pid"; then
    running_port="$(cat "$portfile" 2>/dev/null || echo '?')"
    [[ "$running_port" == "$port" ]] ||
      die "s3proxy (pid $pid) is already running on port $running_port; run scripts/s3proxy/down.sh first"
    log "reusing s3proxy pid $pid on 127.0.0.1:$port"
    wait_ready "$pid"
    echo "S3_ENDPOINT=http://127.0.0.1:$port"
    exit 0
  fi
  log "removing stale pid file (pid $pid not running)"
  rm -f "$pidfile" "$portfile"
fi

! port_open "$port" || die "127.0.0.1:$port is already in use by another process"

# --- 3. config ----------------------------------------------------------------
cat >"$conf/s3proxy.properties" <<CONF
# Written by scripts/s3proxy/up.sh; rewritten on every start.
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access_key
s3proxy.credential=$secret_key
jclouds.provider=filesystem
jclouds.filesystem.basedir=$data
CONF
chmod 600 "$conf/s3proxy.properties"

# The jars ship no logging config: without one logback logs every request at DEBUG.
cat >"$conf/logback.xml" <<CONF
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
  <logger name="org.gaul.s3proxy" level="INFO"/>
</configuration>
CONF

# --- 4. start -----------------------------------------------------------------
log "starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$port (objects in $data)"
# shellcheck disable=SC2086  # $heap is a list of JVM flags
setsid "$java" $heap -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlogback.configurationFile="$conf/logback.xml" -cp "$libs/*" org.gaul.s3proxy.Main --properties "$conf/s3proxy.properties" \
  </dev/null >"$logs/s3proxy.out" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
echo "$port" >"$portfile"
trap 'log "stopping pid $pid"; kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$pidfile" "$portfile"' EXIT

wait_ready "$pid"
trap - EXIT
log "ready in $((SECONDS - start_s))s (pid $pid, logs in $logs)"
echo "S3_ENDPOINT=http://127.0.0.1:$port"
