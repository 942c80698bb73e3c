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

dotnet build Switchboard.slnx -c Release -nologo -clp:ErrorsOnly

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

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  line="$line, $skipped skipped"
fi
echo "$line"
exit "$status"
