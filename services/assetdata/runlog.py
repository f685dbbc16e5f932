"""Evaluation mode: per-run tokens, fault plans and the authoritative
tool-call log, shared by the REST routes and the MCP servers.

Layout under ``runs_dir``:
- ``plans/<token>.json``: a ``contracts.toollog.RunPlan`` written by the
  worker; read the first time the token is seen (so plans may be added while
  the service runs). A token without a plan file is unknown (401).
- ``logs/<token>.jsonl``: one ``ToolCallRecord`` per call, appended.

``execute`` runs one tool call through the whole pipeline (fault plan, the
shared tool implementation, record) and returns an ``Outcome`` the transport
turns into an HTTP response or an MCP result. Without a registry (open mode)
nothing is logged and no faults apply.

Upstream calls (issue 20): a call with AssetOpsBench's current tool names
or argument names (``services.assetdata.upstream``) is translated first; the
canonical tool runs, the record carries the canonical tool and arguments (so
it scores as the canonical call) and the reply is shaped as upstream.

Run-scoped tools (issue 17): ``utilities.ask_operator`` answers from the
plan's ``clarification`` (none in open mode) and the record says how
(``clarification``: specific | vague | unneeded, set when an answer was
delivered); the work-order write tools write into the run's overlay in the
``WriteStore`` (keyed by the run token; in open mode by the ``X-Run-Token``
header if one is sent, else one shared key) and the record carries the order
as written (``written``). An injected error or timeout stops the call before
the tool runs, so a faulted write writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from contracts import tools as T
from contracts.toollog import MAX_ENTITIES, MAX_VALUES, FaultSpec, RunPlan, ToolCallRecord
from services.assetdata import library as L
from services.assetdata import upstream
from services.assetdata.plant import Plant
from services.assetdata.tools import (
    CallContext,
    ToolError,
    call_tool,
    canonical_tool,
    empty_like,
)
from services.assetdata.workorder_writes import WriteStore

TOKEN_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
DEFAULT_WARNING = "Data quality warning: some readings in this result may be stale or estimated."
DEFAULT_ERROR = "The tool is temporarily unavailable; retry later."
TIMEOUT_MESSAGE = "The tool did not answer in time."
# Keys whose values are free text, not entities.
TEXT_KEYS = {
    "description",
    "message",
    "note",
    "detail",
    "title",
    "type",
    "warning",
    "indicator_description",
    "failure_code_description",
    "answer",
    "question",
    "assignee",
    "resolution_notes",
    "cancel_reason",
    "reason",
    "ignored_arguments",  # upstream arguments accepted and ignored (issue 20)
    "next_cursor",  # an opaque paging token
}
# Free-text arguments of the ask-operator and work-order write tools: the log
# keeps at most this many characters of each.
CAPPED_TEXT_ARGS = {
    "question": T.MAX_QUESTION_CHARS,
    "description": T.MAX_DESCRIPTION_CHARS,
    "resolution_notes": T.MAX_NOTE_CHARS,
    "reason": T.MAX_NOTE_CHARS,
    "assignee": T.MAX_ASSIGNEE_CHARS,
}
SLOW_TOOLS = {"tsfm.run_tsfm_forecasting", "tsfm.run_tsad", "utilities.json_reader"}


# The tool-log line that ends a run's log when the run exhausted a bound (read
# by worker.sandbox.results, which holds the same key): the run fails.
LIMIT_KEY = "limit_exceeded"


@dataclass(frozen=True)
class Limits:
    """What one run can make the sidecar hold (``ARENA_SIDECAR_MAX_*``)."""

    max_body_bytes: int = 2 * 1024**2  # one request body (LLM relay); tool bodies: see below
    max_argument_bytes: int = 64 * 1024  # one tool call's arguments, as JSON
    max_log_entries: int = 2000  # logged tool calls per run
    max_log_bytes: int = 4 * 1024**2  # tool-log bytes per run

    @property
    def max_tool_body_bytes(self) -> int:
        """A REST or MCP request body: the arguments plus a JSON-RPC envelope."""
        return min(self.max_body_bytes, self.max_argument_bytes + 8 * 1024)

    @classmethod
    def from_settings(cls) -> Limits:
        """The ``ARENA_SIDECAR_MAX_*`` settings. The worker passes all four
        to its sidecars as plain integers: read directly then, without
        importing the settings machinery at start-up (issue 22)."""
        names = ("BODY_BYTES", "ARGUMENT_BYTES", "LOG_ENTRIES", "LOG_BYTES")
        given = [os.environ.get(f"ARENA_SIDECAR_MAX_{n}", "") for n in names]
        if all(v.isascii() and v.isdigit() for v in given):
            body, argument, entries, log_bytes = (int(v) for v in given)
            return cls(body, argument, entries, log_bytes)
        from services.settings import Settings

        s = Settings()
        return cls(
            max_body_bytes=s.sidecar_max_body_bytes,
            max_argument_bytes=s.sidecar_max_argument_bytes,
            max_log_entries=s.sidecar_max_log_entries,
            max_log_bytes=s.sidecar_max_log_bytes,
        )


@dataclass
class RunState:
    plan: RunPlan
    log_path: Path
    limits: Limits = field(default_factory=Limits)
    seq: int = 0
    calls_per_tool: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: int = 0  # lines written to the log
    log_bytes: int = 0
    exhausted: str | None = None  # why the run's log is closed (a bound was exceeded)

    def next_call(self, tool: str) -> tuple[int, FaultSpec | None]:
        with self.lock:
            seq = self.seq
            self.seq += 1
            n = self.calls_per_tool.get(tool, 0) + 1
            self.calls_per_tool[tool] = n
        for f in self.plan.faults:
            if _fault_tool(f.tool) == tool and n <= f.first_n:
                return seq, f
        return seq, None

    def append(self, record: ToolCallRecord) -> bool:
        """Log ``record`` unless that would exceed the run's bounds; the first
        record past a bound closes the log with one ``LIMIT_KEY`` line instead
        (the run then fails). False when the record was not written."""
        data = (record.model_dump_json() + "\n").encode()
        limits = self.limits
        with self.lock:
            if self.exhausted is not None:
                return False
            if self.entries + 1 > limits.max_log_entries:
                kind = "log_entries"
                self.exhausted = f"more than {limits.max_log_entries} tool calls in one run"
            elif self.log_bytes + len(data) > limits.max_log_bytes:
                kind = "log_bytes"
                self.exhausted = f"tool log over {limits.max_log_bytes} bytes in one run"
            else:
                with self.log_path.open("ab") as fh:
                    fh.write(data)
                self.entries += 1
                self.log_bytes += len(data)
                return True
            marker = {
                LIMIT_KEY: kind,
                "detail": self.exhausted,
                "entries": self.entries,
                "bytes": self.log_bytes,
            }
            with self.log_path.open("ab") as fh:
                fh.write((json.dumps(marker) + "\n").encode())
            return False


def _fault_tool(name: str) -> str:
    try:
        return canonical_tool(name)
    except ToolError:
        return name


class RunRegistry:
    """Tokens -> RunState, created lazily from ``plans/<token>.json``."""

    def __init__(self, runs_dir: Path, timeout_delay: float = 1.0, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.runs_dir = Path(runs_dir)
        self.plans_dir = self.runs_dir / "plans"
        self.logs_dir = self.runs_dir / "logs"
        for directory in (self.plans_dir, self.logs_dir):
            # a sandbox sidecar: /runs is the engine's (root's) volume and the
            # worker writes both directories with the plans, right after the
            # start, before any agent runs (worker.sandbox.sidecar.seed)
            with contextlib.suppress(PermissionError):
                directory.mkdir(parents=True, exist_ok=True)
        self.timeout_delay = timeout_delay
        self._runs: dict[str, RunState] = {}
        self._lock = threading.Lock()

    def get(self, token: str | None) -> RunState | None:
        if not token or not TOKEN_RE.fullmatch(token):
            return None
        with self._lock:
            state = self._runs.get(token)
            if state is not None:
                return state
            path = self.plans_dir / f"{token}.json"
            try:
                plan = RunPlan.model_validate_json(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if plan.run_token != token:
                return None
            state = RunState(plan, self.logs_dir / f"{token}.jsonl", self.limits)
            self._runs[token] = state
            return state


# ---- reduction of results for the evaluator --------------------------------------------
def _walk(obj: Any, key: str | None, entities: dict[str, None], values: dict[float, None]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            # data-carrying keys (sensor names, failure-mode names) are entities;
            # snake_case structural keys are not
            if isinstance(k, str) and (" " in k or any(c.isupper() for c in k)):
                _add_entity(k, entities)
            _walk(v, k, entities, values)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, key, entities, values)
    elif isinstance(obj, bool) or obj is None:
        return
    elif isinstance(obj, int | float):
        if math.isfinite(obj) and len(values) < MAX_VALUES:
            values.setdefault(float(obj), None)
    elif isinstance(obj, str) and key not in TEXT_KEYS:
        _add_entity(obj, entities)


def _add_entity(s: str, entities: dict[str, None]) -> None:
    if 0 < len(s) <= 120 and len(entities) < MAX_ENTITIES:
        entities.setdefault(s, None)


MAIN_LISTS = (
    "observations",
    "rows",
    "workorders",
    "events",
    "rules",
    "failure_modes",
    "pairs",
    "results",
    "assets",
    "sensors",
    "sites",
    "distribution",
    "tasks",
    "models",
)


def reduce_result(result: Any) -> tuple[list[str], list[float], int]:
    entities: dict[str, None] = {}
    values: dict[float, None] = {}
    _walk(result, None, entities, values)
    count = 0
    if isinstance(result, dict):
        lists = [result[k] for k in MAIN_LISTS if isinstance(result.get(k), list)]
        count = len(lists[0]) if lists else (1 if result else 0)
    return list(entities), list(values), count


# ---- one call -----------------------------------------------------------------------------
def argument_bytes(args: Any) -> int:
    """Size of a call's arguments as compact JSON (what the log would store)."""
    try:
        return len(json.dumps(args, separators=(",", ":"), default=str).encode())
    except (TypeError, ValueError, RecursionError):
        return len(str(args).encode())


