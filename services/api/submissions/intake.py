"""Submission intake: the upload use case. Check the caller, the phase and
its quotas before a byte is read, stream the body to disk (raw or
multipart) under an upload slot, inspect the archive, then accept it
(insert + enqueue) or refuse it with a stable problem code. The route calls
``create_submission`` once."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from services.api import queue
from services.api.deps import Principal
from services.api.errors import ApiError
from services.api.phases import service as phases
from services.api.submissions.archive import ArchiveError, Limits, inspect_archive
from services.api.submissions.schemas import (
    SubmissionOut,
)
from services.api.submissions.service import to_out
from services.api.submissions.upload import (
    DiskSink,
    MultipartError,
    StoredUpload,
    TooLarge,
    UploadSlot,
    UploadSlots,
    stream_multipart,
    stream_raw,
)
from services.settings import Settings
from services.store import submissions as store
from services.store.models import (
    Phase,
    Submission,
)

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


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def require_team(principal: Principal) -> int:
    if principal.team_id is None:
        raise ApiError(403, "team_required", "Only team (participant) tokens can submit.")
    return principal.team_id


def resolve_target(
    session: Session, principal: Principal, phase_id: int | None, track: str, now: datetime
) -> Phase:
    """Phase + track checks and the quota pre-check (before reading the body)."""
    require_team(principal)
    phase = (
        phases.get_phase(session, phase_id)
        if phase_id
        else phases.default_phase(session, now, track)
    )
    phases.check_track(phase, track)
    phases.ensure_can_submit(session, principal.team_id, phase, now)
    return phase


def accept(
    session: Session,
    settings: Settings,
    principal: Principal,
    phase_id: int,
    track: str,
    upload: StoredUpload,
    compressed: bool,
    now: datetime,
) -> Submission:
    """Insert the row (status submitted) and move the archive to its final
    name, under a team row lock so concurrent uploads cannot both pass the
    quota check."""
    assert principal.team_id is not None
    store.lock_team(session, principal.team_id)
    phase = phases.get_phase(session, phase_id)
    phases.ensure_can_submit(session, principal.team_id, phase, now)
    sub_id = uuid.uuid4()
    name = f"{sub_id}.tar.gz" if compressed else f"{sub_id}.tar"
    # The store this host writes to: only a reconciler sharing it deletes the file.
    archive_store = store.upload_store_id(uploads_dir(settings), create=True)
    sub = store.insert_submission(
        session,
        submission_id=sub_id,
        team_id=principal.team_id,
        phase_id=phase.id,
        track=track,
        image_sha256=upload.sha256,
        image_bytes=upload.size,
        archive_name=name,
        archive_store=archive_store,
        now=now,
        deadline=timedelta(seconds=settings.submission_deadline_seconds),
    )
    os.replace(upload.path, uploads_dir(settings) / name)
    try:
        session.commit()
    except BaseException:
        (uploads_dir(settings) / name).unlink(missing_ok=True)
        raise
    return sub


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


async def _keep_slot(slots: UploadSlots, slot: UploadSlot) -> None:
    """Renew the team's upload slot while the body streams in."""
    while True:
        await asyncio.sleep(max(1.0, slots.ttl_seconds / 3))
        await run_in_threadpool(slots.renew, slot)


@dataclass(frozen=True)
class UploadRequest:
    """What ``create_submission`` reads of the HTTP request: its content
    type and declared length, the body stream and the shared upload slots."""

    content_type: str
    content_length: str | None
    body: AsyncIterator[bytes]
    slots: UploadSlots


def _check_media(request: UploadRequest, settings: Settings) -> bool:
    """Refuse an unsupported media type or a declared length above the
    limit before anything else; True for a multipart body."""
    media = request.content_type.split(";")[0].strip().lower()
    multipart = media == "multipart/form-data"
    if not multipart and media not in RAW_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the archive as application/x-tar, application/gzip, "
            "application/octet-stream or multipart/form-data.",
        )
    length = request.content_length
    if (
        length is not None
        and length.isdigit()
        and int(length) > settings.upload_max_bytes + (64 * 1024 if multipart else 0)
    ):
        raise ApiError(
            413, "too_large", f"Uploads are limited to {settings.upload_max_bytes} bytes."
        )
    return multipart


def _storage_error(exc: OSError, principal: Principal) -> ApiError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        log.warning("upload storage full", extra={"team": principal.team_name})
        return ApiError(
            507,
            "insufficient_storage",
            "The server has no room for this upload right now; try again later.",
            title="Insufficient storage",
        )
    log.warning("upload storage error", extra={"error": type(exc).__name__})
    return ApiError(503, "storage_unavailable", "The upload could not be stored; try again later.")


async def create_submission(
    session: Session,
    settings: Settings,
    principal: Principal,
    request: UploadRequest,
    phase: int | None,
    track: str | None,
) -> SubmissionOut:
    """Upload an agent image: media and size checks; phase, track and quota
    checked before the body is read (from the query, else from the form
    fields that precede the file part); the body streamed to disk under the
    team's upload slot; the archive inspected; the row inserted (status
    submitted) and handed to the queue (queued when the broker took it)."""
    now = store.utcnow()
    multipart = _check_media(request, settings)
    team_id = require_team(principal)

    async def resolve(phase_wanted: int | None, track_wanted: str) -> int:
        target = await run_in_threadpool(
            resolve_target, session, principal, phase_wanted, track_wanted, now
        )
        # Do not hold a pooled connection while the body streams in.
        await run_in_threadpool(session.rollback)
        return target.id

    phase_id: int | None = None
    if track is not None:
        phase_id = await resolve(phase, track)
    elif not multipart:
        raise ApiError(422, "track_required", "Query parameter 'track' is required.")

    slots = request.slots
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
        sink = DiskSink(uploads_dir(settings), settings.upload_max_bytes)
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
        track = wanted_track
        return new_sink()

    async def drop() -> None:
        if sink is not None:
            await sink.discard()

    try:
        if multipart:
            stored, early, fields = await stream_multipart(
                request.body, request.content_type, open_file
            )
            _check_late_fields(early, fields, phase_id, track)
        else:
            stored = await stream_raw(request.body, new_sink())
        info = await run_in_threadpool(inspect_archive, stored.path, Limits.from_settings(settings))
        assert phase_id is not None and track is not None
        sub = await run_in_threadpool(
            accept, session, settings, principal, phase_id, track, stored, info.compressed, now
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
        raise _storage_error(exc, principal) from None
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
            store.mark_queued(session, sub.id, store.utcnow())
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
    return to_out(sub)
