#!/usr/bin/env bash
# Runs a command with the servers the tests need: a Kafka broker (scripts/kafka/up.sh), a
# PostgreSQL server (scripts/postgres/up.sh) and an S3-compatible object store (scripts/s3proxy/
# up.sh), all on 127.0.0.1. A server is started only when its variable (KAFKA_BROKERS,
# DATABASE_URL, S3_ENDPOINT) is not already set, and the servers this script
# started are stopped when the command ends, however it ends.
#
#   scripts/with-services.sh npm run test:unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh

started=()
# A server already listening on the port (another checkout's, say) is used as it is, and not stopped.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
stop() {
  for s in "${started[@]+"${started[@]}"}"; do bash "scripts/$s/down.sh" >&2 || true; done
}
trap stop EXIT

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  if listening "${KAFKA_PORT:-19092}"; then
    echo "[services] using the Kafka broker already listening on 127.0.0.1:${KAFKA_PORT:-19092}" >&2
    export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-19092}"
  else
    started+=(kafka)
    line="$(bash scripts/kafka/up.sh)"
    export "${line?}"
  fi
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
  if listening "${PGPORT_EDDY:-15432}"; then
    echo "[services] using the PostgreSQL server already listening on 127.0.0.1:${PGPORT_EDDY:-15432}" >&2
    export DATABASE_URL="postgres://eddy:eddy@127.0.0.1:${PGPORT_EDDY:-15432}/eddy"
  else
    started+=(postgres)
    line="$(bash scripts/postgres/up.sh)"
    export "${line?}"
  fi
fi
if [[ -z "${S3_ENDPOINT:-}" ]]; then
  if listening "${S3PROXY_PORT:-19000}"; then
    echo "[services] using the object store already listening on 127.0.0.1:${S3PROXY_PORT:-19000}" >&2
    export S3_ENDPOINT="http://127.0.0.1:${S3PROXY_PORT:-19000}"
  else
    started+=(s3proxy)
    line="$(bash scripts/s3proxy/up.sh)"
    export "${line?}"
  fi
fi
echo "[services] KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL S3_ENDPOINT=$S3_ENDPOINT" >&2
"$@"