@dataclass
class Outcome:
    http_status: int
    body: dict
    error: ToolError | None = None


def _logged_args(args: Any) -> dict:
    if not isinstance(args, dict):
        return {"_raw": str(args)[:1000]}
    out = dict(args)
    for key, cap in CAPPED_TEXT_ARGS.items():
        v = out.get(key)
        if isinstance(v, str) and len(v) > cap:
            out[key] = v[:cap]
            out["_truncated"] = True
    return out


def run_key(state: RunState | None, token: str | None) -> str:
    """The key of the run's work-order overlay: its token in evaluation mode; in
    open mode the ``X-Run-Token`` sent (if well-formed), else ``""``."""
    if state is not None:
        return state.plan.run_token
    return token if token and TOKEN_RE.fullmatch(token) else ""


async def execute(
    plant: Plant,
    registry: RunRegistry | None,
    state: RunState | None,
    name: str,
    args: Any,
    *,
    writes: WriteStore | None = None,
    token: str | None = None,
) -> Outcome:
    """Run a tool call with fault plan and logging (``state`` is None in open
    mode). ``writes``: the service's work-order overlays (None: a write
    applies to a throwaway overlay); ``token``: the X-Run-Token header."""
    t0 = time.perf_counter()
    if state is not None and state.exhausted is not None:
        return _closed(state)  # over its bounds (and failed): nothing more runs or is logged
    limits = state.limits if state is not None else (registry.limits if registry else Limits())
    size = argument_bytes(args)
    if size > limits.max_argument_bytes:
        exc = ToolError(
            413,
            "arguments_too_large",
            f"The call's arguments are {size} bytes of JSON; at most "
            f"{limits.max_argument_bytes} are accepted.",
        )
        args = {"_truncated": True, "_bytes": size}  # never stored whole
        out = Outcome(413, exc.to_problem(), exc)
        return _finish(state, _fault_tool(name), args, t0, out, None)
    # Upstream names and argument shapes (issue 20): run and log the canonical
    # call they stand for; the reply is shaped as upstream after the tool ran.
    try:
        call = upstream.translate(plant, name, args)
    except upstream.TranslationError as exc:
        err = ToolError(exc.status, exc.code, exc.message, exc.details)
        out = Outcome(err.http_status, err.to_problem(), err)
        return _finish(state, exc.tool, args, t0, out, None)
    except Exception:  # noqa: BLE001 - never worse than the canonical path
        call = upstream.Translation(name, args)
    name, args = call.tool, call.args
    try:
        tool = canonical_tool(name)
    except ToolError as exc:
        tool = name
        return _finish(state, tool, args, t0, Outcome(exc.http_status, exc.to_problem(), exc), None)
    fault: FaultSpec | None = None
    if state is not None:
        seq, fault = state.next_call(tool)
    else:
        seq = 0
    if fault is not None and fault.kind == "error":
        exc = ToolError(503, "tool_unavailable", fault.message or DEFAULT_ERROR)
        return _finish(state, tool, args, t0, Outcome(503, exc.to_problem(), exc), fault, seq)
    if fault is not None and fault.kind == "timeout":
        await asyncio.sleep(registry.timeout_delay if registry else 1.0)
        exc = ToolError(504, "tool_timeout", fault.message or TIMEOUT_MESSAGE)
        return _finish(state, tool, args, t0, Outcome(504, exc.to_problem(), exc), fault, seq)
    ctx = CallContext(
        clarification=state.plan.clarification if state is not None else None,
        store=writes,
        key=run_key(state, token),
    )
    try:
        if tool in SLOW_TOOLS:
            result = await run_in_threadpool(call_tool, plant, tool, args, ctx)
        else:
            result = call_tool(plant, tool, args, ctx)
    except ToolError as exc:
        return _finish(
            state, tool, args, t0, Outcome(exc.http_status, exc.to_problem(), exc), fault, seq
        )
    if call.shape is not None:
        try:
            result = call.shape(result)
        except L.LibraryError as exc:
            err = ToolError(exc.status, exc.code, exc.message, exc.details)
            out = Outcome(err.http_status, err.to_problem(), err)
            return _finish(state, tool, args, t0, out, fault, seq)
    if call.ignored:
        result = {**result, "ignored_arguments": call.ignored}
    if fault is not None and fault.kind == "empty":
        result = empty_like(result, tool)
        ctx.clarification_kind = None  # the agent got no answer
    elif fault is not None and fault.kind == "warning":
        result = {**result, "warning": fault.message or DEFAULT_WARNING}
    return _finish(state, tool, args, t0, Outcome(200, result), fault, seq, ctx)


