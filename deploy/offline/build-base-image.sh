#!/usr/bin/env bash
# Build a Debian bookworm base image without any registry: debootstrap a
# minbase rootfs with python3 and import it. Idempotent: skips if NAME exists.
set -euo pipefail
NAME=${1:-arena-base:bookworm}
EXTRA=${EXTRA_PACKAGES:-}
if docker image inspect "$NAME" >/dev/null 2>&1; then
  echo "base image $NAME already present"; exit 0
fi
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
DIR=$(mktemp -d /tmp/arena-rootfs.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
pkgs=python3,python3-venv,ca-certificates,tini${EXTRA:+,$EXTRA}
debootstrap --variant=minbase --include="$pkgs" bookworm "$DIR" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
# keep the image small: no apt lists, docs or caches
rm -rf "$DIR"/var/lib/apt/lists/* "$DIR"/var/cache/apt/* "$DIR"/usr/share/doc/* "$DIR"/usr/share/man/* "$DIR"/usr/share/locale/*
tar -C "$DIR" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' - "$NAME" >/dev/null
echo "built $NAME"
