"""No-op agent: reads its input and writes a valid, empty result.

The smallest thing that satisfies the agent contract (docs/agent-contract.md);
used to measure the sandbox's own overhead.
"""

import json
import os

INPUT = os.environ.get("ASSETOPS_INPUT", "/input/scenario.json")
OUTPUT = os.environ.get("ASSETOPS_OUTPUT", "/output/result.json")

with open(INPUT, encoding="utf-8") as fh:
    scenario = json.load(fh)
with open(OUTPUT, "w", encoding="utf-8") as fh:
    json.dump({"answer": "", "plan": [], "trajectory": []}, fh)
