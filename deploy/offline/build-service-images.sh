#!/usr/bin/env bash
# Build the Postgres and Redis images without a registry: Debian packages
# (fetched on the host by fetch-debs.sh) installed on the debootstrapped base
# image, built with --network none. Idempotent: an image whose inputs have not
# changed is not rebuilt (the inputs' hash is stored as an image label).
# usage: build-service-images.sh [postgres] [redis]
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE_IMAGE=${BASE_IMAGE:-arena-base:bookworm}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-arena-postgres:15}
REDIS_IMAGE=${REDIS_IMAGE:-arena-redis:7}
build() {  # build NAME IMAGE PACKAGES...
  local name=$1 image=$2; shift 2
  local ctx=build/offline/$name
  local inputs
  inputs=$( { docker image inspect "$BASE_IMAGE" --format '{{.Id}}'; echo "$*";
              cat "deploy/$name/Dockerfile" "deploy/$name/entrypoint.sh"; } | sha256sum | cut -c1-16)
  if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "org.assetops.arena.inputs"}}' 2>/dev/null)" = "$inputs" ]; then
    echo "$image up to date"; return
  fi
  bash deploy/offline/fetch-debs.sh "$BASE_IMAGE" "$ctx/debs" "$@"
  cp "deploy/$name/entrypoint.sh" "$ctx/entrypoint.sh"
  DOCKER_BUILDKIT=0 docker build -q --network none --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --label org.assetops.arena=1 --label "org.assetops.arena.inputs=$inputs" \
    -f "deploy/$name/Dockerfile" -t "$image" "$ctx" 2>&1 | grep -v -E 'DEPRECATED|legacy builder|BuildKit|buildx|environment-variable|^ *$' || true
  docker image inspect "$image" --format "$image: {{.Size}} bytes" \
    | grep -q . && [ "$(docker image inspect "$image" --format '{{index .Config.Labels "org.assetops.arena.inputs"}}')" = "$inputs" ] \
    || { echo "building $image failed" >&2; exit 1; }
  docker image inspect "$image" --format "built $image ({{.Size}} bytes)"
}
targets=${*:-postgres redis}
for t in $targets; do
  case $t in
    postgres) build postgres "$POSTGRES_IMAGE" postgresql-15 ;;
    redis) build redis "$REDIS_IMAGE" redis-server ;;
    *) echo "unknown service image: $t" >&2; exit 2 ;;
  esac
done
