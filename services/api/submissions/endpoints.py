"""Submission routes: upload, list, get, failure summary, cancel."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Path, Query, Request
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
    RecordOut,
    StatusName,
    SubmissionOut,
    SubmissionPage,
)
from services.api.submissions.upload import (
    DiskSink,
    MultipartError,
    TooLarge,
    UploadSlot,
    UploadSlots,
    stream_multipart,
    stream_raw,
    sweep_partials,
)
from services.settings import Settings
from services.store import submissions as store
from services.store.submissions import utcnow

log = logging.getLogger("arena.api.submissions")
TRACKS = ("planning", "execution")
UPLOAD_BUSY_RETRY_AFTER_SECONDS = 30

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
        "Raw body (preferred) or multipart/form-data with one `file` part. `phase`/`track` "
        "as query parameters (any content type), or as multipart form fields placed before "
        "the `file` part: they are checked, with the quota, before the file is read.",
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
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**31:
        raise ApiError(422, "invalid_request", "Form field 'phase' must be a positive integer.")
    return int(value)


def _form_track(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in TRACKS:
        raise ApiError(422, "track_required", "Field 'track' must be planning or execution.")
    return value


def _check_late_fields(
    early: dict[str, str], fields: dict[str, str], phase_id: int | None, track: str | None
) -> None:
    """A phase/track field after the file part came too late to be checked
    before the body was stored: refused unless it repeats what was used."""
    late_track = "track" in fields and "track" not in early and fields["track"] != track
    late_phase = (
        "phase" in fields and "phase" not in early and _form_int(fields["phase"]) != phase_id
    )
    if late_track or late_phase:
        raise ApiError(
            422,
            "form_fields_after_file",
            "Form fields 'phase' and 'track' must come before the file part (or be sent "
            "as query parameters).",
        )


def _upload_slots(request: Request, settings: Settings) -> UploadSlots:
    slots = getattr(request.app.state, "upload_slots", None)
    if slots is None:  # an app started without its lifespan (tests)
        slots = request.app.state.upload_slots = UploadSlots.from_settings(settings)
    return slots


async def _keep_slot(slots: UploadSlots, slot: UploadSlot) -> None:
    """Renew the team's upload slot while the body streams in."""
    while True:
        await asyncio.sleep(max(1.0, slots.ttl_seconds / 3))
        await run_in_threadpool(slots.renew, slot)


async def _sweep(settings: Settings) -> None:
    try:
        await run_in_threadpool(
            sweep_partials, service.uploads_dir(settings), settings.upload_partial_max_age_seconds
        )
    except Exception as exc:  # never let the sweeper die, nor the api fail to start
        log.warning("partial upload sweep failed", extra={"error": type(exc).__name__})


async def _sweep_periodically(settings: Settings) -> None:
    while True:
        await asyncio.sleep(max(1.0, settings.upload_sweep_interval_seconds))
        await _sweep(settings)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At api start: the upload store id, the shared upload slots, and the
    sweep of orphaned partial uploads (now, then periodically)."""
    settings: Settings = app.state.settings
    await run_in_threadpool(store.upload_store_id, service.uploads_dir(settings), True)
    app.state.upload_slots = UploadSlots.from_settings(settings)
    await _sweep(settings)
    sweeper = asyncio.ensure_future(_sweep_periodically(settings))
    try:
        yield
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper


router = APIRouter(prefix="/api/v1/submissions", tags=["submissions"], lifespan=_lifespan)


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

    team_id = service.require_team(principal)

    async def resolve(phase_wanted: int | None, track_wanted: str) -> int:
        target = await run_in_threadpool(
            service.resolve_target, session, principal, phase_wanted, track_wanted, now
        )
        # Do not hold a pooled connection while the body streams in.
        await run_in_threadpool(session.rollback)
        return target.id

    # Phase, track and quota are checked before the body is read: from the
    # query (any content type), else from the form fields that precede the
    # file part (multipart; checked in open_file before its first byte).
    phase_id: int | None = None
    if track is not None:
        phase_id = await resolve(phase, track)
    elif not multipart:
        raise ApiError(422, "track_required", "Query parameter 'track' is required.")

    slots = _upload_slots(request, settings)
    slot = await run_in_threadpool(slots.acquire, team_id)
    if slot is None:
        raise ApiError(
            429,
            "too_many_uploads",
            f"Your team already has {slots.limit} upload(s) in progress; "
            "retry when one of them has finished.",
            title="Too many uploads in progress",
            headers={"Retry-After": str(UPLOAD_BUSY_RETRY_AFTER_SECONDS)},
        )
    keeper = asyncio.ensure_future(_keep_slot(slots, slot))
    sink: DiskSink | None = None

    def new_sink() -> DiskSink:
        nonlocal sink
        sink = DiskSink(service.uploads_dir(settings), settings.upload_max_bytes)
        return sink

    async def open_file(fields: dict[str, str]) -> DiskSink:
        nonlocal phase_id, track
        form_track, form_phase = _form_track(fields.get("track")), _form_int(fields.get("phase"))
        if (track is not None and form_track not in (None, track)) or (
            phase is not None and form_phase not in (None, phase)
        ):
            raise ApiError(
                422,
                "conflicting_parameters",
                "The query and the form name different values for 'phase' or 'track'.",
            )
        wanted_track = track or form_track
        if wanted_track is None:
            raise ApiError(
                422,
                "track_required",
                "'track' is required: send phase/track as query parameters, or as form "
                "fields before the file part.",
            )
        if phase_id is None or (form_phase is not None and form_phase != phase_id):
            phase_id = await resolve(phase or form_phase, wanted_track)
        track = wanted_track  # type: ignore[assignment]
        return new_sink()

    async def drop() -> None:
        if sink is not None:
            await sink.discard()

    try:
        if multipart:
            stored, early, fields = await stream_multipart(
                request.stream(), content_type, open_file
            )
            _check_late_fields(early, fields, phase_id, track)
        else:
            stored = await stream_raw(request.stream(), new_sink())
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
        await drop()
        raise ApiError(
            413, "too_large", f"Uploads are limited to {settings.upload_max_bytes} bytes."
        ) from None
    except ArchiveError as exc:
        await drop()
        log.info("upload rejected", extra={"code": exc.code, "team": principal.team_name})
        raise ApiError(exc.status, exc.code, exc.message) from None
    except MultipartError as exc:
        await drop()
        raise ApiError(400, "bad_multipart", f"Malformed multipart upload: {exc}.") from None
    except ClientDisconnect:
        await drop()
        raise ApiError(400, "upload_incomplete", "The client disconnected mid-upload.") from None
    except OSError as exc:
        await drop()
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
        await drop()
        raise
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        if sink is not None:
            sink.close()
        await run_in_threadpool(slots.release, slot)

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


@router.get(
    "/{submission_id}/record",
    response_model=RecordOut,
    responses=responses(401, 404, 409, 422),
)
def get_record(
    session: SessionDep, principal: CurrentPrincipal, submission_id: uuid.UUID = Path()
) -> JSONResponse:
    """The reproducibility record (image, pack, rubric, engine, seeds, limits,
    model, attempts, worker, times, cost) with the scores, as a download."""
    out = service.record_of(service.get_visible(session, principal, submission_id))
    return JSONResponse(
        out.model_dump(mode="json"),
        headers={
            "Content-Disposition": f'attachment; filename="arena-record-{submission_id}.json"'
        },
    )


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
