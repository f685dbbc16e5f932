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
    ("hallucination_rate", "Hall↓"),
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


def fmt_rate(value: Any) -> str:
    """A 0-100 rate (pass rate) as a percentage."""
    if value is None:
        return "–"
    return f"{float(value):.0f}%"


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


def fmt_ci(pair: Any) -> str:
    """A 95 % interval: ``{"low": .., "high": ..}`` (or ``[low, high]``) as 'low–high'."""
    if isinstance(pair, Mapping):
        low, high = pair.get("low"), pair.get("high")
    elif isinstance(pair, list | tuple) and len(pair) == 2:
        low, high = pair
    else:
        return "–"
    if low is None or high is None:
        return "–"
    return f"{float(low):.1f}–{float(high):.1f}"


def fmt_count(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def fmt_seconds(value: Any) -> str:
    if value is None:
        return "–"
    v = float(value)
    return f"{v:.0f} s" if v < 120 else f"{v / 60:.1f} min"


def rank_text(entry: Mapping[str, Any]) -> str:
    """'=2' when statistically tied with the entry above (shares its rank)."""
    rank = str(entry.get("rank", ""))
    return f"={rank}" if entry.get("tied") else rank


def dimension_value(scores: Mapping[str, Any] | None, key: str) -> Any:
    if not scores:
        return None
    return scores.get(key)


def leaderboard_table(payload: Mapping[str, Any]) -> Table:
    """The api's board: flat entries with the six dimensions, overall, pass rate."""
    entries: Sequence[Mapping[str, Any]] = payload.get("entries") or []
    phase = payload.get("phase") or {}
    title = (
        f"Leaderboard — {phase.get('title', '?')} (phase {phase.get('id', '?')}) · "
        f"track {payload.get('track') or '?'}"
    )
    attempts = max((int(e.get("attempts") or 1) for e in entries), default=1)
    table = Table(
        title=title,
        caption=f"{payload.get('total', len(entries))} team(s) · pass rate ≥ "
        f"{DEPLOYMENT_READY:.0f} % = deployment-ready · Hall↓ = hallucination rate · "
        "95% CI of overall; =N: statistically tied with the entry above (overlapping CIs)"
        + (f" · means over k = {attempts} attempts" if attempts > 1 else ""),
    )
    table.add_column("#", justify="right")
    table.add_column("Team")
    table.add_column("Overall", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("Pass", justify="right")
    for _, header in DIMENSIONS:
        table.add_column(header, justify="right")
    table.add_column("Tokens", justify="right")
    table.add_column("Wall", justify="right")
    table.add_column("Submission")
    for entry in entries:
        table.add_row(
            rank_text(entry),
            str(entry.get("team_display_name") or entry.get("team") or "?"),
            overall_text(entry.get("overall")),
            fmt_ci([entry.get("overall_ci_low"), entry.get("overall_ci_high")]),
            fmt_rate(entry.get("pass_rate")),
            *[fmt_num(entry.get(key)) for key, _ in DIMENSIONS],
            fmt_count(entry.get("tokens")),
            fmt_seconds(entry.get("wall_seconds")),
            str(entry.get("submission_id", ""))[:8],
        )
    return table


def phases_table(items: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Phases")
    for name in (
        "ID",
        "Title",
        "Open",
        "Tracks",
        "Opens",
        "Closes",
        "Quota/day",
        "Concurrent",
        "Attempts",
    ):
        table.add_column(name)
    for p in items:
        table.add_row(
            str(p.get("id")),
            str(p.get("title")),
            Text("open", style="green") if p.get("is_open") else Text("closed", style="dim"),
            ", ".join(p.get("tracks") or []),
            str(p.get("opens_at") or "")[:16],
            str(p.get("closes_at") or "–")[:16],
            str(p.get("daily_quota")),
            str(p.get("max_concurrent")),
            str(p.get("attempts") or 1),
        )
    return table


def _scores(item: Mapping[str, Any]) -> Mapping[str, Any]:
    scores = item.get("scores")
    return scores if isinstance(scores, Mapping) else {}


def _reason(item: Mapping[str, Any]) -> str:
    failure = item.get("failure")
    if not isinstance(failure, Mapping):
        return ""
    return f"{failure.get('code') or ''}: {failure.get('message') or ''}".strip(": ")


def submissions_table(items: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Your submissions")
    table.add_column("ID", no_wrap=True, min_width=36)  # users copy it: never cut
    for name, justify in (
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
            str(item.get("phase_id") or ""),
            status_text(item.get("status")),
            fmt_pct(item.get("progress")),
            overall_text(_scores(item).get("overall")),
            str(item.get("created_at") or "")[:19].replace("T", " "),
            _reason(item),
        )
    return table


def submission_panel(console: Console, item: Mapping[str, Any]) -> None:
    done, total = item.get("scenarios_done"), item.get("scenarios_total")
    # every run counts: k attempts per scenario, invariance probes, comparisons
    progress = f"  {done}/{total} runs" if total else ""
    console.print(
        Text.assemble(
            ("Submission ", "bold"),
            (str(item.get("id")), "bold"),
            "  ",
            status_text(item.get("status")),
            f"  track {item.get('track')}  phase {item.get('phase_id')}{progress}",
        )
    )
    reason = _reason(item)
    if reason:
        console.print(Text(f"reason: {reason}", style="red"))
    scores = _scores(item)
    if scores:
        table = Table(show_header=True)
        table.add_column("Overall", justify="right")
        table.add_column("Pass", justify="right")
        for _, header in DIMENSIONS:
            table.add_column(header, justify="right")
        table.add_column("Ready")
        table.add_row(
            overall_text(scores.get("overall")),
            fmt_rate(scores.get("pass_rate")),
            *[fmt_num(scores.get(key)) for key, _ in DIMENSIONS],
            Text("yes", style="green") if scores.get("deployment_ready") else Text("no"),
        )
        console.print(table)
        intervals = scores.get("intervals") or {}
        attempts = int(scores.get("attempts") or 1)
        if intervals:
            line = (
                f"95% CI: overall {fmt_ci(intervals.get('overall'))}, "
                f"pass rate {fmt_ci(intervals.get('pass_rate'))}"
            )
            if attempts > 1:
                line += (
                    f"  ·  k = {attempts} attempts: pass^k {fmt_rate(scores.get('pass_hat_k'))}, "
                    f"flipped {fmt_rate(scores.get('flip_rate'))} of scenarios"
                )
            console.print(line, highlight=False)
        console.print(
            f"scenarios {scores.get('scenarios')}  tokens "
            f"{scores.get('prompt_tokens', 0)}+{scores.get('completion_tokens', 0)}"
            f" (all runs {fmt_count(scores.get('tokens'))})  wall "
            f"{fmt_seconds(scores.get('wall_seconds'))}  "
            f"→ `assetops failures {item.get('id')}` for the failure summary",
            highlight=False,
        )
        if scores.get("record"):
            console.print(
                f"→ `assetops record {item.get('id')}` saves how this score was produced",
                highlight=False,
            )


def failures_table(payload: Mapping[str, Any]) -> Table:
    clusters: Sequence[Mapping[str, Any]] = payload.get("clusters") or []
    table = Table(
        title=f"Failure summary — submission {payload.get('submission_id', '?')}",
        caption=f"{payload.get('total_failures', 0)} failure statements, clustered",
    )
    table.add_column("Share", justify="right")
    table.add_column("Count", justify="right")
    table.add_column("What went wrong", overflow="fold")
    table.add_column("What to check in your agent", overflow="fold")
    table.add_column("Code")
    for cluster in clusters:
        title = str(cluster.get("title") or cluster.get("label") or cluster.get("cluster_id"))
        if cluster.get("catalog_status") == "emerging":
            title += " (emerging)"
        table.add_row(
            fmt_pct(cluster.get("share")),
            str(cluster.get("count", "")),
            title,
            str(cluster.get("check") or ""),
            str(cluster.get("code") or "–"),
        )
    return table
