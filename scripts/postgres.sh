#!/usr/bin/env bash
# A throw-away Postgres for the tests: `postgres.sh start DIR` initialises a cluster in DIR (as the
# postgres user when run as root), starts it on a free port with fsync off, and prints its URL;
# `postgres.sh start DIR durable` keeps Postgres's own durability instead (every commit flushed to
# disk before it is acknowledged, as a production server runs; the claim benchmark uses it);
# `postgres.sh stop DIR` stops it and removes DIR.
set -euo pipefail

bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
if [ -z "$bin" ]; then
  echo "postgres.sh: no Postgres server found (scripts/install.sh postgres installs it)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
start)
  dir=$2
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1
  port=$(free_port)
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${3:-}" = durable ] && durability=""
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=400 -c shared_buffers=256MB" >/dev/null
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  dir=$2
  if [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: postgres.sh start DIR [durable] | stop DIR" >&2
  exit 2
  ;;
esac
