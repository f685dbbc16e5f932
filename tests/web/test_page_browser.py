"""The leaderboard page in a real headless Chromium (Debian's /usr/bin/chromium)
against the real api: rows and charts render, live refresh picks up a new
score without reloading, the team view works by keyboard, the layout holds
on a phone. Screenshots go to artifacts/web/."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import arena_web_stack as web
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = os.environ.get("ARENA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def open_browser(playwright_instance, tmp_path: Path, width: int = 1280, height: int = 900):
    """A fresh profile per test (no cache, no sessionStorage carried over)."""
    return playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": width, "height": height},
        service_workers="block",
    )


@pytest.fixture
def context(playwright_instance, tmp_path: Path) -> Iterator[object]:
    ctx = open_browser(playwright_instance, tmp_path)
    yield ctx
    ctx.close()


def collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    return errors


def wait_js(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JS expression from Python: the page's CSP forbids the string
    eval that Playwright's wait_for_function uses, and we keep the CSP on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out waiting for {expression}")


def row_keys(page) -> list[str]:
    return page.eval_on_selector_all(
        "#lb-fragment tbody[data-patch=rows] tr", "rows => rows.map(r => r.dataset.key)"
    )


def test_rows_charts_and_threshold_render(board, context, artifacts: Path) -> None:
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(board.stack.url + "/")
    assert row_keys(page) == ["alpha", "beta", "gamma"]
    first = page.locator("#lb-fragment tbody tr").first
    assert first.locator("th[scope=row]").inner_text() == "Team Alpha"
    assert "89.5" in first.inner_text()  # overall, as the store computed it
    assert "74%" in first.inner_text()  # pass rate 73.6 (0-100 from the api)
    # six dimension columns + overall + pass rate in a semantic table
    headers = page.locator("#lb-fragment thead th").all_inner_texts()
    for name in (
        "Overall",
        "Pass rate",
        "Task",
        "Retrieval",
        "Verification",
        "Sequence",
        "Clarity",
        "Halluc. rate",
    ):
        assert any(name in h for h in headers), (name, headers)
    assert page.locator("#lb-fragment caption").count() == 1
    # one radar per team, each an accessible image with the 85 ring, drawn with real size
    radars = page.locator("svg[data-chart=radar]")
    assert radars.count() == 3
    for i in range(3):
        box = radars.nth(i).bounding_box()
        assert box and box["width"] > 150 and box["height"] > 100
        assert radars.nth(i).get_attribute("role") == "img"
        assert radars.nth(i).locator("polygon.threshold").count() == 1
    # failure clusters: one bar per catalog cluster, biggest first, taxonomy colours
    bars = page.locator("#failures svg[data-chart=failure-bars] rect.bar")
    assert bars.count() == 4
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(4)]
    assert widths == sorted(widths, reverse=True)
    assert bars.first.get_attribute("data-category") == "unhandled_tool_errors"
    assert "Unhandled Tool Errors" in page.locator("#failures .legend").inner_text()
    page.screenshot(path=str(artifacts / "leaderboard-desktop.png"), full_page=True)
    assert errors == []


def test_live_refresh_patches_rows_without_reloading(board, context, artifacts: Path) -> None:
    page = context.new_page()
    errors = collect_errors(page)
    board_responses: list[int] = []
    page.on(
        "response",
        lambda r: board_responses.append(r.status) if "/api/v1/leaderboard" in r.url else None,
    )
    page.goto(board.stack.url + "/?refresh=2")
    page.evaluate("window.__sameDocument = true")
    beta_row = page.locator('#lb-fragment tr[data-key="beta"]')
    beta_row.evaluate("el => { el.__kept = true; }")
    # Unchanged board: polls come back 304 and nothing is touched.
    deadline = time.monotonic() + 10
    while 304 not in board_responses and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert 304 in board_responses, board_responses

    # A new, better score for gamma is written through the store (as the worker does).
    sub = board.stack.add_submission(board.gamma.team_id, board.phase_id)
    board.stack.finish(sub, web.dims(98, 97, 96, 99, 95, 1))
    wait_js(page, "document.querySelector('#lb-fragment tbody tr')?.dataset.key === 'gamma'")
    assert row_keys(page) == ["gamma", "alpha", "beta"]
    assert page.evaluate("window.__sameDocument") is True  # no full reload
    gamma = page.locator('#lb-fragment tr[data-key="gamma"]')
    assert "updated" in (gamma.get_attribute("class") or "")
    assert "97.3" in gamma.inner_text()  # (98+97+96+99+95+(100-1))/6
    # beta's row did not change: the very same DOM node is kept (no flicker)
    beta_now = page.locator('#lb-fragment tr[data-key="beta"]')
    assert beta_now.evaluate("el => el.__kept") is True
    assert beta_now.locator("td").first.inner_text() == "3"  # its rank cell did move
    assert "updated" not in (beta_now.get_attribute("class") or "")  # its numbers did not
    assert page.locator("#lb-status").inner_text().startswith("Updated")
    assert "Gamma" in page.locator("#lb-status").inner_text()
    assert page.locator("#lb-status").get_attribute("aria-live") == "polite"
    assert 200 in board_responses
    page.screenshot(path=str(artifacts / "leaderboard-after-refresh.png"), full_page=True)
    assert errors == []


def test_team_view_by_keyboard_with_live_progress(board, context, artifacts: Path) -> None:
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(board.stack.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#token-input")
    page.keyboard.type(board.alpha.token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#team-fragment table", timeout=10_000)
    assert page.evaluate("sessionStorage.getItem('assetops.token')") == board.alpha.token
    assert page.input_value("#token-input") == ""  # not left visible in the field
    statuses = page.locator("#team-fragment .badge").all_inner_texts()
    assert {"running", "failed", "finished"} <= set(statuses)
    assert "no_output" in page.locator("#team-fragment").inner_text()
    assert page.locator("#team-fragment svg[data-chart=failure-bars]").count() >= 1
    running = page.locator("#team-fragment tr", has=page.locator(".badge.s-running"))
    assert running.locator("progress").get_attribute("value") == "0.4"
    key = running.get_attribute("data-key")

    # the worker moves on; the open team view follows without a reload
    import uuid

    board.stack.set_progress(uuid.UUID(key), "running", 0.9)
    wait_js(
        page,
        f"document.querySelector('#team-fragment tr[data-key=\"{key}\"] progress')"
        "?.getAttribute('value') === '0.9'",
    )
    # ... and announces the status change in the live region
    board.stack.set_progress(uuid.UUID(key), "scoring", 1.0)
    wait_js(page, "document.getElementById('team-status').textContent.includes('is now scoring')")
    page.screenshot(path=str(artifacts / "team-view.png"), full_page=True)
    # forget the token: gone from storage and from the page
    page.click("#token-forget")
    assert page.evaluate("sessionStorage.getItem('assetops.token')") is None
    assert page.locator("#team-fragment table").count() == 0
    assert errors == []


CONTRAST_JS = """(minimum) => {
  const parse = c => { const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(Number);
                       return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor); if (c.a > 0.99) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const bad = [];
  document.querySelectorAll(
    'main td, main th, main p, main li, main label, main button, main .badge, main caption,' +
    ' main summary, main h2, main h3, header.site h1, header.site p, footer'
  ).forEach(el => {
    if (!el.textContent.trim() || !el.offsetParent) return;
    const a = lum(parse(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < minimum) bad.push([el.tagName, el.className, el.textContent.trim().slice(0, 30),
                               ratio.toFixed(2)]);
  });
  return bad;
}"""


def test_text_contrast_and_visible_focus(board, context) -> None:
    """WCAG AA: every visible text element has a 4.5:1 contrast against its
    effective background (team view included); focus is visibly outlined."""
    page = context.new_page()
    page.goto(board.stack.url + "/")
    page.fill("#token-input", board.alpha.token)
    page.click("text=Show my submissions")
    page.wait_for_selector("#team-fragment table", timeout=10_000)
    assert page.evaluate(CONTRAST_JS, 4.5) == []
    # the check does measure: almost nothing reaches 21:1 (pure black on white)
    assert len(page.evaluate(CONTRAST_JS, 21)) > 20
    page.focus("select[name=track]")
    outline = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' '"
        " + getComputedStyle(document.activeElement).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline


def test_bad_token_is_reported_and_dropped(board, context) -> None:
    page = context.new_page()
    page.goto(board.stack.url + "/")
    page.fill("#token-input", "arena_" + "n" * 40)
    page.click("text=Show my submissions")
    page.wait_for_selector("#team-fragment [role=alert]", timeout=10_000)
    assert "not accepted" in page.locator("#team-fragment").inner_text()
    assert page.evaluate("sessionStorage.getItem('assetops.token')") is None


def test_readable_on_a_phone(board, playwright_instance, tmp_path: Path, artifacts: Path) -> None:
    ctx = open_browser(playwright_instance, tmp_path, width=390, height=844)
    try:
        page = ctx.new_page()
        page.goto(board.stack.url + "/")
        # the page itself never scrolls sideways; only the table region may
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        region = page.locator("#lb-fragment .table-wrap")
        assert region.get_attribute("tabindex") == "0"  # scrollable by keyboard
        for selector in ("select[name=track]", "#token-input", "#token-form button[type=submit]"):
            box = page.locator(selector).bounding_box()
            assert box and box["height"] >= 44, selector  # touch target size
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 16
        page.screenshot(path=str(artifacts / "leaderboard-phone.png"), full_page=True)
    finally:
        ctx.close()
