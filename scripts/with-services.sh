#!/usr/bin/env bash
# Runs a command with the servers the tests need: a Kafka broker (scripts/kafka/up.sh) and a
# PostgreSQL server (scripts/postgres/up.sh), both on 127.0.0.1. A server is started only when
# its variable (KAFKA_BROKERS, DATABASE_URL) is not already set, and the servers this script
# started are stopped when the command ends, however it ends.
#
#   scripts/with-services.sh npm run test:unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh

started=()
# A server that was already listening (another shell's) is used but not stopped.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
stop() {
  for s in "${started[@]+"${started[@]}"}"; do bash "scripts/$s/down.sh" >&2 || true; done
}
trap stop EXIT

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  listening "${KAFKA_PORT:-19092}" || started+=(kafka)
  line="$(bash scripts/kafka/up.sh)"
  export "${line?}"
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
  listening "${PGPORT_EDDY:-15432}" || started+=(postgres)
  line="$(bash scripts/postgres/up.sh)"
  export "${line?}"
fi
echo "[services] KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL" >&2
"$@"
