"""Stream a request body to disk while hashing it (never whole in memory).

Chunks are gathered into ~1 MiB batches and written + hashed in a worker
thread (hashlib releases the GIL), so the event loop keeps reading while
the previous batch is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

BATCH_BYTES = 1024 * 1024


class TooLarge(Exception):
    pass


@dataclass
class StoredUpload:
    path: Path
    size: int
    sha256: str


class DiskSink:
    """Append-only temp file plus running SHA-256 and byte count."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f".incoming-{uuid.uuid4().hex}.part"
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._fh = open(self.path, "wb", buffering=0)  # noqa: SIM115 - closed in finish/discard
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._inflight: asyncio.Future[None] | None = None

    def _write(self, data: bytes) -> None:
        self._hash.update(data)
        view = memoryview(data)
        while view:
            written = self._fh.write(view)
            view = view[written:]

    async def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise TooLarge()
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= BATCH_BYTES:
            await self.flush()

    async def flush(self) -> None:
        """Hand the gathered batch to a thread and return at once, so the
        next batch is received while this one is hashed and written; at most
        one batch is in flight (memory stays ~2 x BATCH_BYTES)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        await self._drain()
        self._inflight = asyncio.ensure_future(run_in_threadpool(self._write, data))

    async def _drain(self) -> None:
        if self._inflight is not None:
            inflight, self._inflight = self._inflight, None
            await inflight

    async def finish(self) -> StoredUpload:
        await self.flush()
        await self._drain()
        self._fh.close()
        return StoredUpload(self.path, self.size, self._hash.hexdigest())

    async def discard(self) -> None:
        """Drop the partial upload: wait for a write still in flight (never
        close a file another thread writes to), then close and unlink."""
        self._pending.clear()
        with contextlib.suppress(Exception):
            await self._drain()
        if not self._fh.closed:
            self._fh.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


async def stream_raw(body: AsyncIterator[bytes], sink: DiskSink) -> StoredUpload:
    async for chunk in body:
        await sink.feed(chunk)
    return await sink.finish()


class MultipartError(Exception):
    pass


async def stream_multipart(
    body: AsyncIterator[bytes], content_type: str, sink: DiskSink
) -> tuple[StoredUpload, dict[str, str]]:
    """Parse multipart/form-data as a stream: the first file part goes to
    ``sink``; small text fields (phase, track) are returned."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise MultipartError("multipart body without boundary")

    fields: dict[str, str] = {}
    state: dict[str, object] = {
        "headers": {},
        "name": None,
        "is_file": False,
        "files": 0,
        "field": bytearray(),
        "header_field": b"",
        "header_value": b"",
    }
    file_chunks: list[bytes] = []

    def on_part_begin() -> None:
        state.update(headers={}, name=None, is_file=False, field=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header_field"] = bytes(state["header_field"]) + data[start:end]  # type: ignore[operator]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["header_value"] = bytes(state["header_value"]) + data[start:end]  # type: ignore[operator]

    def on_header_end() -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        headers[bytes(state["header_field"]).lower()] = bytes(state["header_value"])  # type: ignore[arg-type]
        state["header_field"], state["header_value"] = b"", b""

    def on_headers_finished() -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        _, disp = parse_options_header(headers.get(b"content-disposition", b""))
        state["name"] = disp.get(b"name", b"").decode("latin-1")
        is_file = b"filename" in disp
        if is_file:
            state["files"] = int(state["files"]) + 1  # type: ignore[arg-type]
            if state["files"] != 1:
                raise MultipartError("more than one file part")
        state["is_file"] = is_file

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["is_file"]:
            file_chunks.append(data[start:end])
        else:
            field = state["field"]
            assert isinstance(field, bytearray)
            field.extend(data[start:end])
            if len(field) > 1024:
                raise MultipartError("form field too long")

    def on_part_end() -> None:
        if not state["is_file"] and state["name"]:
            field = state["field"]
            assert isinstance(field, bytearray)
            fields[str(state["name"])] = field.decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    async for chunk in body:
        try:
            parser.write(chunk)
        except MultipartError:
            raise
        except Exception as exc:  # the parser raises its own error types
            raise MultipartError("malformed multipart body") from exc
        for piece in file_chunks:
            await sink.feed(piece)
        file_chunks.clear()
    parser.finalize()
    if state["files"] != 1:
        raise MultipartError("no file part in the form")
    return await sink.finish(), fields
