#!/usr/bin/env bash
# `make demo` after `make deploy`: build the baseline agent, make sure an open
# phase and a demo team exist, submit the agent with the participant CLI,
# wait for the score, print the leaderboard and the URL of the board it filled
# (page and api, with phase and track) and the scenario pack the scores are on.
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
# The phase the CLI would pick: the most recently opened open phase with the track.
find_phase() {
  python3 - "$URL/api/v1/phases" "$TRACK" <<'EOF'
import json, sys, urllib.request
phases = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
open_ = [p for p in phases if p["is_open"] and sys.argv[2] in p["tracks"]]
open_.sort(key=lambda p: (str(p["opens_at"]), p["id"]), reverse=True)
print(open_[0]["id"] if open_ else "")
EOF
}
phase=$(find_phase)
if [ -z "$phase" ]; then
  $STACK admin create-phase --title "Demo phase" --tracks planning,execution --quota 50 --max-concurrent 2
  phase=$(find_phase)
fi
[ -n "$phase" ] || { echo "demo: no open phase with the $TRACK track after creating one" >&2; exit 1; }
$STACK admin create-team "$TEAM" --display-name "Demo team" 2>/dev/null || true  # exists on re-runs
token=$($STACK admin create-token --team "$TEAM" --label demo | tail -1)

export ASSETOPS_URL=$URL ASSETOPS_TOKEN=$token
export ASSETOPS_CONFIG_DIR=${ASSETOPS_CONFIG_DIR:-var/demo-cli}
echo "== submitting $AGENT_IMAGE (phase $phase, track $TRACK) and waiting for the score"
$CLI submit "$AGENT_IMAGE" --phase "$phase" --track "$TRACK" --watch
echo
echo "== leaderboard (phase $phase, track $TRACK)"
$CLI leaderboard --phase "$phase" --track "$TRACK"
# which scenarios those scores are on: the deployed pack (make deploy PACK=...)
$STACK pack
echo
echo "demo finished in $((SECONDS - started))s after deploy"
echo "the board it filled (phase $phase, track $TRACK):"
echo "  page: $URL/?phase=$phase&track=$TRACK"
echo "  api:  $URL/api/v1/leaderboard?phase=$phase&track=$TRACK"
echo "  (without parameters, $URL/ and the api open on the latest public phase's track"
echo "   with the most recent finished submission: docs/api.md, Default board)"
