"""Issue 18 on the page: error bars on the overall bar and the radar,
statistically tied ranks, cost columns, and the reproducibility record
downloaded from the team view (pure chart tests + real Chromium)."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import arena_web_stack as web
import pytest
from test_page_browser import (  # noqa: F401 - fixtures
    collect_errors,
    context,
    playwright_instance,
)

from services.api.page import svg, views

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(
        str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def test_meter_draws_the_interval_as_an_error_bar() -> None:
    root = parse(svg.score_meter(50.0, width=100, ci=(40.0, 62.5)))
    lines = [ln for ln in root.iter(f"{SVG_NS}line") if ln.get("class") == "meter-ci"]
    assert len(lines) == 3  # the bar and its two caps
    bar = lines[0]
    assert (float(bar.get("x1")), float(bar.get("x2"))) == (40.0, 62.5)
    assert "meter-ci" not in svg.score_meter(50.0)  # no interval recorded: none drawn
    assert "meter-ci" not in svg.score_meter(None, ci=(1.0, 2.0))


def test_radar_whiskers_follow_the_spokes_and_are_described() -> None:
    axes = [svg.Axis(f"d{i}", 50.0, 40.0, 60.0) for i in range(5)] + [svg.Axis("d5", None)]
    root = parse(svg.radar(axes, title="t", chart_id="r", size=220))
    whiskers = [ln for ln in root.iter(f"{SVG_NS}line") if ln.get("class") == "ci"]
    assert len(whiskers) == 5  # none on the axis without a value
    # the first spoke points up: the whisker is vertical, from r(40) to r(60)
    top = whiskers[0]
    assert top.get("x1") == top.get("x2")
    assert float(top.get("y1")) > float(top.get("y2"))
    desc = root.find(f"{SVG_NS}desc").text
    assert "d0 50 (95 percent interval 40 to 60)" in desc and "d5 not available" in desc


def test_view_flips_the_hallucination_interval_and_reads_ties() -> None:
    entry = {
        "rank": 1,
        "position": 2,
        "tied": True,
        "team": "beta",
        "team_display_name": "Beta",
        "submission_id": str(uuid.uuid4()),
        "overall": 70.0,
        "overall_ci_low": 63.0,
        "overall_ci_high": 76.9,
        "pass_rate": 40.0,
        "task_completion": 70.0,
        "retrieval_accuracy": 60.0,
        "result_verification": 50.0,
        "sequence_correctness": 80.0,
        "clarity_justification": 65.0,
        "hallucination_rate": 10.0,
        "deployment_ready": False,
        "attempts": 3,
        "tokens": 4321,
        "wall_seconds": 65.5,
        "intervals": {"hallucination_rate": {"low": 5.0, "high": 20.0}},
    }
    board = views.leaderboard_view(
        {"phase": {"id": 1, "title": "P"}, "track": "execution", "entries": [entry]}
    )
    [row] = board.rows
    assert row.tied and row.rank == 1 and row.ci == (63.0, 76.9) and row.attempts == 3
    assert row.tokens == 4321 and row.wall_seconds == 65.5
    axes = views.radar_axes(row.dims, entry["intervals"])
    halluc = axes[-1]
    assert (halluc.value, halluc.low, halluc.high) == (90.0, 80.0, 95.0)
    assert all(a.low is None for a in axes[:-1])
    # moving into or out of a tie is not a change of the team's own numbers
    untied = views.leaderboard_view(
        {
            "phase": {"id": 1, "title": "P"},
            "track": "execution",
            "entries": [{**entry, "tied": False, "rank": 2}],
        }
    )
    assert untied.rows[0].sig == row.sig


RECORD = {
    "record_version": 1,
    "attempts": 3,
    "engine_revision": "0123456789ab",
    "totals": {"tokens": 4321, "wall_seconds": 65.5},
}


def uncertainty(overall_ci: tuple[float, float], record: dict | None = None) -> dict:
    extra: dict = {
        "attempts": 3,
        "runs": 30,
        "pass_hat_k": 50.0,
        "flip_rate": 10.0,
        "intervals": {
            "overall": list(overall_ci),
            "task_completion": [overall_ci[0], overall_ci[1]],
            "hallucination": [2.0, 12.0],
        },
    }
    if record is not None:
        extra |= {"record": record, "wall_seconds": record["totals"]["wall_seconds"]}
    return extra


@dataclass
class Board:
    stack: web.WebStack
    alpha: web.Seeded
    alpha_sub: uuid.UUID


@pytest.fixture(scope="module")
def uboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    """Alpha and Beta statistically tied (overlapping intervals), Gamma apart."""
    with web.web_stack(tmp_path_factory.mktemp("web-ci")) as stack:
        phase = stack.add_phase()
        alpha = stack.add_team("alpha", "Team Alpha")
        beta = stack.add_team("beta", "Beta Bots")
        gamma = stack.add_team("gamma", "Gamma")
        a = stack.add_submission(alpha.team_id, phase)
        stack.finish(a, web.dims(80, 70, 60, 75, 70, 7), extra=uncertainty((66.0, 78.0), RECORD))
        b = stack.add_submission(beta.team_id, phase)
        stack.finish(b, web.dims(75, 70, 60, 70, 70, 10), extra=uncertainty((63.0, 76.9)))
        g = stack.add_submission(gamma.team_id, phase)
        stack.finish(g, web.dims(30, 25, 20, 40, 35, 60), extra=uncertainty((20.0, 30.0)))
        yield Board(stack, alpha, a)


@pytest.mark.browser
@pytest.mark.integration
def test_ties_error_bars_cost_and_record_download(
    uboard: Board,
    context,  # noqa: F811 - the fixture imported above
    artifacts: Path,
    tmp_path: Path,
) -> None:
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(uboard.stack.url + "/")
    rows = page.locator("#lb-fragment tbody[data-patch=rows] tr")
    assert rows.count() == 3
    ranks = [rows.nth(i).locator("td").first.inner_text() for i in range(3)]
    assert ranks == ["1", "=1", "3"]  # Beta tied with Alpha; Gamma apart
    tie = rows.nth(1).locator("abbr.tied")
    assert "statistically tied" in tie.get_attribute("title")
    # the overall bar carries its interval as an error bar, and in text
    assert rows.nth(0).locator("svg.meter line.meter-ci").count() == 3
    assert "66.0–78.0" in rows.nth(0).inner_text()
    # cost columns
    headers = page.locator("#lb-fragment thead th").all_inner_texts()
    assert "Tokens" in headers and "Wall" in headers
    assert "4,321" in rows.nth(0).inner_text() and "66 s" in rows.nth(0).inner_text()
    assert "k = 3 attempts" in page.locator("#lb-ties").inner_text()
    # radar whiskers: task completion and hallucination have intervals here
    radar = page.locator("svg[data-chart=radar]").first
    assert radar.locator("line.ci").count() == 2
    assert "95 percent interval" in radar.locator("desc").text_content()
    page.screenshot(path=str(artifacts / "leaderboard-intervals.png"), full_page=True)

    # the team view offers the record as a file, fetched with the token
    page.fill("#token-input", uboard.alpha.token)
    page.press("#token-input", "Enter")
    button = page.locator(f"#team-fragment button[data-record='{uboard.alpha_sub}']")
    button.wait_for(timeout=10_000)
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"arena-record-{uboard.alpha_sub}.json"
    saved = tmp_path / "record.json"
    download.save_as(saved)
    body = json.loads(saved.read_text())
    assert body["submission_id"] == str(uboard.alpha_sub) and body["record"] == RECORD
    assert body["scores"]["intervals"]["overall"] == {"low": 66.0, "high": 78.0}
    assert "downloaded" in page.locator("#team-status").inner_text()
    assert errors == []
