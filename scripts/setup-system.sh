#!/usr/bin/env bash
# Installs what the test suite needs from outside npm, idempotently (fast when all is present):
#   - Debian packages: the -dev libraries @confluentinc/kafka-javascript links against when it is
#     built from source (its prebuilt binary comes from GitHub, which is not reachable), and
#     Debian's chromium for the dashboard's browser tests. PostgreSQL is installed by
#     scripts/postgres/up.sh, Kafka's jars by scripts/kafka/up.sh (Maven Central). The Kafka
#     client is an optional dependency: `npm ci` leaves it out when it cannot build it, and the
#     second step below builds it then.
#   - the Kafka client's native addon: rebuilt with CKJS_LINKING=dynamic when it does not load
#     (built without CKJS_LINKING, say, or left out by an install that omitted it).
#
#   scripts/setup-system.sh            # apt packages, then the Kafka addon if missing
#   scripts/setup-system.sh --apt-only # before `npm ci` (as .ci/run does)
# Needs root or sudo only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

packages=(libssl-dev zlib1g-dev libzstd-dev libsasl2-dev liblz4-dev chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  [[ $EUID -eq 0 ]] || sudo="sudo"
  log "apt-get install ${missing[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
[[ "${1:-}" == "--apt-only" ]] && exit 0

kafka=node_modules/@confluentinc/kafka-javascript
if [[ -d node_modules ]] && ! node -e "require('@confluentinc/kafka-javascript')" >/dev/null 2>&1; then
  log "building @confluentinc/kafka-javascript (native, about 100 s)"
  if [[ -f "$kafka/package.json" ]]; then
    CKJS_LINKING=dynamic npm rebuild @confluentinc/kafka-javascript >&2
  else
    # npm ci left the optional package out when its build failed (no CKJS_LINKING, no libraries).
    version="$(node -p "require('./package-lock.json').packages['$kafka'].version")"
    CKJS_LINKING=dynamic npm install --no-save --no-audit --no-fund "@confluentinc/kafka-javascript@$version" >&2
  fi
  node -e "require('@confluentinc/kafka-javascript')" || { log "ERROR: the Kafka client did not build"; exit 1; }
fi
