#!/usr/bin/env bash
# Build ./wheelhouse: a wheel for every locked runtime dependency, for CPython
# 3.11 on glibc x86_64/arm64 Linux (the image's Debian python3 3.11.2 or
# python:3.11-slim). `pip wheel` takes manylinux wheels from the index as they
# are and builds a wheel on this host (same arch, cp311, bookworm glibc) for any
# sdist-only package, so the image build itself needs no network (--no-index).
#
# The dev venv's Python (3.11.7) is newer than Debian's 3.11.2, and a few
# requirements depend on it (redis needs async-timeout below 3.11.3): the lock's
# marker-guarded pins are added without evaluating their markers, and the result
# is checked by resolving it offline inside the base image itself.
#
# Idempotent: a stamp of the inputs' hash skips the work when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${WHEELHOUSE:-wheelhouse}
BASE_IMAGE=${BASE_IMAGE:-arena-base:bookworm}
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
quiet_pip() {  # the machine's pip config lists local indexes; drop their noise
  "$PY" -m pip "$@" 2> >(grep -v -E 'is ignored: it is neither a file nor a directory' >&2)
}
mkdir -p "$OUT"
stamp="$OUT/.inputs.sha256"
want=$(cat pyproject.toml requirements.lock deploy/offline/build-wheelhouse.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -z "${FORCE:-}" ]; then
  echo "wheelhouse up to date ($(ls "$OUT"/*.whl | wc -l) wheels)"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$PY" deploy/offline/runtime-requirements.py pyproject.toml > "$tmp/runtime.txt"
# -c: pip refuses any version that is not the locked one.
quiet_pip wheel --quiet --wheel-dir "$OUT" -c requirements.lock -r "$tmp/runtime.txt"
# marker-guarded pins ("name==1.2 ; python_full_version < ..."), markers stripped
grep -E '^[A-Za-z0-9_.-]+==[^ ;]+ *;' requirements.lock | sed -E 's/ *;.*//' > "$tmp/marker-pins.txt" || true
if [ -s "$tmp/marker-pins.txt" ]; then
  quiet_pip wheel --quiet --no-deps --wheel-dir "$OUT" -r "$tmp/marker-pins.txt"
fi
# Prove the wheelhouse is complete: resolve it with no index on the host, and
# (when the base image exists) inside the base image's own Python.
quiet_pip download --quiet --no-index --find-links "$OUT" -d "$tmp/check" \
  -c requirements.lock -r "$tmp/runtime.txt" --only-binary=:all: >/dev/null
if command -v docker >/dev/null && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  docker run --rm --network none --label org.assetops.arena=1 \
    -v "$(realpath "$OUT"):/wheelhouse:ro" -v "$tmp:/req:ro" -v "$PWD/requirements.lock:/lock:ro" \
    "$BASE_IMAGE" sh -c 'python3 -m venv /tmp/v && /tmp/v/bin/pip download --quiet \
      --disable-pip-version-check --no-index --find-links /wheelhouse -d /tmp/d \
      -c /lock -r /req/runtime.txt >/dev/null' \
    || { echo "wheelhouse does not resolve inside $BASE_IMAGE" >&2; exit 1; }
fi
echo "$want" > "$stamp"
echo "wheelhouse: $(ls "$OUT"/*.whl | wc -l) wheels, $(du -sh "$OUT" | cut -f1)"
