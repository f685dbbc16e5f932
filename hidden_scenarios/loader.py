"""Operator-authored scenario files (YAML or JSON, the export format).

Accepted shapes: a list of scenarios, or an object with a ``scenarios`` list
(what ``python -m hidden_scenarios export`` writes). A scenario without a
canary gets one derived from the file's digest and its id; a canary missing
from the text is appended to it. Everything else must satisfy the schema and
``validate.validate_set``; the first problem raises ``ScenarioError`` naming
the scenario and the field.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hidden_scenarios.canary import make_canary, with_canary
from hidden_scenarios.schema import Scenario
from hidden_scenarios.validate import ScenarioError, validate_set

MAX_FILE_BYTES = 32 * 1024 * 1024


def _parse(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ScenarioError("unreadable_file", "-", "file", f"{path}: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            "file_too_large", "-", "file", f"{path} is larger than {MAX_FILE_BYTES} bytes"
        )
    try:
        text = raw.decode("utf-8")
        if path.suffix.lower() == ".json":
            return json.loads(text), raw
        return yaml.safe_load(text), raw  # YAML is a superset of JSON
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as e:
        raise ScenarioError("unparsable_file", "-", "file", f"{path}: {e}") from None


def _error_from_validation(sid: str, e: ValidationError) -> ScenarioError:
    err = e.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(root)"
    extra = f" (+{e.error_count() - 1} more)" if e.error_count() > 1 else ""
    return ScenarioError("schema", sid, loc, f"{err['msg']}{extra}")


def scenarios_from_data(data: Any, namespace: str) -> list[Scenario]:
    """Validate already-parsed data. ``namespace`` seeds derived canaries."""
    items = data.get("scenarios") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ScenarioError(
            "bad_shape",
            "-",
            "scenarios",
            "expected a list of scenarios or an object with 'scenarios'",
        )
    if not items:
        raise ScenarioError("empty_set", "-", "scenarios", "the file holds no scenarios")
    out: list[Scenario] = []
    for idx, item in enumerate(items):
        if not isinstance(item, dict):
            raise ScenarioError("bad_shape", f"#{idx}", "(root)", "each scenario must be an object")
        sid = item.get("id")
        label = sid if isinstance(sid, str) and sid else f"#{idx}"
        item = dict(item)
        if isinstance(sid, str) and sid and isinstance(item.get("text"), str):
            if not item.get("canary"):
                item["canary"] = make_canary(namespace, sid)
            if isinstance(item["canary"], str):
                item["text"] = with_canary(item["text"], item["canary"])
        try:
            out.append(Scenario.model_validate(item))
        except ValidationError as e:
            raise _error_from_validation(label, e) from None
    return validate_set(out)


def load_file(path: str | Path) -> list[Scenario]:
    p = Path(path)
    data, raw = _parse(p)
    return scenarios_from_data(data, "file:" + hashlib.sha256(raw).hexdigest()[:16])
