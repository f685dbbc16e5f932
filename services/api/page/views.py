"""Payload → view models for the templates.

The page renders exactly what the api's JSON endpoints return (see
docs/api.md); this module only reshapes those payloads for display (labels,
chart inputs, a change signature per row). No ranking, scoring or access
rules live here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from services.api.page import svg

# (json key, full title, short column header, radar label); hallucination is a
# rate (lower is better) in the table and "100 - rate" on the radar so that
# outward is always better.
DIMENSIONS: tuple[tuple[str, str, str, str], ...] = (
    ("task_completion", "Task completion", "Task", "Task"),
    ("retrieval_accuracy", "Retrieval accuracy", "Retrieval", "Retrieval"),
    ("result_verification", "Result verification", "Verification", "Verify"),
    ("sequence_correctness", "Sequence correctness", "Sequence", "Sequence"),
    ("clarity_justification", "Clarity and justification", "Clarity", "Clarity"),
    ("hallucination_rate", "Hallucination rate (lower is better)", "Halluc. rate", "No halluc."),
)
FINAL_STATUSES = frozenset({"finished", "failed", "cancelled"})


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _pick(obj: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
    return None


def signature(*parts: Any) -> str:
    """Short digest of what a row shows; the JS swaps a row only when it changes."""
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def safe_id(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)[:64] or "x"


@dataclass(frozen=True)
class LeaderboardRow:
    key: str
    rank: int | None
    team: str
    submission_id: str
    overall: float | None
    pass_rate: float | None  # 0-100, as the api sends it
    dims: dict[str, float | None]
    deployment_ready: bool
    submitted_at: str
    meter: Markup
    radar: Markup
    sig: str


@dataclass(frozen=True)
class LeaderboardView:
    phase_id: str
    phase_title: str
    track: str
    rows: list[LeaderboardRow]
    total: int
    etag: str | None = None


def _scores(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    nested = entry.get("scores")
    return nested if isinstance(nested, Mapping) else entry


def leaderboard_view(payload: Mapping[str, Any], etag: str | None = None) -> LeaderboardView:
    phase = payload.get("phase")
    phase_id = str(_pick(phase, "id") if isinstance(phase, Mapping) else phase or "")
    phase_title = str(
        (_pick(phase, "title", "name") if isinstance(phase, Mapping) else None)
        or payload.get("phase_title")
        or phase_id
    )
    track = str(payload.get("track") or "")
    rows = []
    for entry in payload.get("entries") or payload.get("items") or []:
        scores = _scores(entry)
        dims = {key: _num(_pick(scores, key)) for key, _, _, _ in DIMENSIONS}
        if dims["hallucination_rate"] is None:
            dims["hallucination_rate"] = _num(_pick(scores, "hallucination"))
        overall = _num(_pick(entry, "overall") or _pick(scores, "overall"))
        team = entry.get("team")
        team_label = str(
            _pick(entry, "team_display_name")
            or (_pick(team, "display_name", "name") if isinstance(team, Mapping) else team)
            or "?"
        )
        team_key = str(
            (_pick(team, "id", "name") if isinstance(team, Mapping) else team) or team_label
        )
        sub_id = str(_pick(entry, "submission_id", "id") or "")
        ready = bool(
            _pick(entry, "deployment_ready")
            if "deployment_ready" in entry
            else (overall or 0) >= svg.DEPLOYMENT_READY
        )
        axes = [
            svg.Axis(
                radar_label,
                None
                if dims[key] is None
                else (100 - dims[key] if key == "hallucination_rate" else dims[key]),
            )
            for key, _, _, radar_label in DIMENSIONS
        ]
        chart_id = "radar-" + safe_id(team_key)
        pass_rate = _num(_pick(entry, "pass_rate") or _pick(scores, "pass_rate"))
        rows.append(
            LeaderboardRow(
                key=team_key,
                rank=_pick(entry, "rank"),
                team=team_label,
                submission_id=sub_id,
                overall=overall,
                pass_rate=pass_rate,
                dims=dims,
                deployment_ready=ready,
                submitted_at=str(_pick(entry, "submitted_at", "created_at", "finished_at") or ""),
                meter=svg.score_meter(overall),
                radar=svg.radar(axes, title=f"{team_label}: six dimensions", chart_id=chart_id),
                # rank excluded: moving down because another team improved is
                # not a change of this team's numbers
                sig=signature({k: v for k, v in entry.items() if k != "rank"}),
            )
        )
    total = int(_pick(payload, "total", "count") or len(rows))
    return LeaderboardView(phase_id, phase_title, track, rows, total, etag)


@dataclass(frozen=True)
class ClusterView:
    chart: Markup
    legend: list[tuple[str, str]]  # (category, colour)
    total: int
    count: int


def cluster_bars(clusters: Sequence[Mapping[str, Any]], *, limit: int = 12) -> list[svg.ShareBar]:
    bars = []
    for c in clusters:
        share = _num(_pick(c, "share"))
        count = int(_num(_pick(c, "count", "total_count")) or 0)
        bars.append(
            svg.ShareBar(
                label=str(_pick(c, "label", "cluster_id", "id") or "?"),
                share=share if share is not None else 0.0,
                count=count,
                category=_pick(c, "category", "code", "taxonomy"),
                emerging=str(_pick(c, "catalog_status", "status") or "") == "emerging"
                or bool(c.get("emerging")),
            )
        )
    if bars and all(b.share == 0 for b in bars):  # catalog rows carry counts only
        total = sum(b.count for b in bars) or 1
        bars = [
            svg.ShareBar(b.label, b.count / total, b.count, b.category, b.emerging) for b in bars
        ]
    bars.sort(key=lambda b: (-b.share, b.label))
    return bars[:limit]


def cluster_view(
    clusters: Sequence[Mapping[str, Any]], *, title: str, chart_id: str
) -> ClusterView | None:
    bars = cluster_bars(clusters)
    if not bars:
        return None
    legend: dict[str, str] = {}
    for b in bars:
        legend.setdefault(
            (b.category or "other").replace("_", " "), svg.taxonomy_colour(b.category)
        )
    return ClusterView(
        chart=svg.share_bars(bars, title=title, chart_id=chart_id),
        legend=sorted(legend.items()),
        total=sum(b.count for b in bars),
        count=len(bars),
    )


@dataclass
class SubmissionView:
    id: str
    short_id: str
    track: str
    phase: str
    status: str
    progress: float  # 0-1
    overall: float | None
    pass_rate: float | None
    created_at: str
    reason: str
    failures: ClusterView | None = None
    sig: str = ""
    active: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def submission_view(item: Mapping[str, Any]) -> SubmissionView:
    scores = item.get("scores") if isinstance(item.get("scores"), Mapping) else {}
    sub_id = str(_pick(item, "id", "submission_id") or "")
    status = str(item.get("status") or "unknown")
    failure = item.get("failure") if isinstance(item.get("failure"), Mapping) else {}
    reason = " — ".join(
        str(x)
        for x in (
            _pick(failure or {}, "code") or item.get("failure_code"),
            _pick(failure or {}, "message") or item.get("failure_message"),
        )
        if x
    )
    phase = item.get("phase")
    return SubmissionView(
        id=sub_id,
        short_id=sub_id[:8],
        track=str(item.get("track") or ""),
        phase=str(
            (_pick(phase, "title", "id") if isinstance(phase, Mapping) else phase)
            or item.get("phase_id")
            or ""
        ),
        status=status,
        progress=max(0.0, min(1.0, _num(item.get("progress")) or 0.0)),
        overall=_num(_pick(item, "overall") or _pick(scores or {}, "overall")),
        pass_rate=_num(_pick(item, "pass_rate") or _pick(scores or {}, "pass_rate")),
        created_at=str(item.get("created_at") or "")[:19].replace("T", " "),
        reason=reason,
        sig=signature(item),
        active=status not in FINAL_STATUSES,
    )
