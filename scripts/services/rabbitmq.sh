#!/usr/bin/env bash
# A throwaway RabbitMQ node for the tests, on loopback only, that never touches a system instance.
#
#   scripts/services/rabbitmq.sh start    installs rabbitmq-server and openssl (Debian packages) if they are
#                                         missing, starts a node in a directory of its own and prints the path of
#                                         a file to `source`:
#     export SWITCHBOARD_RABBITMQ_URI=amqp://USER:PASS@127.0.0.1:PORT/VHOST       (the tests' user and vhost)
#     export SWITCHBOARD_RABBITMQ_MANAGEMENT=http://ADMIN:PASS@127.0.0.1:MPORT/   (management API, administrator)
#     export SWITCHBOARD_RABBITMQ_RESTART='... rabbitmq.sh restart'                 (restarts the broker, data kept)
#     export SWITCHBOARD_RABBITMQ_TLS_URI=amqps://USER:PASS@localhost:TPORT/VHOST (same user and vhost, over TLS)
#     export SWITCHBOARD_RABBITMQ_CA=DIR/tls/ca.pem                                (the CA the server cert chains to)
#     export SWITCHBOARD_RABBITMQ_CLIENT_CERT=DIR/tls/client.p12                   (a client certificate of that CA)
#     export SWITCHBOARD_RABBITMQ_CLIENT_CERT_PASSWORD=...                         (the PKCS#12 file's password)
#   scripts/services/rabbitmq.sh stop     stops exactly that node and removes its directory
#   scripts/services/rabbitmq.sh restart  stops and starts the broker application on that node (data survives)
#   scripts/services/rabbitmq.sh status   exit 0 when the node answers
#
# `start` and `stop` are idempotent: `start` on a live node prints the same file again, `stop` without a node
# does nothing. Progress goes to stderr; stdout carries only the path that `start` prints.
#
# The node listens on 127.0.0.1 only: AMQP on 5672 (or the next free port when something already listens
# there), AMQP over TLS on AMQP port + 1, the management plugin on AMQP port + 10000, Erlang distribution on AMQP
# port + 20000, epmd (when this node has to start it) on 127.0.0.1. Its first boot creates the vhost
# switchboard-test-<random> and a user with a random password whose only permissions are full ones on that vhost;
# an administrator with another random password (no vhost permissions) serves the management API, with which
# tests create vhosts of their own. The guest user and the / vhost never exist on it.
#
# TLS: the first boot also creates, in DIR/tls, a throwaway CA (its key is deleted once it has signed), a server
# certificate for localhost and 127.0.0.1 and a client certificate (PKCS#12, random password), valid 30 days. The
# TLS listener verifies a client certificate against that CA when one is presented (verify_peer) and accepts
# connections without one (fail_if_no_peer_cert = false); the user still authenticates with its password.
#
# Environment: SWITCHBOARD_RABBITMQ_DIR (the node's directory; default under $TMPDIR, one per checkout and
# user), SWITCHBOARD_RABBITMQ_START_TIMEOUT (seconds, default 90).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo" | cksum | cut -d' ' -f1)
state_dir=${SWITCHBOARD_RABBITMQ_DIR:-${TMPDIR:-/tmp}/switchboard-rabbitmq-$(id -u)-$checkout_id}
start_timeout=${SWITCHBOARD_RABBITMQ_START_TIMEOUT:-90}
rabbitmq_bin=/usr/lib/rabbitmq/bin
env_file="$state_dir/rabbitmq.env"    # what `start` prints: the URI for the tests
node_file="$state_dir/node.env"       # what `stop` needs: the node's environment and the launcher's pid

log() { echo "rabbitmq: $*" >&2; }
fail() {
  echo "rabbitmq: ERROR: $*" >&2
  exit 1
}

random_alnum() { # N random characters from [A-Za-z0-9]
  local out=""
  while [ "${#out}" -lt "$1" ]; do
    out+=$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9' || true)
  done
  printf '%s' "${out:0:$1}"
}

