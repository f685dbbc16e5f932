"""Submission routes: upload, list, get, failure summary, cancel."""

from __future__ import annotations

import errno
import logging
import uuid

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from services.api import queue
from services.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from services.api.errors import ApiError, responses
from services.api.phases.schemas import Track
from services.api.submissions import service
from services.api.submissions.archive import ArchiveError, Limits, inspect_archive
from services.api.submissions.schemas import (
    FailureSummaryOut,
    StatusName,
    SubmissionOut,
    SubmissionPage,
)
from services.api.submissions.upload import (
    DiskSink,
    MultipartError,
    TooLarge,
    stream_multipart,
    stream_raw,
)
from services.store import submissions as store
from services.store.submissions import utcnow

router = APIRouter(prefix="/api/v1/submissions", tags=["submissions"])
log = logging.getLogger("arena.api.submissions")

RAW_TYPES = {
    "application/x-tar",
    "application/octet-stream",
    "application/gzip",
    "application/x-gzip",
    "application/tar",
    "application/tar+gzip",
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "A `docker save` archive holding exactly one image, plain tar or gzip. "
        "Raw body (preferred, phase/track as query parameters) or multipart/form-data with a "
        "`file` part and optional `phase`/`track` fields.",
        "content": {
            "application/x-tar": {"schema": {"type": "string", "format": "binary"}},
            "application/gzip": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "phase": {"type": "integer"},
                        "track": {"type": "string", "enum": ["planning", "execution"]},
                    },
                }
            },
        },
    }
}


def _form_int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise ApiError(422, "invalid_request", "Form field 'phase' must be a positive integer.")
    return int(value)


@router.post(
    "",
    status_code=202,
    response_model=SubmissionOut,
    openapi_extra=UPLOAD_BODY,
    responses=responses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 507),
)
async def create_submission(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    phase: int | None = Query(
        None, ge=1, le=2**31 - 1, description="Phase id; default: the open phase"
    ),
    track: Track | None = Query(None, description="planning | execution"),
) -> JSONResponse:
    """Upload an agent image (`docker save IMAGE | gzip`). 202 with the new
    submission; the archive is checked before it is accepted."""
    now = utcnow()
    content_type = request.headers.get("content-type", "application/octet-stream")
    media = content_type.split(";")[0].strip().lower()
    multipart = media == "multipart/form-data"
    if not multipart and media not in RAW_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the archive as application/x-tar, application/gzip, "
            "application/octet-stream or multipart/form-data.",
        )
    length = request.headers.get("content-length")
    if (
        length is not None
        and length.isdigit()
        and int(length) > settings.upload_max_bytes + (64 * 1024 if multipart else 0)
    ):
        raise ApiError(
            413, "too_large", f"Uploads are limited to {settings.upload_max_bytes} bytes."
        )

    phase_id: int | None = None
    if not multipart:
        if track is None:
            raise ApiError(422, "track_required", "Query parameter 'track' is required.")
        phase_id = (
            await run_in_threadpool(service.resolve_target, session, principal, phase, track, now)
        ).id
        # Do not hold a pooled connection while the body streams in.
        await run_in_threadpool(session.rollback)

    sink = DiskSink(service.uploads_dir(settings), settings.upload_max_bytes)
    try:
        if multipart:
            stored, fields = await stream_multipart(request.stream(), content_type, sink)
            track = track or fields.get("track")  # type: ignore[assignment]
            if track not in ("planning", "execution"):
                raise ApiError(
                    422, "track_required", "Field 'track' must be planning or execution."
                )
            phase_id = (
                await run_in_threadpool(
                    service.resolve_target,
                    session,
                    principal,
                    phase or _form_int(fields.get("phase")),
                    track,
                    now,
                )
            ).id
        else:
            stored = await stream_raw(request.stream(), sink)
        info = await run_in_threadpool(inspect_archive, stored.path, Limits.from_settings(settings))
        assert phase_id is not None and track is not None
        sub = await run_in_threadpool(
            service.accept,
            session,
            settings,
            principal,
            phase_id,
            track,
            stored,
            info.compressed,
            now,
        )
    except TooLarge:
        await sink.discard()
        raise ApiError(
            413, "too_large", f"Uploads are limited to {settings.upload_max_bytes} bytes."
        ) from None
    except ArchiveError as exc:
        await sink.discard()
        log.info("upload rejected", extra={"code": exc.code, "team": principal.team_name})
        raise ApiError(exc.status, exc.code, exc.message) from None
    except MultipartError as exc:
        await sink.discard()
        raise ApiError(400, "bad_multipart", f"Malformed multipart upload: {exc}.") from None
    except ClientDisconnect:
        await sink.discard()
        raise ApiError(400, "upload_incomplete", "The client disconnected mid-upload.") from None
    except OSError as exc:
        await sink.discard()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.warning("upload storage full", extra={"team": principal.team_name})
            raise ApiError(
                507,
                "insufficient_storage",
                "The server has no room for this upload right now; try again later.",
                title="Insufficient storage",
            ) from None
        log.warning("upload storage error", extra={"error": type(exc).__name__})
        raise ApiError(
            503, "storage_unavailable", "The upload could not be stored; try again later."
        ) from None
    except BaseException:
        await sink.discard()
        raise

    if await run_in_threadpool(queue.enqueue, settings, sub.id):

        def _queued() -> None:
            store.mark_queued(session, sub.id, utcnow())
            session.commit()
            session.refresh(sub)

        await run_in_threadpool(_queued)
    log.info(
        "submission accepted",
        extra={
            "submission_id": sub.id,
            "team": principal.team_name,
            "bytes": sub.image_bytes,
            "track": track,
        },
    )
    body = service.to_out(sub).model_dump(mode="json")
    return JSONResponse(
        body, status_code=202, headers={"Location": f"/api/v1/submissions/{sub.id}"}
    )


@router.get("", response_model=SubmissionPage, responses=responses(401, 422))
def list_submissions(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(20, ge=1, le=200),
    phase: int | None = Query(None, ge=1, le=2**31 - 1),
    status: StatusName | None = None,
) -> SubmissionPage:
    """Your team's submissions, newest first (admins: all teams)."""
    return service.list_visible(session, principal, page, page_size, phase, status)


@router.get("/{submission_id}", response_model=SubmissionOut, responses=responses(401, 404, 422))
def get_submission(
    session: SessionDep, principal: CurrentPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Status, progress, timestamps, failure reason and aggregated scores."""
    return service.to_out(service.get_visible(session, principal, submission_id))


@router.get(
    "/{submission_id}/failures",
    response_model=FailureSummaryOut,
    responses=responses(401, 404, 422),
)
def get_failure_summary(
    session: SessionDep, principal: CurrentPrincipal, submission_id: uuid.UUID = Path()
) -> FailureSummaryOut:
    """Failure clusters of one submission (catalog id, label, count, share)."""
    return service.failure_summary(session, service.get_visible(session, principal, submission_id))


@router.post(
    "/{submission_id}/cancel", response_model=SubmissionOut, responses=responses(401, 404, 409, 422)
)
def cancel_submission(
    session: SessionDep, principal: CurrentPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Cancel in any non-final state; a running evaluation stops at its next
    check. Cancelled submissions do not count against the quota."""
    sub = service.get_visible(session, principal, submission_id)
    return service.to_out(service.cancel(session, sub, utcnow()))
