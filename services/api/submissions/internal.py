"""Worker-only access to a submission's stored tarball (multi-host workers
without the api's upload directory).

Authorised by a shared secret (``settings.internal_token``), never by an
api token: participant and admin tokens are refused. Served only while the
submission is being evaluated (a non-final state): a worker needs the
archive from claim to intake, and a re-run puts the row back into
``queued``. Final submissions answer 404 even when retention keeps the file.
"""

from __future__ import annotations

import hmac
import os
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from services.api.deps import auth_limiter, check_auth_limit, client_host
from services.api.errors import ApiError
from services.api.submissions.intake import uploads_dir
from services.settings import Settings
from services.store.lifecycle import FINAL
from services.store.models import Submission

INTERNAL_TOKEN_HEADER = "X-Arena-Internal-Token"
FINAL_STATUSES = frozenset(s.value for s in FINAL)


@dataclass
class OpenArchive:
    """An open handle (the file may be unlinked meanwhile; the handle keeps
    its bytes readable) plus what the worker verifies against."""

    file: BinaryIO
    size: int
    sha256: str


def check_internal_token(settings: Settings, presented: str | None) -> None:
    """404 when the endpoint is switched off (no secret configured), 401
    without the header, 403 with a wrong value (timing-safe comparison)."""
    expected = settings.internal_token
    if not expected:
        raise ApiError(404, "not_found", "Not found.")
    if not presented:
        raise ApiError(
            401,
            "internal_token_required",
            f"This endpoint needs the {INTERNAL_TOKEN_HEADER} header.",
        )
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise ApiError(403, "invalid_internal_token", "The internal token is not valid.")


def _gone() -> ApiError:
    return ApiError(404, "archive_not_available", "No archive is available for this submission.")


def open_archive_for_worker(
    session: Session, settings: Settings, submission_id: uuid.UUID
) -> OpenArchive:
    sub = session.get(Submission, submission_id)
    if (
        sub is None
        or sub.status in FINAL_STATUSES
        or not sub.archive_name
        or sub.archive_deleted_at is not None
    ):
        raise _gone()
    sha256, expected_size = sub.image_sha256, sub.image_bytes
    path = uploads_dir(settings) / os.path.basename(sub.archive_name)
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise _gone() from None
    size = os.fstat(fh.fileno()).st_size
    if size != expected_size:  # truncated or replaced on disk: never serve it
        fh.close()
        raise _gone()
    return OpenArchive(fh, size, sha256)


async def archive_for_worker(
    request: Request,
    session: Session,
    settings: Settings,
    submission_id: uuid.UUID,
    presented_token: str | None,
) -> OpenArchive:
    """The route's one call: check the internal secret, then open the archive
    of a submission being evaluated. Wrong secrets count towards the same
    per-address limit as bad bearer tokens; the limiter may wait on Redis and
    the database is blocking, so both run off the event loop. The session is
    closed before returning: no pooled connection is held while streaming."""
    limiter = auth_limiter(request)
    client = client_host(request)
    await run_in_threadpool(check_auth_limit, limiter, client)
    try:
        check_internal_token(settings, presented_token)
    except ApiError as exc:
        if limiter is not None and exc.status in (401, 403):
            await run_in_threadpool(limiter.failed, client)
        raise
    try:
        return await run_in_threadpool(open_archive_for_worker, session, settings, submission_id)
    finally:
        await run_in_threadpool(session.close)
