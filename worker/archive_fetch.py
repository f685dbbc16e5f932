"""Fetch a submission's tarball from the api for a worker that does not
share the api's upload directory (``settings.image_source_url``).

Streams ``GET /api/internal/submissions/{id}/archive`` (header
``X-Arena-Internal-Token``) to a temp file under ``data_dir/archive-fetch``
and verifies size and SHA-256 against what the api recorded at upload
(``Submission.image_bytes`` / ``image_sha256``, read by the worker from
Postgres, not from the response). The caller deletes the file after intake.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import httpx

from services.settings import Settings

INTERNAL_TOKEN_HEADER = "X-Arena-Internal-Token"
CHUNK = 1024 * 1024


class ArchiveFetchError(Exception):
    """``code`` is stable: archive_missing (the api has no archive for this
    submission: not retryable), archive_fetch_failed (network/auth/server:
    retryable), archive_integrity (bytes differ from the upload: retryable,
    the next attempt downloads again)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def fetch_dir(settings: Settings) -> Path:
    return settings.data_dir / "archive-fetch"


def fetch_archive(
    settings: Settings,
    submission_id: uuid.UUID,
    expected_sha256: str,
    expected_size: int,
    timeout_seconds: float = 60.0,
) -> Path:
    """Download into a fresh temp file and return its path; on any error the
    partial file is removed and ArchiveFetchError raised."""
    if not settings.image_source_url or not settings.internal_token:
        raise ArchiveFetchError(
            "archive_fetch_failed",
            "image_source_url and internal_token must both be set to fetch archives.",
        )
    url = (
        f"{settings.image_source_url.rstrip('/')}/api/internal/submissions/{submission_id}/archive"
    )
    directory = fetch_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{submission_id}-", suffix=".tar", dir=directory)
    path = Path(name)
    try:
        digest = hashlib.sha256()
        written = 0
        # timeout applies per read, not to the whole (multi-GB) transfer
        with (
            os.fdopen(fd, "wb") as out,
            httpx.stream(
                "GET",
                url,
                headers={INTERNAL_TOKEN_HEADER: settings.internal_token},
                timeout=timeout_seconds,
                follow_redirects=False,
            ) as resp,
        ):
            if resp.status_code == 404:
                raise ArchiveFetchError(
                    "archive_missing", "The api has no archive for this submission."
                )
            if resp.status_code != 200:
                raise ArchiveFetchError(
                    "archive_fetch_failed", f"The api answered {resp.status_code}."
                )
            for chunk in resp.iter_bytes(CHUNK):
                written += len(chunk)
                if written > expected_size:  # never fill the disk past the upload's size
                    raise ArchiveFetchError(
                        "archive_integrity", "The download is larger than the upload."
                    )
                digest.update(chunk)
                out.write(chunk)
        if written != expected_size or not _same(digest.hexdigest(), expected_sha256):
            raise ArchiveFetchError(
                "archive_integrity", "The downloaded archive does not match the upload."
            )
        return path
    except httpx.HTTPError as exc:
        path.unlink(missing_ok=True)
        raise ArchiveFetchError(
            "archive_fetch_failed", f"Downloading the archive failed ({type(exc).__name__})."
        ) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()
