#!/usr/bin/env bash
# E-Rechnung validation: Verbund, the KoSIT reference pipeline and en16931-cli side by side on
# the same files in one run.
#   bench/einvoice.sh [rounds]        (rounds per in-process measurement, default 50)
# Needs: ../shared (test suite, kosit-reference), python3 with saxonche and xmllint (the
# reference, see ../shared/tools/kosit-reference/README.md), en16931 (cargo install
# en16931-cli), GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-50}
SHARED=$(cd .. && pwd)/shared
SUITE=$SHARED/testdata/xrechnung-testsuite
REF=$SHARED/tools/kosit-reference/kosit_ref.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Two builds with the production profile: naming examples would leave the binary out.
cargo build --profile dist --locked -q -p verbund
cargo build --profile dist --locked -q -p verbund-einvoice --example validate_bench --example sample_invoice
BIN=target/dist/verbund
EX=target/dist/examples
"$EX/sample_invoice" 1000 >"$T/lines-1000.xml"
"$EX/sample_invoice" 100000 >"$T/lines-100000.xml"
ONE=$SUITE/business-cases/standard/01.01a-INVOICE_ubl.xml
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall milliseconds of one run of a command (bash's microsecond clock; GNU time only counts
# hundredths). The command's exit code is not the point here.
wall_ms() {
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || true
  local t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'
}
# Peak RSS in MB and wall seconds of one run, via GNU time (its last line: the first may say
# that the command exited non-zero).
peak() { /usr/bin/time -f "%M %e" -o "$T/peak" "$@" >/dev/null 2>&1 || true; tail -n 1 "$T/peak"; }

echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "verbund $(git rev-parse --short HEAD); $(en16931 --version); reference: $(basename "$REF") (saxonche $(python3 -c 'import saxonche; print(saxonche.__version__)' 2>/dev/null || echo '?'))"

echo "## 1. Per invoice over the 86 suite files (warm)"
"$EX/validate_bench" "$ROUNDS" "$SUITE" | tail -n 1 | sed 's/^/verbund in-process: /'
python3 "$REF" "$SUITE" --out "$T/ref-suite.tsv" 2>"$T/ref-suite.err" >/dev/null
grep -h "per-file" "$T/ref-suite.err" | sed 's/^/reference: /'
awk -F'\t' 'NR > 1 {print $10}' "$T/ref-suite.tsv" | median | sed 's/^/reference median ms per file: /'
mapfile -t FILES < <(find "$SUITE" -name '*.xml' | sort)
for _ in 1 2 3 4 5; do wall_ms en16931 validate --format json "${FILES[@]}"; done | median | awk '{printf "en16931 one process, 86 files: %s ms wall, %.2f ms per file\n", $1, $1 / 86}'
for _ in 1 2 3 4 5; do wall_ms "$BIN" einvoice validate --format json "${FILES[@]}"; done | median | awk '{printf "verbund one process, 86 files: %s ms wall, %.2f ms per file\n", $1, $1 / 86}'

echo "## 2. Cold start, one file, whole process (median of 20)"
for _ in $(seq 20); do wall_ms "$BIN" einvoice validate "$ONE"; done | median | sed 's/^/verbund ms: /'
for _ in $(seq 20); do wall_ms en16931 validate "$ONE"; done | median | sed 's/^/en16931 ms: /'
for _ in 1 2 3; do wall_ms python3 "$REF" "$ONE" --out "$T/one.tsv"; done | median | sed 's/^/reference ms (compiles the XSLTs each time): /'

echo "## 3. A 1,000-line invoice ($(stat -c %s "$T/lines-1000.xml") bytes)"
"$EX/validate_bench" "$ROUNDS" "$T/lines-1000.xml" | tail -n 1 | sed 's/^/verbund in-process: /'
python3 "$REF" "$T/lines-1000.xml" --out "$T/ref-1000.tsv" 2>/dev/null >/dev/null
awk -F'\t' 'NR > 1 {print "reference ms (warm, after compiling): " $10 ", verdict " $9}' "$T/ref-1000.tsv"
for _ in 1 2 3 4 5; do wall_ms en16931 validate "$T/lines-1000.xml"; done | median | sed 's/^/en16931 ms (whole process): /'
for _ in 1 2 3 4 5; do wall_ms "$BIN" einvoice validate "$T/lines-1000.xml"; done | median | sed 's/^/verbund ms (whole process): /'

echo "## 4. A 100,000-line invoice ($(stat -c %s "$T/lines-100000.xml") bytes): peak memory"
SIZE=$(stat -c %s "$T/lines-100000.xml")
for tool in verbund en16931; do
  if [ "$tool" = verbund ]; then read -r KB SEC < <(peak "$BIN" einvoice validate "$T/lines-100000.xml")
  else read -r KB SEC < <(peak en16931 validate "$T/lines-100000.xml"); fi
  awk -v t="$tool" -v kb="$KB" -v s="$SEC" -v size="$SIZE" \
    'BEGIN {printf "%s: max RSS %.1f MB = %.2f x the file, %.2f s\n", t, kb / 1024, kb * 1024 / size, s}'
done

echo "## 5. Batch throughput on $(nproc) cores: 20 copies of the suite"
mkdir -p "$T/batch"
for i in $(seq 20); do cp -r "$SUITE" "$T/batch/$i"; done
BYTES=$(find "$T/batch" -name '*.xml' -printf '%s\n' | awk '{s += $1} END {print s}')
mapfile -t BATCH < <(find "$T/batch" -name '*.xml' | sort)
for _ in 1 2 3; do wall_ms "$BIN" einvoice validate --format json "$T/batch"; done | median |
  awk -v b="$BYTES" '{printf "verbund: %d files, %.1f MB in %s ms = %.0f MB/s\n", 86 * 20, b / 1e6, $1, b / 1e6 / ($1 / 1000)}'
for _ in 1 2 3; do wall_ms en16931 validate --format json "${BATCH[@]}"; done | median |
  awk -v b="$BYTES" '{printf "en16931: %d files, %.1f MB in %s ms = %.0f MB/s\n", 86 * 20, b / 1e6, $1, b / 1e6 / ($1 / 1000)}'
echo "reference: one process over the 86 files of section 1 (8.4 MB), see its total there"
