#!/bin/sh
# Subset of the official postgres image's entrypoint: on first start, initdb
# into $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD (scram-sha-256 for TCP)
# and create POSTGRES_DB; then run `postgres ARGS` as the postgres user.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ "$(id -u)" = 0 ]; then
  # a fresh named volume or bind mount may be root-owned: fix, then drop root
  mkdir -p "$PGDATA" /run/postgresql
  [ "$(stat -c %U "$PGDATA")" = postgres ] || chown -R postgres:postgres "$PGDATA"
  chown postgres:postgres /run/postgresql
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" postgres "$@"
fi
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set for the first start}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # other containers of the stack connect over the compose network
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  if [ "$db" != postgres ]; then
    # single-user mode: the database exists before any port is opened
    echo "CREATE DATABASE \"$db\" OWNER \"$user\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "initialized $PGDATA (user $user, database $db)"
fi
exec postgres -D "$PGDATA" -c unix_socket_directories=/run/postgresql "$@"