urlencode() { # RFC 3986: everything but unreserved characters is percent-encoded
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# The node runs as the package's rabbitmq user when this script runs as root, as the caller otherwise. `start` decides
# after the install (which is what creates that user) and records the choice with the node; `stop` and `restart` use
# the recorded user, so that the node's files and Erlang cookie are always reached as the user that owns them.
as_node_user=()
node_owner=""
node_user=""
choose_node_user() {
  node_user=""
  if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then
    node_user=rabbitmq
  fi
  use_node_user
}
use_node_user() {
  as_node_user=()
  node_owner=""
  if [ -n "$node_user" ]; then
    as_node_user=(runuser -u "$node_user" --)
    node_owner="$node_user:$node_user"
  fi
}

# A RabbitMQ tool (rabbitmqctl, rabbitmq-diagnostics, ...) against this node: the node's environment only, no
# standard input (the CLI tools read it), at most $rmq_timeout seconds.
rmq_timeout=60
rmq() {
  local tool=$1
  shift
  (cd "$state_dir" && exec timeout "$rmq_timeout" "${as_node_user[@]}" env -i "${node_env[@]}" "$rabbitmq_bin/$tool" "$@") </dev/null
}

port_listening() { # something accepts connections on 127.0.0.1:$1
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

node_pid() { # the Erlang VM's pid, from the pid file the node writes
  local pid=""
  [ -f "$state_dir/rabbitmq.pid" ] && pid=$(tr -dc '0-9' <"$state_dir/rabbitmq.pid")
  printf '%s' "$pid"
}

children_of() { # pids whose parent is $1, read from /proc (no procps needed)
  local stat fields
  for stat in /proc/[0-9]*/stat; do
    fields=$(cat "$stat" 2>/dev/null) || continue
    fields=${fields##*) } # after "pid (comm) ": state ppid ...
    set -- $fields
    if [ "${2:-}" = "$parent" ]; then
      stat=${stat#/proc/}
      echo "${stat%/stat}"
    fi
  done
}

descendants() { # every descendant pid of $1, deepest first
  local parent=$1 child
  for child in $(children_of); do
    descendants "$child"
    echo "$child"
  done
}

epmd_bin() { command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1; }

epmd_running() {
  local epmd
  epmd=$(epmd_bin) || return 1
  [ -n "$epmd" ] && "$epmd" -names >/dev/null 2>&1 </dev/null
}

ensure_installed() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl) # the node's throwaway certificates
  [ "${#missing[@]}" -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || fail "${missing[*]} not installed; install as root: apt-get install --no-install-recommends ${missing[*]}"
  log "installing ${missing[*]} (apt-get)"
  local started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q update -o DPkg::Lock::Timeout=300 >&2 </dev/null || fail "apt-get update failed"
  apt-get -q install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2 </dev/null \
    || fail "apt-get install ${missing[*]} failed"
  [ -x "$rabbitmq_bin/rabbitmq-server" ] || fail "rabbitmq-server installed, but $rabbitmq_bin/rabbitmq-server is missing"
  command -v openssl >/dev/null 2>&1 || fail "openssl installed, but it is not on the PATH"
  log "installed ${missing[*]} in $((SECONDS - started)) s"
}

# A throwaway CA in $1 and, signed by it, a server certificate for localhost and 127.0.0.1 (server.pem,
# server.key) and a client certificate (client.p12, protected by the password $2); $3 labels their names. EC P-256
# keys, 30 days. The CA's key is deleted once it has signed: nothing else can be issued under it.
make_certificates() {
  local dir=$1 client_password=$2 label=$3 days=30 name subject
  local key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  # A subshell for umask and cd; `|| exit 1` on every step, as `set -e` does not apply inside `( ) || ...`.
  (
    umask 077
    cd "$dir" || exit 1
    cat >openssl.cnf <<'CONF' || exit 1
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CONF
    openssl req -x509 -config openssl.cnf -extensions ca "${key[@]}" -keyout ca.key -out ca.pem -days "$days" \
      -subj "/O=Switchboard tests/CN=Switchboard test CA $label" || exit 1
    for name in server client; do
      subject="/O=Switchboard tests/CN=localhost"
      [ "$name" = client ] && subject="/O=Switchboard tests/CN=switchboard-test-client-$label"
      openssl req -new -config openssl.cnf "${key[@]}" -keyout "$name.key" -out "$name.csr" -subj "$subject" || exit 1
      openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
        -days "$days" -extfile openssl.cnf -extensions "$name" -out "$name.pem" || exit 1
    done
    SWITCHBOARD_CLIENT_P12_PASSWORD=$client_password openssl pkcs12 -export -in client.pem -inkey client.key \
      -name "switchboard-test-client-$label" -out client.p12 -passout env:SWITCHBOARD_CLIENT_P12_PASSWORD || exit 1
    rm -f ca.key server.csr client.csr client.key openssl.cnf || exit 1
    chmod 644 ca.pem server.pem client.pem
  ) >"$dir/openssl.log" 2>&1 || {
    cat "$dir/openssl.log" >&2
    fail "creating the node's TLS certificates with openssl failed"
  }
  rm -f "$dir/openssl.log"
}

load_node() { # reads what `start` recorded; false when there is no node directory
  [ -f "$node_file" ] || return 1
  node_user=""
  # shellcheck source=/dev/null
  source "$node_file"
  use_node_user
}

print_log_tail() {
  local file
  for file in "$state_dir"/log/*.log "$state_dir/log/startup.out"; do
    [ -s "$file" ] || continue
    echo "----- last lines of $file -----" >&2
    tail -n 40 "$file" >&2
  done
}

# Stops the node recorded in $state_dir (if any process of it is left) and removes the directory.
stop_node() {
  if ! load_node; then
    if [ -d "$state_dir" ]; then
      rm -rf "$state_dir"
    fi
    return 0
  fi

  local pid started=$SECONDS rmq_timeout=60
  pid=$(node_pid)
  if pid_alive "$pid" || pid_alive "${launcher_pid:-}"; then
    log "stopping node $node_name"
    local deadline p
    if pid_alive "$pid"; then
      # Waits until the VM behind the pid file has exited; its launcher follows.
      rmq rabbitmqctl -q stop --idempotent "$state_dir/rabbitmq.pid" >&2 \
        || log "rabbitmqctl stop failed; terminating the node's processes"
      deadline=$((SECONDS + 15))
      while { pid_alive "$pid" || pid_alive "${launcher_pid:-}"; } && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.2
      done
    fi
    # Whatever is left of this node (it never wrote its pid file, or would not stop): its processes, by pid.
    for p in $( [ -n "${launcher_pid:-}" ] && descendants "$launcher_pid"; echo "${launcher_pid:-}" "$pid"); do
      pid_alive "$p" && kill -TERM "$p" 2>/dev/null || true
    done
    deadline=$((SECONDS + 10))
    while { pid_alive "$pid" || pid_alive "${launcher_pid:-}"; } && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.2
    done
    for p in "${launcher_pid:-}" "$pid"; do
      pid_alive "$p" && kill -KILL "$p" 2>/dev/null || true
    done
    log "stopped in $((SECONDS - started)) s"
  fi

  # An epmd that this node started goes too, unless another node registered with it since.
  if [ "${epmd_started_here:-0}" = 1 ]; then
    local epmd
    epmd=$(epmd_bin || true)
    if [ -n "$epmd" ] && "$epmd" -names 2>/dev/null </dev/null | grep -q '^name '; then
      log "leaving epmd running: other nodes use it"
    elif [ -n "$epmd" ]; then
      "$epmd" -kill >/dev/null 2>&1 </dev/null || true
    fi
  fi
  rm -rf "$state_dir"
}

node_answers() {
  load_node || return 1
  pid_alive "$(node_pid)" && rmq rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

start_node() {
  local started=$SECONDS
  ensure_installed

  # (A node that an older version of this script started, without TLS, is replaced.)
  if [ -f "$env_file" ] && grep -q '^export SWITCHBOARD_RABBITMQ_TLS_URI=' "$env_file" && node_answers; then
    log "node $node_name already running on 127.0.0.1:$amqp_port"
    echo "$env_file"
    return 0
  fi
  if [ -e "$state_dir" ]; then
    log "removing what is left of an earlier node in $state_dir"
    stop_node
  fi
  choose_node_user

  # Ports: the first AMQP port from 5672 whose TLS (+1), management (+10000) and distribution (+20000) ports are
  # free too.
  local port found=""
  for port in $(seq 5672 5699); do
    if ! port_listening "$port" && ! port_listening $((port + 1)) && ! port_listening $((port + 10000)) \
      && ! port_listening $((port + 20000)); then
      found=$port
      break
    fi
  done
  [ -n "$found" ] || fail "no free port for AMQP between 5672 and 5699 on 127.0.0.1"
  [ "$found" = 5672 ] || log "127.0.0.1:5672 is taken; using port $found"
  amqp_port=$found

  local suffix vhost user password admin admin_password node_name management_port=$((amqp_port + 10000))
  local tls_port=$((amqp_port + 1)) tls_dir="$state_dir/tls" client_cert_password
  suffix=$(random_alnum 10 | tr 'A-Z' 'a-z')
  node_name="switchboard-$suffix@localhost"
  vhost="switchboard-test-$suffix"
  user="switchboard-$suffix"
  password=$(random_alnum 32)
  admin="switchboard-admin-$suffix"
  admin_password=$(random_alnum 32)
  client_cert_password=$(random_alnum 32)

  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  mkdir -p "$state_dir/home" "$state_dir/mnesia" "$state_dir/log" "$tls_dir"
  make_certificates "$tls_dir" "$client_cert_password" "$suffix"
  # A cookie of its own: the CLI tools below talk to this node only.
  random_alnum 32 >"$state_dir/home/.erlang.cookie"
  chmod 400 "$state_dir/home/.erlang.cookie"
  : >"$state_dir/rabbitmq-env.conf" # instead of /etc/rabbitmq/rabbitmq-env.conf
  echo '[rabbitmq_management].' >"$state_dir/enabled_plugins"
  {
    echo "# Generated by scripts/services/rabbitmq.sh for one test run."
    echo "default_vhost = $vhost"
    echo "default_user = $user"
    echo "default_pass = $password"
    echo "default_permissions.configure = .*"
    echo "default_permissions.read = .*"
    echo "default_permissions.write = .*"
    echo "default_user_tags.administrator = false"
    echo "management.tcp.ip = 127.0.0.1"
    echo "management.tcp.port = $management_port"
    echo "listeners.ssl.default = 127.0.0.1:$tls_port"
    echo "ssl_options.cacertfile = $tls_dir/ca.pem"
    echo "ssl_options.certfile = $tls_dir/server.pem"
    echo "ssl_options.keyfile = $tls_dir/server.key"
    echo "ssl_options.verify = verify_peer"
    echo "ssl_options.fail_if_no_peer_cert = false"
    echo "log.console = false"
    echo "log.file.level = info"
  } >"$state_dir/rabbitmq.conf"
  chmod 600 "$state_dir/rabbitmq.conf"

  node_env=(
    "HOME=$state_dir/home"
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "LANG=C.UTF-8"
    "LC_ALL=C.UTF-8"
    "RABBITMQ_NODENAME=$node_name"
    "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1"
    "RABBITMQ_NODE_PORT=$amqp_port"
    "RABBITMQ_DIST_PORT=$((amqp_port + 20000))"
    "RABBITMQ_CONF_ENV_FILE=$state_dir/rabbitmq-env.conf"
    "RABBITMQ_CONFIG_FILE=$state_dir/rabbitmq.conf"
    "RABBITMQ_ADVANCED_CONFIG_FILE=$state_dir/advanced.config"
    "RABBITMQ_ENABLED_PLUGINS_FILE=$state_dir/enabled_plugins"
    "RABBITMQ_MNESIA_BASE=$state_dir/mnesia"
    "RABBITMQ_LOG_BASE=$state_dir/log"
    "RABBITMQ_PID_FILE=$state_dir/rabbitmq.pid"
    # No busy-waiting of idle schedulers (+sbwt none ...): on a small machine shared with its clients, the spinning
    # takes CPU they need (docs/scale-out.md).
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    "ERL_EPMD_ADDRESS=127.0.0.1"
  )
  local epmd_started_here=0
  epmd_running || epmd_started_here=1

  if [ -n "$node_owner" ]; then
    chown -R "$node_owner" "$state_dir"
    "${as_node_user[@]}" test -w "$state_dir/mnesia" \
      || fail "the rabbitmq user cannot write to $state_dir (set SWITCHBOARD_RABBITMQ_DIR or TMPDIR to a directory it can reach)"
  fi

  # From here on, a failure stops what was started and removes the directory.
  trap 'status=$?; if [ "$status" -ne 0 ]; then print_log_tail; stop_node; fi' EXIT

  log "starting node $node_name on 127.0.0.1:$amqp_port in $state_dir"
  # Its own session, no standard input, output to a file: it outlives this script, and a caller's $(...) returns.
  (cd "$state_dir" && exec setsid "${as_node_user[@]}" env -i "${node_env[@]}" "$rabbitmq_bin/rabbitmq-server") \
    >"$state_dir/log/startup.out" 2>&1 </dev/null &
  launcher_pid=$!
  {
    # Plain assignments: `declare -p` would make them local to the function that sources this file.
    printf 'node_env=('
    printf '%q ' "${node_env[@]}"
    printf ')\n'
    printf 'node_name=%q\n' "$node_name"
    printf 'node_user=%q\n' "$node_user"
    echo "launcher_pid=$launcher_pid"
    echo "amqp_port=$amqp_port"
    echo "epmd_started_here=$epmd_started_here"
  } >"$node_file"

  # The install above does not count against the wait.
  local deadline=$((SECONDS + start_timeout))
  rmq_timeout=10
  until rmq rabbitmq-diagnostics -q ping >/dev/null 2>&1; do
    pid_alive "$launcher_pid" || fail "the node exited while starting (see the log below)"
    [ "$SECONDS" -lt "$deadline" ] || fail "the node did not answer a ping within ${start_timeout} s"
    sleep 0.5
  done
  local remaining=$((deadline - SECONDS))
  [ "$remaining" -ge 1 ] || fail "the node did not start within ${start_timeout} s"
  rmq_timeout=$remaining
  rmq rabbitmqctl -q await_startup >&2 || fail "rabbitmqctl await_startup did not succeed within ${start_timeout} s"
  rmq_timeout=60
  port_listening "$amqp_port" || fail "the node started, but nothing listens on 127.0.0.1:$amqp_port"

  port_listening "$management_port" || fail "the node started, but its management API does not listen on 127.0.0.1:$management_port"
  port_listening "$tls_port" || fail "the node started, but nothing listens for AMQP over TLS on 127.0.0.1:$tls_port"
  # The server certificate verifies against the CA, for the name the TLS URI uses.
  timeout 15 openssl s_client -connect "127.0.0.1:$tls_port" -servername localhost -verify_hostname localhost \
    -CAfile "$tls_dir/ca.pem" -verify_return_error </dev/null >"$state_dir/log/tls-check.out" 2>&1 \
    || { cat "$state_dir/log/tls-check.out" >&2; fail "a TLS handshake with 127.0.0.1:$tls_port failed (output above)"; }

  # The administrator for the management API (the config above can create one user only).
  rmq rabbitmqctl -q add_user "$admin" "$admin_password" >/dev/null || fail "rabbitmqctl add_user failed"
  rmq rabbitmqctl -q set_user_tags "$admin" administrator >/dev/null || fail "rabbitmqctl set_user_tags failed"

  local vhosts
  vhosts=$(rmq rabbitmqctl -q list_vhosts --no-table-headers 2>/dev/null) || fail "rabbitmqctl list_vhosts failed"
  grep -qx "$vhost" <<<"$vhosts" || fail "the node has no vhost $vhost (vhosts: $(echo "$vhosts" | tr '\n' ' '))"

  local uri="amqp://$(urlencode "$user"):$(urlencode "$password")@127.0.0.1:$amqp_port/$(urlencode "$vhost")"
  local management_uri="http://$(urlencode "$admin"):$(urlencode "$admin_password")@127.0.0.1:$management_port/"
  local tls_uri="amqps://$(urlencode "$user"):$(urlencode "$password")@localhost:$tls_port/$(urlencode "$vhost")"
  local restart
  restart="SWITCHBOARD_RABBITMQ_DIR=$(printf %q "$state_dir") bash $(printf %q "$repo/scripts/services/rabbitmq.sh") restart"
  (
    umask 077
    {
      echo "# RabbitMQ node $node_name for the tests; written by scripts/services/rabbitmq.sh start"
      printf 'export SWITCHBOARD_RABBITMQ_URI=%q\n' "$uri"
      printf 'export SWITCHBOARD_RABBITMQ_MANAGEMENT=%q\n' "$management_uri"
      printf 'export SWITCHBOARD_RABBITMQ_RESTART=%q\n' "$restart"
      printf 'export SWITCHBOARD_RABBITMQ_TLS_URI=%q\n' "$tls_uri"
      printf 'export SWITCHBOARD_RABBITMQ_CA=%q\n' "$tls_dir/ca.pem"
      printf 'export SWITCHBOARD_RABBITMQ_CLIENT_CERT=%q\n' "$tls_dir/client.p12"
      printf 'export SWITCHBOARD_RABBITMQ_CLIENT_CERT_PASSWORD=%q\n' "$client_cert_password"
    } >"$env_file"
  )
  trap - EXIT
  log "node $node_name ready on 127.0.0.1:$amqp_port (TLS: $tls_port), vhost $vhost, in $((SECONDS - started)) s"
  echo "$env_file"
}

# Stops and starts the broker application; the Erlang VM, the node's data and its ports stay.
restart_node() {
  # No ping first: a test that restarts the broker mid-run wants the interruption soon.
  load_node && pid_alive "$(node_pid)" || fail "no node running from $state_dir"
  local started=$SECONDS
  log "restarting the broker application on $node_name"
  # stop_app stops the management plugin first, which takes seconds before AMQP goes down: clients are cut now.
  rmq rabbitmqctl -q close_all_connections --global "broker restart" >&2 || fail "rabbitmqctl close_all_connections failed"
  rmq rabbitmqctl -q stop_app >&2 || fail "rabbitmqctl stop_app failed"
  rmq rabbitmqctl -q start_app >&2 || fail "rabbitmqctl start_app failed"
  rmq_timeout=$start_timeout
  rmq rabbitmqctl -q await_startup >&2 || fail "the broker application did not come back within ${start_timeout} s"
  log "restarted in $((SECONDS - started)) s"
}

case "${1:-}" in
  start) start_node ;;
  stop) stop_node ;;
  restart) restart_node ;;
  status)
    if node_answers; then
      log "node $node_name answers on 127.0.0.1:$amqp_port"
    else
      log "no node running from $state_dir"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac
