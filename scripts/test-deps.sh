#!/bin/sh
# Installs the Debian packages the tests need when they are missing: the shells whose
# completion scripts the tests load. Runs `apt-get update` once, and only as root.
set -eu
missing=""
for pair in zsh:zsh fish:fish; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "the tests need these Debian packages:$missing; install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing for the tests:$missing" >&2
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
