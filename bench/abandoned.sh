#!/usr/bin/env bash
# Peak memory of a server under the review's memory attacks (issue 21), before and after:
# six uploads of a PDF whose embedded invoice inflates to about 200 MB, each abandoned by its
# client after one second, then four printable views at once of a stored PDF invoice whose
# XML is about 60 MB. The figure is the server process's peak RSS (VmHWM) after each phase.
#   bench/abandoned.sh [BASE_REV]      (default 4cffdfe)
# Needs: curl, python3. Builds like bench/durability.sh (bench/two_builds.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-4cffdfe}
WORK=$(mktemp -d "$PWD/target/bench-abandoned.XXXXXX")
source bench/two_builds.sh
build cargo build --release --locked -p verbund-einvoice --example sample_invoice

# A Factur-X-shaped PDF around a synthetic invoice of N lines, the XML deflated.
pdf_of() {
  target/release/examples/sample_invoice "$1" >"$WORK/invoice.xml"
  python3 - "$WORK/invoice.xml" "$2" <<'EOF'
import sys, zlib
xml = open(sys.argv[1], "rb").read()
data = zlib.compress(xml, 6)
objects = [
    b"<< /Type /Catalog /AF [3 0 R] >>",
    b"<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
    + data + b"\nendstream",
    b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /EF << /F 2 0 R >> >>",
]
out = bytearray(b"%PDF-1.7\n")
for n, body in enumerate(objects, 1):
    out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
out += b"trailer\n<< /Size 4 /Root 1 0 R >>\n%%EOF\n"
open(sys.argv[2], "wb").write(out)
print(f"{sys.argv[2]}: {len(out) / 1e6:.1f} MB PDF, embedded XML {len(xml) / 1e6:.0f} MB", file=sys.stderr)
EOF
}
pdf_of 250000 "$WORK/bomb.pdf"
pdf_of 75000 "$WORK/large.pdf"

hwm() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$PID/status"; }
# Waits until the server has used no CPU for two seconds (the abandoned work is done).
settle() {
  local before after
  while :; do
    before=$(awk '{print $14 + $15}' "/proc/$PID/stat"); sleep 2
    after=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    [ "$before" = "$after" ] && return
  done
}

abandon() { # token, pdf: six uploads whose clients give up after one second
  local clients=()
  for _ in 1 2 3 4 5 6; do
    curl -s -o /dev/null --max-time 1 -H "Authorization: Bearer $1" \
      -H "Content-Type: application/pdf" --data-binary @"$2" "http://127.0.0.1:$PORT/api/v1/einvoices" &
    clients+=($!)
  done
  wait "${clients[@]}" || true
  settle
}

views() { # token: four printable views at once of a stored invoice
  local id csrf
  id=$(curl -s -H "Authorization: Bearer $1" -H "Content-Type: application/pdf" \
    --data-binary @"$WORK/large.pdf" "http://127.0.0.1:$PORT/api/v1/einvoices" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  settle
  csrf=$(curl -s -c "$WORK/jar" "http://127.0.0.1:$PORT/anmelden" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -b "$WORK/jar" -c "$WORK/jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode "username=ben.kasse" --data-urlencode "password=Verbund-Demo-2026" \
    "http://127.0.0.1:$PORT/anmelden"
  local clients=()
  for _ in 1 2 3 4; do
    curl -s -o /dev/null -b "$WORK/jar" "http://127.0.0.1:$PORT/module/e-rechnung/$id/ansicht" &
    clients+=($!)
  done
  wait "${clients[@]}"
}

# Each phase on a fresh server, so that each peak is its own.
for phase in "abandon bomb" "abandon large" "views"; do
  for build in base-bin new; do
    start_demo "$WORK/$build"
    token=$("$WORK/$build" admin token create --data-dir "$DATA" --authority th-landeshauptkasse --role clerk --name bench 2>/dev/null)
    idle=$(hwm)
    case $phase in
      "abandon bomb") abandon "$token" "$WORK/bomb.pdf"; what="6 abandoned uploads, 200 MB embedded XML" ;;
      "abandon large") abandon "$token" "$WORK/large.pdf"; what="6 abandoned uploads, 60 MB embedded XML" ;;
      views) views "$token"; what="4 views at once, 60 MB embedded XML" ;;
    esac
    label=$([ "$build" = new ] && echo "now (HEAD)" || echo "before ($BASE)")
    echo "$label  $what  peak RSS $(hwm) (idle $idle)"
    stop_demo
  done
done
