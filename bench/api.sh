#!/usr/bin/env bash
# Load test of authenticated API reads on loopback with wrk, and the idle server's memory.
#   bench/api.sh [sqlite|postgres] [seconds]     (BENCH_CONNECTIONS="16 64" by default)
# Needs: wrk (apt-get install wrk); for postgres the PostgreSQL 15 binaries (.ci/postgres.sh).
# Loads the demo data with `verbund demo`, then measures a fresh `verbund serve`: its RSS when
# idle, then wrk's throughput and latency distribution per endpoint and connection count.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
SECONDS_RUN=${2:-20}
read -r -a CONNECTIONS <<<"${BENCH_CONNECTIONS:-16 64}"
PORT=${BENCH_PORT:-18181}

cargo build --release --locked -p verbund >/dev/null 2>&1
BIN=target/release/verbund
DIR=$(mktemp -d)
DBARGS=()
if [ "$BACKEND" = postgres ]; then
  eval "$(.ci/postgres.sh start)"
  DB="verbund_bench_$$"
  psql "$VERBUND_TEST_DATABASE_URL" -qc "CREATE DATABASE $DB"
  DBARGS=(--database-url "${VERBUND_TEST_DATABASE_URL%/*}/$DB")
fi

wait_healthy() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done; }

# 1. Demo data.
"$BIN" demo --data-dir "$DIR" --listen "127.0.0.1:$PORT" "${DBARGS[@]}" >/dev/null 2>&1 &
PID=$!; wait_healthy; kill -TERM $PID; wait $PID || true

# 2. A fresh server on that data.
"$BIN" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" "${DBARGS[@]}" --log-format json >/dev/null 2>"$DIR/server.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
wait_healthy
sleep 2
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$PID/status"; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "backend: $BACKEND; wrk: 2 threads, ${SECONDS_RUN}s per run after a 5s warm-up"
echo "idle RSS of verbund serve: $(rss)"
TOKEN=$("$BIN" admin token create --data-dir "$DIR" "${DBARGS[@]}" --authority sn-sid --role clerk --name bench 2>/dev/null)
for path in /api/v1/governments "/api/v1/authorities?limit=20"; do
  wrk -t2 -c64 -d5s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" >/dev/null
  for c in "${CONNECTIONS[@]}"; do
    out=$(wrk -t2 -c"$c" -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | tr '\n' ' ' || true)
    echo "GET $path  connections=$c  requests/s=$rps  p50=$p50  p99=$p99 ${errors}"
  done
done
echo "RSS after load: $(rss)"
