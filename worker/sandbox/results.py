"""Reading what an agent left behind: /output/result.json (size-capped,
strict JSON, strict schema) and the sidecar's tool-call log.

The agent's output is untrusted data: never evaluated, parsed with a size cap
before any JSON decoding, NaN/Infinity rejected (Python's json accepts them by
default), then validated by the public ``AgentResult`` schema.
"""

from __future__ import annotations

import io
import json
import logging
import re
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import docker.errors
from pydantic import ValidationError

from contracts.agent import MAX_RESULT_BYTES, AgentResult
from contracts.run import OutputStatus
from contracts.toollog import ToolCallRecord

log = logging.getLogger(__name__)

MAX_TOOL_LOG_BYTES = 256 * 1024**2  # written by our own sidecar; a sanity bound only
# The last line of a run's tool log when the run exceeded one of the
# sidecar's bounds (same key as services.assetdata.runlog.LIMIT_KEY): the
# sidecar stopped serving and logging the run, and the run fails.
LIMIT_KEY = "limit_exceeded"
LIMIT_REASON = "tool service limit exceeded"  # output_error prefix of such a run
_MARKER_START = b'{"' + LIMIT_KEY.encode() + b'"'


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class ParsedResult:
    status: OutputStatus
    result: AgentResult | None
    error: str | None = None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} not allowed")


def parse_result_bytes(data: bytes | None, *, max_bytes: int = MAX_RESULT_BYTES) -> ParsedResult:
    """Strictly parse the bytes of result.json (None = the file is absent)."""
    if data is None:
        return ParsedResult("missing", None, "no /output/result.json")
    if len(data) > max_bytes:
        return ParsedResult("too_large", None, f"result.json larger than {max_bytes} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ParsedResult("invalid", None, "result.json is not UTF-8")
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError is a ValueError too
        return ParsedResult("invalid", None, f"json: {str(exc)[:120]}")
    if not isinstance(obj, dict):
        return ParsedResult("invalid", None, "result.json is not a JSON object")
    try:
        result = AgentResult.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "result"
        return ParsedResult("invalid", None, f"schema: {where}: {first.get('msg', '')[:100]}")
    return ParsedResult("ok", result)


def read_capped(chunks: Iterable[bytes], max_bytes: int) -> bytes:
    """Join a docker archive stream, refusing to buffer more than ``max_bytes``."""
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        if len(buf) > max_bytes:
            raise _TooLarge
    return bytes(buf)


def single_file_from_tar(tar_bytes: bytes, max_bytes: int) -> bytes | None:
    """The content of the one regular file in a ``get_archive`` tar (None if
    the path is not a regular file, e.g. a directory or a symlink trick)."""
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
        for member in tar:
            if not member.isreg():
                return None
            if member.size > max_bytes:
                raise _TooLarge
            extracted = tar.extractfile(member)
            return extracted.read() if extracted is not None else None
    return None


def fetch_file(container: Any, path: str, max_bytes: int) -> tuple[bytes | None, bool]:
    """Read one file out of a container through the archive API.

    Returns ``(content, too_large)``; content is None when the file is absent.
    The stat header is checked before any byte is transferred.
    """
    try:
        stream, stat = container.get_archive(path)
    except docker.errors.NotFound:
        return None, False
    if stat.get("size", 0) > max_bytes:
        return None, True
    try:
        # tar overhead: 512-byte header + padding + end blocks
        raw = read_capped(stream, max_bytes + 10 * 1024)
        return single_file_from_tar(raw, max_bytes), False
    except _TooLarge:
        return None, True


def read_result(container: Any, path: str, max_bytes: int = MAX_RESULT_BYTES) -> ParsedResult:
    content, too_large = fetch_file(container, path, max_bytes)
    if too_large:
        return ParsedResult("too_large", None, f"result.json larger than {max_bytes} bytes")
    return parse_result_bytes(content, max_bytes=max_bytes)


@dataclass(frozen=True)
class ToolLog:
    records: list[ToolCallRecord]
    limit: str | None = None  # the bound the run exceeded (the run fails), if any


def read_tool_log(data: bytes | None) -> ToolLog:
    """ToolCallRecord JSON lines written by the sidecar, in ``seq`` order,
    and the bound the run exceeded if the log ends with a ``LIMIT_KEY``
    line. A torn last line (agent killed mid-call) is skipped, not fatal."""
    if not data:
        return ToolLog([])
    records: list[ToolCallRecord] = []
    limit: str | None = None
    for line in _lines(data):
        if line.startswith(_MARKER_START):  # a record starts with {"seq":, never this
            limit = _limit_detail(line) or limit
            continue
        try:
            records.append(ToolCallRecord.model_validate_json(line))
        except ValidationError:
            log.warning("skipping an unreadable tool-log line (%d bytes)", len(line))
    records.sort(key=lambda r: r.seq)
    return ToolLog(records, limit)


def _limit_detail(line: bytes) -> str | None:
    try:
        marker = json.loads(line)
    except ValueError:
        return None
    if not isinstance(marker, dict) or not isinstance(marker.get(LIMIT_KEY), str):
        return None
    detail = marker.get("detail")
    return str(detail if isinstance(detail, str) else marker[LIMIT_KEY])[:200]


def parse_tool_log(data: bytes | None) -> list[ToolCallRecord]:
    """The records of ``read_tool_log``."""
    return read_tool_log(data).records


def _lines(data: bytes) -> Iterator[bytes]:
    for line in data.splitlines():
        if line.strip():
            yield line


class _ChunkReader(io.RawIOBase):
    """A file object over docker-py's archive chunk generator, so a tar of
    many runs' files is parsed as a stream, never held in memory."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


TOO_LARGE = object()  # marker: the file exceeded its cap


def collect_files(
    container: Any, path: str, pattern: re.Pattern[str], max_bytes: int
) -> dict[str, bytes | object]:
    """Stream the tar of directory ``path`` out of ``container`` once and keep
    the regular files whose member name fully matches ``pattern`` (group 1 is
    the key), each capped at ``max_bytes`` (``TOO_LARGE`` beyond). Anything
    else (junk an agent left in /output, symlinks, devices) is skipped
    unread. One archive call for all runs: the engine's per-call cost grows
    with the container's mount count."""
    try:
        stream, _stat = container.get_archive(path)
    except docker.errors.NotFound:
        return {}
    found: dict[str, bytes | object] = {}
    reader = io.BufferedReader(_ChunkReader(stream), buffer_size=1024 * 1024)
    with tarfile.open(fileobj=reader, mode="r|") as tar:
        for member in tar:
            match = pattern.fullmatch(member.name)
            if match is None:
                continue
            key = match.group(1)
            if not member.isreg():
                found[key] = NOT_REGULAR
            elif member.size > max_bytes:
                found[key] = TOO_LARGE
            else:
                fh = tar.extractfile(member)
                found[key] = fh.read() if fh is not None else b""
    return found


NOT_REGULAR = object()  # marker: e.g. result.json planted as a symlink


def parse_collected(
    entry: bytes | object | None, max_bytes: int = MAX_RESULT_BYTES
) -> ParsedResult:
    if entry is TOO_LARGE:
        return ParsedResult("too_large", None, f"result.json larger than {max_bytes} bytes")
    if entry is NOT_REGULAR:
        return ParsedResult("invalid", None, "result.json is not a regular file")
    return parse_result_bytes(entry if isinstance(entry, bytes) else None, max_bytes=max_bytes)
