#!/usr/bin/env bash
# Installs what the project needs and the machine lacks, from Debian's packages and the npm
# registry. `install.sh run` is enough to build and run; `install.sh test` adds Postgres,
# Chromium and Docker for the tests. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }

have go || need+=(golang-go)      # GOTOOLCHAIN=auto then fetches the go version go.mod asks for
have node || need+=(nodejs)
have npm || need+=(npm)
if [ "${1:-run}" = test ]; then
  have chromium || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  have pgbouncer || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
  have haproxy || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  have python3 || need+=(python3)
  have curl || need+=(curl)         # the docs' example session runs as a test
  have jq || need+=(jq)
  have dockerd || [ -x /usr/sbin/dockerd ] || need+=(docker.io) # the container image's test (scripts/image-test.sh)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Frontend dependencies, as locked, when the lock file changed since the last install. Not `npm ci`:
# with this machine's npm settings (omit-lockfile-registry-resolved) the lock cannot list other
# platforms' optional packages (rollup's), which `npm ci` then reports as missing; `npm install`
# installs exactly the locked versions and leaves the lock as it is.
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  (cd frontend && npm install --no-audit --no-fund --loglevel=error)
fi
