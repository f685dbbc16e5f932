#!/usr/bin/env bash
# Make sure what the test suite needs is answering, starting what is not:
#   - a Docker engine (deploy/ensure-docker.sh --no-systemd: `dockerd
#     --bridge=none --iptables=false`, so containers get no network unless they
#     join the host's or another container's namespace)
#   - Postgres on 127.0.0.1:5432 (role arena/arena, databases arena, arena_test)
#   - Redis on 127.0.0.1:6379
# Anything already running is left as it is. Installs missing Debian packages.
set -euo pipefail
log() { echo "test-services: $*"; }
need_pkg() {  # need_pkg COMMAND PACKAGE...
  command -v "$1" >/dev/null && return
  shift
  log "installing $*"
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
}

# --- Docker engine -----------------------------------------------------------
# shared with make deploy/demo; --no-systemd: always this bare dockerd, as CI
bash "$(dirname "$0")/ensure-docker.sh" --no-systemd

# --- Postgres ----------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  need_pkg pg_ctlcluster postgresql
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  [ -d "/etc/postgresql/$ver/main" ] || pg_createcluster "$ver" main >/dev/null
  log "starting Postgres $ver"
  pg_ctlcluster "$ver" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
  pg_up || { log "Postgres did not start"; exit 1; }
fi
if ! PGPASSWORD=arena psql -h 127.0.0.1 -U arena -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  log "creating role arena"
  runuser -u postgres -- psql -q -c "CREATE ROLE arena LOGIN SUPERUSER PASSWORD 'arena'" 2>/dev/null \
    || runuser -u postgres -- psql -q -c "ALTER ROLE arena LOGIN SUPERUSER PASSWORD 'arena'"
fi
for db in arena arena_test; do
  PGPASSWORD=arena psql -h 127.0.0.1 -U arena -d postgres -tAc "select 1 from pg_database where datname='$db'" \
    | grep -q 1 || PGPASSWORD=arena createdb -h 127.0.0.1 -U arena "$db"
done

# --- Redis -------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  need_pkg redis-server redis-server
  log "starting redis-server on 127.0.0.1:6379"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 20); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
log "docker, postgres (127.0.0.1:5432) and redis (127.0.0.1:6379) are answering"
