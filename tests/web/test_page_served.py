"""The page and its fragments served by the real api (uvicorn + Postgres),
checked over HTTP without a browser."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.integration


def get(board, path: str, **kw) -> httpx.Response:
    return httpx.get(board.stack.url + path, timeout=10, **kw)


def test_page_lists_every_team_in_api_order_with_charts(board) -> None:
    page = get(board, "/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    api = get(board, "/api/v1/leaderboard").json()
    names = [e["team_display_name"] for e in api["entries"]]
    assert names == ["Team Alpha", "Beta Bots", "Gamma"]
    rows = re.findall(r'<tr data-key="([^"]+)"', html)
    assert rows == [e["team"] for e in api["entries"]]
    assert html.count('data-chart="radar"') == 3
    assert 'data-chart="failure-bars"' in html
    assert "Unhandled tool error" in html
    # the deployment-readiness line: ring on every radar + only alpha marked ready
    assert html.count('class="threshold"') == 3
    assert html.count('class="badge ready"') == 1


def test_page_holds_the_api_etag_for_polling(board) -> None:
    html = get(board, "/").text
    api = get(
        board,
        "/api/v1/leaderboard",
        params={"phase": board.phase_id, "track": "execution", "page_size": 100},
    )
    etag = api.headers["etag"]
    assert f'data-etag="{etag.replace(chr(34), "&#34;")}"' in html
    poll = re.search(r'data-poll-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    again = get(board, poll, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_assets_are_local_and_cacheable(board) -> None:
    html = get(board, "/").text
    assert "http://" not in re.sub(r'href="http://127\.0\.0\.1[^"]*"', "", html.split("<body>")[0])
    for ref in re.findall(r'(?:href|src)="(/ui/static/[^"]+)"', html):
        asset = get(board, ref)
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]
    assert get(board, "/ui/static/..%2Fsvg.py").status_code == 404
    assert get(board, "/ui/static/router.py").status_code == 404


def test_strict_content_security_policy(board) -> None:
    csp = get(board, "/").headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = get(board, "/").text
    assert "style=" not in html and "<script>" not in html  # nothing inline to allow


def test_unknown_phase_is_a_clear_404_not_a_500(board) -> None:
    missing = get(board, "/", params={"phase": 999})
    assert missing.status_code == 404
    assert "No phase 999" in missing.text and missing.headers["content-type"].startswith(
        "text/html"
    )
    assert get(board, "/", params={"phase": "abc"}).status_code == 422
    wrong_track = get(board, "/", params={"track": "bogus"})
    assert wrong_track.status_code == 422


def test_team_fragment_needs_a_valid_token(board) -> None:
    assert get(board, "/ui/fragments/team").status_code == 401
    bad = get(board, "/ui/fragments/team", headers={"Authorization": "Bearer arena_" + "x" * 40})
    assert bad.status_code == 401
    assert "not accepted" in bad.text


def test_team_fragment_shows_only_own_submissions(board) -> None:
    auth = {"Authorization": f"Bearer {board.alpha.token}"}
    html = get(board, "/ui/fragments/team", headers=auth).text
    own = get(board, "/api/v1/submissions", headers=auth).json()["items"]
    assert len(own) == 3
    for item in own:
        assert item["id"] in html
    assert {"running", "failed", "finished"} <= set(re.findall(r'class="badge s-(\w+)"', html))
    assert "no_output" in html  # the failure reason
    assert 'data-active="true"' in html  # a running submission keeps the view refreshing
    assert 'data-chart="failure-bars"' in html  # finished submission: failure summary chart
    # each cluster in a participant's words, with what to check in the agent
    # (evaluator/data/failure_guide.yaml, issue 19)
    assert 'class="advice"' in html and "What to check in your agent" in html
    assert "Retry failed or timed-out calls" in html or "Cache tool results" in html
    other = get(
        board, "/ui/fragments/team", headers={"Authorization": f"Bearer {board.gamma.token}"}
    ).text
    for item in own:
        assert item["id"] not in other


def test_page_opens_on_the_execution_board_and_offers_only_public_phases(board) -> None:
    # an older phase listing planning first: the api's default track there is planning
    older = board.stack.add_phase(
        "Older phase", tracks=("planning", "execution"), opened_days_ago=30
    )
    secret = board.stack.add_phase("Final (private)", visibility="private", opened_days_ago=60)
    html = get(board, "/", params={"phase": older}).text
    assert "Older phase · execution track" in html
    assert re.search(r'<option value="execution" selected>', html)
    assert f'<option value="{secret}"' not in html
    assert f'<option value="{older}" selected>' in html
    assert get(board, "/", params={"phase": secret}).status_code == 404
    planning = get(board, "/", params={"phase": older, "track": "planning"}).text
    assert "Older phase · planning track" in planning


def test_fresh_deployment_without_phases_shows_an_empty_page(tmp_path) -> None:
    import arena_web_stack as web

    with web.web_stack(tmp_path) as stack:
        page = httpx.get(stack.url + "/", timeout=10)
        assert page.status_code == 200
        assert "No leaderboard yet" in page.text
        assert httpx.get(stack.url + "/?phase=1", timeout=10).status_code == 404
