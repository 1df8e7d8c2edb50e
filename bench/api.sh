#!/usr/bin/env bash
# Load test of authenticated API reads on loopback with wrk, and the idle server's memory.
#   bench/api.sh [sqlite|postgres] [seconds]
# Needs: wrk (apt-get install wrk); for postgres the PostgreSQL 15 binaries (.ci/postgres.sh).
# Prints the machine, wrk's latency distribution and the server's RSS (idle and after load).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
SECONDS_RUN=${2:-20}
PORT=${BENCH_PORT:-18181}
CONNS=${BENCH_CONNECTIONS:-64}

cargo build --release --locked -p verbund >/dev/null
BIN=target/release/verbund
DIR=$(mktemp -d)
DBARGS=()
if [ "$BACKEND" = postgres ]; then
  eval "$(.ci/postgres.sh start)"
  DB="verbund_bench_$$"
  psql "$VERBUND_TEST_DATABASE_URL" -qc "CREATE DATABASE $DB"
  DBARGS=(--database-url "${VERBUND_TEST_DATABASE_URL%/*}/$DB")
fi

"$BIN" demo --data-dir "$DIR" --listen "127.0.0.1:$PORT" "${DBARGS[@]}" --log-format json >/dev/null 2>"$DIR/server.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
sleep 2
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$PID/status"; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem/ {print $2}') GiB"
echo "backend: $BACKEND; wrk: 2 threads, $CONNS connections, ${SECONDS_RUN}s after a 5s warm-up"
echo "idle RSS after start: $(rss)"
TOKEN=$("$BIN" admin token create --data-dir "$DIR" "${DBARGS[@]}" --authority sn-sid --role clerk --name bench 2>/dev/null)
for path in /api/v1/governments "/api/v1/authorities?limit=20"; do
  wrk -t2 -c"$CONNS" -d5s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" >/dev/null
  echo "--- GET $path"
  wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" \
    | grep -E "Requests/sec|Non-2xx|50%|90%|99%|Socket errors"
done
echo "RSS after load: $(rss)"
sleep 5
echo "RSS 5 s after load: $(rss)"
