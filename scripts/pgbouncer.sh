#!/usr/bin/env bash
# A throw-away PgBouncer in transaction pooling mode, as production runs it in front of Postgres:
# `pgbouncer.sh start DIR POSTGRES_URL` starts one on a free port that pools every database of
# that server and prints the URL to use through it (same user and database); `pgbouncer.sh stop
# DIR` stops it and removes DIR; `pgbouncer.sh alive DIR` succeeds while it accepts connections
# (not `kill -0`: where PID 1 reaps no orphans, a crashed daemon lingers as a zombie). Server connections are shared between transactions, so a client
# must keep no session state on them (storage.WithDirectURL).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin" # Debian installs pgbouncer and haproxy there

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  dir=$2 url=$3
  command -v pgbouncer >/dev/null || { echo "pgbouncer.sh: pgbouncer is not installed (scripts/install.sh test installs it)" >&2; exit 1; }
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  hostport=${url#*@}; hostport=${hostport%%/*}
  pghost=${hostport%:*} pgport=${hostport##*:}
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$pghost port=$pgport

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
; Past this, clients wait for a server connection instead of Postgres refusing one (the tests
; keep many databases open at once).
max_user_connections = 200
server_idle_timeout = 10
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
log_connections = 0
log_disconnections = 0
INI
  echo '"postgres" ""' >"$dir/userlist.txt"
  chmod 644 "$dir/pgbouncer.ini" "$dir/userlist.txt"
  as_pg pgbouncer -d "$dir/pgbouncer.ini"
  for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "${url/$hostport/127.0.0.1:$port}"
  ;;
alive)
  port=$(sed -n 's/^listen_port = //p' "$2/pgbouncer.ini" 2>/dev/null) || exit 1
  [ -n "$port" ] && (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null
  ;;
stop)
  dir=$2
  if [ -f "$dir/pgbouncer.pid" ]; then
    kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pgbouncer.sh start DIR POSTGRES_URL | alive DIR | stop DIR" >&2
  exit 2
  ;;
esac
