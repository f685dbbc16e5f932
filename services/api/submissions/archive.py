"""Checks that an uploaded file is a single-image ``docker save`` archive
before it is accepted (pure: reads only the given file).

Plain tar is read in seekable mode (member data is skipped, not read);
gzip is decompressed as a stream with a byte counter, so a gzip bomb stops
at the unpacked limit instead of filling memory or disk. Nothing is ever
extracted.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"
MANIFEST_MAX_BYTES = 1024 * 1024


class ArchiveError(Exception):
    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Limits:
    max_unpacked_bytes: int
    max_members: int
    max_gzip_ratio: float


@dataclass(frozen=True)
class ArchiveInfo:
    compressed: bool
    members: int
    unpacked_bytes: int
    config: str
    layers: int
    repo_tags: tuple[str, ...]


class _Bomb(Exception):
    pass


class _CountingReader:
    """Raw reader that refuses to deliver more than ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise _Bomb()
        return data


def _safe_name(name: str) -> str:
    """Normalised member path; raises on absolute paths or escaping '..'."""
    if not name or "\x00" in name or name.startswith("/") or "\\" in name:
        raise ArchiveError("path_traversal", "Archive member with an absolute or invalid path.")
    norm = posixpath.normpath(name)
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        raise ArchiveError("path_traversal", "Archive member path escapes the archive root.")
    return norm


def _check_link(member: tarfile.TarInfo, name: str) -> None:
    target = member.linkname
    if not target or target.startswith("/") or "\x00" in target:
        raise ArchiveError("path_traversal", "Archive link with an absolute or empty target.")
    # Symlinks resolve relative to their directory; hard links to the root.
    base = posixpath.dirname(name) if member.issym() else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved == ".." or resolved.startswith("../"):
        raise ArchiveError("path_traversal", "Archive link points outside the archive.")


def _scan(
    tar: tarfile.TarFile, limits: Limits, counter: _CountingReader | None, compressed_size: int
) -> tuple[dict[str, tarfile.TarInfo], bytes | None, int]:
    members: dict[str, tarfile.TarInfo] = {}
    manifest: bytes | None = None
    unpacked = 0
    for member in tar:
        if len(members) >= limits.max_members:
            raise ArchiveError(
                "archive_bomb", f"Archive has more than {limits.max_members} members."
            )
        name = _safe_name(member.name)
        if member.issparse() or not (
            member.isreg() or member.isdir() or member.issym() or member.islnk()
        ):
            raise ArchiveError("unsafe_member", "Archive contains a device, fifo or sparse member.")
        if member.issym() or member.islnk():
            _check_link(member, name)
        if counter is None and member.offset_data + max(0, member.size) > compressed_size:
            raise ArchiveError("not_a_tar", "The archive is truncated.")
        unpacked += max(0, member.size)
        if unpacked > limits.max_unpacked_bytes:
            raise ArchiveError("archive_bomb", "Archive unpacks beyond the allowed size.", 413)
        if (
            counter is not None
            and compressed_size > 0
            and unpacked > (limits.max_gzip_ratio * compressed_size + 10 * 1024 * 1024)
        ):
            raise ArchiveError(
                "archive_bomb", "Compression ratio is beyond the allowed limit.", 413
            )
        members[name] = member
        if name == "manifest.json" and member.isreg():
            if member.size > MANIFEST_MAX_BYTES:
                raise ArchiveError("not_an_image", "manifest.json is too large.")
            handle = tar.extractfile(member)
            manifest = handle.read() if handle else None
    return members, manifest, unpacked


def _parse_manifest(
    raw: bytes | None, members: dict[str, tarfile.TarInfo]
) -> tuple[str, int, tuple[str, ...]]:
    if raw is None:
        raise ArchiveError("not_an_image", "No manifest.json: not a 'docker save' archive.")
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError("not_an_image", "manifest.json is not valid JSON.") from exc
    if not isinstance(manifest, list) or not manifest:
        raise ArchiveError("not_an_image", "manifest.json lists no image.")
    if len(manifest) != 1:
        raise ArchiveError(
            "multiple_images", f"Archive holds {len(manifest)} images; upload exactly one."
        )
    entry = manifest[0]
    if not isinstance(entry, dict):
        raise ArchiveError("not_an_image", "manifest.json entry is not an object.")
    config, layers = entry.get("Config"), entry.get("Layers")
    tags = entry.get("RepoTags") or []
    if (
        not isinstance(config, str)
        or not isinstance(layers, list)
        or not all(isinstance(x, str) for x in layers)
        or not isinstance(tags, list)
    ):
        raise ArchiveError("not_an_image", "manifest.json entry lacks Config or Layers.")
    for ref in [config, *layers]:
        if _safe_name(ref) not in members:
            raise ArchiveError(
                "not_an_image", "manifest.json references a file missing from the archive."
            )
    return config, len(layers), tuple(str(t)[:200] for t in tags[:20])


def inspect_archive(path: Path, limits: Limits) -> ArchiveInfo:
    size = path.stat().st_size
    if size == 0:
        raise ArchiveError("empty_upload", "The upload is empty.", 400)
    with path.open("rb") as fh:
        compressed = fh.read(2) == GZIP_MAGIC
        fh.seek(0)
        try:
            if compressed:
                counter = _CountingReader(
                    gzip.GzipFile(fileobj=fh, mode="rb"), limits.max_unpacked_bytes + 1024 * 1024
                )
                with tarfile.open(fileobj=counter, mode="r|") as tar:  # type: ignore[call-overload]
                    members, manifest, unpacked = _scan(tar, limits, counter, size)
            else:
                with tarfile.open(fileobj=fh, mode="r:") as tar:
                    members, manifest, unpacked = _scan(tar, limits, None, size)
        except _Bomb as exc:
            raise ArchiveError(
                "archive_bomb", "Archive decompresses beyond the allowed size.", 413
            ) from exc
        except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
            raise ArchiveError(
                "not_a_tar", "The upload is not a readable tar (or tar.gz) archive."
            ) from exc
    if not members:
        raise ArchiveError("not_a_tar", "The upload is not a tar archive.")
    config, layers, tags = _parse_manifest(manifest, members)
    return ArchiveInfo(compressed, len(members), unpacked, config, layers, tags)
