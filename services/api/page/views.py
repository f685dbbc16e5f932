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


def signature(*parts: Any) -> str:
    """Short digest of what a row shows; the JS swaps a row only when it changes."""
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def safe_id(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)[:64] or "x"


@dataclass(frozen=True)
class LeaderboardRow:
    key: str
    rank: int
    team: str
    submission_id: str
    overall: float | None
    pass_rate: float | None  # 0-100, as the api sends it
    dims: dict[str, float | None]
    deployment_ready: bool
    meter: Markup
    radar: Markup
    sig: str
    # issue 18: statistically tied with the row above (shares its rank), the
    # 95 % interval of overall, k, and the cost
    tied: bool = False
    ci: tuple[float, float] | None = None
    attempts: int = 1
    tokens: int | None = None
    wall_seconds: float | None = None


@dataclass(frozen=True)
class LeaderboardView:
    phase_id: str
    phase_title: str
    track: str
    rows: list[LeaderboardRow]
    total: int
    etag: str | None = None
    pack_line: str = ""  # which scenario pack the phase is scored on


def pack_line(phase: Mapping[str, Any]) -> str:
    pack = phase.get("scenario_pack")
    if not isinstance(pack, Mapping):
        return ""
    line = f"Scenario pack: {pack.get('name')} {pack.get('version')}"
    if pack.get("public"):
        return line + " (the public pack: participants can see it)"
    return line + " (hidden)"


def interval(value: Any) -> tuple[float, float] | None:
    """An api interval ``{"low": .., "high": ..}`` as a pair (None if absent)."""
    if not isinstance(value, Mapping):
        return None
    low, high = _num(value.get("low")), _num(value.get("high"))
    return None if low is None or high is None else (low, high)


def radar_axes(
    dims: Mapping[str, float | None], intervals: Mapping[str, Any] | None = None
) -> list[svg.Axis]:
    """Outward is better on every axis: hallucination is drawn as 100 - rate
    (and its interval flipped with it)."""
    axes = []
    for key, _, _, radar_label in DIMENSIONS:
        value = dims[key]
        ci = interval((intervals or {}).get(key))
        if key == "hallucination_rate":
            value = None if value is None else 100.0 - value
            ci = None if ci is None else (100.0 - ci[1], 100.0 - ci[0])
        low, high = ci if ci is not None else (None, None)
        axes.append(svg.Axis(radar_label, value, low, high))
    return axes


def leaderboard_view(payload: Mapping[str, Any], etag: str | None = None) -> LeaderboardView:
    """``GET /api/v1/leaderboard`` (docs/api.md) → rows with charts."""
    phase = payload["phase"]
    rows = []
    for entry in payload["entries"]:
        dims = {key: _num(entry.get(key)) for key, _, _, _ in DIMENSIONS}
        overall = _num(entry.get("overall"))
        low, high = _num(entry.get("overall_ci_low")), _num(entry.get("overall_ci_high"))
        ci = None if low is None or high is None else (low, high)
        team_label = str(entry.get("team_display_name") or entry["team"])
        rows.append(
            LeaderboardRow(
                key=str(entry["team"]),
                rank=int(entry["rank"]),
                team=team_label,
                submission_id=str(entry["submission_id"]),
                overall=overall,
                pass_rate=_num(entry.get("pass_rate")),
                dims=dims,
                deployment_ready=bool(entry.get("deployment_ready")),
                meter=svg.score_meter(overall, ci=ci),
                radar=svg.radar(
                    radar_axes(dims, entry.get("intervals")),
                    title=f"{team_label}: six dimensions",
                    chart_id="radar-" + safe_id(str(entry["team"])),
                ),
                # rank excluded: moving down because another team improved is
                # not a change of this team's numbers
                sig=signature(
                    {k: v for k, v in entry.items() if k not in ("rank", "position", "tied")}
                ),
                tied=bool(entry.get("tied")),
                ci=ci,
                attempts=int(entry.get("attempts") or 1),
                tokens=None if entry.get("tokens") is None else int(entry["tokens"]),
                wall_seconds=_num(entry.get("wall_seconds")),
            )
        )
    return LeaderboardView(
        phase_id=str(phase["id"]),
        phase_title=str(phase["title"]),
        track=str(payload["track"]),
        rows=rows,
        total=int(payload.get("total", len(rows))),
        etag=etag,
        pack_line=pack_line(phase),
    )


