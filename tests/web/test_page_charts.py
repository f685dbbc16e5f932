"""Pure tests of the page's SVG charts and payload → view reshaping."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from services.api.failures.schemas import CatalogEntryOut
from services.api.leaderboard.schemas import Entry, Leaderboard, PhaseRef
from services.api.page import svg, views
from services.api.submissions.schemas import ClusterCountOut

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    # Our SVG is inline HTML (no xmlns); add it so ElementTree can parse it strictly.
    return ET.fromstring(
        str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def axes(values: list[float | None]) -> list[svg.Axis]:
    return [svg.Axis(f"d{i}", v) for i, v in enumerate(values)]


def radius_of(points: str, cx: float) -> list[float]:
    coords = [tuple(map(float, p.split(","))) for p in points.split()]
    return [((x - cx) ** 2 + (y - cx) ** 2) ** 0.5 for x, y in coords]


def test_radar_is_accessible_and_states_its_numbers() -> None:
    root = parse(svg.radar(axes([10, 20, 30, 40, 50, 60]), title="Team A", chart_id="r1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "r1-t r1-d"
    assert root.find(f"{SVG_NS}title").text == "Team A"
    desc = root.find(f"{SVG_NS}desc").text
    assert "d0 10" in desc and "d5 60" in desc and "85" in desc


def test_radar_shape_scales_with_values_and_threshold_ring_sits_at_85() -> None:
    size = 220
    root = parse(svg.radar(axes([100] * 6), title="t", chart_id="r", size=size))
    polys = {p.get("class"): p.get("points") for p in root.iter(f"{SVG_NS}polygon")}
    full = radius_of(polys["shape"], size / 2)
    ring = radius_of(polys["threshold"], size / 2)
    assert max(full) - min(full) < 0.2
    assert ring[0] == pytest.approx(full[0] * 0.85, rel=0.01)

    half = radius_of(
        {
            p.get("class"): p.get("points")
            for p in parse(svg.radar(axes([50] * 6), title="t", chart_id="r", size=size)).iter(
                f"{SVG_NS}polygon"
            )
        }["shape"],
        size / 2,
    )
    assert half[0] == pytest.approx(full[0] / 2, rel=0.01)


def test_radar_clamps_and_marks_missing_values() -> None:
    markup = svg.radar(axes([150, -5, None, 50, 50, 50]), title="t", chart_id="r")
    assert "d2 not available" in markup
    root = parse(markup)
    shape = next(p for p in root.iter(f"{SVG_NS}polygon") if p.get("class") == "shape")
    radii = radius_of(shape.get("points"), 110)
    assert (
        radii[0]
        <= radius_of(
            next(p for p in root.iter(f"{SVG_NS}polygon") if p.get("class") == "grid").get(
                "points"
            ),
            110,
        )[0]
        * 4.01
    )  # 100 is the outer ring; 150 is clamped to it
    assert radii[1] == pytest.approx(0, abs=0.1)


def test_radar_needs_three_axes() -> None:
    with pytest.raises(ValueError):
        svg.radar(axes([1, 2]), title="t", chart_id="r")


def test_labels_are_escaped() -> None:
    markup = svg.radar(
        [svg.Axis("<script>", 1)] * 3, title="<b>x</b>", chart_id="r"
    ) + svg.share_bars([svg.ShareBar("<img>", 0.5, 1, None)], title="t", chart_id="b")
    assert "<script>" not in markup and "<img>" not in markup and "<b>" not in markup


def test_share_bars_width_is_proportional_and_coloured_by_taxonomy() -> None:
    bars = [
        svg.ShareBar("Unhandled tool error", 0.5, 10, "Unhandled Tool Errors"),
        svg.ShareBar("Overstated", 0.25, 5, "overstated_completion"),
    ]
    root = parse(svg.share_bars(bars, title="Failures", chart_id="f"))
    rects = list(root.iter(f"{SVG_NS}rect"))
    assert float(rects[0].get("width")) == pytest.approx(2 * float(rects[1].get("width")))
    assert rects[0].get("fill") == svg.TAXONOMY_COLOURS["unhandled_tool_errors"]
    assert rects[1].get("fill") == svg.TAXONOMY_COLOURS["overstated_completion"]
    assert "50% (10)" in "".join(root.itertext())


def test_taxonomy_colour_is_stable_for_unknown_categories() -> None:
    assert svg.taxonomy_colour("brand_new_mode") == svg.taxonomy_colour("Brand New Mode")
    assert svg.taxonomy_colour(None) == svg.TAXONOMY_COLOURS["other"]
    assert svg.taxonomy_colour("Ignored Feedback") == svg.TAXONOMY_COLOURS["ignored_feedback"]


def test_every_taxonomy_category_has_its_own_colour() -> None:
    from typing import get_args

    from evaluator.models import TaxonomyCategory

    categories = get_args(TaxonomyCategory)
    assert {svg.category_key(c) for c in categories} == set(svg.TAXONOMY_COLOURS)
    assert len(set(svg.TAXONOMY_COLOURS.values())) == len(categories)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", [*svg.TAXONOMY_COLOURS.values(), *svg._FALLBACK_COLOURS])
def test_chart_colours_have_3_to_1_contrast_on_white(colour: str) -> None:
    assert (1.05) / (_luminance(colour) + 0.05) >= 3.0


def test_meter_marks_readiness() -> None:
    assert "ready" in svg.score_meter(90.0)
    assert 'class="meter-fill"' in svg.score_meter(84.9)
    assert 'class="meter-fill"' in svg.score_meter(None)


def _entry(rank: int, team: str, overall: float, **dims: float) -> dict:
    """One leaderboard entry, built with the api's own schema so a shape change fails here."""
    base = dict.fromkeys(
        (
            "task_completion",
            "retrieval_accuracy",
            "result_verification",
            "sequence_correctness",
            "clarity_justification",
            "hallucination_rate",
        ),
        50.0,
    )
    return Entry(
        rank=rank,
        position=rank,
        team=team,
        team_display_name=team.title(),
        submission_id=uuid.UUID(int=rank),
        submitted_at=datetime(2026, 1, rank, tzinfo=UTC),
        finished_at=None,
        overall=overall,
        pass_rate=overall / 2,
        deployment_ready=overall >= 85,
        scenarios=10,
        top_failure_clusters=[],
        **{**base, **dims},
    ).model_dump(mode="json")


