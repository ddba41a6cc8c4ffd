#!/usr/bin/env bash
# The whole test run: lint, types, then the suite on SQLite and on PostgreSQL (browser tests included).
# Usage: scripts/test.sh [sqlite|postgres|all] [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
UV="python3 -m uv"
which="${1:-all}"; shift || true

echo "== ruff"
$UV run ruff check src tests benchmarks
echo "== mypy"
$UV run mypy src

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
status=0
if [ "$which" = all ] || [ "$which" = sqlite ]; then
  echo "== pytest on SQLite"
  env -u TIAKI_DATABASE_URL $UV run pytest -p no:cacheprovider "$@" || status=$?
fi
if [ "$which" = all ] || [ "$which" = postgres ]; then
  echo "== pytest on PostgreSQL"
  eval "$(bash scripts/pg-test-server.sh)"
  $UV run pytest -p no:cacheprovider "$@" || status=$?
fi
exit $status
