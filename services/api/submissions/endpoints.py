"""Submission routes: upload, list, get, failure summary, cancel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from services.api.deps import CurrentPrincipal, SessionDep, SettingsDep
from services.api.errors import responses
from services.api.phases.schemas import Track
from services.api.submissions import intake, service
from services.api.submissions.schemas import (
    FailureSummaryOut,
    RecordOut,
    StatusName,
    SubmissionOut,
    SubmissionPage,
)
from services.api.submissions.upload import UploadSlots, sweep_partials
from services.settings import Settings
from services.store import submissions as store

log = logging.getLogger("arena.api.submissions")

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


def _upload_slots(request: Request, settings: Settings) -> UploadSlots:
    slots = getattr(request.app.state, "upload_slots", None)
    if slots is None:  # an app started without its lifespan (tests)
        slots = request.app.state.upload_slots = UploadSlots.from_settings(settings)
    return slots


async def _sweep(settings: Settings) -> None:
    try:
        await run_in_threadpool(
            sweep_partials, intake.uploads_dir(settings), settings.upload_partial_max_age_seconds
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
    await run_in_threadpool(store.upload_store_id, intake.uploads_dir(settings), True)
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
    upload = intake.UploadRequest(
        content_type=request.headers.get("content-type", "application/octet-stream"),
        content_length=request.headers.get("content-length"),
        body=request.stream(),
        slots=_upload_slots(request, settings),
    )
    out = await intake.create_submission(session, settings, principal, upload, phase, track)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/v1/submissions/{out.id}"},
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
    return service.read(session, principal, submission_id)


@router.get(
    "/{submission_id}/failures",
    response_model=FailureSummaryOut,
    responses=responses(401, 404, 422),
)
def get_failure_summary(
    session: SessionDep, principal: CurrentPrincipal, submission_id: uuid.UUID = Path()
) -> FailureSummaryOut:
    """Failure clusters of one submission (catalog id, label, count, share)."""
    return service.failures_of(session, principal, submission_id)


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
    out = service.record_for(session, principal, submission_id)
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
    return service.cancel_visible(session, principal, submission_id)
