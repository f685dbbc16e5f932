"""Rich renderings of api payloads for humans (``--json`` bypasses these)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

DEPLOYMENT_READY = 85.0

# The six dimensions in display order, with short column headers.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("task_completion", "Task"),
    ("retrieval_accuracy", "Retr"),
    ("result_verification", "Verif"),
    ("sequence_correctness", "Seq"),
    ("clarity_justification", "Clar"),
    ("hallucination", "Hall↓"),
)

STATUS_STYLE = {
    "finished": "green",
    "failed": "red",
    "cancelled": "red",
    "running": "cyan",
    "scoring": "cyan",
    "validating": "cyan",
    "queued": "yellow",
    "submitted": "yellow",
}
FINAL_STATUSES = frozenset({"finished", "failed", "cancelled"})


def fmt_num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def fmt_pct(value: Any) -> str:
    """A 0-1 share as a percentage."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.0f}%"


def status_text(status: str | None) -> Text:
    status = status or "unknown"
    return Text(status, style=STATUS_STYLE.get(status, "white"))


def overall_text(value: Any) -> Text:
    if value is None:
        return Text("–")
    style = "bold green" if float(value) >= DEPLOYMENT_READY else "bold"
    return Text(fmt_num(value), style=style)


def dimension_value(scores: Mapping[str, Any] | None, key: str) -> Any:
    if not scores:
        return None
    return scores.get(key)


def leaderboard_table(payload: Mapping[str, Any]) -> Table:
    entries: Sequence[Mapping[str, Any]] = payload.get("entries") or []
    title = (
        f"Leaderboard — phase {payload.get('phase') or '?'} · track {payload.get('track') or '?'}"
    )
    table = Table(title=title, caption=f"overall ≥ {DEPLOYMENT_READY:.0f} = deployment-ready")
    table.add_column("#", justify="right")
    table.add_column("Team")
    table.add_column("Overall", justify="right")
    table.add_column("Pass", justify="right")
    for _, header in DIMENSIONS:
        table.add_column(header, justify="right")
    table.add_column("Submission", justify="right")
    for entry in entries:
        scores = entry.get("scores") or {}
        table.add_row(
            str(entry.get("rank", "")),
            str(entry.get("team") or entry.get("team_name") or "?"),
            overall_text(entry.get("overall")),
            fmt_pct(entry.get("pass_rate")),
            *[fmt_num(dimension_value(scores, key)) for key, _ in DIMENSIONS],
            str(entry.get("submission_id", "")),
        )
    return table


def submissions_table(items: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Your submissions")
    for name, justify in (
        ("ID", "right"),
        ("Track", "left"),
        ("Phase", "left"),
        ("Status", "left"),
        ("Progress", "right"),
        ("Overall", "right"),
        ("Created", "left"),
        ("Reason", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for item in items:
        table.add_row(
            str(item.get("id")),
            str(item.get("track") or ""),
            str(item.get("phase") or ""),
            status_text(item.get("status")),
            fmt_pct(item.get("progress")),
            overall_text(item.get("overall")),
            str(item.get("created_at") or "")[:19],
            str(item.get("failure_message") or item.get("failure_code") or ""),
        )
    return table


def submission_panel(console: Console, item: Mapping[str, Any]) -> None:
    console.print(
        Text.assemble(
            ("Submission ", "bold"),
            (str(item.get("id")), "bold"),
            "  ",
            status_text(item.get("status")),
            f"  track {item.get('track')}  phase {item.get('phase')}",
        )
    )
    if item.get("failure_code") or item.get("failure_message"):
        console.print(
            Text(
                f"reason: {item.get('failure_code') or ''} {item.get('failure_message') or ''}",
                style="red",
            )
        )
    scores = item.get("scores")
    if scores:
        table = Table(show_header=True)
        table.add_column("Overall", justify="right")
        table.add_column("Pass", justify="right")
        for _, header in DIMENSIONS:
            table.add_column(header, justify="right")
        table.add_row(
            overall_text(item.get("overall")),
            fmt_pct(item.get("pass_rate")),
            *[fmt_num(scores.get(key)) for key, _ in DIMENSIONS],
        )
        console.print(table)


def failures_table(payload: Mapping[str, Any]) -> Table:
    clusters: Sequence[Mapping[str, Any]] = payload.get("clusters") or []
    table = Table(title=f"Failure summary — submission {payload.get('submission_id', '?')}")
    table.add_column("Share", justify="right")
    table.add_column("Count", justify="right")
    table.add_column("Category")
    table.add_column("Cluster")
    for cluster in clusters:
        label = str(cluster.get("label") or cluster.get("cluster_id"))
        if cluster.get("emerging"):
            label += " (emerging)"
        table.add_row(
            fmt_pct(cluster.get("share")),
            str(cluster.get("count", "")),
            str(cluster.get("category") or ""),
            label,
        )
    return table
