#!/usr/bin/env bash
# Shop's distributed mode in one command: RabbitMQ and PostgreSQL on loopback (scripts/services/*.sh: installed with
# apt-get when missing, started when not running; like the test servers they are throwaway: stopping them deletes
# their data), then the AppHost (shop/src/Shop.AppHost), which provisions the
# vhost, the database and one broker user per service, and starts every service as processes of its own with the
# Aspire dashboard on http://127.0.0.1:18888 (its login URL is printed). Ctrl+C (or SIGTERM) stops the processes, then
# the servers this script started; servers that were already running are left running.
#
#   scripts/distributed.sh [--payment 2] [--inventory 2] [--order N] ... [--port 5080] [--vhost shop] [--database shop]
#
# Every option: dotnet run --project shop/src/Shop.AppHost -- --help. The Order API is http://127.0.0.1:5080 (with
# --port 5080): `dotnet run --project shop/src/Shop -- load --url http://127.0.0.1:5080 --signing-key-file
# data/distributed/jwt-signing.key --orders 1000 --rate 100` drives it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

started=()
stop_servers() {
  for service in "${started[@]}"; do
    bash "scripts/services/$service.sh" stop </dev/null >&2 || echo "distributed: $service did not stop cleanly" >&2
  done
}
trap stop_servers EXIT

for service in rabbitmq postgresql; do
  if ! bash "scripts/services/$service.sh" status >/dev/null 2>&1; then
    started+=("$service")
  fi
  # A server this script creates is durable; one the test command started is not (the AppHost says so).
  env_file=$(SWITCHBOARD_POSTGRES_DURABLE=1 bash "scripts/services/$service.sh" start)
  # shellcheck source=/dev/null
  source "$env_file"
done
export SWITCHBOARD_RABBITMQ_URI SWITCHBOARD_RABBITMQ_MANAGEMENT SWITCHBOARD_POSTGRES_CONNECTION

dotnet build shop/src/Shop.AppHost -c Release -nologo -clp:ErrorsOnly -v quiet >&2

# In the background so that this script outlives it and stops the servers after; signals are passed on.
dotnet shop/src/Shop.AppHost/bin/Release/net10.0/Shop.AppHost.dll "$@" &
apphost=$!
trap 'kill -TERM "$apphost" 2>/dev/null || true' INT TERM
# A signal interrupts `wait` (status > 128) while the AppHost is still stopping: wait again until it has ended (a
# zombie still answers kill -0), then its own exit code is the last wait's.
status=0
while kill -0 "$apphost" 2>/dev/null; do
  status=0
  wait "$apphost" || status=$?
done
exit "$status"
