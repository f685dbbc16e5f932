"""Talking to a running stack: seed teams/tokens/phases, upload, wait.

The bootstrap admin token is registered with the operator CLI
(``python -m services.api.admin create-admin-token``, see sec_stack); teams,
tokens and phases are created through the admin HTTP endpoints with it.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sec_stack import ArenaStack, sql

FINAL = {"finished", "failed", "cancelled"}


@dataclass
class TeamCred:
    name: str
    team_id: int
    token: str


@dataclass
class World:
    phase_id: int
    track: str
    admin_token: str
    teams: dict[str, TeamCred] = field(default_factory=dict)
    extra_phases: dict[str, int] = field(default_factory=dict)


def _admin(stack: ArenaStack, token: str | None = None) -> httpx.Client:
    return stack.client(token or stack.admin_token)


def _ok(r: httpx.Response) -> dict[str, Any]:
    if r.status_code >= 300:
        raise AssertionError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}")
    return r.json()


def create_team(stack: ArenaStack, name: str) -> TeamCred:
    """Team + participant token through the admin api (bootstrap admin token)."""
    with _admin(stack) as admin:
        team = _ok(admin.post("/api/v1/admin/teams", json={"name": name}))
        tok = _ok(
            admin.post(
                "/api/v1/admin/tokens",
                json={"scope": "participant", "team": name, "label": "sec-suite"},
            )
        )
    return TeamCred(name, int(team["id"]), str(tok["token"]))


def create_admin_token(stack: ArenaStack, label: str = "sec-admin") -> str:
    with _admin(stack) as admin:
        return str(
            _ok(admin.post("/api/v1/admin/tokens", json={"scope": "admin", "label": label}))[
                "token"
            ]
        )


def create_phase(
    stack: ArenaStack,
    title: str,
    *,
    visibility: str = "public",
    daily_quota: int = 1000,
    max_concurrent: int = 100,
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta | None = None,
    tracks: tuple[str, ...] = ("planning", "execution"),
) -> int:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": title,
        "visibility": visibility,
        "opens_at": (now + opens_in).isoformat(),
        "tracks": list(tracks),
        "daily_quota": daily_quota,
        "max_concurrent": max_concurrent,
    }
    if closes_in is not None:
        body["closes_at"] = (now + closes_in).isoformat()
    with _admin(stack) as admin:
        return int(_ok(admin.post("/api/v1/admin/phases", json=body))["id"])


def bootstrap_world(
    stack: ArenaStack, teams: tuple[str, ...] = ("alpha", "bravo"), track: str = "execution"
) -> World:
    suffix = secrets.token_hex(3)
    phase_id = create_phase(stack, f"sec-phase-{suffix}")
    world = World(phase_id=phase_id, track=track, admin_token=create_admin_token(stack))
    for name in teams:
        world.teams[name] = create_team(stack, f"{name}-{suffix}")
    return world


def upload_params(world: World, phase_id: int | None = None) -> dict[str, Any]:
    return {"phase": phase_id or world.phase_id, "track": world.track}


def leaderboard_request(world: World) -> tuple[str, dict[str, Any]]:
    return "/api/v1/leaderboard", {"phase": world.phase_id, "track": world.track}


def submission_id(body: Any) -> str:
    return str(body["id"]) if isinstance(body, dict) and "id" in body else ""


def upload(
    client: httpx.Client, archive: Path, params: dict[str, Any], content_type: str | None = None
) -> httpx.Response:
    ctype = content_type or (
        "application/gzip" if archive.read_bytes()[:2] == b"\x1f\x8b" else "application/x-tar"
    )
    with archive.open("rb") as fh:
        return client.post(
            "/api/v1/submissions", params=params, content=fh, headers={"Content-Type": ctype}
        )


def wait_final(client: httpx.Client, sub_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = client.get(f"/api/v1/submissions/{sub_id}")
        if r.status_code == 200:
            last = r.json()
            if last["status"] in FINAL:
                return last
        time.sleep(1)
    raise TimeoutError(f"submission {sub_id} not final after {timeout}s: {last}")


def wait_status(
    client: httpx.Client, sub_id: str, statuses: set[str], timeout: float = 300
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = client.get(f"/api/v1/submissions/{sub_id}")
        if r.status_code == 200:
            last = r.json()
            if last["status"] in statuses:
                return last
            if last["status"] in FINAL:
                raise AssertionError(
                    f"{sub_id} went final ({last['status']}) before "
                    f"reaching {statuses}: {last.get('failure')}"
                )
        time.sleep(0.5)
    raise TimeoutError(f"submission {sub_id} never reached {statuses}: {last}")


def count_submissions(stack: ArenaStack, ids: set[str]) -> int:
    if not ids:
        return 0
    rows = sql(
        stack.db_url,
        "SELECT count(*) FROM submissions WHERE id = ANY(%s::uuid[])",
        ([str(uuid.UUID(i)) for i in ids],),
    )
    return int(rows[0][0])


def table_counts(stack: ArenaStack) -> dict[str, int]:
    tables = [
        r[0]
        for r in sql(stack.db_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    return {t: int(sql(stack.db_url, f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables}


def files_under(directory: Path) -> set[str]:
    if not directory.exists():
        return set()
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


_TINY: dict[str, Path] = {}


def tiny_archive(root: Path, sleep_seconds: int = 600) -> Path:
    """A gzip'd ``docker save`` of the ~2 MiB sleeper image (built once)."""
    key = f"{root}:{sleep_seconds}"
    if key not in _TINY or not _TINY[key].exists():
        import sec_images

        tag = f"arena-sec-tiny:s{sleep_seconds}"
        sec_images.build_tiny_image(tag, sleep_seconds)
        path = sec_images.save_image([tag], root / f"tiny-{sleep_seconds}.tar.gz", compress=True)
        _TINY[key] = path
    return _TINY[key]


def cancel_all(client: httpx.Client, ids: list[str]) -> None:
    for sid in ids:
        client.post(f"/api/v1/submissions/{sid}/cancel")


def is_problem(r: httpx.Response) -> bool:
    """RFC 9457 body with a stable ``code``."""
    if not r.headers.get("content-type", "").startswith("application/problem+json"):
        return False
    body = r.json()
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and body.get("status") == r.status_code
    )
