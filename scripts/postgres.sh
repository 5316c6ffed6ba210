#!/usr/bin/env bash
# A throwaway PostgreSQL server for whittle's storage tests (and for trying multi-machine studies
# on one box). Usage: scripts/postgres.sh start|stop|url|status
#
#   start   installs Debian's `postgresql` with apt-get when the server binaries
#           (/usr/lib/postgresql/*/bin/postgres) are missing (root only), creates a cluster in
#           .cache/postgres (ignored by git) with initdb, starts it on 127.0.0.1:$PORT with its unix
#           socket in that folder, creates the database, and prints the URL on stdout. Idempotent:
#           when the server already runs it only prints the URL.
#   stop    stops the server (the cluster stays for the next start).
#   url     prints the URL.
#   status  exit 0 when the server runs, 3 when it does not.
#
# Environment: WHITTLE_PG_DIR (cluster folder, default <repo>/.cache/postgres), WHITTLE_PG_PORT
# (default 54329). Authentication is `trust` on 127.0.0.1 only, and durability is off
# (fsync=off): this server is for tests, never for data you want to keep. initdb refuses to run
# as root, so as root every server command runs as the `postgres` user (created by the package)
# and the cluster folder is owned by it (if that user cannot enter the checkout, e.g. under
# /root, the cluster goes to /tmp/whittle-postgres-$PORT instead). Progress goes to stderr;
# stdout is only the URL.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${WHITTLE_PG_DIR:-$ROOT/.cache/postgres}"
PORT="${WHITTLE_PG_PORT:-54329}"
DB=whittle_test
DATA="$DIR/data"
SOCK="$DIR/socket"
LOG="$DIR/server.log"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

case "${1:-}" in
  start|stop|url|status) CMD="$1" ;;
  *) die "usage: scripts/postgres.sh start|stop|url|status (got '${1:-}')" ;;
esac

if [ "$(id -u)" = "0" ]; then PGUSER_NAME=postgres; else PGUSER_NAME="$(id -un)"; fi
URL="postgres://$PGUSER_NAME@127.0.0.1:$PORT/$DB"
if [ "$CMD" = url ]; then echo "$URL"; exit 0; fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/postgres" ]; then
  [ "$CMD" = start ] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres)"
  if [ "$(id -u)" != "0" ]; then
    die "PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/postgres); run 'sudo apt-get install postgresql' or this script as root, or set WHITTLE_SKIP_POSTGRES=1 to skip the PostgreSQL tests"
  fi
  command -v apt-get >/dev/null || die "PostgreSQL's server is not installed and apt-get is not available: install PostgreSQL (>= 12) yourself"
  say "installing Debian's postgresql package"
  # (Debian's package may also create and start its own `main` cluster on port 5432; ours is separate.)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
  [ -n "$BIN" ] && [ -x "$BIN/postgres" ] || die "installing postgresql did not provide /usr/lib/postgresql/*/bin/postgres"
fi

# Every server command runs as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (created by Debian's postgresql package)"
  # The server runs as postgres: every folder above the cluster must be traversable by it. If the
  # checkout is somewhere it cannot enter (e.g. under /root), use a folder in /tmp instead.
  reachable() {
    local d="$1"
    while [ "$d" != / ]; do
      d="$(dirname "$d")"
      runuser -u postgres -- test -x "$d" || return 1
    done
  }
  if ! reachable "$DIR"; then
    [ -z "${WHITTLE_PG_DIR:-}" ] || die "the postgres user cannot reach $DIR (WHITTLE_PG_DIR): choose a folder it can enter"
    DIR="/tmp/whittle-postgres-$PORT"
    DATA="$DIR/data"; SOCK="$DIR/socket"; LOG="$DIR/server.log"
    say "the postgres user cannot reach the checkout; using $DIR"
  fi
fi

mkdir -p "$DIR"
# One caller at a time: test files start the server concurrently. (The server must not inherit
# this descriptor, or it would hold the lock for its whole life: see `9>&-` below.)
exec 9>"$DIR.lock"
flock -w 120 9 || die "timed out waiting for $DIR.lock"

case "$CMD" in
  status)
    if running; then say "running: $URL"; exit 0; else say "not running"; exit 3; fi ;;
  stop)
    if running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; else say "not running"; fi
    exit 0 ;;
esac

[ "$(id -u)" != "0" ] || chown postgres: "$DIR"
# A server of another checkout (or an earlier clone) may already listen on the port: it is just
# as throwaway, so use it instead of failing to bind a second one.
if ! running && "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  say "a PostgreSQL server already listens on 127.0.0.1:$PORT (not this checkout's cluster); using it"
elif ! running; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a cluster in $DATA"
    rm -rf "$DATA"
    as_owner mkdir -p "$DATA" "$SOCK"
    as_owner "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed (log above)"; }
  fi
  as_owner mkdir -p "$SOCK"
  say "starting PostgreSQL $(basename "$(dirname "$BIN")") on 127.0.0.1:$PORT"
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1 9>&-; then
    tail -n 20 "$LOG" >&2 || true
    die "the server did not start (is port $PORT taken? log: $LOG)"
  fi
fi

PSQL=("$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" -d postgres -v ON_ERROR_STOP=1)
if [ "$("${PSQL[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  "${PSQL[@]}" -c "CREATE DATABASE $DB" >&2
fi
echo "$URL"
