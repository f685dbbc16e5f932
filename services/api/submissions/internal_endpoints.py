"""Internal route for workers on other hosts: stream a submission's tarball.
Not part of the participant api (own prefix, own secret); see
services/api/submissions/internal.py for the rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import StreamingResponse

from services.api.deps import SessionDep, SettingsDep
from services.api.errors import responses
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
    archive = await internal.archive_for_worker(
        request, session, settings, submission_id, x_arena_internal_token
    )
    return StreamingResponse(
        _chunks(archive),
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(archive.size),
            "X-Arena-Archive-Sha256": archive.sha256,
            "Cache-Control": "no-store",
        },
    )
