#!/bin/sh
# Installs the Debian packages the tests need when they are missing (as root): openssl makes the
# certificates of the local API servers that the live-cluster tests start.
set -e
missing=""
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "the tests need:$missing (install them with apt-get install -y$missing)" >&2
  exit 1
fi
apt-get update
apt-get install -y $missing
