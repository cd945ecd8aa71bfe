#!/usr/bin/env bash
# The container image, built and run (a step of `make test`; docs/operations.md "Container image").
#
# Starts a private Docker daemon (its own data root, exec root, pidfile and socket under a temp
# dir; no bridge, no iptables: containers use the host's network), builds the image with
# `make image`, and runs it as an operator would:
#   1. on SQLite, the database on a volume (a host directory on /data), root filesystem read-only:
#      signs in, ingests a customer message, claims its conversation (cmd/imagecheck), stops it
#      with SIGTERM (it must exit 0 within the 30 s drain), starts a new container on the same
#      volume and finds the conversation again;
#   2. the same on a throw-away Postgres (scripts/postgres.sh), DATABASE_URL as usual.
# Prints the image's size and the time from `docker run` to /readyz 200 on SQLite. Nothing is
# pulled (the image is FROM scratch). Where the daemon cannot start here (no permission, no kernel
# support), prints one SKIPPED line with the reason and succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo
  echo "SKIPPED: the container image test did not run: $*"
  echo
  exit 0
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# docker.io (scripts/install.sh test installs it; here too when this script runs alone).
dockerd=$(command -v dockerd || true)
[ -z "$dockerd" ] && [ -x /usr/sbin/dockerd ] && dockerd=/usr/sbin/dockerd
if [ -z "$dockerd" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  echo "installing: docker.io"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker.io >/dev/null; } ||
    skip "docker.io is not installed and could not be installed (apt-get install docker.io)"
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
fi
# The client the package ships with its daemon (another docker on PATH may be a newer client).
docker=$(dirname "$dockerd")/../bin/docker
[ -x "$docker" ] || docker=$(command -v docker || true)
[ -x "$docker" ] || skip "no docker client next to $dockerd nor on PATH"

work=$(mktemp -d /tmp/switchboard-image.XXXXXX)
chmod 755 "$work"
pgdir=""
dpid=""
cleanup() {
  set +e
  if [ -n "$dpid" ]; then
    "$docker" rm -f sb-image-sqlite sb-image-pg >/dev/null 2>&1
    kill -TERM "$dpid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$dpid" 2>/dev/null
    wait "$dpid" 2>/dev/null
  fi
  [ -n "$pgdir" ] && scripts/postgres.sh stop "$pgdir"
  # Mounts a killed daemon left behind, then the directory.
  grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DOCKER_HOST="unix://$work/docker.sock" DOCKER_CONFIG="$work/client" DOCKER="$docker"
echo '{}' >"$work/daemon.json"
"$dockerd" --config-file "$work/daemon.json" --host "$DOCKER_HOST" --data-root "$work/root" --exec-root "$work/exec" \
  --pidfile "$work/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
  --containerd-namespace "switchboard-image-$$" --containerd-plugins-namespace "switchboard-image-$$-plugins" \
  >"$work/dockerd.log" 2>&1 &
dpid=$!
for _ in $(seq 300); do
  if ! kill -0 "$dpid" 2>/dev/null; then
    dpid=""
    skip "dockerd exited at start: $(grep -v '^\s*$' "$work/dockerd.log" | tail -1)"
  fi
  "$docker" version >/dev/null 2>&1 && break
  sleep 0.1
done
"$docker" version >/dev/null 2>&1 || skip "dockerd did not answer within 30 s: $(tail -1 "$work/dockerd.log")"
echo "dockerd $("$docker" version -f '{{.Server.Version}}') running on $DOCKER_HOST (storage: $("$docker" info -f '{{.Driver}}'))"

go build -o "$work/imagecheck" ./cmd/imagecheck
check="$work/imagecheck"
admin=(-e SWITCHBOARD_ADMIN_EMAIL=admin@image.test -e SWITCHBOARD_ADMIN_PASSWORD=image-test-password)

image=$(make --no-print-directory image | tail -1)
# The version `make image` took from git describe, as the image's label says.
version=$("$docker" image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$image")
size=$("$docker" image inspect -f '{{.Size}}' "$image")

# The image as built: a non-root user, the labels, no HEALTHCHECK, port 8080, the version.
got=$("$docker" image inspect -f '{{.Config.User}}|{{index .Config.Labels "org.opencontainers.image.version"}}|{{index .Config.Labels "org.opencontainers.image.revision"}}|{{.Config.Healthcheck}}|{{range $p, $_ := .Config.ExposedPorts}}{{$p}}{{end}}' "$image")
if ! [[ "$got" =~ ^65534:65534\|[^|]+\|[0-9a-f]{40}\|\<nil\>\|8080/tcp$ ]] || [ "$version" = unknown ]; then
  echo "image $image: user|version|revision|healthcheck|ports is $got, want 65534:65534|<git describe>|<commit>|<nil>|8080/tcp" >&2
  exit 1
fi
out=$("$docker" run --rm --network none "$image" --version 2>&1) || {
  code=$?
  # 125 and 126: the runtime could not start any container here, whatever the image.
  if [ "$code" = 125 ] || [ "$code" = 126 ]; then
    if echo "$out" | grep -qiE 'oci runtime|runc|cgroup|namespace|operation not permitted|permission denied'; then
      skip "containers cannot start here: $(echo "$out" | tail -1)"
    fi
  fi
  echo "docker run $image --version failed ($code): $out" >&2
  exit 1
}
case "$out" in
"switchboard $version "*) ;;
*) echo "switchboard --version printed '$out', want the version $version" >&2; exit 1 ;;
esac

