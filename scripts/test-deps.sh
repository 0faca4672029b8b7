#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing; does nothing when they are present.
# Runs `apt-get update` once, and only when something must be installed (as root, non-interactively).
set -euo pipefail

# command -> Debian package
declare -A needed=(
  [strace]=strace
  [openssl]=openssl   # certificates of the local API servers the live-cluster tests start
  [zsh]=zsh           # shells whose completion scripts the tests load
  [fish]=fish
  [chromium]=chromium # the dashboard's browser tests drive Debian's Chromium with playwright-core
)

missing=()
for command in "${!needed[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: missing Debian packages: ${missing[*]}; install them (as root: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
