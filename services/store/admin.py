"""The operator's writes: teams, api tokens, phases, hiding a submission.
Each function changes rows and flushes; the caller (the api's admin
service, the admin CLI through it) owns the transaction and commits, and
turns an ``IntegrityError`` (a duplicate name or token) into its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.store.models import ApiToken, Phase, Submission, Team
from services.store.submissions import bump_all_leaderboards, bump_leaderboard


def insert_team(session: Session, name: str, display_name: str) -> Team:
    team = Team(name=name, display_name=display_name)
    session.add(team)
    session.flush()
    return team


def rename_team(session: Session, team: Team, display_name: str) -> None:
    """Display names appear on every board: all of them change."""
    team.display_name = display_name
    bump_all_leaderboards(session)


def insert_token(
    session: Session,
    key_id: str,
    secret_hash: str,
    scope: str,
    team_id: int | None,
    label: str,
) -> ApiToken:
    row = ApiToken(
        key_id=key_id, secret_hash=secret_hash, scope=scope, team_id=team_id, label=label
    )
    session.add(row)
    session.flush()
    return row


def revoke_token(row: ApiToken, now: datetime) -> None:
    """Revoked once: a second revocation keeps the first time."""
    row.revoked_at = row.revoked_at or now


def insert_phase(session: Session, **fields: Any) -> Phase:
    """A new phase (its board at version 1)."""
    phase = Phase(**fields, leaderboard_version=1)
    session.add(phase)
    session.flush()
    return phase


def update_phase(phase: Phase, changes: dict[str, Any]) -> None:
    """Apply checked changes; the phase's board version moves on."""
    for key, value in changes.items():
        setattr(phase, key, value)
    phase.leaderboard_version += 1


def set_hidden(session: Session, sub: Submission, hidden: bool) -> None:
    sub.hidden = hidden
    bump_leaderboard(session, sub.phase_id)
