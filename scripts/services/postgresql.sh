#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on loopback only, that never touches a system cluster.
#
#   scripts/services/postgresql.sh start    installs postgresql (Debian package) if it is missing, creates and
#                                           starts a cluster in a directory of its own and prints the path of a
#                                           file to `source`:
#     export SWITCHBOARD_POSTGRES_CONNECTION='Host=127.0.0.1;Port=PORT;Username=switchboard_test;Password=PASS;Database=switchboard_test'
#                                           (Npgsql connection string; the role may create databases)
#   scripts/services/postgresql.sh stop     stops exactly that cluster and removes its directory
#   scripts/services/postgresql.sh status   exit 0 when the server answers
#
# `start` and `stop` are idempotent: `start` on a live server prints the same file again, `stop` without a
# server does nothing. Progress goes to stderr; stdout carries only the path that `start` prints.
#
# The server binaries are the highest version under /usr/lib/postgresql/*/bin (Debian's layout; /usr/local/bin
# may hold links to them), else the directory of an `initdb` on PATH. PostgreSQL refuses to run as root: as
# root the cluster runs as the package's postgres user (so its directory must be reachable by that user: when
# $TMPDIR is not, the default directory is under /tmp), as the caller otherwise. The server listens on
# 127.0.0.1 only, on 5432 or the next port that is free and not configured for a system cluster
# (pg_lsclusters), and on a Unix socket inside its directory. Over TCP every role authenticates with
# SCRAM-SHA-256; the superuser postgres has no password and is reachable only through that socket, which only
# the cluster's owner (and root) can reach. The cluster is made for speed, not durability: fsync,
# full_page_writes and synchronous_commit are off (unless SWITCHBOARD_POSTGRES_DURABLE=1 when `start` creates the
# cluster: then PostgreSQL's durable defaults stay); max_connections is 200 (the tests open many pools). Its
# first start creates the role switchboard_test (LOGIN, CREATEDB, random password) and the database
# switchboard_test owned by it; tests create their own schemas or databases with that role.
#
# Environment: SWITCHBOARD_POSTGRES_DIR (the cluster's directory; default under $TMPDIR, one per checkout and
# user), SWITCHBOARD_POSTGRES_START_TIMEOUT (seconds, default 60).
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo" | cksum | cut -d' ' -f1)
start_timeout=${SWITCHBOARD_POSTGRES_START_TIMEOUT:-60}
test_role=switchboard_test
test_database=switchboard_test

log() { echo "postgresql: $*" >&2; }
fail() {
  echo "postgresql: ERROR: $*" >&2
  exit 1
}

random_alnum() { # N random characters from [A-Za-z0-9]
  local out=""
  while [ "${#out}" -lt "$1" ]; do
    out+=$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9' || true)
  done
  printf '%s' "${out:0:$1}"
}

# The server runs as the package's postgres user when this script runs as root, as the caller otherwise.
as_server_user=()
server_owner=""
if [ "$(id -u)" -eq 0 ]; then
  as_server_user=(runuser -u postgres --)
  server_owner=postgres:postgres
fi
server_user_exists() { [ -z "$server_owner" ] || id postgres >/dev/null 2>&1; }

# The cluster's directory. As root, the postgres user has to reach it: /tmp when it cannot traverse $TMPDIR
# (decided again once an install has created that user).
set_paths() {
  local base
  if [ -n "${SWITCHBOARD_POSTGRES_DIR:-}" ]; then
    state_dir=$SWITCHBOARD_POSTGRES_DIR
  else
    base=${TMPDIR:-/tmp}
    base=${base%/}
    if [ -n "$server_owner" ] && [ "$base" != /tmp ] && server_user_exists \
      && ! "${as_server_user[@]}" test -x "$base" 2>/dev/null </dev/null; then
      base=/tmp
    fi
    state_dir=$base/switchboard-postgresql-$(id -u)-$checkout_id
  fi
  data_dir="$state_dir/data"            # PGDATA
  socket_dir="$state_dir"               # the Unix socket (and its lock file)
  log_file="$state_dir/postgresql.log"  # the server's output
  env_file="$state_dir/postgresql.env"  # what `start` prints: the connection string for the tests
  server_file="$state_dir/server.env"   # what `stop` and `status` need: binaries, port
}
set_paths

