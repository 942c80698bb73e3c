# Sourced by the service scripts: apt_get, apt-get that waits for another apt-get (the test command installs
# RabbitMQ, PostgreSQL and Chromium at the same time on a fresh machine). Needs a `log` function.

# apt-get with the locks' timeout; apt-get itself does not wait for the lists and archives locks (only for
# dpkg's), so a lock held by another apt-get is retried until the same timeout.
apt_get() {
  local deadline=$((SECONDS + 300)) out
  out=$(mktemp)
  while true; do
    if apt-get -q -o DPkg::Lock::Timeout=300 "$@" </dev/null 2>&1 | tee "$out" >&2; then
      rm -f "$out"
      return 0
    fi
    if grep -q 'Could not get lock' "$out" && [ "$SECONDS" -lt "$deadline" ]; then
      log "apt is busy; trying again in 5 s"
      sleep 5
      continue
    fi
    rm -f "$out"
    return 1
  done
}
