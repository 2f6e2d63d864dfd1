#!/usr/bin/env bash
# Start (or reuse) a single-node KRaft Kafka broker for tests, bound to 127.0.0.1 only.
#
#   eval "export $(scripts/kafka/up.sh)"    # stdout is exactly: KAFKA_BROKERS=127.0.0.1:19092
#   scripts/kafka/down.sh [--clean]
#
# stdout carries exactly one line, KAFKA_BROKERS=host:port; progress goes to stderr.
# Idempotent: jars are fetched from Maven Central only when missing, the data dir is
# formatted only when empty, and a live broker from an earlier run (pid file) is reused.
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port            default 19092
#   KAFKA_CONTROLLER_PORT  KRaft controller port              default KAFKA_PORT+1
#   KAFKA_UP_TIMEOUT       seconds to wait for readiness      default 90
#   KAFKA_HEAP             JVM heap flags                     default "-Xms256m -Xmx512m"
#   EDDY_KAFKA_HOME        state dir (libs, config, data, logs, pid)   default <repo>/.eddy/kafka
set -euo pipefail

KAFKA_VERSION=4.3.1   # passed to Maven as -Dkafka.version; pom.xml has the same default

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
home="${EDDY_KAFKA_HOME:-$repo_root/.eddy/kafka}"
port="${KAFKA_PORT:-19092}"
cport="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
timeout_s="${KAFKA_UP_TIMEOUT:-90}"
heap="${KAFKA_HEAP:--Xms256m -Xmx512m}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

libs="$home/libs"
conf="$home/config"
data="$home/data"
logs="$home/logs"
pidfile="$home/kafka.pid"
portfile="$home/kafka.port"

log() { printf '[kafka-up] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# Startup failure: show the tail of the broker's log, then die.
die_start() {
  log "last 30 lines of $logs/server.log:"
  tail -n 30 "$logs/server.log" >&2 2>/dev/null || true
  tail -n 10 "$logs/kafka.out" >&2 2>/dev/null || true
  die "$@"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True if $1 is a live kafka.Kafka process started from our config.
is_our_broker() {
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *kafka.Kafka*"$conf/server.properties"* ]]
}

# Admin round trip: list topics through the client port. Proves the broker serves metadata.
broker_answers() {
  "$java" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$conf/log4j2-tools.properties" \
    -cp "$libs/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$port" --list \
    --command-config "$conf/tools.properties" >/dev/null 2>>"$logs/tools.log"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + timeout_s))
  while ! port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || die_start "broker exited during startup; see $logs/server.log and $logs/kafka.out"
    ((SECONDS < deadline)) || die_start "port $port not open after ${timeout_s}s; see $logs/server.log"
    sleep 0.2
  done
  until broker_answers; do
    kill -0 "$pid" 2>/dev/null || die_start "broker exited during startup; see $logs/server.log"
    ((SECONDS < deadline)) || die_start "broker not answering admin requests after ${timeout_s}s; see $logs/server.log, $logs/tools.log"
    sleep 0.5
  done
}

start_s=$SECONDS
mkdir -p "$home" "$conf" "$logs"

# --- 1. jars -----------------------------------------------------------------
if [[ ! -f "$libs/.kafka-$KAFKA_VERSION" ]]; then
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  log "fetching Kafka $KAFKA_VERSION jars with Maven into $libs"
  tmp="$home/libs.tmp"
  rm -rf "$tmp"
  if ! mvn -B -Dstyle.color=never -f "$script_dir/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >"$logs/maven.log" 2>&1; then
    tail -n 40 "$logs/maven.log" >&2
    die "maven could not fetch the jars; see $logs/maven.log"
  fi
  touch "$tmp/.kafka-$KAFKA_VERSION"
  rm -rf "$libs"
  mv "$tmp" "$libs"
fi

# --- 2. reuse a running broker ------------------------------------------------
if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  if is_our_broker "$pid"; then
    running_port="$(cat "$portfile" 2>/dev/null || echo '?')"
    [[ "$running_port" == "$port" ]] ||
      die "a broker (pid $pid) is already running on port $running_port; run scripts/kafka/down.sh first"
    log "reusing broker pid $pid on 127.0.0.1:$port"
    wait_ready "$pid"
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    exit 0
  fi
  log "removing stale pid file (pid $pid not running)"
  rm -f "$pidfile" "$portfile"
fi

for p in "$port" "$cport"; do
  ! port_open "$p" || die "127.0.0.1:$p is already in use by another process"
done

# --- 3. config ----------------------------------------------------------------
# Static voter set (controller.quorum.voters) rather than --standalone's dynamic quorum:
# the controller endpoint then comes from this file on every start, so changing
# KAFKA_PORT does not require reformatting the data dir.
cat >"$conf/server.properties" <<EOF
# Written by scripts/kafka/up.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data

num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
delete.topic.enable=true

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
log.retention.hours=24
log.segment.bytes=67108864
EOF

cat >"$conf/tools.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=5000
EOF

cat >"$conf/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $logs/server.log
appender.file.filePattern = $logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF

cat >"$conf/log4j2-tools.properties" <<EOF
status = error
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
EOF

# --- 4. format storage (first run only) ---------------------------------------
if [[ ! -f "$data/meta.properties" ]]; then
  mkdir -p "$data"
  # A Kafka cluster id is a base64url UUID without padding (22 chars), not starting with '-'.
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  log "formatting $data (cluster id $cluster_id)"
  "$java" -Xmx256m -Dlog4j2.configurationFile="$conf/log4j2-tools.properties" \
    -cp "$libs/*" kafka.tools.StorageTool format \
    --config "$conf/server.properties" --cluster-id "$cluster_id" >&2
fi

# --- 5. start -----------------------------------------------------------------
log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$port (controller 127.0.0.1:$cport)"
# shellcheck disable=SC2086  # $heap is a list of JVM flags
setsid "$java" $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$conf/log4j2.properties" -Dkafka.logs.dir="$logs" \
  -cp "$libs/*" kafka.Kafka "$conf/server.properties" \
  </dev/null >"$logs/kafka.out" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
echo "$port" >"$portfile"
# Do not leave a half-started JVM behind if it never becomes ready.
trap 'log "stopping pid $pid"; kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$pidfile" "$portfile"' EXIT

wait_ready "$pid"
trap - EXIT
log "ready in $((SECONDS - start_s))s (pid $pid, logs in $logs)"
echo "KAFKA_BROKERS=127.0.0.1:$port"
