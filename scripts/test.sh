#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# It sets up what the tests need on a fresh Debian machine with the .NET 10 SDK; servers the
# tests use are started here on loopback and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# RabbitMQ: a throwaway node on loopback (installed first if missing), started while the build runs and
# stopped on exit. The tests get its AMQP URI (their own vhost and user), its management API (an administrator,
# to create vhosts), a command that restarts the broker, and its AMQP-over-TLS URI with the throwaway CA and a
# client certificate (scripts/services/rabbitmq.sh describes them).
# PostgreSQL: likewise a throwaway server on loopback (installed first if missing); the tests get an Npgsql
# connection string for a role that owns its database and may create others (scripts/services/postgresql.sh).
rabbitmq="scripts/services/rabbitmq.sh"
postgresql="scripts/services/postgresql.sh"
(
  status=0
  bash "$rabbitmq" start >"$results/rabbitmq-start.out" 2>"$results/rabbitmq-start.log" </dev/null || status=$?
  : >"$results/rabbitmq-start.done"
  exit "$status"
) &
rabbitmq_start=$!
(
  # apt-get does not wait for another apt-get's locks: when PostgreSQL has to be installed, that waits until the
  # RabbitMQ start (and its install, if any) is over.
  if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    while [ ! -e "$results/rabbitmq-start.done" ] && kill -0 "$rabbitmq_start" 2>/dev/null; do sleep 1; done
  fi
  exec bash "$postgresql" start >"$results/postgresql-start.out" 2>"$results/postgresql-start.log" </dev/null
) &
postgresql_start=$!
# Chromium for the browser tests: installed (when missing) once RabbitMQ's install is over, for the same reason.
chromium="scripts/services/chromium.sh"
(
  if [ ! -x /usr/bin/chromium ]; then
    while [ ! -e "$results/rabbitmq-start.done" ] && kill -0 "$rabbitmq_start" 2>/dev/null; do sleep 1; done
  fi
  exec bash "$chromium" install >"$results/chromium-install.out" 2>"$results/chromium-install.log" </dev/null
) &
chromium_install=$!
# Node.js and the interop tests' npm packages (scripts/services/node.sh): installed after RabbitMQ's install, likewise.
node="scripts/services/node.sh"
(
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    while [ ! -e "$results/rabbitmq-start.done" ] && kill -0 "$rabbitmq_start" 2>/dev/null; do sleep 1; done
  fi
  exec bash "$node" install >"$results/node-install.out" 2>"$results/node-install.log" </dev/null
) &
node_install=$!
stop_services() {
  wait "$rabbitmq_start" 2>/dev/null || true
  wait "$postgresql_start" 2>/dev/null || true
  wait "$chromium_install" 2>/dev/null || true
  wait "$node_install" 2>/dev/null || true
  bash "$rabbitmq" stop </dev/null >&2 || echo "warning: RabbitMQ did not stop cleanly" >&2
  bash "$postgresql" stop </dev/null >&2 || echo "warning: PostgreSQL did not stop cleanly" >&2
}
trap stop_services EXIT
no_test_ran() { # $1: what went wrong; its log has been printed
  echo "ERROR: $1 (log above); no test ran" >&2
  trap - EXIT
  stop_services # first, so that the summary stays the last line
  echo "0 passed, 1 failed"
  exit 1
}

dotnet build Switchboard.slnx -c Release -nologo -clp:ErrorsOnly || no_test_ran "the build failed"

# use_service PID NAME WHAT: waits for a background set-up job, prints its log, and sources the environment file whose
# path its output ends with (the variables it exports reach the tests); no test runs when it failed.
use_service() {
  if wait "$1"; then
    cat "$results/$2.log" >&2
    # shellcheck source=/dev/null
    source "$(tail -n 1 "$results/$2.out")"
  else
    cat "$results/$2.log" >&2
    no_test_ran "$3"
  fi
}
use_service "$rabbitmq_start" rabbitmq-start "the RabbitMQ node for the tests did not start"
use_service "$postgresql_start" postgresql-start "the PostgreSQL server for the tests did not start"
use_service "$chromium_install" chromium-install "Chromium for the browser tests could not be installed"
use_service "$node_install" node-install "Node.js and the interop tests' npm packages could not be installed"
export SWITCHBOARD_RABBITMQ_URI SWITCHBOARD_RABBITMQ_MANAGEMENT SWITCHBOARD_RABBITMQ_RESTART \
  SWITCHBOARD_RABBITMQ_TLS_URI SWITCHBOARD_RABBITMQ_CA SWITCHBOARD_RABBITMQ_CLIENT_CERT SWITCHBOARD_RABBITMQ_CLIENT_CERT_PASSWORD \
  SWITCHBOARD_POSTGRES_CONNECTION SWITCHBOARD_CHROMIUM \
  SWITCHBOARD_NODE SWITCHBOARD_INTEROP

set +e
dotnet test Switchboard.slnx -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" \
  --blame-hang-timeout 10m
status=$?
set -e

# Count from the TRX files, not from console output: the sum over every test project.
shopt -s nullglob
trx=("$results"/*.trx)
passed=0 failed=0 skipped=0
for file in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$file" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

if [ "${#trx[@]}" -eq 0 ]; then
  echo "no test results were written" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A crashed test host can leave a TRX without failures; the run still failed.
  failed=1
fi

# Stop the servers now, so that the summary below stays the last line.
trap - EXIT
stop_services

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  line="$line, $skipped skipped"
fi
echo "$line"
exit "$status"
