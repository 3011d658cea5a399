#!/usr/bin/env bash
# Starts the local services the integration suites use, if they are down, with the machine's
# documented start commands, and fails when one stays unreachable. Used by CI; harmless locally.
set -uo pipefail

reachable() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure() {
  local name="$1" port="$2" start="$3"
  if reachable "$port"; then echo "$name: up on 127.0.0.1:$port"; return 0; fi
  echo "$name: down, starting"
  bash -c "$start" >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do
    if reachable "$port"; then echo "$name: up on 127.0.0.1:$port"; return 0; fi
    sleep 1
  done
  echo "$name: still unreachable on 127.0.0.1:$port" >&2
  return 1
}

status=0
ensure postgres 5432 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' || status=1
ensure nats 4222 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log' || status=1
exit $status