port_listening() { # something accepts connections on 127.0.0.1:$1
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pid_running() { # $1 is a process that has not exited (a zombie has: only its parent has not reaped it yet)
  local stat
  [ -n "${1:-}" ] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# The newest server binaries: /usr/lib/postgresql/<version>/bin, else where an initdb on PATH really lives.
find_bin_dir() {
  local dir candidate
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    printf '%s' "$dir"
    return 0
  fi
  candidate=$(command -v initdb 2>/dev/null) || return 1
  dir=$(dirname "$(readlink -f "$candidate")")
  [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ] || return 1
  printf '%s' "$dir"
}

ensure_installed() {
  if bin_dir=$(find_bin_dir); then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || fail "the PostgreSQL server is not installed; install it as root: apt-get install --no-install-recommends postgresql"
  log "installing postgresql (apt-get)"
  local started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt_get update || fail "apt-get update failed"
  apt_get install -y --no-install-recommends postgresql || fail "apt-get install postgresql failed"
  bin_dir=$(find_bin_dir) || fail "postgresql installed, but no server binaries under /usr/lib/postgresql/*/bin"
  set_paths
  log "installed postgresql in $((SECONDS - started)) s"
}

# A PostgreSQL tool (initdb, pg_ctl, psql, ...) as the server's user, with a clean environment (no PG* variable
# of the caller's leaks in), from the cluster's directory, at most $pg_timeout seconds.
pg_timeout=60
as_server() {
  (cd "$state_dir" && exec timeout "$pg_timeout" "${as_server_user[@]}" env -i "${server_env[@]}" "$@")
}
pg() {
  local tool=$1
  shift
  as_server "$bin_dir/$tool" "$@"
}

# psql as the superuser, through the socket; SQL from stdin.
psql_admin() {
  pg psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres -d postgres "$@"
}

load_server() { # reads what `start` recorded; false when there is no cluster directory
  [ -f "$server_file" ] || return 1
  # shellcheck source=/dev/null
  source "$server_file"
}

set_server_env() {
  server_env=(
    "HOME=$state_dir"
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "LANG=C.UTF-8"
    "LC_ALL=C.UTF-8"
  )
}

print_log_tail() {
  [ -s "$log_file" ] || return 0
  echo "----- last lines of $log_file -----" >&2
  tail -n 40 "$log_file" >&2
}

# Pids of this cluster's processes: `postgres` processes whose working directory is its data directory (the
# postmaster and every child chdir there). Not another cluster's, nor a shell that happens to sit there.
cluster_pids() {
  local proc pid cwd comm
  for proc in /proc/[0-9]*; do
    comm=$(cat "$proc/comm" 2>/dev/null) || continue
    [ "$comm" = postgres ] || continue
    cwd=$(readlink "$proc/cwd" 2>/dev/null) || continue
    pid=${proc#/proc/}
    if { [ "$cwd" = "$data_dir" ] || [ "$cwd" = "$data_dir (deleted)" ]; } && pid_running "$pid"; then
      echo "$pid"
    fi
  done
}

# Stops the cluster in $state_dir (if any process of it is left) and removes the directory.
stop_server() {
  [ -e "$state_dir" ] || return 0
  local started=$SECONDS stopped=0
  if load_server && pid_running "$(head -n 1 "$data_dir/postmaster.pid" 2>/dev/null | tr -dc '0-9')"; then
    log "stopping the server on 127.0.0.1:$port"
    set_server_env
    pg_timeout=40
    pg pg_ctl -D "$data_dir" -m fast -w -t 30 stop >&2 </dev/null || log "pg_ctl stop failed; terminating the cluster's processes"
    stopped=1
  fi
  # Whatever is left of this cluster (it would not stop, or its directory lost its records): its processes,
  # told to quit at once (SIGQUIT: immediate shutdown), then killed.
  local pids p deadline
  pids=$(cluster_pids)
  if [ -n "$pids" ]; then
    log "terminating what is left of the cluster: $(echo $pids)"
    for p in $pids; do kill -QUIT "$p" 2>/dev/null || true; done
    deadline=$((SECONDS + 10))
    while [ -n "$(cluster_pids)" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.2
    done
    for p in $(cluster_pids); do kill -KILL "$p" 2>/dev/null || true; done
    stopped=1
  fi
  [ "$stopped" = 0 ] || log "stopped in $((SECONDS - started)) s"
  rm -rf "$state_dir"
}

server_answers() {
  load_server || return 1
  set_server_env
  pg_timeout=10
  [ "$(psql_admin -A -t -c 'select 1' </dev/null 2>/dev/null)" = 1 ]
}

# The ports of the system's clusters (Debian's postgresql-common), running or not: not ours to take.
system_cluster_ports() {
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | awk '{ print $3 }' || true
  fi
}

start_server() {
  local started=$SECONDS
  ensure_installed
  server_user_exists || fail "running as root, but there is no postgres user to run the server as"

  if [ -f "$env_file" ] && server_answers; then
    log "server already running on 127.0.0.1:$port"
    echo "$env_file"
    return 0
  fi
  if [ -e "$state_dir" ]; then
    log "removing what is left of an earlier cluster in $state_dir"
    stop_server
  fi

  # The Unix socket's path has to fit in sun_path (107 bytes).
  [ "${#socket_dir}" -le 88 ] || fail "$socket_dir is too long for a Unix socket; set SWITCHBOARD_POSTGRES_DIR to a shorter path"

  local candidate found="" taken
  taken=" $(system_cluster_ports | tr '\n' ' ') "
  for candidate in $(seq 5432 5499); do
    case "$taken" in *" $candidate "*) continue ;; esac
    if ! port_listening "$candidate"; then
      found=$candidate
      break
    fi
  done
  [ -n "$found" ] || fail "no free port between 5432 and 5499 on 127.0.0.1"
  [ "$found" = 5432 ] || log "127.0.0.1:5432 is taken or belongs to a system cluster; using port $found"
  port=$found

  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  if [ -n "$server_owner" ]; then
    chown "$server_owner" "$state_dir"
    "${as_server_user[@]}" test -w "$state_dir" </dev/null \
      || fail "the postgres user cannot write to $state_dir (set SWITCHBOARD_POSTGRES_DIR or TMPDIR to a directory it can reach)"
  fi
  set_server_env

  # From here on, a failure stops what was started and removes the directory.
  trap 'status=$?; if [ "$status" -ne 0 ]; then print_log_tail; stop_server; fi' EXIT

  log "creating a cluster with $bin_dir in $state_dir"
  pg initdb -D "$data_dir" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
    --no-sync >"$state_dir/initdb.log" 2>&1 </dev/null \
    || { cat "$state_dir/initdb.log" >&2; fail "initdb failed"; }
  {
    echo "# Generated by scripts/services/postgresql.sh for one test run: the socket (only its owner can reach it)"
    echo "# trusts, TCP on loopback needs a password (the superuser has none)."
    echo "local all all trust"
    echo "host all all 127.0.0.1/32 scram-sha-256"
  } | as_server tee "$data_dir/pg_hba.conf" >/dev/null
  {
    echo ""
    if [ "${SWITCHBOARD_POSTGRES_DURABLE:-0}" = 1 ]; then
      echo "# Generated by scripts/services/postgresql.sh: loopback only, durable (a commit survives a power loss)."
    else
      echo "# Generated by scripts/services/postgresql.sh for one test run: loopback only, fast, not durable."
    fi
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '${socket_dir//\'/\'\'}'"
    echo "unix_socket_permissions = 0700"
    echo "max_connections = 200"
    if [ "${SWITCHBOARD_POSTGRES_DURABLE:-0}" != 1 ]; then
      echo "fsync = off"
      echo "full_page_writes = off"
      echo "synchronous_commit = off"
    fi
    echo "password_encryption = 'scram-sha-256'"
    echo "logging_collector = off"
  } | as_server tee -a "$data_dir/postgresql.conf" >/dev/null

  {
    printf 'bin_dir=%q\n' "$bin_dir"
    echo "port=$port"
  } >"$server_file"

  log "starting the server on 127.0.0.1:$port"
  pg_timeout=$((start_timeout + 10))
  # pg_ctl detaches the server (its own session, output to the log file, no standard input).
  pg pg_ctl -D "$data_dir" -l "$log_file" -w -t "$start_timeout" start >&2 </dev/null \
    || fail "the server did not start within ${start_timeout} s (see the log below)"
  pg_timeout=60
  port_listening "$port" || fail "the server started, but nothing listens on 127.0.0.1:$port"

  local password
  password=$(random_alnum 32)
  psql_admin >&2 <<SQL || fail "creating the role and database $test_role failed"
CREATE ROLE $test_role LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE $test_database OWNER $test_role;
SQL
  # The tests' way in: TCP, password.
  local answer
  answer=$(
    server_env+=("PGPASSWORD=$password")
    pg psql -X -A -t -h 127.0.0.1 -p "$port" -U "$test_role" -d "$test_database" -c 'select 1' </dev/null
  ) || true
  [ "$answer" = 1 ] || fail "the server started, but $test_role cannot log in over 127.0.0.1:$port"

  local connection="Host=127.0.0.1;Port=$port;Username=$test_role;Password=$password;Database=$test_database"
  (
    umask 077
    {
      echo "# PostgreSQL server for the tests; written by scripts/services/postgresql.sh start"
      echo "export SWITCHBOARD_POSTGRES_CONNECTION='$connection'" # no quote in it: the password is alphanumeric
    } >"$env_file"
  )
  trap - EXIT
  log "server ready on 127.0.0.1:$port, database $test_database, in $((SECONDS - started)) s"
  echo "$env_file"
}

case "${1:-}" in
  start) start_server ;;
  stop) stop_server ;;
  status)
    if server_answers; then
      log "server answers on 127.0.0.1:$port"
    else
      log "no server running from $state_dir"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
