"""The leaderboard page: ``/`` (full page), two HTML fragments the page's JS
patches in on change, and the static assets. Server-rendered with Jinja2;
works with JavaScript off (the phase/track form is a plain GET)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.api.page import svg, views
from services.api.page.data import API, ApiReply, PageData

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
POLL_INTERVAL_MS = 5000
PAGE_SIZE = 100

router = APIRouter(include_in_schema=False)


@lru_cache
def static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    # Content hash in the URL: browsers may cache forever, a deploy busts it.
    return f"/ui/static/{name}?v={static_version(name)}"


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def rate(value: float | None) -> str:
    """A 0-100 rate (the api's pass_rate) as a percentage."""
    return "–" if value is None else f"{value:.0f}%"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def ci(pair: tuple[float, float] | None) -> str:
    """A 95 % interval as 'low–high' (empty when none was recorded)."""
    return "" if pair is None else f"{pair[0]:.1f}–{pair[1]:.1f}"


def count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def secs(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


@lru_cache
def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Loaded once per process, like the code that renders them: no stat()
        # per request, and never new templates against old code mid-deploy.
        auto_reload=False,
    )
    env.globals.update(
        static_url=static_url,
        fmt=fmt,
        pct=pct,
        rate=rate,
        ci=ci,
        count=count,
        secs=secs,
        dimensions=views.DIMENSIONS,
        ready_line=svg.DEPLOYMENT_READY,
    )
    return env


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Cache-Control": "no-store",
            # Everything is same-origin: no CDN, no inline script or style.
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _phase_options(reply: ApiReply) -> list[dict[str, Any]]:
    if not reply.ok:
        return []
    items = reply.body.get("items", []) if isinstance(reply.body, dict) else reply.body or []
    return [
        {
            "id": str(p.get("id")),
            "title": str(p.get("title") or p.get("id")),
            "tracks": [str(t) for t in p.get("tracks") or []],
        }
        for p in items
        # private boards answer 404 to anonymous readers: do not offer them
        if isinstance(p, dict) and p.get("visibility", "public") == "public"
    ]


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _board(data: PageData, phase: int | None, track: str | None) -> views.LeaderboardView:
    reply = await data.leaderboard(phase, track, PAGE_SIZE)
    if reply.ok and isinstance(reply.body, dict):
        return views.leaderboard_view(reply.body, reply.etag)
    # Pass the api's own status and sentence through (404 unknown phase,
    # 422 track not in phase, ...); anything unexpected is a 502.
    detail = reply.body.get("detail") if isinstance(reply.body, dict) else None
    if 400 <= reply.status < 500:
        raise PageError(reply.status, str(detail or "No such leaderboard."))
    raise PageError(502, f"The leaderboard is unavailable right now (api answered {reply.status}).")


def error_page(exc: PageError) -> HTMLResponse:
    return render("error.html", exc.status, status=exc.status, message=exc.message)


def _urls(board: views.LeaderboardView) -> dict[str, str]:
    q = f"phase={board.phase_id}&track={board.track}"
    return {
        "poll_url": f"{API}/leaderboard?{q}&page_size={PAGE_SIZE}",
        "fragment_url": f"/ui/fragments/leaderboard?{q}",
        "team_fragment_url": "/ui/fragments/team",
    }


Track = Literal["planning", "execution"]
PhaseId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/", response_class=HTMLResponse)
async def index(
    request: Request,
    phase: PhaseId = None,
    track: Track | None = None,
    refresh: int | None = Query(default=None, ge=2, le=600, description="poll every N s"),
) -> HTMLResponse:
    data = PageData(request.app)
    try:
        board = await _board(data, phase, track)
        phases = _phase_options(await data.phases())
        # Without ?phase/?track the api picks the board (its default rule: the
        # phase's track with the most recent finished submission, docs/api.md),
        # so the page opens on the same board as any poller without parameters.
        tracks = next((p["tracks"] for p in phases if p["id"] == board.phase_id), [board.track])
    except PageError as exc:
        if exc.status == 404 and phase is None:
            # A fresh deployment has no public phase yet: that is not an error.
            return render("empty.html", message=exc.message)
        return error_page(exc)
    catalog = await data.failure_catalog()
    clusters = None
    if catalog.ok:
        items = catalog.body.get("items", []) if isinstance(catalog.body, dict) else catalog.body
        clusters = views.cluster_view(
            views.catalog_bars(items or []),
            title="Failure clusters, share of all statements",
            chart_id="catalog",
        )
    return render(
        "index.html",
        board=board,
        phases=phases,
        tracks=tracks,
        clusters=clusters,
        interval_ms=(refresh * 1000) if refresh else POLL_INTERVAL_MS,
        **_urls(board),
    )


@router.get("/ui/fragments/leaderboard", response_class=HTMLResponse)
async def leaderboard_fragment(
    request: Request, phase: PhaseId = None, track: Track | None = None
) -> HTMLResponse:
    try:
        board = await _board(PageData(request.app), phase, track)
    except PageError as exc:
        return render("_error.html", exc.status, message=exc.message)
    return render("_leaderboard.html", board=board)


@router.get("/ui/fragments/team", response_class=HTMLResponse)
async def team_fragment(
    request: Request, authorization: str | None = Header(default=None)
) -> HTMLResponse:
    if not authorization:
        return render("_error.html", 401, message="Paste your team token to see your submissions.")
    data = PageData(request.app, authorization)
    reply = await data.my_submissions(limit=20)
    if reply.status in (401, 403):
        return render("_error.html", reply.status, message="That token was not accepted.")
    if not reply.ok:
        return render("_error.html", 502, message=f"Submissions unavailable ({reply.status}).")
    body = reply.body
    items = body.get("items", []) if isinstance(body, dict) else body or []
    # Every item names its team; an empty list has nothing to name.
    team_name = next((i.get("team") for i in items if isinstance(i, dict) and i.get("team")), None)
    team_name = team_name or "Your team"
    subs = [views.submission_view(item) for item in items]
    for sub in subs:
        if sub.status != "finished":
            continue
        failures = await data.failures_of(sub.id)
        if failures.ok and isinstance(failures.body, dict):
            clusters = failures.body.get("clusters") or []
            sub.failures = views.cluster_view(
                views.summary_bars(clusters),
                title=f"Failure clusters of submission {sub.short_id}",
                chart_id="f-" + views.safe_id(sub.id),
                advice=views.cluster_advice(clusters),
            )
    return render(
        "_team.html",
        team_name=str(team_name),
        submissions=subs,
        any_active=any(s.active for s in subs),
    )


@router.get("/ui/static/{name}")
async def static_asset(name: str) -> Response:
    path = STATIC_DIR / name
    if path.suffix not in STATIC_TYPES or path.parent != STATIC_DIR or not path.is_file():
        raise HTTPException(404, "not found")
    return FileResponse(
        path,
        media_type=STATIC_TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


__all__ = ["router"]
