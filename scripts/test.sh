#!/usr/bin/env bash
# The whole test run: lint, types, then the suite on SQLite and on PostgreSQL (browser tests included).
# Usage: scripts/test.sh [sqlite|postgres|all] [extra pytest args]
#
# `all` runs the two databases' suites side by side, one per core: each is mostly one Python process,
# so together they take little more than the longer one alone. Each line of their output is prefixed with
# its database; a full log of each is kept in var/test-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="python3 -m uv"
which="${1:-all}"; shift || true

echo "== ruff"
$UV run ruff check src tests benchmarks
echo "== mypy"
$UV run mypy src

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
logs=var/test-logs
mkdir -p "$logs"

run_suite() {  # run_suite NAME [pytest args]: the suite on the database the environment names
  local name="$1"; shift
  SECONDS=0
  local rc=0
  $UV run pytest -p no:cacheprovider "$@" 2>&1 | tee "$logs/$name.log" | sed -u "s/^/[$name] /" \
    || rc=${PIPESTATUS[0]}
  echo "[$name] exit $rc after $((SECONDS / 60))m$((SECONDS % 60))s (log: $logs/$name.log)"
  return $rc
}

status=0
if [ "$which" = postgres ] || [ "$which" = all ]; then
  eval "$(bash scripts/pg-test-server.sh)"
fi
sqlite_suite() { (unset TIAKI_DATABASE_URL; run_suite sqlite "$@"); }
case "$which" in
  sqlite) echo "== pytest on SQLite"; sqlite_suite "$@" || status=$? ;;
  postgres) echo "== pytest on PostgreSQL"; run_suite postgres "$@" || status=$? ;;
  all)
    echo "== pytest on SQLite and on PostgreSQL, side by side"
    sqlite_suite "$@" & sqlite_pid=$!
    run_suite postgres "$@" & postgres_pid=$!
    wait "$sqlite_pid" || status=$?
    wait "$postgres_pid" || status=$?
    ;;
  *) echo "usage: scripts/test.sh [sqlite|postgres|all] [pytest args]" >&2; exit 2 ;;
esac
exit $status
