# Sourced by the before/after benchmarks: builds this tree and BASE (a git revision) with the
# release profile into $WORK/new and $WORK/base-bin. BASE is built in a git worktree with a
# target directory of its own, target/bench-base: cargo names workspace crates' artefacts
# without their path, so a shared one would mix the two trees. Cleans up on exit.
# Needs: BASE, WORK (a fresh directory under target/).
build() { "$@" >>"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }; }
trap 'kill -TERM ${PID:-0} 2>/dev/null || true; git worktree remove --force "$WORK/base" 2>/dev/null || true; rm -rf "$WORK"' EXIT
build cargo build --release --locked -p verbund
cp target/release/verbund "$WORK/new"
build git worktree add --detach "$WORK/base" "$BASE"
(cd "$WORK/base" && build env CARGO_TARGET_DIR="$OLDPWD/target/bench-base" cargo build --release --locked -p verbund)
cp target/bench-base/release/verbund "$WORK/base-bin"
PORT=${BENCH_PORT:-18182}
wait_healthy() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem/ {print $2}') GiB; disk $(df -T "$WORK" | awk 'NR==2 {print $2}'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "base: $BASE ($(git log -1 --format=%s "$BASE" | cut -c1-60)); this tree: $(git rev-parse --short HEAD)"

# Starts `$1 serve` on a fresh data directory with the demo data; sets PID and DATA.
start_demo() {
  DATA=$(mktemp -d "$WORK/data.XXXXXX")
  "$1" demo --data-dir "$DATA" --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
  PID=$!; wait_healthy; kill -TERM $PID; wait $PID || true
  "$1" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --log-format json >/dev/null 2>"$DATA/server.log" &
  PID=$!; wait_healthy
}

stop_demo() { kill -TERM $PID; wait $PID || true; rm -rf "$DATA"; }
