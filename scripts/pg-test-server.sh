#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster on loopback for the test suite; print its URL.
# Usage: eval "$(scripts/pg-test-server.sh)"  -> exports TIAKI_DATABASE_URL
set -euo pipefail

PORT="${TIAKI_TEST_PG_PORT:-54329}"
ROOT="${TIAKI_TEST_PG_DIR:-/tmp/tiaki-pg-test}"
PASSWORD="tiaki-test"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found; run scripts/system-deps.sh" >&2; exit 1; }

as_pg() {
  # initdb and postgres refuse to run as root: use the postgres system account when we are root.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$(id -u)" -eq 0 ]; then
  mkdir -p "$ROOT" && chown postgres:postgres "$ROOT"
else
  mkdir -p "$ROOT"
fi

if [ ! -f "$ROOT/data/PG_VERSION" ]; then
  pwfile="$ROOT/pw"
  echo "$PASSWORD" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pwfile"
  as_pg "$PGBIN/initdb" -D "$ROOT/data" -U tiaki --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

if ! as_pg "$PGBIN/pg_ctl" -D "$ROOT/data" status >/dev/null 2>&1; then
  # Durability is off on purpose: this cluster holds only test data and is thrown away.
  as_pg "$PGBIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/server.log" -w -t 60 start \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
fi

echo "export TIAKI_DATABASE_URL=postgres://tiaki:${PASSWORD}@127.0.0.1:${PORT}/tiaki"
echo "export PATH=$PGBIN:\$PATH"
