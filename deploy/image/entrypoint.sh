#!/bin/sh
# Role dispatcher of the one server image. `docker run IMAGE ROLE [ARGS]`:
#   api        uvicorn on $ARENA_API_HOST:$ARENA_API_PORT
#   worker     Celery worker (needs the Docker socket)
#   beat       Celery beat (the reconciler's schedule)
#   migrate    alembic upgrade head (one-shot, idempotent)
#   assetdata  python -m services.assetdata ARGS (also the sandbox sidecar)
# Anything else is exec'd as given, so `docker run IMAGE python -m ...` works.
set -eu
role=${1:-api}
case "$role" in
  api)
    shift
    exec uvicorn services.api.main:app --host "${ARENA_API_HOST:-0.0.0.0}" \
      --port "${ARENA_API_PORT:-8000}" --proxy-headers --no-server-header \
      --workers "${ARENA_API_WORKERS:-1}" "$@" ;;
  worker)
    shift
    # A unique node name even when several workers share the host's network
    # namespace (and so its hostname); written down for the health check.
    name="${ARENA_WORKER_NAME:-worker}-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')@$(hostname)"
    echo "$name" > "${ARENA_DATA_DIR:-/var/lib/arena}/worker-name" 2>/dev/null || true
    exec celery -A worker.celery_app:app worker --loglevel "${ARENA_LOG_LEVEL:-INFO}" \
      --concurrency "${ARENA_WORKER_CONCURRENCY:-1}" --hostname "$name" "$@" ;;
  beat)
    shift
    # the schedule file must be writable: keep it in the data dir, not /app
    exec celery -A worker.celery_app:app beat --loglevel "${ARENA_LOG_LEVEL:-INFO}" \
      --schedule "${ARENA_DATA_DIR:-/var/lib/arena}/celerybeat-schedule" "$@" ;;
  migrate)
    shift
    exec alembic -c /app/alembic.ini upgrade head "$@" ;;
  assetdata)
    shift
    exec python -m services.assetdata "$@" ;;
  *)
    exec "$@" ;;
esac
