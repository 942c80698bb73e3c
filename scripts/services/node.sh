#!/usr/bin/env bash
# Node.js and the npm packages of the interop tests (tests/Interop: amqplib, cloudevents, @asyncapi/parser): clients no
# one here wrote in C#, which the .NET tests start as child processes.
#
#   scripts/services/node.sh install   installs Node.js and npm (Debian packages) when node is missing or older than 18,
#                                       runs `npm ci` in tests/Interop, and prints the path of a file to `source`:
#     export SWITCHBOARD_NODE=/usr/bin/node
#     export SWITCHBOARD_INTEROP=/…/tests/Interop
#
# Progress goes to stderr; stdout carries only that path. Nothing is started.
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

log() { echo "node: $*" >&2; }
fail() { log "$*"; exit 1; }

interop=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/Interop" && pwd)

node_major() { node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p'; }

install() {
  local major
  major=$(node_major || true)
  if [ -z "$major" ] || [ "$major" -lt 18 ] || ! command -v npm >/dev/null; then
    [ "$(id -u)" -eq 0 ] || fail "Node.js 18 or newer with npm is needed; install it as root: apt-get install --no-install-recommends nodejs npm"
    log "installing nodejs and npm (apt-get)"
    local started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt_get update || fail "apt-get update failed"
    # A Node.js from elsewhere (NodeSource) already brings npm; Debian's own nodejs needs the npm package beside it.
    if [ -z "$major" ] || [ "$major" -lt 18 ]; then
      apt_get install -y --no-install-recommends nodejs || fail "apt-get install nodejs failed"
    fi
    command -v npm >/dev/null || apt_get install -y --no-install-recommends npm || fail "apt-get install npm failed"
    major=$(node_major || true)
    [ -n "$major" ] && [ "$major" -ge 18 ] || fail "Node.js installed, but $(node --version 2>&1) is older than 18"
    log "installed Node.js $(node --version) and npm $(npm --version) in $((SECONDS - started)) s"
  fi
  log "Node.js $(node --version), npm $(npm --version)"
  local started=$SECONDS
  # --ignore-scripts: no package here needs an install script (one only reports usage).
  (cd "$interop" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || fail "npm ci in $interop failed"
  log "installed the interop packages in $((SECONDS - started)) s"
  local env_file
  env_file=$(mktemp "${TMPDIR:-/tmp}/switchboard-node.XXXXXX")
  printf 'export SWITCHBOARD_NODE=%q\nexport SWITCHBOARD_INTEROP=%q\n' "$(command -v node)" "$interop" >"$env_file"
  echo "$env_file"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
