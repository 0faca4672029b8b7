#!/usr/bin/env sh
# Runs portolan from this checkout for pre-commit (.pre-commit-hooks.yaml), building it on first use.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/dist/cli.js" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent && npm run build --silent) >&2
fi
exec node "$here/dist/cli.js" "$@"
