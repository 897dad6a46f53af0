#!/usr/bin/env bash
# A throwaway redis-server on loopback for the integration tests of
# store/redisstore.
#
#   source .ci/redis.sh; redis_start; trap redis_stop EXIT
#       (from .ci/run): installs redis-server from Debian if absent, starts it
#       on 127.0.0.1 on a free port with its data in a temp directory, waits
#       for PING and exports ZOOMEVENTS_REDIS_URL=redis://127.0.0.1:PORT/0.
#   bash .ci/redis.sh go test -race ./store/redisstore/...
#       runs the command with a server, then stops it (run it from the
#       module that holds the tests: cd store/redisstore && bash ../../.ci/redis.sh go test ./...).
#   bash .ci/redis.sh
#       starts a server and prints how to use and stop it.

redis_start() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis.sh: installing redis-server from Debian" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y redis-server >/dev/null ||
      { $sudo apt-get update >/dev/null && $sudo apt-get install -y redis-server >/dev/null; } ||
      { echo "redis.sh: cannot install redis-server" >&2; return 1; }
  fi
  REDIS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zoomevents-redis.XXXXXX")
  local attempt port i
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    # Skip a port something already answers on; a race with another
    # process is caught below (the server then fails to bind and we retry).
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --dir "$REDIS_TMP" --daemonize yes --pidfile "$REDIS_TMP/redis.pid" \
      --logfile "$REDIS_TMP/redis.log" >/dev/null || continue
    for i in $(seq 1 100); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
        REDIS_PORT=$port
        export ZOOMEVENTS_REDIS_URL="redis://127.0.0.1:$port/0"
        echo "redis.sh: redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (data in $REDIS_TMP)" >&2
        return 0
      fi
      sleep 0.1
    done
    # Not answering: stop it if it runs, try another port.
    [ -s "$REDIS_TMP/redis.pid" ] && kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null
    rm -f "$REDIS_TMP/redis.pid"
  done
  echo "redis.sh: redis-server did not start; its log:" >&2
  cat "$REDIS_TMP/redis.log" >&2 2>/dev/null
  return 1
}

redis_stop() {
  [ -n "${REDIS_TMP:-}" ] || return 0
  if [ -s "$REDIS_TMP/redis.pid" ]; then
    local pid i
    pid=$(cat "$REDIS_TMP/redis.pid")
    kill "$pid" 2>/dev/null
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -rf "$REDIS_TMP"
  REDIS_TMP=""
  unset ZOOMEVENTS_REDIS_URL
}

# Executed rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  redis_start
  if [ "$#" -gt 0 ]; then
    trap redis_stop EXIT
    "$@"
  else
    echo "export ZOOMEVENTS_REDIS_URL=$ZOOMEVENTS_REDIS_URL"
    echo "stop it with: kill $(cat "$REDIS_TMP/redis.pid") && rm -rf $REDIS_TMP"
  fi
fi
