# shellcheck shell=bash
# PostgreSQL for the integration tests of store/pgstore, to be sourced:
#
#   source .ci/postgres.sh && pg_start   # exports ZOOMEVENTS_POSTGRES_URL
#   (cd store/pgstore && go test -race ./...)
#   pg_stop
#
# pg_start installs Debian's postgresql if no server is found, creates a
# cluster in a temporary directory (owned by the postgres user when run as
# root: the server refuses to run as root), starts it on 127.0.0.1 on a
# free port with its socket in that directory, waits until it accepts
# connections, creates the database zoomevents and exports
# ZOOMEVENTS_POSTGRES_URL. pg_stop stops the server and removes the
# directory; it is safe to call twice (for example from a trap).

_pg_bindir() {
  # Debian's layout first (/usr/local/bin/postgres on some machines is only
  # a symlink into it); then whatever is on PATH.
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then
    echo "$d"
    return 0
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  return 1
}

# _pg_as runs a command as the server's owner (postgres when we are root).
_pg_as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_free_port() {
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

pg_start() {
  local bindir port i
  if ! bindir=$(_pg_bindir); then
    echo "postgres: installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y postgresql >/dev/null || { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
    bindir=$(_pg_bindir) || { echo "postgres: no initdb after installing postgresql" >&2; return 1; }
  fi
  PG_TMP=$(mktemp -d /tmp/zoomevents-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_TMP" postgres
    chown postgres: "$PG_TMP"
  fi
  _pg_as "$bindir/initdb" -D "$PG_TMP/data" -U zoomevents --auth=trust -E UTF8 --no-locale >"$PG_TMP/initdb.log" 2>&1 ||
    { cat "$PG_TMP/initdb.log" >&2; return 1; }
  for i in 1 2 3 4 5; do
    port=$(_pg_free_port) || { echo "postgres: no free port" >&2; return 1; }
    if _pg_as "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c max_connections=200" start >/dev/null; then
      break
    fi
    port=""
  done
  if [ -z "$port" ]; then
    echo "postgres: the server did not start:" >&2
    tail -n 20 "$PG_TMP/server.log" >&2
    return 1
  fi
  PG_BINDIR=$bindir
  for i in $(seq 1 60); do
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "postgres: not ready on port $port" >&2; return 1; }
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U zoomevents zoomevents
  export ZOOMEVENTS_POSTGRES_URL="postgres://zoomevents@127.0.0.1:$port/zoomevents?sslmode=disable"
  echo "postgres: $("$bindir/postgres" --version) on 127.0.0.1:$port, data in $PG_TMP"
}

pg_stop() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
    _pg_as "${PG_BINDIR:-$(_pg_bindir)}/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
  PG_TMP=""
  unset ZOOMEVENTS_POSTGRES_URL
}
