#!/usr/bin/env bash
# The compose stack's operator verbs, called by the Makefile:
#   stack.sh up        start or update the stack (idempotent), wait until ready,
#                      register the first admin token, print URL + token
#   stack.sh down      stop the stack (data volumes kept; WIPE=1 removes them)
#   stack.sh logs      follow the logs
#   stack.sh backup    pg_dump -Fc into var/backups/ (BACKUP_DIR)
#   stack.sh restore F pg_restore a dump made by `backup` (replaces the data)
#   stack.sh compose ARGS...   any compose command with the right files/env
#   stack.sh check-pack   validate PACK (what `make deploy` runs first)
#   stack.sh pack         print which scenario pack the stack scores on
#
# Settings come from the environment (the Makefile exports them):
#   PROJECT (arena), IMAGE, POSTGRES_IMAGE, REDIS_IMAGE, API_PORT (8000),
#   HOST_NET (auto: 1 when the engine has no default bridge network, as with
#   `dockerd --bridge=none`), PG_PORT/REDIS_PORT (host mode: 15432/16379),
#   GATEWAY_DIR, PUBLIC_URL, WORKERS (1), STATE_DIR (var).
# PACK: the operator's scenario pack, a directory with pack.yaml or a .tar.gz
# outside the checkout (relative paths: against the caller's directory). It is
# bind-mounted read-only into the workers only (deploy/compose.pack.yml) and
# remembered in var/<project>.env (PACK_SOURCE): `up` without PACK keeps the
# deployed pack; PACK= or PACK=public switches back to the public pack.
# Secrets (POSTGRES_PASSWORD, HIDDEN_SEED, ADMIN_TOKEN) are generated once into
# var/<project>.secrets.env (mode 0600) and reused, so re-runs change nothing.
set -euo pipefail
# a relative PACK names a path from where the caller stands, not the checkout
if [ -n "${PACK:-}" ] && [ "$PACK" != public ] && [ "${PACK#/}" = "$PACK" ]; then
  PACK="$(pwd)/$PACK"
fi
cd "$(dirname "$0")/.."

PROJECT=${PROJECT:-arena}
IMAGE=${IMAGE:-assetops-arena:latest}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-postgres:16}
REDIS_IMAGE=${REDIS_IMAGE:-redis:7}
API_PORT=${API_PORT:-8000}
WORKERS=${WORKERS:-1}
if [ -z "${HOST_NET:-}" ]; then
  if docker network inspect bridge >/dev/null 2>&1; then HOST_NET=0; else HOST_NET=1; fi
fi
PG_PORT=${PG_PORT:-15432}
REDIS_PORT=${REDIS_PORT:-16379}
GATEWAY_DIR=${GATEWAY_DIR:-/var/lib/arena-gateway/$PROJECT}
PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$API_PORT}
API_URL=http://127.0.0.1:$API_PORT
ARENA_UID=10001  # the image's user (Dockerfile ARG ARENA_UID)
# where the workers see the pack (ARENA_SCENARIO_PACK); fixed, never the host path
PACK_DIR_TARGET=/run/arena/pack
PACK_ARCHIVE_TARGET=/run/arena/pack.tar.gz

STATE_DIR=${STATE_DIR:-var}  # generated env files (gitignored)
secrets_file=$STATE_DIR/$PROJECT.secrets.env
env_file=$STATE_DIR/$PROJECT.env

compose_cmd() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null; then echo docker-compose
  else
    echo "installing Debian's docker-compose" >&2
    apt-get install -y -qq docker-compose >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
    echo docker-compose
  fi
}
case "${1:-}" in
  check-pack|pack|url) COMPOSE=false ;;  # no compose needed (the engine may not run yet)
  *) COMPOSE=$(compose_cmd) ;;
esac

compose() {
  local files=(-f docker-compose.yml)
  if [ "$HOST_NET" = 1 ]; then files+=(-f deploy/compose.host.yml); else files+=(-f deploy/compose.bridge.yml); fi
  [ -z "$pack_source" ] || files+=(-f deploy/compose.pack.yml)
  $COMPOSE --env-file "$env_file" -p "$PROJECT" "${files[@]}" "$@"
}

# --- the scenario pack ------------------------------------------------------
# pack_source: the pack's absolute host path, empty for the public pack.
deployed_pack() {  # what the last deploy chose (kept in the env file)
  [ -f "$env_file" ] && sed -n 's/^PACK_SOURCE=//p' "$env_file" | tail -1 || true
}
pack_source=$(deployed_pack)
pack_previous=$pack_source
[ -f "$env_file" ] && redeploy=1 || redeploy=0

