"""A small operator scenario file for the suites (``ARENA_SCENARIO_FILE``).

Three hand-written scenarios, each with a canary and a random marker phrase
in its text, so any dump, response or log can be scanned both for the
canary and for scenario text. The file passes the product's own loader and
validator; a stack started with it evaluates a submission in seconds.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

CANARY_PATTERN = rb"CANARY-[0-9a-f]{16}"


@dataclass(frozen=True)
class SecretSet:
    path: Path
    canaries: list[str]
    markers: list[str]  # unique phrases that occur only in scenario text
    texts: list[str]

    def needles(self) -> list[bytes]:
        """Everything whose presence anywhere outside the worker is a leak."""
        out = [c.encode() for c in self.canaries] + [m.encode() for m in self.markers]
        # long fragments of the task text itself (without the canary)
        for text in self.texts:
            first_line = text.splitlines()[0]
            out.append(first_line[:60].encode())
        return out


def _scenario(idx: int, marker: str, canary: str) -> dict[str, object]:
    text = (
        f"Operator question {marker}: list the sites of the plant and name the site that "
        f"hosts the chillers (scenario {idx}).\n\n[ref {canary}]"
    )
    return {
        "id": f"sec-{idx:03d}",
        "template": "sec_suite_sites",
        "family": "iot",
        "task_type": "data_retrieval",
        "category": "data",
        "tracks": ["planning", "execution"],
        "output_format": "text",
        "output_hint": "one sentence",
        "text": text,
        "faults": [],
        "expectation": {
            "check": {"kind": "facts", "required": [["MAIN"]], "forbidden": []},
            "required_retrievals": [{"tool": "iot.sites", "arguments": {}}],
            "family_order": ["iot"],
            "reference_plan": [{"agent": "iot", "tool": "sites", "arguments": {}}],
            "evidence": ["MAIN"],
        },
        "canary": canary,
        "params": {},
    }


def write_secret_set(path: Path, count: int = 3) -> SecretSet:
    markers = [f"zq{secrets.token_hex(6)}" for _ in range(count)]
    canaries = [f"CANARY-{secrets.token_hex(8)}" for _ in range(count)]
    scenarios = [_scenario(i, m, c) for i, (m, c) in enumerate(zip(markers, canaries, strict=True))]
    path.write_text(json.dumps({"scenarios": scenarios}, indent=1))
    # validate with the product's loader: a broken file must fail loudly here
    from hidden_scenarios.loader import load_file

    loaded = load_file(path)
    return SecretSet(path, canaries, markers, [s.text for s in loaded])


def find_leaks(blob: bytes, secret: SecretSet) -> list[str]:
    """Names of the secrets found in ``blob`` (plus any canary-shaped string,
    ours or not, and masked canaries, which mean someone tried to log one)."""
    import re

    found = [n.decode(errors="replace") for n in secret.needles() if n in blob]
    found += [m.decode() for m in set(re.findall(CANARY_PATTERN, blob)) if m.decode() not in found]
    if b"CANARY-[masked]" in blob:
        found.append("CANARY-[masked] (a canary reached a log call)")
    return found
