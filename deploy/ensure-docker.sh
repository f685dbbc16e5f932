#!/usr/bin/env bash
# Make sure a Docker engine answers `docker info`, starting one when none does.
# Used by `make deploy` / `make demo` (the Makefile's `engine` target) and by
# deploy/test-services.sh (`make test`).
#
#   deploy/ensure-docker.sh [--no-systemd]
#
# In order:
#   1. an engine answers (DOCKER_HOST, or the default socket): nothing to do.
#   2. DOCKER_HOST names another engine (tcp://, ssh://, a non-default socket):
#      not ours to start; say so and stop.
#   3. not root: say what to start and stop.
#   4. `docker.io` is installed when `docker` or `dockerd` is missing.
#   5. systemd runs this machine (/run/systemd/system exists) and --no-systemd
#      is not given: `systemctl start docker`, the distribution's service with
#      its own configuration (bridge network, iptables). `make deploy` and
#      `make demo` take this path on ordinary hosts.
#   6. otherwise (containers, chroots, CI; and always with --no-systemd, which
#      test-services.sh passes): `dockerd --bridge=none --iptables=false` in the
#      background, log in /var/log/arena-dockerd.log. Containers then get no
#      network unless they join the host's or another container's namespace;
#      deploy/stack.sh notices (no `bridge` network) and uses host networking.
# Waits up to ENGINE_WAIT (60) s. Exit 0 when an engine answers; otherwise 1
# with one sentence on stderr saying what to start.
# Overridable for tests: ARENA_SYSTEMD_DIR (/run/systemd/system),
# ARENA_DOCKERD_LOG (/var/log/arena-dockerd.log).
set -euo pipefail
log() { echo "ensure-docker: $*"; }
fail() { echo "ensure-docker: $*" >&2; exit 1; }

use_systemd=1
for arg in "$@"; do
  case "$arg" in
    --no-systemd) use_systemd=0 ;;
    *) fail "unknown argument $arg (usage: ensure-docker.sh [--no-systemd])" ;;
  esac
done
DEFAULT_SOCKET=unix:///var/run/docker.sock
SYSTEMD_DIR=${ARENA_SYSTEMD_DIR:-/run/systemd/system}
DOCKERD_LOG=${ARENA_DOCKERD_LOG:-/var/log/arena-dockerd.log}
WAIT=${ENGINE_WAIT:-60}

answers() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }
wait_for_engine() {
  for _ in $(seq "$WAIT"); do answers && return 0; sleep 1; done
  answers
}

# 1. already answering: the common case, and a no-op
if answers; then exit 0; fi

# 2. an engine we cannot start: DOCKER_HOST points somewhere else
host=${DOCKER_HOST:-$DEFAULT_SOCKET}
case "$host" in
  "$DEFAULT_SOCKET"|unix:///run/docker.sock) ;;
  *) fail "no Docker engine answers at DOCKER_HOST=$host; start the engine that serves it, or unset DOCKER_HOST to let this script start one on /var/run/docker.sock." ;;
esac

# 3. starting an engine needs root
if [ "$(id -u)" != 0 ]; then
  fail "no Docker engine answers and starting one needs root; start it (sudo systemctl start docker, or sudo dockerd) or re-run this command as root."
fi

# 4. the engine and its CLI (Debian's docker.io)
if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null; then
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq docker.io >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq docker.io >/dev/null; } \
    || fail "could not install docker.io with apt-get; install a Docker engine and start it, then re-run."
  # the package's own service may already have started it
  if answers; then log "docker.io installed; its service is answering"; exit 0; fi
fi

# 5. the system's service, when systemd is the init
if [ "$use_systemd" = 1 ] && [ -d "$SYSTEMD_DIR" ] && command -v systemctl >/dev/null; then
  log "starting the system's Docker service (systemctl start docker)"
  if systemctl start docker && wait_for_engine; then exit 0; fi
  fail "systemctl start docker did not bring up an engine; see journalctl -u docker, fix and start it, then re-run."
fi

# 6. no service manager: run dockerd ourselves
log "starting dockerd --bridge=none --iptables=false (log: $DOCKERD_LOG)"
mkdir -p "$(dirname "$DOCKERD_LOG")"
# The daemon outlives this script: it must not keep any descriptor of its
# caller open (a `flock` lock on the engine, a CI pipe), or the caller's lock
# is never released and its reader never sees EOF. Close everything above 2.
(
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec ${fd}>&-" 2>/dev/null || true; fi
  done
  exec setsid nohup dockerd --bridge=none --iptables=false >"$DOCKERD_LOG" 2>&1 </dev/null
) &
if wait_for_engine; then exit 0; fi
tail -20 "$DOCKERD_LOG" >&2 || true
fail "dockerd did not answer within ${WAIT}s (log above, $DOCKERD_LOG); start a Docker engine by hand, then re-run."