choose_pack() {  # `up`, `env`, `check-pack`: PACK, when given, replaces the deployed pack
  [ -n "${PACK+set}" ] || return 0
  case "$PACK" in
    ""|public) pack_source="" ;;
    *) pack_source=$PACK ;;
  esac
}

pack_fail() { echo "scenario pack: $*; nothing was started" >&2; exit 1; }

check_pack() {  # the chosen pack exists, is a pack, and lives outside the checkout
  [ -n "$pack_source" ] || return 0
  if [ ! -e "$pack_source" ]; then
    if [ -n "${PACK+set}" ]; then pack_fail "$pack_source does not exist (PACK=$PACK)"; fi
    pack_fail "$pack_source, the pack this stack was deployed with (PACK_SOURCE in $env_file), is gone: put it back, deploy another with PACK=/path/to/pack, or go back to the public pack with PACK=public"
  fi
  pack_source=$(realpath -e "$pack_source")
  local root; root=$(pwd -P)
  case "$pack_source/" in
    "$root"/*) pack_fail "$pack_source is inside the checkout ($root): keep a hidden pack outside it, where neither an image build nor git can pick it up (the public pack is PACK=public)" ;;
  esac
  if [ -d "$pack_source" ]; then
    [ -f "$pack_source/pack.yaml" ] || pack_fail "$pack_source has no pack.yaml (a pack is a directory with pack.yaml, or a .tar.gz of one)"
  elif [ -f "$pack_source" ]; then
    case "$pack_source" in *.tar.gz|*.tgz) ;; *) pack_fail "$pack_source is neither a directory with pack.yaml nor a .tar.gz" ;; esac
    [ "$(head -c 2 "$pack_source" | od -An -tx1 | tr -d ' \n')" = 1f8b ] || pack_fail "$pack_source is not gzip-compressed"
  else
    pack_fail "$pack_source is neither a directory with pack.yaml nor a .tar.gz"
  fi
  # the worker reads it as uid $ARENA_UID: warn when it could not
  local unreadable
  unreadable=$(find "$pack_source" ! -user "$ARENA_UID" \( \( -type f ! -perm -0004 \) -o \( -type d ! -perm -0005 \) \) -print -quit 2>/dev/null || true)
  if [ -n "$unreadable" ]; then
    echo "scenario pack: warning: $unreadable is not readable by the workers (uid $ARENA_UID): chown -R $ARENA_UID or make it world-readable, and keep its parent directory private (docs/operator-guide.md, Scenario packs)" >&2
  fi
  return 0
}

pack_target() {  # by name, so a deployed pack that went missing keeps its target
  case "$pack_source" in *.tar.gz|*.tgz) echo "$PACK_ARCHIVE_TARGET" ;; *) echo "$PACK_DIR_TARGET" ;; esac
}

pack_line() {  # say what the scores are computed on (tests grep these words)
  if [ -n "$pack_source" ]; then echo "scenario pack: $pack_source (mounted read-only into workers)"
  else echo "scores on the public pack: participants can see it"; fi
}

random_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(24))'; }

write_env() {
  mkdir -p "$STATE_DIR"
  if [ ! -s "$secrets_file" ]; then
    umask 077
    {
      echo "POSTGRES_PASSWORD=$(random_secret)"
      echo "HIDDEN_SEED=$(random_secret)"
      echo "ADMIN_TOKEN=arena_$(random_secret)"
    } > "$secrets_file"
    echo "generated secrets in $secrets_file (keep it; back it up with the database)"
  fi
  local gid
  gid=$(stat -c %g /var/run/docker.sock 2>/dev/null || echo 0)
  umask 077
  {
    cat "$secrets_file"
    echo "IMAGE=$IMAGE"
    echo "POSTGRES_IMAGE=$POSTGRES_IMAGE"
    echo "REDIS_IMAGE=$REDIS_IMAGE"
    echo "API_PORT=$API_PORT"
    echo "API_BIND=${API_BIND:-127.0.0.1}"
    echo "PG_PORT=$PG_PORT"
    echo "REDIS_PORT=$REDIS_PORT"
    echo "PUBLIC_URL=$PUBLIC_URL"
    echo "GATEWAY_DIR=$GATEWAY_DIR"
    echo "DOCKER_GID=$gid"
    echo "LLM_MODEL=${LLM_MODEL:-mock/echo}"
    echo "WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-1}"
    # the scenario pack (deploy/compose.pack.yml; empty: the public pack)
    echo "PACK_SOURCE=$pack_source"
    if [ -n "$pack_source" ]; then echo "PACK_TARGET=$(pack_target)"; else echo "PACK_TARGET="; fi
  } > "$env_file"
  # The worker creates gateway sockets here and the HOST engine bind-mounts
  # them into sidecars: same path on both sides, owned by the image's user.
  mkdir -p "$GATEWAY_DIR"
  chown "$ARENA_UID" "$GATEWAY_DIR" 2>/dev/null || true
  chmod 0755 "$GATEWAY_DIR"
}

secret() { grep "^$1=" "$secrets_file" | cut -d= -f2-; }

wait_ready() {  # wait until /readyz answers 200 (migrations ran, db + redis up)
  local deadline=$((SECONDS + ${READY_TIMEOUT:-180}))
  until python3 - "$API_URL/readyz" <<'EOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=3)
EOF
  do
    if [ $SECONDS -ge $deadline ]; then
      echo "api not ready at $API_URL/readyz after ${READY_TIMEOUT:-180}s" >&2
      compose ps >&2; compose logs --tail 40 migrate api >&2; return 1
    fi
    sleep 1
  done
}

up() {
  choose_pack; check_pack
  write_env
  if [ "$redeploy" = 1 ] && [ "$pack_source" != "$pack_previous" ]; then
    echo "scenario pack changed from ${pack_previous:-the public pack} to ${pack_source:-the public pack}: the workers are recreated with it"
  fi
  # up -d is idempotent: unchanged containers are left running; migrate is a
  # one-shot that re-runs `alembic upgrade head`, a no-op when up to date.
  compose up -d --remove-orphans --scale "worker=$WORKERS" 2>&1 | grep -v -E '^\s*$|is up-to-date$' || true
  # compose 1.29 returns before a failed one-shot is noticed: check it
  local rc
  rc=$(docker inspect "$(compose ps -q migrate | head -1)" --format '{{.State.ExitCode}}' 2>/dev/null || echo 1)
  wait_ready || exit 1
  [ "$rc" = 0 ] || { echo "migrate failed (exit $rc)" >&2; compose logs migrate >&2; exit 1; }
  # ARENA_BOOTSTRAP_ADMIN_TOKEN is set: this registers exactly that value once
  compose exec -T api python -m services.api.admin create-admin-token --label bootstrap >/dev/null
  echo
  echo "AssetOps Arena is up: $PUBLIC_URL"
  echo "  leaderboard page: $PUBLIC_URL/"
  echo "  admin token:      $(secret ADMIN_TOKEN)"
  echo "  (secrets in $secrets_file; logs: make logs; stop: make down)"
  pack_line
}

case "${1:-}" in
  up) up ;;
  env) choose_pack; check_pack; write_env ;;
  check-pack) choose_pack; check_pack ;;
  pack) pack_line ;;
  wait) wait_ready ;;
  down)
    write_env
    if [ -n "${WIPE:-}" ]; then compose down -v --remove-orphans; rm -f "$secrets_file" "$env_file"
    else compose down --remove-orphans; fi ;;
  logs) write_env; compose logs -f --tail "${TAIL:-200}" ;;
  backup)
    write_env
    dir=${BACKUP_DIR:-var/backups}; mkdir -p "$dir"
    out="$dir/arena-$(date -u +%Y%m%dT%H%M%SZ).dump"
    compose exec -T postgres pg_dump -U arena -d arena -Fc > "$out"
    echo "backup: $out ($(du -h "$out" | cut -f1)); keep $secrets_file with it" ;;
  restore)
    file=${2:?usage: stack.sh restore FILE}
    write_env
    # stop writers first so the restore is consistent
    compose stop api worker beat
    compose exec -T postgres pg_restore -U arena -d arena --clean --if-exists --no-owner < "$file"
    compose up -d api worker beat
    wait_ready && echo "restored $file" ;;
  compose) shift; write_env; compose "$@" ;;
  admin) shift; write_env; compose exec -T api python -m services.api.admin "$@" ;;
  url) echo "$PUBLIC_URL" ;;
  *) sed -n 2,26p "$0"; exit 2 ;;
esac
