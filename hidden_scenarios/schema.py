"""Scenario schema: a concrete scenario with its machine-checkable
expectation. Shared by the scenario loader, the runner (which hands only
``text``/``track``/``output_format`` to agents) and the evaluator.

Ground truth (``expectation``) is computed by templates from the simulated
plant, never typed in by hand.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.agent import OutputFormat, ToolFamily, Track
from contracts.toollog import Clarification, FaultSpec

ScenarioFamily = Literal["iot", "fmsr", "tsfm", "wo", "multi"]
TaskType = Literal[
    "anomaly_detection",
    "failure_mode_reasoning",
    "kpi_forecasting",
    "work_order",  # summarization / prioritization
    "data_retrieval",
    "knowledge",
]
Category = Literal["knowledge", "data", "inference", "tuning", "anomaly_detection", "complex"]

CANARY_RE = re.compile(r"CANARY-[0-9a-f]{16}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- answer checks (discriminated by ``kind``) ----------------------------
class NumberCheck(_Strict):
    kind: Literal["number"] = "number"
    value: float
    rel_tol: float = 0.02
    abs_tol: float = 0.0
    unit: str | None = None


class IdSetCheck(_Strict):
    """Answer must name a set of ids (work orders, failure-mode codes, sensor
    names, timestamps...). Scored by F1; ``pass_f1`` is the completion line."""

    kind: Literal["ids"] = "ids"
    ids: list[str]
    pass_f1: float = 1.0
    ordered: bool = False  # e.g. prioritisation: order matters too


class FactsCheck(_Strict):
    """Each required fact is a list of acceptable alternatives (any one
    satisfies it, case-insensitive); forbidden strings must not appear."""

    kind: Literal["facts"] = "facts"
    required: list[list[str]]
    forbidden: list[str] = Field(default_factory=list)
    min_fraction: float = 1.0


class JsonFieldsCheck(_Strict):
    """Answer is a JSON object; each field is compared (numbers within
    tolerance, strings case-insensitive, lists as sets)."""

    kind: Literal["json"] = "json"
    fields: dict[str, Any]
    rel_tol: float = 0.02
    abs_tol: float = 0.0


class InsufficientCheck(_Strict):
    """The evidence cannot support an answer: the right answer says so
    (an abstention phrase), names why (one of ``causes``) and where (one of
    ``where``: the affected sensor or a time inside the affected window),
    and states no value near ``decoys`` (what a confident answer computed
    from the remaining data would say). Passes only together with the
    required retrievals: knowing *why* takes looking (evaluator/scoring.py)."""

    kind: Literal["insufficient"] = "insufficient"
    causes: list[str] = Field(min_length=1)
    where: list[str] = Field(min_length=1)
    decoys: list[float] = Field(default_factory=list)
    # Causes of other situations: naming one is no diagnosis (an answer that
    # lists every possible cause names none of them).
    wrong_causes: list[str] = Field(default_factory=list)
    rel_tol: float = 0.02


class ClarifyCheck(_Strict):
    """Ambiguous task: the right answer asks back instead of committing.
    ``options`` are the candidates a good clarifying question names."""

    kind: Literal["clarify"] = "clarify"
    options: list[str]


AnswerCheck = Annotated[
    NumberCheck | IdSetCheck | FactsCheck | JsonFieldsCheck | ClarifyCheck | InsufficientCheck,
    Field(discriminator="kind"),
]


class RequiredRetrieval(_Strict):
    """A tool call the ideal agent must make. ``arguments`` lists only the
    key arguments; string values compare case-insensitively, and a
    ``start``/``final`` (or ``date_from``/``date_to``) window matches when
    the actual call's window covers it."""

    tool: str  # qualified, e.g. "iot.history"
    arguments: dict[str, Any] = Field(default_factory=dict)


class ReferenceStep(_Strict):
    agent: ToolFamily
    tool: str  # unqualified, as in contracts.agent.PlanStep
    arguments: dict[str, Any] = Field(default_factory=dict)


WriteKind = Literal["create", "update", "assign", "approve", "close", "cancel"]


class ExpectedWrite(_Strict):
    """One work-order write the task calls for; the given fields must match
    the order's state after the write (ToolCallRecord.written)."""

    action: WriteKind
    wonum: str | None = None  # an existing order (update/approve/close/...)
    fields: dict[str, Any] = Field(default_factory=dict)  # equipment_id, priority, ...


class ActionExpectation(_Strict):
    """The state a task should leave behind. ``writes`` empty: the right
    outcome is no write at all. Any write before every required retrieval
    is done is a premature action; a write the task did not ask for fails."""

    writes: list[ExpectedWrite] = Field(default_factory=list)


class Expectation(_Strict):
    check: AnswerCheck
    required_retrievals: list[RequiredRetrieval] = Field(default_factory=list)
    family_order: list[ToolFamily] = Field(default_factory=list)  # dependency order
    reference_plan: list[ReferenceStep] = Field(default_factory=list)
    # Ids/values a well-justified answer cites as evidence (clarity dimension).
    evidence: list[str] = Field(default_factory=list)
    # State-changing tasks (issue 17): the writes the task calls for.
    action: ActionExpectation | None = None


class Scenario(_Strict):
    id: str  # stable within a set, e.g. "hid-0042"
    template: str  # the pack's template id that produced it
    kind: str | None = None  # its ground-truth kind (None: the template id)
    family: ScenarioFamily
    task_type: TaskType
    category: Category
    tracks: list[Track] = Field(min_length=1)
    output_format: OutputFormat
    output_hint: str = ""
    text: str  # the task as the agent sees it (contains the canary)
    ambiguous: bool = False
    faults: list[FaultSpec] = Field(default_factory=list)
    # What the operator meant (never shown to the agent; utilities.ask_operator
    # answers from it): the task is solved only by asking, then finishing it.
    clarification: Clarification | None = None
    expectation: Expectation
    canary: str
    params: dict[str, Any] = Field(default_factory=dict)  # template parameters

    @field_validator("canary")
    @classmethod
    def _canary_format(cls, v: str) -> str:
        if not CANARY_RE.fullmatch(v):
            raise ValueError("canary must be 'CANARY-' followed by 16 lowercase hex digits")
        return v
