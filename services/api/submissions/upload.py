"""Stream a request body to disk while hashing it (never whole in memory).

Chunks are gathered into ~1 MiB batches and written + hashed in a worker
thread (hashlib releases the GIL), so the event loop keeps reading while
the previous batch is written.

A partial file (``.incoming-<hex>.part``) is held under an exclusive
``flock`` from creation until it is renamed or discarded, so
``sweep_partials`` can tell an orphan (its api process died mid-upload)
from an upload still in progress. ``UploadSlots`` bounds the uploads one
team has in flight across all api processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import stat
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import redis
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from services.settings import Settings

BATCH_BYTES = 1024 * 1024
PARTIAL_PREFIX = ".incoming-"
PARTIAL_SUFFIX = ".part"
# Everything of a multipart body that is not the file (boundaries, part
# headers, the phase/track fields) together: at most this many bytes.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
log = logging.getLogger("arena.api.submissions")


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
        self.path = directory / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}{PARTIAL_SUFFIX}"
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._fh = open(self.path, "xb", buffering=0)  # noqa: SIM115 - closed in close/discard
        try:
            # Held until close()/discard(): the sweeper never takes a file
            # whose upload is still in progress (the kernel drops the lock
            # when this process dies, which is what makes an orphan).
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            self._fh.close()
            os.unlink(self.path)
            raise
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
        """All bytes written; the file stays open (and locked) until
        ``close`` so inspection and the rename happen under the lock."""
        await self.flush()
        await self._drain()
        return StoredUpload(self.path, self.size, self._hash.hexdigest())

    def close(self) -> None:
        """Release the lock (after the file was renamed or discarded)."""
        if not self._fh.closed:
            self._fh.close()

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
    body: AsyncIterator[bytes],
    content_type: str,
    open_file: Callable[[dict[str, str]], Awaitable[DiskSink]],
) -> tuple[StoredUpload, dict[str, str], dict[str, str]]:
    """Parse multipart/form-data as a stream. The small text fields (phase,
    track) parsed so far are handed to ``open_file`` the moment the file
    part's headers end, before any byte of the file is written; it checks
    them and returns the sink the file goes to. Returns the stored file,
    the fields known when the file began, and all fields."""
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
    sink: DiskSink | None = None
    fields_at_file: dict[str, str] = {}
    received = 0

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
            # What is known when the file begins (fields after it may sit in
            # the same chunk: they must not count as known in advance).
            fields_at_file.update(fields)
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
        received += len(chunk)
        try:
            parser.write(chunk)
        except MultipartError:
            raise
        except Exception as exc:  # the parser raises its own error types
            raise MultipartError("malformed multipart body") from exc
        if sink is None and state["files"]:
            # The file part has begun: check the target now, while at most
            # this one request chunk of the file is in memory.
            sink = await open_file(dict(fields_at_file))
        if sink is not None:
            for piece in file_chunks:
                await sink.feed(piece)
        file_chunks.clear()
        if received - (sink.size if sink is not None else 0) > MULTIPART_OVERHEAD_BYTES:
            raise MultipartError("form fields and part headers too large")
    try:
        parser.finalize()
    except Exception as exc:
        raise MultipartError("malformed multipart body") from exc
    if state["files"] != 1 or sink is None:
        raise MultipartError("no file part in the form")
    return await sink.finish(), fields_at_file, fields


# --------------------------------------------------------------------------
# orphaned partial files
# --------------------------------------------------------------------------
def sweep_partials(
    directory: Path, min_age_seconds: float, clock: Callable[[], float] = time.time
) -> int:
    """Delete ``.incoming-*.part`` files left by an api process that died
    mid-upload. A file is taken only when it is a regular file, has not been
    written for ``min_age_seconds`` and nobody holds its lock (an upload in
    progress holds it from creation to rename/discard). Returns the count."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        if not (name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX)):
            continue
        path = directory / name
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or clock() - st.st_mtime < min_age_seconds:
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:  # gone meanwhile (renamed, discarded), or not ours to open
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # an upload in progress
            # Still the file we locked (not replaced under the same name)?
            if os.fstat(fd).st_ino != os.lstat(path).st_ino:
                continue
            os.unlink(path)
            removed += 1
        except OSError:
            continue
        finally:
            os.close(fd)
    if removed:
        log.info("orphaned partial uploads removed", extra={"count": removed})
    return removed


