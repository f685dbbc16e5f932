"""utilities.ask_operator (issue 17) through the real app: the operator
answers from the run plan's hidden clarification, a vague question gets the
vague answer, a clear task gets "clear as stated"; the tool log records each
exchange (question, how it was answered) and faults apply as to any tool."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from contracts.toollog import ToolCallRecord
from services.assetdata import operator as O
from services.assetdata.app import create_app
from services.assetdata.plant import Plant

CLARIFICATION = {
    "topic": "asset",
    "keywords": ["which chiller", "asset", "Chiller 9", "Chiller 6"],
    "answer": "I meant Chiller 9.",
    "vague_answer": "The usual one. What exactly do you need?",
}
PATH = "/utilities/ask_operator"


def _plan(runs: Path, token: str, clarification: dict | None = None, faults=()) -> dict:
    (runs / "plans").mkdir(parents=True, exist_ok=True)
    body = {"run_token": token, "faults": list(faults), "clarification": clarification}
    (runs / "plans" / f"{token}.json").write_text(json.dumps(body))
    return {"X-Run-Token": token}


def _log(runs: Path, token: str) -> list[ToolCallRecord]:
    lines = (runs / "logs" / f"{token}.jsonl").read_text().splitlines()
    return [ToolCallRecord.model_validate_json(x) for x in lines]


@pytest.fixture()
def evalc(plant: Plant, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    app = create_app(plant=plant, runs_dir=tmp_path, timeout_delay=0.05)
    with TestClient(app) as c:
        yield c, tmp_path


def test_specific_vague_and_records(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    h = _plan(runs, "amb", CLARIFICATION)
    asks = [
        "Which chiller do you mean?",  # keyword phrase, any case, punctuation ignored
        "Is it CHILLER-9 or another one?",  # candidate name, hyphen as a space
        "Could you clarify the request?",  # names nothing ambiguous
        "Do you mean Chiller 90?",  # "Chiller 9" only as a whole word
        "which   ASSET?",
    ]
    out = [c.post(PATH, json={"question": q}, headers=h) for q in asks]
    assert [r.status_code for r in out] == [200] * 5
    bodies = [r.json() for r in out]
    assert bodies[0] == {"answer": "I meant Chiller 9.", "clarified": True}
    assert bodies[1]["answer"] == "I meant Chiller 9."
    assert bodies[2] == {"answer": CLARIFICATION["vague_answer"], "clarified": False}
    assert bodies[3]["answer"] == CLARIFICATION["vague_answer"]
    assert bodies[4]["clarified"] is True
    log = _log(runs, "amb")
    assert [r.clarification for r in log] == ["specific", "specific", "vague", "vague", "specific"]
    assert [r.arguments for r in log] == [{"question": q} for q in asks]
    assert all(r.tool == "utilities.ask_operator" and r.family == "utilities" for r in log)
    assert all(r.status == "ok" and r.written is None for r in log)
    # the answer text is not an observed entity (it is free text)
    assert all("I meant Chiller 9." not in r.entities for r in log)


def test_clear_task_is_unneeded(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    h = _plan(runs, "clear")
    r = c.post(PATH, json={"question": "Which chiller do you mean?"}, headers=h)
    assert r.json() == {"answer": O.UNNEEDED_ANSWER, "clarified": False}
    (rec,) = _log(runs, "clear")
    assert rec.clarification == "unneeded" and rec.status == "ok"


def test_open_mode_is_unneeded(plant: Plant) -> None:
    with TestClient(create_app(plant=plant)) as c:
        for headers in ({}, {"X-Run-Token": "amb"}):
            r = c.post(PATH, json={"question": "Which chiller?"}, headers=headers)
            assert r.json() == {"answer": O.UNNEEDED_ANSWER, "clarified": False}


@pytest.mark.parametrize(
    "body, code",
    [
        ({"question": ""}, "invalid_question"),
        ({"question": "   "}, "invalid_question"),
        ({"question": "x" * 501}, "invalid_question"),
        ({}, "invalid_arguments"),
        ({"question": 7}, "invalid_arguments"),
        ({"question": "which chiller", "extra": 1}, "invalid_arguments"),
    ],
)
def test_bad_questions(evalc: tuple[TestClient, Path], body: dict, code: str) -> None:
    c, runs = evalc
    h = _plan(runs, "bad", CLARIFICATION)
    r = c.post(PATH, json=body, headers=h)
    assert r.status_code == 422 and r.json()["code"] == code
    assert r.headers["content-type"].startswith("application/problem+json")
    (rec,) = _log(runs, "bad")
    assert rec.status == "error" and rec.error_code == code and rec.clarification is None


def test_logged_question_is_capped(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    h = _plan(runs, "long", CLARIFICATION)
    assert c.post(PATH, json={"question": "w" * 5000}, headers=h).status_code == 422
    (rec,) = _log(runs, "long")
    assert rec.arguments["question"] == "w" * 500 and rec.arguments["_truncated"] is True


def test_faults_apply(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    faults = [
        {"tool": "utilities.ask_operator", "kind": "error", "first_n": 1, "message": "busy"},
    ]
    h = _plan(runs, "flt", CLARIFICATION, faults)
    q = {"question": "Which chiller?"}
    first = c.post(PATH, json=q, headers=h)
    assert first.status_code == 503 and first.json()["code"] == "tool_unavailable"
    assert c.post(PATH, json=q, headers=h).json()["answer"] == "I meant Chiller 9."
    log = _log(runs, "flt")
    assert [(r.status, r.injected_fault, r.clarification) for r in log] == [
        ("error", "error", None),
        ("ok", None, "specific"),
    ]

    h = _plan(runs, "emp", CLARIFICATION, [{"tool": "utilities.ask_operator", "kind": "empty"}])
    assert c.post(PATH, json=q, headers=h).json() == {"answer": "", "clarified": False}
    h = _plan(
        runs,
        "warn",
        CLARIFICATION,
        [{"tool": "utilities.ask_operator", "kind": "warning", "message": "noisy line"}],
    )
    warned = c.post(PATH, json=q, headers=h).json()
    assert warned["answer"] == "I meant Chiller 9." and warned["warning"] == "noisy line"
    (emp,) = _log(runs, "emp")
    (warn,) = _log(runs, "warn")
    assert (emp.status, emp.clarification) == ("empty", None)  # no answer reached the agent
    assert (warn.status, warn.clarification) == ("warning", "specific")

    h = _plan(runs, "slow", CLARIFICATION, [{"tool": "utilities.ask_operator", "kind": "timeout"}])
    assert c.post(PATH, json=q, headers=h).status_code == 504
    (slow,) = _log(runs, "slow")
    assert (slow.status, slow.clarification) == ("timeout", None)


def test_keyword_matching() -> None:
    assert O.is_specific("Which time window?", ["time window"])
    assert O.is_specific("which time-window", ["time window"])
    assert not O.is_specific("which timewindow", ["time window"])
    assert O.is_specific("CWC04009?", ["cwc04009"])
    assert not O.is_specific("anything", ["", "  "])
    assert O.answer("units?", None) == (O.UNNEEDED_ANSWER, "unneeded")