def _finish(
    state: RunState | None,
    tool: str,
    args: Any,
    t0: float,
    out: Outcome,
    fault: FaultSpec | None,
    seq: int | None = None,
    ctx: CallContext | None = None,
) -> Outcome:
    if state is None:
        return out
    if seq is None:
        seq, _ = state.next_call(tool)
    family = T.family_of(tool)
    if out.error is not None:
        status = "timeout" if out.http_status == 504 and fault is not None else "error"
        entities, values, count = [], [], 0
    else:
        entities, values, count = reduce_result(out.body)
        if fault is not None and fault.kind in ("empty", "warning"):
            status = fault.kind
        else:
            status = "ok" if count > 0 else "empty"
    record = ToolCallRecord(
        seq=seq,
        tool=tool,
        family=family if family in ("iot", "fmsr", "tsfm", "wo", "utilities") else "utilities",
        arguments=_logged_args(args),
        status=status,
        http_status=out.http_status,
        error_code=out.error.code if out.error else None,
        injected_fault=fault.kind if fault else None,
        latency_ms=round((time.perf_counter() - t0) * 1000, 3),
        entities=entities,
        values=values,
        result_count=count,
        clarification=ctx.clarification_kind if ctx is not None else None,
        written=ctx.written if ctx is not None else None,
    )
    if not state.append(record):
        return _closed(state)  # an unlogged result is never handed out
    return out


def _closed(state: RunState) -> Outcome:
    exc = ToolError(429, "run_limit_exceeded", f"This run is closed: {state.exhausted}.")
    return Outcome(429, exc.to_problem(), exc)
