#!/usr/bin/env bash
# Starts a throwaway S3-compatible server (moto, from PyPI) for the blob-store tests and
# prints the export lines for VERBUND_TEST_S3_URL and the AWS_* credentials it accepts.
#   eval "$(.ci/s3.sh start)"     # start (installing moto if missing), export
#   .ci/s3.sh stop
set -euo pipefail
PORT=${VERBUND_S3_PORT:-55433}
PIDFILE=/tmp/verbund-s3.pid
case "${1:-start}" in
  start)
    if ! command -v moto_server >/dev/null 2>&1; then
      python3 -m pip install --quiet "moto[s3,server]" >&2
    fi
    if ! curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1; then
      nohup moto_server -H 127.0.0.1 -p "$PORT" >/tmp/verbund-s3.log 2>&1 &
      echo $! > "$PIDFILE"
      for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    curl -sf -X PUT "http://127.0.0.1:$PORT/verbund-test" >/dev/null
    echo "export VERBUND_TEST_S3_URL=http://127.0.0.1:$PORT/verbund-test"
    echo "export AWS_ACCESS_KEY_ID=verbund-test AWS_SECRET_ACCESS_KEY=verbund-test AWS_REGION=eu-central-1"
    ;;
  stop)
    [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