LEADERBOARD = Leaderboard(
    phase=PhaseRef(id=1, title="Public phase", visibility="public"),
    track="execution",
    version=3,
    columns=[],
    total=2,
    page=1,
    page_size=50,
    entries=[
        _entry(1, "alpha", 88.0, task_completion=90, hallucination_rate=10),
        _entry(2, "beta", 40.0, task_completion=40),
    ],
).model_dump(mode="json")


def test_leaderboard_view_keeps_api_order_and_values() -> None:
    board = views.leaderboard_view(LEADERBOARD, etag='"v3"')
    assert [r.team for r in board.rows] == ["Alpha", "Beta"]
    assert board.phase_title == "Public phase" and board.track == "execution"
    alpha = board.rows[0]
    assert alpha.dims["hallucination_rate"] == 10
    assert alpha.deployment_ready and not board.rows[1].deployment_ready
    # the radar shows hallucination inverted: 100 - 10 = 90
    assert "No halluc. 90" in alpha.radar
    assert board.rows[1].dims["task_completion"] == 40
    assert board.rows[0].key == "alpha"


def test_row_signature_changes_only_when_the_entry_changes() -> None:
    first = views.leaderboard_view(LEADERBOARD)
    again = views.leaderboard_view(LEADERBOARD)
    assert [r.sig for r in first.rows] == [r.sig for r in again.rows]
    changed = {
        **LEADERBOARD,
        "entries": [{**LEADERBOARD["entries"][0], "overall": 89.0}, LEADERBOARD["entries"][1]],
    }
    after = views.leaderboard_view(changed)
    assert after.rows[0].sig != first.rows[0].sig
    assert after.rows[1].sig == first.rows[1].sig


def _catalog_item(key: str, label: str, category: str, count: int, status: str) -> dict:
    """A catalog entry built with the api's own schema."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return CatalogEntryOut(
        id=key,
        label=label,
        category=category,
        code=None,
        status=status,
        total_count=count,
        submission_count=1,
        first_seen_at=now,
        last_seen_at=now,
    ).model_dump(mode="json")


def test_catalog_chart_shares_are_counts_over_all_statements() -> None:
    items = [
        _catalog_item("c1", "A", "Formatting Issues", 3, "known"),
        _catalog_item("c2", "B", "Other", 1, "emerging"),
    ]
    view = views.cluster_view(views.catalog_bars(items), title="t", chart_id="c")
    assert view is not None and view.total == 4 and view.count == 2
    assert "75% (3)" in view.chart and "B (emerging)" in view.chart
    assert view.legend == [
        ("Formatting Issues", svg.TAXONOMY_COLOURS["formatting_issues"]),
        ("Other", svg.TAXONOMY_COLOURS["other"]),
    ]
    assert views.cluster_view([], title="t", chart_id="c") is None


def test_summary_chart_keeps_the_api_share_and_sorts_biggest_first() -> None:
    clusters = [
        ClusterCountOut(
            cluster_id="a",
            label="Small",
            category="Other",
            code="MAST-1.3",
            catalog_status="known",
            count=1,
            share=0.25,
        ).model_dump(mode="json"),
        ClusterCountOut(
            cluster_id="b",
            label="Big",
            category="Unhandled Tool Errors",
            code="ARENA-UNHANDLED-ERROR",
            catalog_status="known",
            count=3,
            share=0.75,
        ).model_dump(mode="json"),
    ]
    view = views.cluster_view(views.summary_bars(clusters), title="t", chart_id="s")
    assert view is not None
    assert view.chart.index("Big") < view.chart.index("Small")
    assert "75% (3)" in view.chart


def test_only_the_biggest_clusters_are_drawn() -> None:
    bars = [svg.ShareBar(f"c{i}", i / 100, i, "Other") for i in range(1, 21)]
    view = views.cluster_view(bars, title="t", chart_id="x", limit=5)
    assert view is not None and view.count == 20
    assert view.chart.count('class="bar"') == 5 and "c20" in view.chart and "c15" not in view.chart


def test_submission_view_progress_and_reason() -> None:
    sub = views.submission_view(
        {
            "id": "abcdef0123",
            "status": "failed",
            "progress": 3,
            "scores": None,
            "failure": {"code": "timeout", "message": "took too long", "kind": "participant"},
        }
    )
    assert sub.progress == 1.0 and sub.short_id == "abcdef01"
    assert sub.reason == "timeout — took too long" and not sub.active
    assert re.fullmatch(r"[0-9a-f]{16}", sub.sig)
