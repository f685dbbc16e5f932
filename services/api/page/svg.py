"""Inline SVG charts, rendered on the server (no CDN, no JS chart library).

Every chart is an ``<svg role="img">`` with a <title> and a <desc> that
states the numbers in words, so screen readers get the data and the chart
works with JavaScript off. Colours meet WCAG 1.4.11 (≥ 3:1 against white)
and are never the only carrier of meaning: bars are labelled with text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

DEPLOYMENT_READY = 85.0  # the seed's deployment-readiness line (overall, 0-100)

# Taxonomy category (evaluator.models.TaxonomyCategory, the seed's six) → colour.
# Dark enough for 3:1 on white, distinct under the common colour-vision
# deficiencies (Okabe-Ito hues, darkened).
TAXONOMY_COLOURS: dict[str, str] = {
    "ineffective_error_recovery": "#B85C00",
    "overstated_completion": "#A3195B",
    "formatting_issues": "#0B6E99",
    "unhandled_tool_errors": "#C0392B",
    "ignored_feedback": "#6A3D9A",
    "other": "#5F6368",
}
_FALLBACK_COLOURS = ("#1F5FA8", "#8E4C00", "#2E7D32", "#8E24AA", "#00695C", "#AD1457")


def category_key(category: str | None) -> str:
    """'Unhandled Tool Errors' / 'unhandled-tool-errors' → 'unhandled_tool_errors'."""
    if not category:
        return "other"
    return "_".join(category.strip().lower().replace("-", " ").replace("/", " ").split())


def taxonomy_colour(category: str | None) -> str:
    key = category_key(category)
    if key in TAXONOMY_COLOURS:
        return TAXONOMY_COLOURS[key]
    # Stable across processes (hash() is salted per process).
    return _FALLBACK_COLOURS[sum(map(ord, key)) % len(_FALLBACK_COLOURS)]


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clamp(value: float | None) -> float:
    if value is None or math.isnan(value):
        return 0.0
    return max(0.0, min(100.0, float(value)))


@dataclass(frozen=True)
class Axis:
    label: str
    value: float | None  # 0-100, higher is better (hallucination already inverted)
    # 95 % interval of the value (same orientation), drawn as a whisker on the spoke
    low: float | None = None
    high: float | None = None


def radar(axes: Sequence[Axis], *, title: str, chart_id: str, size: int = 220) -> Markup:
    """A radar (spider) chart of 0-100 values with the 85 line drawn as a ring."""
    n = len(axes)
    if n < 3:
        raise ValueError("a radar needs at least three axes")
    pad = 58  # room for axis labels
    radius = (size - 2 * pad) / 2 + 20
    cx = cy = size / 2

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * value / 100.0
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def ring(value: float) -> str:
        return " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, value) for i in range(n)))

    parts: list[str] = []
    for level in (25, 50, 75, 100):
        parts.append(f'<polygon class="grid" points="{ring(level)}"/>')
    parts.append(f'<polygon class="threshold" points="{ring(DEPLOYMENT_READY)}"/>')
    for i in range(n):
        x, y = point(i, 100)
        parts.append(f'<line class="spoke" x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}"/>')
    values = [_clamp(a.value) for a in axes]
    shape = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, v) for i, v in enumerate(values)))
    parts.append(f'<polygon class="shape" points="{shape}"/>')
    for i, axis in enumerate(axes):
        if axis.value is None or axis.low is None or axis.high is None:
            continue
        # error bar along the spoke: the 95 % interval, with caps across it
        x1, y1 = point(i, _clamp(axis.low))
        x2, y2 = point(i, _clamp(axis.high))
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cap_x, cap_y = -math.sin(angle) * 3, math.cos(angle) * 3
        parts.append(
            f'<line class="ci" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'
            + "".join(
                f'<line class="ci-cap" x1="{_f(x - cap_x)}" y1="{_f(y - cap_y)}" '
                f'x2="{_f(x + cap_x)}" y2="{_f(y + cap_y)}"/>'
                for x, y in ((x1, y1), (x2, y2))
            )
        )
    for i, v in enumerate(values):
        x, y = point(i, v)
        parts.append(f'<circle class="dot" cx="{_f(x)}" cy="{_f(y)}" r="2.5"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, 100)
        lx, ly = cx + (x - cx) * 1.16, cy + (y - cy) * 1.16
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        if anchor == "middle" and ly < cy:
            ly -= 12  # the top label has two lines: keep both clear of the shape
        value_text = "–" if axis.value is None else _f(_clamp(axis.value))
        parts.append(
            f'<text class="axis-label" x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}">'
            f'{escape(axis.label)}<tspan class="axis-value" x="{_f(lx)}" dy="1.1em">'
            f"{value_text}</tspan></text>"
        )

    def said(a: Axis) -> str:
        if a.value is None:
            return f"{a.label} not available"
        text = f"{a.label} {_f(_clamp(a.value))}"
        if a.low is not None and a.high is not None:
            text += f" (95 percent interval {_f(_clamp(a.low))} to {_f(_clamp(a.high))})"
        return text

    desc = "; ".join(said(a) for a in axes)
    margin = 44  # room for the side labels outside the square
    svg = (
        f'<svg class="chart radar" viewBox="{-margin} 0 {size + 2 * margin} {size}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" data-chart="radar">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}. Dashed ring: deployment-readiness line '
        f"{_f(DEPLOYMENT_READY)}.</desc>" + "".join(parts) + "</svg>"
    )
    return Markup(svg)


@dataclass(frozen=True)
class ShareBar:
    label: str
    share: float  # 0-1
    count: int
    category: str | None
    emerging: bool = False


def share_bars(bars: Sequence[ShareBar], *, title: str, chart_id: str, width: int = 360) -> Markup:
    """Horizontal bars, one per failure cluster, coloured by taxonomy category."""
    row_h, gap, label_w, value_w = 22, 8, 0, 64
    top = 4
    height = top + len(bars) * (row_h * 2 + gap) + 4
    bar_w = width - label_w - value_w
    parts: list[str] = []
    for i, bar in enumerate(bars):
        y = top + i * (row_h * 2 + gap)
        share = max(0.0, min(1.0, bar.share))
        w = max(2.0, bar_w * share)
        colour = taxonomy_colour(bar.category)
        tag = " (emerging)" if bar.emerging else ""
        parts.append(
            f'<text class="bar-label" x="0" y="{y + 15}">{escape(bar.label)}{escape(tag)}</text>'
            f'<rect class="bar" x="0" y="{y + row_h}" width="{_f(w)}" height="{row_h - 6}" '
            f'rx="2" fill="{colour}" data-category="{escape(category_key(bar.category))}"/>'
            f'<text class="bar-value" x="{_f(w + 6)}" y="{y + row_h + 12}">'
            f"{_f(share * 100)}% ({bar.count})</text>"
        )
    desc = "; ".join(f"{b.label} {_f(b.share * 100)} percent, {b.count} failures" for b in bars)
    return Markup(
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" data-chart="failure-bars">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc) or "no failures recorded"}.</desc>'
        + "".join(parts)
        + "</svg>"
    )


def score_meter(
    value: float | None, *, width: int = 96, ci: tuple[float, float] | None = None
) -> Markup:
    """A small 0-100 bar with a tick at the deployment-readiness line and,
    given ``ci``, the 95 % interval as an error bar across it."""
    v = _clamp(value)
    ready = value is not None and v >= DEPLOYMENT_READY
    tick = width * DEPLOYMENT_READY / 100
    bar = ""
    if value is not None and ci is not None:
        lo, hi = (width * _clamp(c) / 100 for c in ci)
        bar = (
            f'<line class="meter-ci" x1="{_f(lo)}" y1="5" x2="{_f(hi)}" y2="5"/>'
            f'<line class="meter-ci" x1="{_f(lo)}" y1="2" x2="{_f(lo)}" y2="8"/>'
            f'<line class="meter-ci" x1="{_f(hi)}" y1="2" x2="{_f(hi)}" y2="8"/>'
        )
    return Markup(
        f'<svg class="meter" viewBox="0 0 {width} 10" width="{width}" height="10" '
        f'aria-hidden="true" focusable="false">'
        f'<rect class="meter-track" x="0" y="1" width="{width}" height="8" rx="2"/>'
        f'<rect class="meter-fill{" ready" if ready else ""}" x="0" y="1" '
        f'width="{_f(width * v / 100)}" height="8" rx="2"/>'
        f'<line class="meter-tick" x1="{_f(tick)}" y1="0" x2="{_f(tick)}" y2="10"/>{bar}</svg>'
    )
