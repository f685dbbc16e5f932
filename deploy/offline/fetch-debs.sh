#!/usr/bin/env bash
# Download the .deb files PACKAGES need on top of the base image, into OUT.
# apt resolves against the base image's own dpkg status file (not this host's),
# so OUT holds exactly the missing dependency closure; the image build then
# installs them with `dpkg -i` under --network none. Needs `apt-get update`
# to have run on this host once (the host reaches Debian's mirrors; the build
# container reaches nothing).
# usage: fetch-debs.sh BASE_IMAGE OUT PACKAGE...
set -euo pipefail
base=$1; out=$(realpath -m "$2"); shift 2
state=$(mktemp -d); trap 'rm -rf "$state"' EXIT
docker run --rm --network none --label org.assetops.arena=1 "$base" cat /var/lib/dpkg/status > "$state/status"
rm -rf "$out"; mkdir -p "$out/partial"
apt_opts=(-q -o "Dir::State::status=$state/status" -o "Dir::Cache::archives=$out"
          -o Debug::NoLocking=1 -o APT::Install-Recommends=false)
if ! apt-get "${apt_opts[@]}" install -y --download-only "$@" >"$state/log" 2>&1; then
  # stale package lists are the usual cause: refresh once and retry
  apt-get update -qq && apt-get "${apt_opts[@]}" install -y --download-only "$@" >"$state/log" 2>&1 \
    || { cat "$state/log" >&2; exit 1; }
fi
rm -rf "$out/partial" "$out/lock"
echo "$(ls "$out"/*.deb | wc -l) packages for $* ($(du -sh "$out" | cut -f1))"
