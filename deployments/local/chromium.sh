#!/usr/bin/env bash
# Installs the headless browser the web page's tests drive (Debian's
# chromium package) when no chromium binary is on the PATH. Idempotent:
# does nothing when one is already installed.
# Usage: chromium.sh
set -euo pipefail
log() { echo "chromium: $*"; }
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then
    log "found $(command -v "$b")"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  log "no chromium and no apt-get: install chromium by hand for the browser tests" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
log "installing Debian's chromium with apt-get ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
log "installed $(command -v chromium)"
