"""Operator files: the loader accepts the schema and rejects, at load time,
anything a scorer could not use — naming the scenario and the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hidden_scenarios.canary import find_canaries
from hidden_scenarios.loader import load_file, scenarios_from_data
from hidden_scenarios.validate import ScenarioError


def valid() -> dict[str, Any]:
    return {
        "id": "op-001",
        "template": "operator",
        "family": "multi",
        "task_type": "anomaly_detection",
        "category": "complex",
        "tracks": ["planning", "execution"],
        "output_format": "number",
        "text": "How many anomalies does Chiller 6 Tonnage show in the week of 2020-06-01?",
        "faults": [{"tool": "tsfm.run_tsad", "kind": "error"}],
        "expectation": {
            "check": {"kind": "number", "value": 3, "abs_tol": 0.5},
            "required_retrievals": [
                {
                    "tool": "iot.history",
                    "arguments": {
                        "asset_id": "Chiller 6",
                        "start": "2020-06-01T00:00:00",
                        "final": "2020-06-08T00:00:00",
                    },
                }
            ],
            "family_order": ["iot", "tsfm"],
            "reference_plan": [
                {
                    "agent": "iot",
                    "tool": "history",
                    "arguments": {
                        "site_name": "MAIN",
                        "asset_id": "Chiller 6",
                        "start": "2020-06-01T00:00:00",
                        "final": "2020-06-08T00:00:00",
                        "sensors": ["Chiller 6 Tonnage"],
                    },
                },
                {
                    "agent": "tsfm",
                    "tool": "run_tsad",
                    "arguments": {
                        "dataset_id": "${step0.dataset_id}",
                        "target_columns": ["Chiller 6 Tonnage"],
                    },
                },
            ],
        },
    }


def load(items: list[dict[str, Any]]):
    return scenarios_from_data({"scenarios": items}, "test")


def test_valid_file_loads_with_derived_canary(tmp_path: Path) -> None:
    p = tmp_path / "set.yaml"
    p.write_text(yaml.safe_dump([valid()]))
    [s] = load_file(p)
    assert s.id == "op-001"
    assert find_canaries(s.text) == [s.canary]
    # Same file, same canary; JSON works too.
    q = tmp_path / "set.json"
    q.write_text(json.dumps({"scenarios": [valid()]}))
    [s2] = load_file(q)
    assert (
        s2.canary.startswith("CANARY-")
        and s2.model_dump()["expectation"] == s.model_dump()["expectation"]
    )
    assert load_file(p)[0].canary == s.canary


def _mutate(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    d = copy.deepcopy(base or valid())
    keys = path.split(".")
    cur: Any = d
    for k in keys[:-1]:
        cur = cur[int(k)] if isinstance(cur, list) else cur[k]
    last = keys[-1]
    if value is _DELETE:
        del cur[last]
    elif isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value
    return d


_DELETE = object()

BAD_CASES = [
    # (mutation path, value, expected code, field fragment)
    ("family", "robots", "schema", "family"),
    ("tracks", [], "schema", "tracks"),
    ("text", _DELETE, "schema", "text"),
    ("expectation.check.kind", "banana", "schema", "expectation.check"),
    ("expectation.check.rel_tol", -0.1, "bad_tolerance", "expectation.check.rel_tol"),
    ("expectation.check.rel_tol", 3.0, "bad_tolerance", "expectation.check.rel_tol"),
    ("expectation.check.abs_tol", float("nan"), "bad_tolerance", "expectation.check.abs_tol"),
    ("expectation.check", {"kind": "ids", "ids": []}, "format_mismatch", "expectation.check.kind"),
    ("output_format", "ids", "format_mismatch", "expectation.check.kind"),
    ("expectation.reference_plan.1.tool", "run_magic", "unknown_tool", "reference_plan[1].tool"),
    ("expectation.reference_plan.0.agent", "wo", "unknown_tool", "reference_plan[0].tool"),
    (
        "expectation.reference_plan.0.arguments.colour",
        "red",
        "unknown_argument",
        "reference_plan[0].arguments",
    ),
    (
        "expectation.reference_plan.1.arguments.dataset_id",
        "${step3.dataset_id}",
        "bad_reference",
        "reference_plan[1].arguments.dataset_id",
    ),
    (
        "expectation.reference_plan.1.arguments.false_alarm",
        0.9,
        "bad_argument",
        "reference_plan[1].arguments.false_alarm",
    ),
    (
        "expectation.required_retrievals.0.tool",
        "iot.teleport",
        "unknown_tool",
        "retrievals[0].tool",
    ),
    (
        "expectation.required_retrievals.0.arguments.asset_id",
        "Chiller 9",
        "unsatisfiable_retrieval",
        "required_retrievals[0]",
    ),
    (
        "expectation.required_retrievals.0.arguments.final",
        "2020-06-09T00:00:00",
        "unsatisfiable_retrieval",
        "required_retrievals[0]",
    ),
    ("expectation.family_order", ["tsfm", "iot"], "family_order_mismatch", "family_order[1]"),
    ("expectation.family_order", ["iot", "wo"], "family_order_mismatch", "family_order[1]"),
    ("faults.0.tool", "wo.list_workorders", "fault_not_in_plan", "faults[0].tool"),
    ("faults.0.tool", "tsfm.nope", "unknown_tool", "faults[0].tool"),
    ("faults.0.kind", "explode", "schema", "faults.0.kind"),
    ("canary", "CANARY-XYZ", "schema", "canary"),
    ("ambiguous", True, "ambiguity_mismatch", "ambiguous"),
    ("expectation.reference_plan", [], "empty_plan", "reference_plan"),
]


@pytest.mark.parametrize(("path", "value", "code", "field"), BAD_CASES)
def test_bad_scenario_rejected_naming_scenario_and_field(
    path: str, value: Any, code: str, field: str
) -> None:
    with pytest.raises(ScenarioError) as ei:
        load([valid(), _mutate(path, value, {**valid(), "id": "op-002"})])
    err = ei.value
    assert err.code == code, str(err)
    assert err.scenario == "op-002"
    assert field in err.field, str(err)
    assert "op-002" in str(err) and field in str(err)


def _with_check(check: dict[str, Any], fmt: str, ambiguous: bool = False) -> dict[str, Any]:
    d = valid()
    d["id"] = "op-009"
    d["output_format"] = fmt
    d["ambiguous"] = ambiguous
    d["expectation"]["check"] = check
    return d


@pytest.mark.parametrize(
    ("check", "fmt", "ambiguous", "code"),
    [
        ({"kind": "ids", "ids": []}, "ids", False, "empty_ids"),
        ({"kind": "ids", "ids": ["A", " "]}, "ids", False, "empty_ids"),
        ({"kind": "ids", "ids": ["A", "a"]}, "ids", False, "duplicate_ids"),
        ({"kind": "ids", "ids": ["A"], "pass_f1": 0}, "ids", False, "bad_tolerance"),
        ({"kind": "json", "fields": {}}, "json", False, "empty_fields"),
        ({"kind": "facts", "required": []}, "text", False, "empty_facts"),
        ({"kind": "facts", "required": [[]]}, "text", False, "empty_facts"),
        (
            {"kind": "facts", "required": [["Chiller 6"]], "forbidden": ["chiller"]},
            "text",
            False,
            "contradictory_facts",
        ),
        ({"kind": "clarify", "options": ["Chiller 6"]}, "text", True, "too_few_options"),
        (
            {"kind": "clarify", "options": ["Chiller 6", "chiller 6"]},
            "text",
            True,
            "too_few_options",
        ),
        (
            {"kind": "clarify", "options": ["Chiller 6", "Chiller 9"]},
            "text",
            False,
            "ambiguity_mismatch",
        ),
        ({"kind": "number", "value": 1e400}, "number", False, "bad_value"),
    ],
)
def test_unsatisfiable_checks_rejected(
    check: dict[str, Any], fmt: str, ambiguous: bool, code: str
) -> None:
    with pytest.raises(ScenarioError) as ei:
        load([_with_check(check, fmt, ambiguous)])
    assert ei.value.code == code
    assert ei.value.scenario == "op-009"
    assert ei.value.field.startswith(("expectation.check", "ambiguous"))


def test_valid_clarify_loads() -> None:
    [s] = load(
        [_with_check({"kind": "clarify", "options": ["Chiller 6", "Chiller 9"]}, "text", True)]
    )
    assert s.ambiguous


def test_duplicate_ids_and_canaries_rejected() -> None:
    with pytest.raises(ScenarioError) as ei:
        load([valid(), valid()])
    assert ei.value.code == "duplicate_id" and ei.value.scenario == "op-001"
    a, b = valid(), {**valid(), "id": "op-002"}
    a["canary"] = b["canary"] = "CANARY-0123456789abcdef"
    with pytest.raises(ScenarioError) as ei:
        load([a, b])
    assert ei.value.code == "duplicate_canary" and ei.value.scenario == "op-002"


def test_scenario_without_id_is_named_by_index() -> None:
    d = valid()
    del d["id"]
    with pytest.raises(ScenarioError) as ei:
        load([valid(), d])
    assert ei.value.scenario == "#1" and ei.value.field == "id"


@pytest.mark.parametrize(
    ("content", "suffix", "code"),
    [
        ("{not json", ".json", "unparsable_file"),
        ("a: [b", ".yaml", "unparsable_file"),
        ("42", ".yaml", "bad_shape"),
        ("[]", ".json", "empty_set"),
        ("[1, 2]", ".json", "bad_shape"),
    ],
)
def test_malformed_files(tmp_path: Path, content: str, suffix: str, code: str) -> None:
    p = tmp_path / f"f{suffix}"
    p.write_text(content)
    with pytest.raises(ScenarioError) as ei:
        load_file(p)
    assert ei.value.code == code


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as ei:
        load_file(tmp_path / "nope.yaml")
    assert ei.value.code == "unreadable_file"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_mutation_gives_a_scenario_error_or_loads(data: st.DataObject) -> None:
    """Fuzz: replacing any field of a valid scenario with arbitrary JSON either
    loads or raises ScenarioError naming the scenario - never another exception."""
    d = valid()
    path = data.draw(st.sampled_from(_paths(d)))
    value = data.draw(_JSON)
    cur: Any = d
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    try:
        load([d])
    except ScenarioError as e:
        assert e.scenario in ("op-001", "#0") or path == ("id",)
        assert e.code and e.field
