"""Operator CLI: ``python -m services.api.admin <command>``.

create-admin-token [--if-missing] [--label L]
    Prints a new admin token. With --if-missing, does nothing when an
    active admin token exists. With ARENA_BOOTSTRAP_ADMIN_TOKEN set, that
    exact value is registered (idempotent), so `make deploy` can be re-run.
create-team NAME [--display-name D]
create-token --team NAME [--label L]      participant token for a team
create-phase --title T --tracks planning,execution [--days N] [--quota Q]
             [--max-concurrent M] [--private] [--attempts K]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from sqlalchemy import select

from services.api.admin import service
from services.api.admin.schemas import PhaseIn
from services.api.errors import ApiError
from services.settings import get_settings
from services.store import tokens
from services.store.db import session_factory
from services.store.models import ApiToken
from services.store.submissions import utcnow


def _admin_token(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_factory(settings.database_url)() as session:
        wanted = settings.bootstrap_admin_token
        if wanted:
            key = tokens.key_id_of(tokens.digest(wanted))
            if session.scalar(select(ApiToken).where(ApiToken.key_id == key)) is not None:
                print(
                    "admin token from ARENA_BOOTSTRAP_ADMIN_TOKEN already registered",
                    file=sys.stderr,
                )
                return 0
            service.create_token(session, "admin", None, args.label, value=wanted)
            print("registered ARENA_BOOTSTRAP_ADMIN_TOKEN as an admin token", file=sys.stderr)
            return 0
        if (
            args.if_missing
            and session.scalar(
                select(ApiToken).where(ApiToken.scope == "admin", ApiToken.revoked_at.is_(None))
            )
            is not None
        ):
            print("an active admin token exists; nothing to do", file=sys.stderr)
            return 0
        created = service.create_token(session, "admin", None, args.label)
        print(created.token)
    return 0


def _team(args: argparse.Namespace) -> int:
    with session_factory(get_settings().database_url)() as session:
        team = service.create_team(session, args.name, args.display_name)
        print(json.dumps({"id": team.id, "name": team.name}))
    return 0


def _token(args: argparse.Namespace) -> int:
    with session_factory(get_settings().database_url)() as session:
        print(service.create_token(session, "participant", args.team, args.label).token)
    return 0


def _phase(args: argparse.Namespace) -> int:
    now = utcnow()
    data = PhaseIn(
        title=args.title,
        visibility="private" if args.private else "public",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=args.days) if args.days else None,
        tracks=args.tracks.split(","),
        daily_quota=args.quota,
        max_concurrent=args.max_concurrent,
        attempts=args.attempts,
    )
    with session_factory(get_settings().database_url)() as session:
        phase = service.create_phase(session, data)
        print(json.dumps({"id": phase.id, "title": phase.title}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.api.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("create-admin-token")
    p.add_argument("--if-missing", action="store_true")
    p.add_argument("--label", default="bootstrap")
    p.set_defaults(func=_admin_token)
    p = sub.add_parser("create-team")
    p.add_argument("name")
    p.add_argument("--display-name")
    p.set_defaults(func=_team)
    p = sub.add_parser("create-token")
    p.add_argument("--team", required=True)
    p.add_argument("--label", default="")
    p.set_defaults(func=_token)
    p = sub.add_parser("create-phase")
    p.add_argument("--title", required=True)
    p.add_argument("--tracks", default="planning,execution")
    p.add_argument("--days", type=int, default=0)
    p.add_argument("--quota", type=int, default=5)
    p.add_argument("--max-concurrent", type=int, default=1)
    p.add_argument("--private", action="store_true")
    p.add_argument("--attempts", type=int, default=1, help="k runs of every scenario (1-10)")
    p.set_defaults(func=_phase)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ApiError as exc:
        print(f"error [{exc.code}]: {exc.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
