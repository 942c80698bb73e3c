#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright for .NET drives it through ExecutablePath; no browser download
# exists here).
#
#   scripts/services/chromium.sh install   installs chromium (Debian package) if /usr/bin/chromium is missing, checks
#                                          that it runs, and prints the path of a file to `source`:
#     export SWITCHBOARD_CHROMIUM=/usr/bin/chromium
#
# Progress goes to stderr; stdout carries only that path. Nothing is started: each test launches its own browser.
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

log() { echo "chromium: $*" >&2; }
fail() { log "$*"; exit 1; }

browser=/usr/bin/chromium

install() {
  if [ ! -x "$browser" ]; then
    [ "$(id -u)" -eq 0 ] || fail "chromium is not installed; install it as root: apt-get install --no-install-recommends chromium"
    log "installing chromium (apt-get)"
    local started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt_get update || fail "apt-get update failed"
    apt_get install -y --no-install-recommends chromium || fail "apt-get install chromium failed"
    [ -x "$browser" ] || fail "chromium installed, but $browser is missing"
    log "installed chromium in $((SECONDS - started)) s"
  fi
  local version
  version=$("$browser" --headless --no-sandbox --version 2>/dev/null) || fail "$browser does not run"
  log "$version"
  local env_file
  env_file=$(mktemp "${TMPDIR:-/tmp}/switchboard-chromium.XXXXXX")
  printf 'export SWITCHBOARD_CHROMIUM=%q\n' "$browser" >"$env_file"
  echo "$env_file"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
