#!/usr/bin/env bash
# Every test of the project (what `make test` and CI run):
#   1. generated code is up to date (go generate ./... changes nothing)
#   2. go vet, then the Go tests on SQLite
#   3. the Go tests again with -race on a throw-away Postgres this script starts and stops
#   2b. the API tests on a database upgraded from the first migration file
#   3. the Go tests again with -race on a throw-away Postgres this script starts and stops, then
#      the API, desk and live tests through PgBouncer in transaction pooling mode
#   3b. a short run of cmd/chaos (its own Postgres, two server instances, faults, porcupine)
#   4. the frontend's unit tests and build, the server binary, a rolling restart of 3 instances
#      behind HAProxy (cmd/rolling), the container image (scripts/image-test.sh: its own dockerd,
#      nothing pulled; SKIPPED where Docker cannot run), and the browser tests in Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
# gotest runs go test; when it fails, the tests that failed or were still running at a timeout
# are repeated at the end, where a log's tail shows them.
gotest() {
  local log
  log=$(mktemp)
  if go test "$@" 2>&1 | tee "$log"; then rm -f "$log"; return 0; fi
  echo "==> go test $* failed; failing or hanging tests:" >&2
  grep -E -A12 '^(panic: test timed out|--- FAIL|FAIL)' "$log" | grep -vE '^\s+/' | head -80 >&2 || true
  rm -f "$log"
  diagnose >&2
  return 1
}
# diagnose prints what a failure's cause may lie in outside the tests: the throw-away Postgres's
# own log (a server that stopped says why there) and the room left on disk and in memory.
diagnose() {
  if [ -n "${pgdir:-}" ] && [ -f "$pgdir/server.log" ]; then
    if [ -f "$pgdir/data/postmaster.pid" ] && kill -0 "$(head -1 "$pgdir/data/postmaster.pid")" 2>/dev/null; then
      echo "==> the throw-away Postgres is running"
    else
      echo "==> the throw-away Postgres is NOT running (its postmaster is gone)"
    fi
    echo "==> the throw-away Postgres's log ($pgdir/server.log), its last lines:"
    grep -vE 'LOG:  (checkpoint|statement|duration)' "$pgdir/server.log" | tail -40 || true
  fi
  echo "==> disk and memory:"
  df -h /tmp . 2>/dev/null || true
  free -m 2>/dev/null || true
}

step "installing what is missing"
scripts/install.sh test

step "checking that generated code is up to date"
sum() { find ent schema graph -type f \( -name '*.go' -o -name '*.graphql' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
before=$(sum)
go generate ./...
if [ "$(sum)" != "$before" ]; then
  echo "generated code was out of date: run 'go generate ./...' and commit the result" >&2
  git status --short ent schema graph >&2 || true
  exit 1
fi

step "go vet"
go vet ./...

step "Go tests on SQLite"
gotest -count=1 ./...

step "the API tests on a database upgraded from the first migration file, with an older server's data"
# Every test database is migrated to the baseline, given data by SQL as that schema stored it,
# then migrated up (internal/testdb UpgradeFrom); the migration tests (internal/storage) do the
# same from every version on both databases.
TEST_UPGRADE_FROM=20261204000000 gotest -count=1 ./internal/httpapi/...

step "Go tests with -race on Postgres"
pgdir=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$pgdir"' EXIT
TEST_DATABASE_URL=$(scripts/postgres.sh start "$pgdir")
export TEST_DATABASE_URL
gotest -race -count=1 -timeout 20m ./...

step "the API, desk and live tests through PgBouncer in transaction pooling mode"
# As production runs behind one: DATABASE_URL through PgBouncer, DATABASE_DIRECT_URL around it
# for LISTEN and the migrations' lock (docs/operations.md).
bouncer=$(mktemp -d /tmp/switchboard-pgbouncer.XXXXXX)
chmod 755 "$bouncer"
trap 'scripts/pgbouncer.sh stop "$bouncer"; scripts/postgres.sh stop "$pgdir"' EXIT
through_bouncer() {
  TEST_DATABASE_DIRECT_URL=$TEST_DATABASE_URL TEST_DATABASE_URL=$(scripts/pgbouncer.sh start "$bouncer" "$TEST_DATABASE_URL") \
    gotest -count=1 ./internal/httpapi/... ./internal/desk/... ./internal/events/... ./internal/storage/...
}
# PgBouncer 1.18 itself sometimes dies mid-step (its port refuses; Postgres runs on): that is the
# pooler's crash on cancelled queries (pgbouncer/pgbouncer#822, Debian 12 ships 1.18), not a
# failure of ours. It is said loudly with the pooler's log, and the step runs
# once more on a new PgBouncer; a failure with the pooler alive, or a second crash, fails.
if ! through_bouncer; then
  if scripts/pgbouncer.sh alive "$bouncer"; then exit 1; fi
  echo "==> PGBOUNCER CRASHED during the step; its log's last lines:" >&2
  grep -vE 'stats:|when not linked' "$bouncer/pgbouncer.log" | tail -20 >&2 || true
  scripts/pgbouncer.sh stop "$bouncer"
  bouncer=$(mktemp -d /tmp/switchboard-pgbouncer.XXXXXX)
  chmod 755 "$bouncer"
  echo "==> the step once more, on a new PgBouncer" >&2
  through_bouncer
fi
scripts/pgbouncer.sh stop "$bouncer"
scripts/postgres.sh stop "$pgdir"
unset TEST_DATABASE_URL
trap - EXIT

step "a short chaos run: random histories on 2 instances under faults, checked for linearizability"
# A fixed seed, printed in the report: `go run ./cmd/chaos -seed 17 -duration 30s` replays it.
chaos_out=$(mktemp -d /tmp/switchboard-chaos.XXXXXX)
chmod 755 "$chaos_out" # its Postgres runs as the postgres user, inside it
go run ./cmd/chaos -seed 17 -duration 30s -out "$chaos_out"

step "frontend unit tests"
gqlsum() { find frontend/src/gql -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
before=$(gqlsum)
(cd frontend && npm run --silent codegen)
if [ "$(gqlsum)" != "$before" ]; then
  echo "frontend/src/gql was out of date: run 'cd frontend && npm run codegen' and commit the result" >&2
  exit 1
fi
(cd frontend && npm test --silent)

step "building the workspace and the server"
make --no-print-directory build

step "a rolling restart behind HAProxy: 3 instances, PgBouncer, load and live subscribers (cmd/rolling)"
go run ./cmd/rolling -bin bin/switchboard

step "the container image: built, run on SQLite (a volume) and on Postgres, stopped by SIGTERM, restarted (scripts/image-test.sh)"
scripts/image-test.sh

step "browser tests (Chromium)"
(cd frontend && SWITCHBOARD_BIN=../bin/switchboard npm run --silent e2e)

step "all tests passed"