@dataclass(frozen=True)
class ClusterAdvice:
    """One cluster in a participant's words (title and check come from the
    api: evaluator/data/failure_guide.yaml)."""

    title: str
    check: str
    share: float  # 0-1
    count: int


@dataclass(frozen=True)
class ClusterView:
    chart: Markup
    legend: list[tuple[str, str]]  # (category, colour)
    total: int
    count: int
    advice: list[ClusterAdvice] = field(default_factory=list)


def cluster_advice(clusters: Sequence[Mapping[str, Any]], limit: int = 12) -> list[ClusterAdvice]:
    """``GET /api/v1/submissions/{id}/failures`` clusters, largest first."""
    out = [
        ClusterAdvice(
            title=str(c.get("title") or c.get("label") or ""),
            check=str(c.get("check") or ""),
            share=float(c.get("share") or 0.0),
            count=int(c.get("count") or 0),
        )
        for c in clusters
    ]
    return sorted(out, key=lambda a: (-a.share, a.title))[:limit]


def catalog_bars(items: Sequence[Mapping[str, Any]]) -> list[svg.ShareBar]:
    """``GET /api/v1/failures/catalog`` items: shares of all statements seen."""
    total = sum(int(i.get("total_count") or 0) for i in items) or 1
    return [
        svg.ShareBar(
            label=str(i["label"]),
            share=int(i.get("total_count") or 0) / total,
            count=int(i.get("total_count") or 0),
            category=i.get("category"),
            emerging=i.get("status") == "emerging",
        )
        for i in items
    ]


def summary_bars(clusters: Sequence[Mapping[str, Any]]) -> list[svg.ShareBar]:
    """``GET /api/v1/submissions/{id}/failures`` clusters (share computed by the api)."""
    return [
        svg.ShareBar(
            label=str(c.get("title") or c["label"]),
            share=float(c.get("share") or 0.0),
            count=int(c.get("count") or 0),
            category=c.get("category"),
            emerging=c.get("catalog_status") == "emerging",
        )
        for c in clusters
    ]


def cluster_view(
    bars: Sequence[svg.ShareBar],
    *,
    title: str,
    chart_id: str,
    limit: int = 12,
    advice: Sequence[ClusterAdvice] = (),
) -> ClusterView | None:
    """Biggest clusters first; the legend names each taxonomy category shown."""
    shown = sorted(bars, key=lambda b: (-b.share, b.label))[:limit]
    if not shown:
        return None
    legend = {(b.category or "Other"): svg.taxonomy_colour(b.category) for b in shown}
    return ClusterView(
        chart=svg.share_bars(shown, title=title, chart_id=chart_id),
        legend=sorted(legend.items()),
        total=sum(b.count for b in bars),
        count=len(bars),
        advice=list(advice),
    )


@dataclass
class SubmissionView:
    id: str
    short_id: str
    track: str
    status: str
    progress: float  # 0-1
    overall: float | None
    pass_rate: float | None  # 0-100
    created_at: str
    reason: str
    sig: str
    active: bool
    failures: ClusterView | None = None
    ci: tuple[float, float] | None = None  # 95 % interval of overall
    attempts: int = 1
    has_record: bool = False  # the reproducibility record can be downloaded


def submission_view(item: Mapping[str, Any]) -> SubmissionView:
    """One ``SubmissionOut`` (docs/api.md) for the team table."""
    scores = item.get("scores") or {}
    failure = item.get("failure") or {}
    sub_id = str(item["id"])
    status = str(item["status"])
    return SubmissionView(
        id=sub_id,
        short_id=sub_id[:8],
        track=str(item.get("track") or ""),
        status=status,
        progress=max(0.0, min(1.0, _num(item.get("progress")) or 0.0)),
        overall=_num(scores.get("overall")),
        pass_rate=_num(scores.get("pass_rate")),
        created_at=str(item.get("created_at") or "")[:19].replace("T", " "),
        reason=" — ".join(str(x) for x in (failure.get("code"), failure.get("message")) if x),
        sig=signature(item),
        active=status not in FINAL_STATUSES,
        ci=interval((scores.get("intervals") or {}).get("overall")),
        attempts=int(scores.get("attempts") or 1),
        has_record=bool(scores.get("record")),
    )
