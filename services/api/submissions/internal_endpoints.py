"""Internal route for workers on other hosts: stream a submission's tarball.
Not part of the participant api (own prefix, own secret); see
services/api/submissions/internal.py for the rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from services.api.deps import (
    SessionDep,
    SettingsDep,
    auth_limiter,
    check_auth_limit,
    client_host,
)
from services.api.errors import ApiError, responses
from services.api.submissions import internal
from services.api.submissions.internal import OpenArchive

router = APIRouter(prefix="/api/internal", tags=["internal"])
CHUNK = 1024 * 1024


def _chunks(archive: OpenArchive) -> Iterator[bytes]:
    # A sync generator: Starlette iterates it in a thread pool, 1 MiB at a time.
    with archive.file as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


@router.get(
    "/submissions/{submission_id}/archive",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The uploaded tarball, byte for byte.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        **responses(401, 403, 404, 422, 429),
    },
)
async def download_archive(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    submission_id: uuid.UUID = Path(),
    x_arena_internal_token: str | None = Header(
        None, description="The operator's ARENA_INTERNAL_TOKEN (bearer tokens are not accepted)"
    ),
) -> StreamingResponse:
    """Workers only: the stored image archive of a submission being
    evaluated. 404 when the server has no internal token configured."""
    # Wrong secrets count towards the same per-address limit as bad bearer
    # tokens. The limiter may wait on Redis: off the event loop.
    limiter = auth_limiter(request)
    client = client_host(request)
    await run_in_threadpool(check_auth_limit, limiter, client)
    try:
        internal.check_internal_token(settings, x_arena_internal_token)
    except ApiError as exc:
        if limiter is not None and exc.status in (401, 403):
            await run_in_threadpool(limiter.failed, client)
        raise
    archive = await run_in_threadpool(
        internal.open_archive_for_worker, session, settings, submission_id
    )
    await run_in_threadpool(session.close)  # no pooled connection held while streaming
    return StreamingResponse(
        _chunks(archive),
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(archive.size),
            "X-Arena-Archive-Sha256": archive.sha256,
            "Cache-Control": "no-store",
        },
    )
