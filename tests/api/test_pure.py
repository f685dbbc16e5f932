"""Unit tests of pure api/store logic: tokens, lifecycle, ranking, ETags,
quota rules, JSON logs."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.api.leaderboard.service import BodyCache, etag_matches
from services.api.phases.service import blocking_reason
from services.logs import JsonFormatter
from services.store import tokens
from services.store.leaderboard import BoardRow, best_per_team
from services.store.lifecycle import FINAL, Status, can_transition
from services.store.models import Phase
from services.store.submissions import QuotaState, day_start

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def test_token_roundtrip_and_timing_safe_compare() -> None:
    token = tokens.generate_token()
    assert token.startswith("arena_") and tokens.plausible(token)
    d = tokens.digest(token)
    assert tokens.matches(d, d) and not tokens.matches(d, tokens.digest(token + "x"))
    assert tokens.key_id_of(d) == d[:16]
    assert not tokens.plausible("short") and not tokens.plausible("x" * 300)
    assert not tokens.plausible("arena_\nnewline-in-token-value")


def test_lifecycle_transitions() -> None:
    order = [Status.SUBMITTED, Status.QUEUED, Status.VALIDATING, Status.RUNNING, Status.SCORING]
    for a, b in zip(order, order[1:], strict=False):
        assert can_transition(a, b)
        assert (
            not can_transition(b, a)
            or b in {Status.VALIDATING, Status.RUNNING, Status.SCORING}
            and a is Status.QUEUED
        )
    assert can_transition(Status.SCORING, Status.FINISHED)
    assert not can_transition(Status.RUNNING, Status.FINISHED)
    for state in order:
        assert can_transition(state, Status.CANCELLED) and can_transition(state, Status.FAILED)
    for final in FINAL:
        assert not any(can_transition(final, t) for t in Status)


def _row(team: str, overall: float, minutes: int) -> BoardRow:
    return BoardRow(
        submission_id=uuid.uuid4(),
        team_name=team,
        team_display_name=team.upper(),
        created_at=T0 + timedelta(minutes=minutes),
        finished_at=None,
        task_completion=1,
        retrieval_accuracy=1,
        result_verification=1,
        sequence_correctness=1,
        clarity_justification=1,
        hallucination_rate=0,
        overall=overall,
        pass_rate=50,
        deployment_ready=False,
        scenarios=10,
    )


def test_best_per_team_and_tie_break_by_earlier_submission() -> None:
    rows = [
        _row("a", 70, 5),
        _row("a", 80, 9),
        _row("b", 80, 3),
        _row("c", 80, 3),
        _row("d", 10, 0),
        _row("b", 80, 1),
    ]
    ranked = best_per_team(rows)
    assert [r.team_name for r in ranked] == ["b", "c", "a", "d"]
    assert ranked[0].created_at == T0 + timedelta(minutes=1)  # b's earlier 80 wins
    assert ranked[2].overall == 80  # a's best, not its latest


def test_etag_matching() -> None:
    tag = '"lb-1-execution-7-1-50"'
    assert etag_matches(tag, tag)
    assert etag_matches(f'"x", W/{tag}', tag)
    assert etag_matches("*", tag)
    assert not etag_matches('"lb-1-execution-8-1-50"', tag)
    assert not etag_matches(None, tag) and not etag_matches("", tag)


def test_body_cache_is_bounded_lru() -> None:
    cache = BodyCache(size=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"
    cache.put("c", b"3")
    assert cache.get("b") is None and cache.get("a") == b"1" and cache.get("c") == b"3"


def _phase(**kw: object) -> Phase:
    base = dict(
        id=1,
        title="p",
        visibility="public",
        opens_at=T0 - timedelta(days=1),
        closes_at=T0 + timedelta(days=1),
        tracks=["execution"],
        daily_quota=2,
        max_concurrent=1,
        leaderboard_version=1,
    )
    base.update(kw)
    return Phase(**base)


@pytest.mark.parametrize(
    ("phase_kw", "quota", "code"),
    [
        ({}, QuotaState(0, 2, 0, 1), None),
        ({"opens_at": T0 + timedelta(hours=1)}, QuotaState(0, 2, 0, 1), "phase_not_open"),
        ({"closes_at": T0}, QuotaState(0, 2, 0, 1), "phase_closed"),
        ({}, QuotaState(0, 2, 1, 1), "too_many_running"),
        ({}, QuotaState(2, 2, 0, 1), "quota_exceeded"),
        ({"closes_at": None}, QuotaState(1, 2, 0, 1), None),
    ],
)
def test_blocking_reason(phase_kw: dict, quota: QuotaState, code: str | None) -> None:
    reason = blocking_reason(_phase(**phase_kw), quota, T0)
    assert (reason[1] if reason else None) == code


def test_quota_day_is_utc() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 1, 10, 1, 30, tzinfo=ZoneInfo("America/New_York"))  # 06:30 UTC
    assert day_start(local) == datetime(2026, 1, 10, tzinfo=UTC)


def test_json_logs_are_structured_and_mask_canaries() -> None:
    record = logging.LogRecord(
        "arena.x", logging.INFO, __file__, 1, "saw CANARY-0123456789abcdef here", None, None
    )
    record.submission_id = "abc"
    record.scenario_text = "must never appear"  # not whitelisted -> dropped
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["submission_id"] == "abc" and entry["level"] == "info"
    assert "CANARY-0123456789abcdef" not in line and "must never appear" not in line


def test_auth_failure_limiter_window() -> None:
    from services.api.ratelimit import AuthFailureLimiter

    now = [0.0]
    limiter = AuthFailureLimiter(per_minute=3, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("1.2.3.4") is None
        limiter.failed("1.2.3.4")
    now[0] = 10.0
    assert limiter.retry_after("1.2.3.4") == 50
    assert limiter.retry_after("5.6.7.8") is None  # per client
    now[0] = 61.0
    assert limiter.retry_after("1.2.3.4") is None  # window over
    assert AuthFailureLimiter(per_minute=0).retry_after("x") is None  # disabled


@pytest.mark.parametrize("bad", ["a\x00b", "line\nbreak", "bell\x07"])
def test_admin_free_text_refuses_control_characters(bad: str) -> None:
    """A NUL byte cannot be stored in a Postgres text column: the schema
    refuses control characters (422) before anything reaches the database
    (found by the API fuzzer as a 500 on POST /api/v1/admin/phases)."""
    from pydantic import ValidationError

    from services.api.admin.schemas import PhaseIn, PhasePatch, TeamIn, TokenIn

    with pytest.raises(ValidationError):
        PhaseIn(title=bad, opens_at="2026-01-01T00:00:00Z", tracks=["execution"])
    with pytest.raises(ValidationError):
        PhasePatch(title=bad)
    with pytest.raises(ValidationError):
        TeamIn(name="ok-team", display_name=bad)
    with pytest.raises(ValidationError):
        TokenIn(scope="admin", label=bad)
    assert PhasePatch(title="Finale – Kälteanlagen").title == "Finale – Kälteanlagen"
