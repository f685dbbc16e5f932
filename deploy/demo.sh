#!/usr/bin/env bash
# `make demo` after `make deploy`: build the baseline agent, make sure an open
# phase and a demo team exist, submit the agent with the participant CLI,
# wait for the score, print the leaderboard and the page URL.
# Re-runnable: the phase and team are reused; each run adds one submission.
set -euo pipefail
cd "$(dirname "$0")/.."
STACK="bash deploy/stack.sh"
BASE_IMAGE=${BASE_IMAGE:-arena-base:bookworm}
AGENT_IMAGE=${AGENT_IMAGE:-arena-example-baseline:latest}
TRACK=${TRACK:-execution}
TEAM=${DEMO_TEAM:-demo}
URL=http://127.0.0.1:${API_PORT:-8000}
CLI=${CLI:-.venv/bin/assetops}
started=$SECONDS

echo "== building the baseline agent ($AGENT_IMAGE) offline"
DOCKER_BUILDKIT=0 docker build -q --network none --label org.assetops.arena=1 \
  --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$AGENT_IMAGE" examples/agents/baseline 2>&1 \
  | grep -v -E 'DEPRECATED|legacy builder|BuildKit|buildx|environment-variable|^ *$' || true
docker image inspect "$AGENT_IMAGE" >/dev/null

echo "== phase and team"
open_phase=$(python3 - "$URL/api/v1/phases" "$TRACK" <<'EOF'
import json, sys, urllib.request
phases = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
print(next((p["id"] for p in phases if p["is_open"] and sys.argv[2] in p["tracks"]), ""))
EOF
)
if [ -z "$open_phase" ]; then
  $STACK admin create-phase --title "Demo phase" --tracks planning,execution --quota 50 --max-concurrent 2
fi
$STACK admin create-team "$TEAM" --display-name "Demo team" 2>/dev/null || true  # exists on re-runs
token=$($STACK admin create-token --team "$TEAM" --label demo | tail -1)

export ASSETOPS_URL=$URL ASSETOPS_TOKEN=$token
export ASSETOPS_CONFIG_DIR=${ASSETOPS_CONFIG_DIR:-var/demo-cli}
echo "== submitting $AGENT_IMAGE (track $TRACK) and waiting for the score"
$CLI submit "$AGENT_IMAGE" --track "$TRACK" --watch
echo
echo "== leaderboard"
$CLI leaderboard --track "$TRACK"
echo
echo "demo finished in $((SECONDS - started))s after deploy"
echo "leaderboard page: $URL/"
