#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster for the test suite and prints the export line for
# VERBUND_TEST_DATABASE_URL. PostgreSQL refuses to run as root, so as root the cluster runs
# as the unprivileged user `verbundpg` (created if missing).
#   eval "$(.ci/postgres.sh start)"     # start, export the URL
#   .ci/postgres.sh stop                # stop and delete the cluster
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGDATA=${VERBUND_PGDATA:-/tmp/verbund-pg}
PGPORT=${VERBUND_PGPORT:-55432}
if [ -z "$PGBIN" ]; then
  echo "postgres.sh: no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id verbundpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin verbundpg
    runuser -u verbundpg -- "$@"
  else
    "$@"
  fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      rm -rf "$PGDATA"; mkdir -p "$PGDATA"
      [ "$(id -u)" = 0 ] && { id verbundpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin verbundpg; chown verbundpg "$PGDATA"; }
      as_pg "$PGBIN/initdb" -D "$PGDATA" -U verbund --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    fi
    echo "export VERBUND_TEST_DATABASE_URL=postgres://verbund@127.0.0.1:$PGPORT/postgres"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
