#!/usr/bin/env bash
# What durable acknowledged writes cost (issue 21): SQLite with synchronous=FULL and blobs
# fsynced (file and directories) before the row commits, against a build from before them.
#   bench/durability.sh [BASE_REV] [seconds] [rounds]    (default 4cffdfe, 10 s, 2 rounds)
# Needs: wrk (apt-get install wrk) and the XRechnung test suite under ../shared.
# Builds this tree and BASE_REV with the release profile (BASE_REV in a git worktree with a
# target directory of its own, target/bench-base: cargo names workspace crates' artefacts
# without their path, so a shared one would mix the two trees), then for each build in turn, alternating
# for ROUNDS rounds: loads the demo data into a fresh data directory on the same disk as this
# checkout, starts `verbund serve` on SQLite, and runs wrk: intake (`POST /api/v1/einvoices`
# of one suite invoice, every request a new stored invoice) with 1 and 8 connections, then the
# authenticated read `GET /api/v1/governments` with 16 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-4cffdfe}
SECONDS_RUN=${2:-10}
ROUNDS=${3:-2}
INVOICE=../shared/testdata/xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_ubl.xml
command -v wrk >/dev/null || { echo "durability.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
[ -f "$INVOICE" ] || { echo "durability.sh: $INVOICE is missing" >&2; exit 2; }

WORK=$(mktemp -d "$PWD/target/bench-durability.XXXXXX")
source bench/two_builds.sh

cat >"$WORK/post.lua" <<'EOF'
local f = assert(io.open(os.getenv("BENCH_INVOICE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/xml"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
EOF

measure() {
  local label=$1 bin=$2 token
  start_demo "$bin"
  token=$("$bin" admin token create --data-dir "$DATA" --authority th-landeshauptkasse --role clerk --name bench 2>/dev/null)
  for c in 1 8; do
    out=$(BENCH_INVOICE="$INVOICE" BENCH_TOKEN="$token" wrk -t1 -c"$c" -d"${SECONDS_RUN}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/api/v1/einvoices")
    report "$label" "POST /api/v1/einvoices" "$c" "$out"
  done
  out=$(wrk -t2 -c16 -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/governments")
  report "$label" "GET /api/v1/governments" 16 "$out"
  stop_demo
}

report() {
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$4")
  p50=$(awk '$1=="50%" {print $2}' <<<"$4"); p99=$(awk '$1=="99%" {print $2}' <<<"$4")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$4" | tr -s ' ' | tr '\n' ' ' || true)
  echo "$1  $2  connections=$3  requests/s=$rps  p50=$p50  p99=$p99 ${errors}"
}

for round in $(seq "$ROUNDS"); do
  echo "round $round"
  measure "before ($BASE)" "$WORK/base-bin"
  measure "durable (HEAD)" "$WORK/new"
done