# start NAME PORT ARGS…: runs the image on the host's network, as nobody, root filesystem
# read-only; prints the seconds from `docker run` to /readyz 200.
start() {
  local name=$1 port=$2 t0
  shift 2
  t0=$(date +%s%N)
  "$docker" run -d --name "$name" --network host --read-only --tmpfs /tmp -e ADDR="127.0.0.1:$port" "$@" "$image" >/dev/null
  if ! "$check" ready -url "http://127.0.0.1:$port" -since "$t0" -timeout 60s; then
    "$docker" logs "$name" 2>&1 | tail -20 >&2
    return 1
  fi
}
# stop NAME: SIGTERM, then it must have exited 0 within the drain (30 s), having said where it
# listened and that it drained.
stop() {
  local name=$1 t0 took code
  t0=$(date +%s%N)
  "$docker" stop -t 40 "$name" >/dev/null
  took=$(ms "$t0")
  code=$("$docker" inspect -f '{{.State.ExitCode}}' "$name")
  local logs
  logs=$("$docker" logs "$name" 2>&1)
  "$docker" rm "$name" >/dev/null
  if [ "$code" != 0 ] || [ "$took" -gt 30000 ]; then
    echo "$name: SIGTERM → exit code $code after ${took} ms, want 0 within 30 s" >&2
    echo "$logs" | tail -20 >&2
    return 1
  fi
  for want in "Switchboard is running at http://127.0.0.1:" '"msg":"shutting down'; do
    if ! grep -qF "$want" <<<"$logs"; then
      echo "$name: its output lacks '$want':" >&2
      echo "$logs" | tail -20 >&2
      return 1
    fi
  done
  echo "  SIGTERM: drained and exited 0 in ${took} ms"
}

echo "==> SQLite on a volume: /data is the host directory $work/data"
mkdir "$work/data"
chown 65534:65534 "$work/data"
port=$(free_port)
first=$(start sb-image-sqlite "$port" -v "$work/data:/data" "${admin[@]}")
echo "  started on an empty volume: /readyz 200 after ${first} s (migrations included)"
"$check" write -url "http://127.0.0.1:$port" -state "$work/sqlite.json" -version "$version" | sed 's/^/  /'
stop sb-image-sqlite
[ -s "$work/data/switchboard.db" ] || { echo "no database file on the volume: $(ls -la "$work/data")" >&2; exit 1; }
again=$(start sb-image-sqlite "$port" -v "$work/data:/data")
echo "  started again on that volume: /readyz 200 after ${again} s"
"$check" read -url "http://127.0.0.1:$port" -state "$work/sqlite.json" -version "$version" | sed 's/^/  /'
stop sb-image-sqlite

echo "==> Postgres (DATABASE_URL)"
pgdir=$(mktemp -d /tmp/switchboard-image-pg.XXXXXX)
chmod 755 "$pgdir"
dburl=$(scripts/postgres.sh start "$pgdir")
port=$(free_port)
pgfirst=$(start sb-image-pg "$port" -e DATABASE_URL="$dburl" "${admin[@]}")
echo "  started on an empty database: /readyz 200 after ${pgfirst} s (migrations included)"
"$check" write -url "http://127.0.0.1:$port" -state "$work/pg.json" -version "$version" | sed 's/^/  /'
stop sb-image-pg
pgagain=$(start sb-image-pg "$port" -e DATABASE_URL="$dburl")
echo "  started again: /readyz 200 after ${pgagain} s"
"$check" read -url "http://127.0.0.1:$port" -state "$work/pg.json" -version "$version" | sed 's/^/  /'
stop sb-image-pg

mb=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')
# For comparison: the same start of a container, for a process that only prints its version.
t0=$(date +%s%N)
"$docker" run --rm --network host --read-only "$image" --version >/dev/null
bare=$(ms "$t0")
gz=$("$docker" save "$image" | gzip -6 | wc -c | awk '{ printf "%.1f", $1 / 1000000 }')
echo
echo "image $image: $mb MB (target ≤ 40 MB; $gz MB gzipped, as a registry stores it); docker run to /readyz 200 on SQLite: ${first} s on an empty volume, ${again} s on the existing one (target ≤ 1 s)"
echo "  (for comparison, docker run --rm of --version alone: ${bare} ms: the daemon's start and removal of a container, and the binary's initialisation)"
if [ "$size" -gt 40000000 ]; then
  echo "  (over the size target: the static binary alone is $(stat -c %s bin/image/rootfs/switchboard) bytes)"
fi