# --------------------------------------------------------------------------
# uploads in flight per team
# --------------------------------------------------------------------------
REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 5.0  # after a Redis error, count in this process this long

# KEYS[1]: the team's slot set (member: slot token, score: expiry in ms of
# the Redis clock, so api hosts' clocks do not matter). ARGV: token, limit,
# ttl ms. Expired slots (their api process died) are dropped first; a token
# already present is renewed whatever the count. 1 = held, 0 = all taken.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


@dataclass(frozen=True)
class UploadSlot:
    team_id: int
    token: str
    shared: bool  # held in Redis (else in this process's table)


class UploadSlots:
    """At most ``limit`` uploads in flight per team, counted in Redis across
    all api processes. A slot lives ``ttl`` seconds unless renewed (the
    upload renews it while the body streams), so a crashed process frees
    its slots by itself. While Redis is unreachable each process counts on
    its own (the same fallback as the auth limiter)."""

    def __init__(
        self,
        limit: int,
        ttl_seconds: float,
        redis_client: redis.Redis | None = None,
        key_prefix: str = "arena:uploads:inflight",
        redis_retry_seconds: float = REDIS_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.ttl_seconds = ttl_seconds
        self.ttl_ms = max(1000, int(ttl_seconds * 1000))
        self.key_prefix = key_prefix
        self.client = redis_client
        self._acquire = redis_client.register_script(_ACQUIRE) if redis_client else None
        self.redis_retry_seconds = redis_retry_seconds
        self.clock = clock
        self._redis_paused_until = 0.0
        self._local: dict[int, dict[str, float]] = {}  # team -> token -> expiry
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadSlots:
        # No connection is made here: the api starts without Redis.
        client = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(
            settings.upload_max_concurrent_per_team,
            settings.upload_slot_ttl_seconds,
            redis_client=client,
        )

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def _key(self, team_id: int) -> str:
        return f"{self.key_prefix}:{team_id}"

    def _redis_usable(self) -> bool:
        return self._acquire is not None and time.monotonic() >= self._redis_paused_until

    def _redis_failed(self, exc: Exception) -> None:
        self._redis_paused_until = time.monotonic() + self.redis_retry_seconds
        log.warning(
            "upload slots: Redis unavailable, counting in this process",
            extra={"error": type(exc).__name__},
        )

    def _take_local(self, team_id: int, token: str, renew_only: bool = False) -> bool:
        now = self.clock()
        with self._lock:
            slots = {t: e for t, e in self._local.get(team_id, {}).items() if e > now}
            if token not in slots and (renew_only or len(slots) >= self.limit):
                self._local[team_id] = slots
                return False
            slots[token] = now + self.ttl_seconds
            self._local[team_id] = slots
            return True

    def acquire(self, team_id: int) -> UploadSlot | None:
        """A slot, or None when the team already has ``limit`` in flight."""
        token = uuid.uuid4().hex
        if not self.enabled:
            return UploadSlot(team_id, token, shared=False)
        if self._redis_usable():
            assert self._acquire is not None
            try:
                held = self._acquire(
                    keys=[self._key(team_id)], args=[token, self.limit, self.ttl_ms]
                )
            except Exception as exc:  # redis-py raises many types (and OSError) when down
                self._redis_failed(exc)
            else:
                return UploadSlot(team_id, token, shared=True) if held else None
        return (
            UploadSlot(team_id, token, shared=False) if self._take_local(team_id, token) else None
        )

    def renew(self, slot: UploadSlot) -> None:
        if not self.enabled:
            return
        if not slot.shared:
            self._take_local(slot.team_id, slot.token, renew_only=True)
            return
        assert self._acquire is not None
        try:
            self._acquire(
                keys=[self._key(slot.team_id)], args=[slot.token, self.limit, self.ttl_ms]
            )
        except Exception as exc:  # the slot then expires on its own; the upload goes on
            log.warning("upload slot renewal failed", extra={"error": type(exc).__name__})

    def release(self, slot: UploadSlot) -> None:
        if not self.enabled:
            return
        if not slot.shared:
            with self._lock:
                self._local.get(slot.team_id, {}).pop(slot.token, None)
            return
        assert self.client is not None
        try:
            self.client.zrem(self._key(slot.team_id), slot.token)
        except Exception as exc:  # expires on its own after ttl
            log.warning("upload slot release failed", extra={"error": type(exc).__name__})
