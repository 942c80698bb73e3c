#!/usr/bin/env bash
# One measured run of the distributed Shop: starts it with scripts/distributed.sh (its own RabbitMQ node and durable
# PostgreSQL cluster when none is running, --no-telemetry, a fresh data directory), waits until every process's API is
# ready and 5 s more, drives it with `shop load`, then stops everything. Prints shop load's JSON line on stdout (the
# benchmark record: docs/benchmarks.md) and the CPU each kind of process (the load command too) used during the load on
# stderr.
#
#   scripts/distributed-load.sh --orders 3000 --rate 150 [--port 24080] [-- AppHost options, e.g. --payment 2 --gateway-latency 50ms]
#
# Exit code: shop load's (0 when every order ended terminal and every invariant held).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

orders=3000
rate=150
port=24080
while [ $# -gt 0 ]; do
  case "$1" in
    --orders) orders=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "distributed-load: unknown option $1 (AppHost options go after --)" >&2; exit 2 ;;
  esac
done

# The processes to wait for: one per instance, from the AppHost options (default one per service).
processes=0
for service in order payment inventory shipping notification analytics; do
  count=1
  previous=""
  for argument in "$@"; do
    [ "$previous" = "--$service" ] && count=$argument
    previous=$argument
  done
  processes=$((processes + count))
done

data=$(mktemp -d /tmp/shop-distributed-load.XXXXXX)
bash scripts/distributed.sh --data "$data" --port "$port" --no-telemetry "$@" >"$data/apphost.log" 2>&1 &
launcher=$!
stop() {
  kill -TERM "$launcher" 2>/dev/null || true
  wait "$launcher" 2>/dev/null || true
  rm -rf "$data" # the services' broker credentials and the signing key of this run
}
trap stop EXIT

ready=0
for _ in $(seq 1 300); do
  if ! kill -0 "$launcher" 2>/dev/null; then
    cat "$data/apphost.log" >&2
    echo "distributed-load: scripts/distributed.sh ended before the processes were ready" >&2
    exit 1
  fi
  ready=0
  for p in $(seq "$port" $((port + 59))); do
    # GET /health/ready over bash's /dev/tcp (no HTTP client needs to be installed): 200 once the process serves.
    status_line=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p && printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -1 <&3" 2>/dev/null) || continue
    if [[ "$status_line" == *" 200 "* ]]; then
      ready=$((ready + 1))
    fi
  done
  [ "$ready" -ge "$processes" ] && break
  sleep 1
done
if [ "$ready" -lt "$processes" ]; then
  cat "$data/apphost.log" >&2
  echo "distributed-load: $ready of $processes processes ready after 300 s" >&2
  exit 1
fi
sleep 5

# CPU (user + system clock ticks) of each kind of process: Shop's services by name, the broker, the database.
cpu() {
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    cmdline=$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || continue
    case "$cmdline" in
      *"shop.dll run"*) name=$(sed -E 's/.*--services ([a-z]+).*/\1/' <<<"$cmdline") ;;
      *beam.smp*) name=rabbitmq ;;
      postgres*|*/postgres\ *) name=postgresql ;;
      *Shop.AppHost*|*Aspire.Dashboard*|*/dcp\ *) name=apphost ;;
      *) continue ;;
    esac
    awk -v name="$name" '{ print name, $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
  done
}
before=$(cpu)
started=$(date +%s.%N)
status=0
# The load command's own CPU (it shares the machine): bash's `time` of it, user and system seconds.
load_cpu=$data/load-cpu
{ TIMEFORMAT='%U %S'; time dotnet shop/src/Shop/bin/Release/net10.0/shop.dll load --url "http://127.0.0.1:$port" --signing-key-file "$data/jwt-signing.key" \
  --orders "$orders" --rate "$rate" --patience 300 2>&3 || status=$?; } 3>&2 2>"$load_cpu"
after=$(cpu)
ended=$(date +%s.%N)
ticks=$(getconf CLK_TCK)
load_ticks=$(awk -v ticks="$ticks" 'END { printf "%d", ($1 + $2) * ticks }' "$load_cpu")
after=$(printf '%s\nload %s' "$after" "$load_ticks")
# Processes that started or ended during the load count from zero or are left out; the names' sums are what matters.
awk -v seconds="$started" -v ended="$ended" -v ticks="$ticks" '
  FNR == NR { before[$1] += $2; next }
  { after[$1] += $2 }
  END {
    seconds = ended - seconds
    line = sprintf("distributed-load: cores busy over the %.1f s of shop load:", seconds)
    for (name in after) { total += after[name] - before[name]; line = line sprintf(" %s %.2f", name, (after[name] - before[name]) / ticks / seconds) }
    print line sprintf("; total %.2f", total / ticks / seconds)
  }' <(echo "$before") <(echo "$after") >&2
exit "$status"
