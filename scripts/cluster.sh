#!/usr/bin/env bash
# A production-shaped cluster on this machine: Postgres, PgBouncer (transaction pooling), N
# instances of bin/switchboard (DATABASE_URL through PgBouncer, DATABASE_DIRECT_URL around it) and
# HAProxy with deploy/haproxy/haproxy.cfg in front (1,000 connections at most, which fits any
# descriptor limit).
#   cluster.sh start DIR [N]   start it (N = 3), print HAProxy's URL
#   cluster.sh restart DIR I   SIGTERM instance I, wait until it has drained and exited, start it
#                              again and wait until it is ready (one step of a rolling upgrade)
#   cluster.sh stop DIR        stop everything and remove DIR
# The first workspace's admin is $SWITCHBOARD_ADMIN_EMAIL / $SWITCHBOARD_ADMIN_PASSWORD
# (admin@cluster.test / cluster-password by default). Each instance logs to DIR/iI.log.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin" # Debian installs pgbouncer and haproxy there
cd "$(dirname "$0")/.."
root=$PWD
bin=${SWITCHBOARD_BIN:-$root/bin/switchboard}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() { # URL SECONDS
  for _ in $(seq $(($2 * 10))); do
    curl -fs -o /dev/null "$1/readyz" && return 0
    sleep 0.1
  done
  echo "cluster.sh: $1 did not become ready" >&2
  return 1
}

start_instance() { # DIR I
  local dir=$1 i=$2 port
  port=$(cat "$dir/i$i.port")
  DATABASE_URL=$(cat "$dir/pooled.url") DATABASE_DIRECT_URL=$(cat "$dir/direct.url") ADDR=127.0.0.1:$port \
    SWITCHBOARD_ADMIN_EMAIL=${SWITCHBOARD_ADMIN_EMAIL:-admin@cluster.test} \
    SWITCHBOARD_ADMIN_PASSWORD=${SWITCHBOARD_ADMIN_PASSWORD:-cluster-password} \
    RATE_LIMIT=off LOG_LEVEL=${LOG_LEVEL:-warn} \
    nohup "$bin" >>"$dir/i$i.log" 2>&1 &
  echo $! >"$dir/i$i.pid"
  wait_ready "http://127.0.0.1:$port" 60
}

case "${1:-}" in
start)
  dir=$2 n=${3:-3}
  [ -x "$bin" ] || { echo "cluster.sh: no $bin (make build)" >&2; exit 1; }
  command -v haproxy >/dev/null || { echo "cluster.sh: haproxy is not installed (scripts/install.sh test)" >&2; exit 1; }
  mkdir -p "$dir"
  chmod 755 "$dir"
  scripts/postgres.sh start "$dir/pg" >"$dir/server.url"
  server=$(cat "$dir/server.url")
  psql -q "$server" -c "CREATE DATABASE switchboard" >/dev/null
  echo "${server%/postgres*}/switchboard?sslmode=disable" >"$dir/direct.url"
  mkdir -p "$dir/pgbouncer"
  scripts/pgbouncer.sh start "$dir/pgbouncer" "$(cat "$dir/direct.url")" >"$dir/pooled.url"
  echo "$n" >"$dir/n"
  servers=""
  for i in $(seq "$n"); do
    free_port >"$dir/i$i.port"
    servers+="    server i$i 127.0.0.1:$(cat "$dir/i$i.port") check"$'\n'
  done
  # The first instance sets the new database up; the others start on it together.
  start_instance "$dir" 1
  starting=()
  for i in $(seq 2 "$n"); do
    start_instance "$dir" "$i" &
    starting+=($!)
  done
  for p in "${starting[@]}"; do wait "$p"; done
  port=$(free_port)
  awk -v bind="    bind 127.0.0.1:$port" -v servers="$servers" '
    /^    maxconn / { print "    maxconn 1000"; next }
    /^    bind / { print bind; next }
    /^    server / { next }
    /^    # instances/ { print; printf "%s", servers; next }
    { print }' deploy/haproxy/haproxy.cfg >"$dir/haproxy.cfg"
  haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid" >"$dir/haproxy.log" 2>&1
  wait_ready "http://127.0.0.1:$port" 10
  echo "http://127.0.0.1:$port" | tee "$dir/url"
  ;;
restart)
  dir=$2 i=$3
  pid=$(cat "$dir/i$i.pid")
  kill -TERM "$pid"
  for _ in $(seq 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "cluster.sh: instance $i did not exit within 40 s" >&2; exit 1; fi
  start_instance "$dir" "$i"
  ;;
stop)
  dir=$2
  [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  for f in "$dir"/i*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true; done
  sleep 1
  for f in "$dir"/i*.pid; do [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true; done
  [ -d "$dir/pgbouncer" ] && scripts/pgbouncer.sh stop "$dir/pgbouncer"
  [ -d "$dir/pg" ] && scripts/postgres.sh stop "$dir/pg"
  rm -rf "$dir"
  ;;
*)
  echo "usage: cluster.sh start DIR [N] | restart DIR I | stop DIR" >&2
  exit 2
  ;;
esac
