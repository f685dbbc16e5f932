"""One inspection of an uploaded ``docker save`` archive, shared by the api
(at upload) and the worker (before ``docker load``), and the canonical
archive the worker loads instead of the upload.

Why canonical: the engine extracts the whole upload and then follows
whatever ``manifest.json`` it finds on disk. A later symlink or hard link
named ``manifest.json``, a second member of the same name, a legacy
``repositories`` file or an OCI ``index.json`` could make the engine load
(and force-tag) something other than what was inspected. So the worker
never hands the upload to the engine: it re-emits, from the members this
module verified, a tar of regular files only -- one manifest entry with no
tags, the config and the layers it names, nothing else -- and re-hashes
every byte it copies against the first pass.

Bounds checked before anything reaches the engine: member count, archive
and per-layer unpacked bytes (each layer is decompressed through its own
compression, gzip/bzip2/xz), total image bytes, layer count, config size.
The image id is the sha256 of the config bytes (as the engine derives it);
a config member named by a digest must carry that digest. The config is
validated (linux/amd64, an entrypoint or command, layer diff ids equal to
the layers' real digests, bounded volumes and environment) and normalised
(healthcheck, onbuild and stop signal are dropped: they would run or act
outside what the sandbox controls).

Pure: reads only the given file; never extracts anything to disk.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
import posixpath
import re
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

GZIP_MAGIC = b"\x1f\x8b"
MANIFEST_MAX_BYTES = 1024 * 1024
JSON_KEEP_BYTES = 4 * 1024 * 1024  # small members kept in memory (config candidates)
JSON_KEEP_TOTAL = 32 * 1024 * 1024
READ_CHUNK = 1024 * 1024
LINK_HOPS = 8
HEX64 = re.compile(r"[0-9a-f]{64}")
# Container-config keys dropped from the image before it is loaded: the
# engine would run a healthcheck command, trigger builds, or stop the
# container with a signal of the participant's choosing.
DROPPED_CONFIG_KEYS = ("Healthcheck", "OnBuild", "StopSignal", "StopTimeout")
MAX_ENV_ENTRIES = 256
MAX_ENV_BYTES = 32 * 1024


class ArchiveError(Exception):
    """The upload is not an acceptable image. ``code`` is stable (problem
    details and submission failure reasons show it); ``status`` is the HTTP
    status the api answers with."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Limits:
    max_unpacked_bytes: int = 16 * 1024**3  # the archive itself, decompressed
    max_members: int = 20_000
    max_gzip_ratio: float = 100.0
    max_image_bytes: int = 8 * 1024**3  # all layers, each decompressed
    max_layer_bytes: int = 4 * 1024**3
    max_layers: int = 127  # overlay2 stacks at most 128 lower dirs
    max_config_bytes: int = 1024 * 1024
    max_volumes: int = 8

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(
            max_unpacked_bytes=settings.upload_max_unpacked_bytes,
            max_members=settings.upload_max_members,
            max_gzip_ratio=settings.upload_max_gzip_ratio,
            max_image_bytes=settings.image_max_bytes,
            max_layer_bytes=settings.image_max_layer_bytes,
            max_layers=settings.image_max_layers,
            max_config_bytes=settings.image_max_config_bytes,
            max_volumes=settings.image_max_volumes,
        )


@dataclass(frozen=True)
class LayerFacts:
    """What one regular member is, read through its own compression."""

    raw_sha256: str
    raw_bytes: int
    diff_id: str | None  # "sha256:<hex>" of the decompressed stream; None: not a tar
    unpacked_bytes: int
    compression: str


@dataclass(frozen=True)
class ImageFacts:
    """The verified image. ``config`` is the (normalised) config the engine
    will load, ``image_id`` its digest."""

    compressed: bool
    members: int
    unpacked_bytes: int  # the archive, decompressed
    image_bytes: int  # the layers, decompressed
    image_id: str  # "sha256:<hex>" of ``config``
    declared_id: str  # "sha256:<hex>" of the config as uploaded
    config: bytes
    layers: tuple[LayerFacts, ...]
    layer_members: tuple[str, ...]  # the regular member each layer resolves to
    repo_tags: tuple[str, ...]  # as uploaded (never applied)
    architecture: str
    os: str
    user: str
    volumes: tuple[str, ...]
    dropped: tuple[str, ...] = field(default_factory=tuple)  # normalised-away keys

    @property
    def layer_count(self) -> int:
        return len(self.layers)


# ---- readers -----------------------------------------------------------------
class _Bomb(Exception):
    pass


class _LayerTooLarge(Exception):
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


class _HashingReader:
    """Hashes and counts what passes through; ``limit`` caps the count."""

    def __init__(self, raw: Any, limit: int | None = None) -> None:
        self.raw = raw
        self.limit = limit
        self.hash = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.count += len(data)
        if self.limit is not None and self.count > self.limit:
            raise _LayerTooLarge()
        return data

    def drain(self) -> None:
        while self.read(READ_CHUNK):
            pass


class _Prefixed:
    """Puts back the magic bytes read to detect a compression."""

    def __init__(self, head: bytes, raw: Any) -> None:
        self.head = head
        self.raw = raw

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0:
                data, self.head = self.head + self.raw.read(), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            if len(data) < size:
                data += self.raw.read(size - len(data))
            return data
        return self.raw.read(size)


def _compression(head: bytes) -> str:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd"  # the engine we target (20.10) cannot load it
    return "none"


def _probe_member(fh: IO[bytes], layer_limit: int) -> LayerFacts:
    """Hash a member raw and, if it is a (compressed) tar, decompressed: the
    decompressed digest is what the engine checks against the config's diff
    id. Raises ``_LayerTooLarge`` past ``layer_limit`` decompressed bytes."""
    raw = _HashingReader(fh)
    head = raw.read(6)
    kind = _compression(head)
    source: Any = _Prefixed(head, raw)
    if kind == "gzip":
        source = gzip.GzipFile(fileobj=source, mode="rb")
    elif kind == "bzip2":
        source = bz2.BZ2File(source, mode="rb")
    elif kind == "xz":
        source = lzma.LZMAFile(source, mode="rb")  # noqa: SIM115 - a stream wrapper
    unpacked = _HashingReader(source, layer_limit)
    diff_id: str | None = None
    if kind != "zstd" and head:
        try:
            with tarfile.open(fileobj=unpacked, mode="r|") as layer:  # type: ignore[call-overload]
                for i, _member in enumerate(layer):
                    if i % 1024 == 1023:
                        layer.members = []  # stream mode keeps every header otherwise
            unpacked.drain()  # the engine digests the whole stream, padding included
            diff_id = f"sha256:{unpacked.hash.hexdigest()}"
        except _LayerTooLarge:
            raise
        except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError):
            diff_id = None
    raw.drain()
    return LayerFacts(
        raw_sha256=raw.hash.hexdigest(),
        raw_bytes=raw.count,
        diff_id=diff_id,
        unpacked_bytes=unpacked.count,
        compression=kind,
    )


# ---- pass 1: inspection --------------------------------------------------------
def _safe_name(name: str) -> str:
    """Normalised member path; raises on absolute paths or escaping '..'."""
    if not name or "\x00" in name or name.startswith("/") or "\\" in name:
        raise ArchiveError("path_traversal", "Archive member with an absolute or invalid path.")
    norm = posixpath.normpath(name)
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        raise ArchiveError("path_traversal", "Archive member path escapes the archive root.")
    return norm


def _link_target(member: tarfile.TarInfo, name: str) -> str:
    target = member.linkname
    if not target or target.startswith("/") or "\x00" in target:
        raise ArchiveError("path_traversal", "Archive link with an absolute or empty target.")
    # Symlinks resolve relative to their directory; hard links to the root.
    base = posixpath.dirname(name) if member.issym() else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved == ".." or resolved.startswith("../"):
        raise ArchiveError("path_traversal", "Archive link points outside the archive.")
    return resolved


@dataclass
class _Scan:
    kinds: dict[str, str] = field(default_factory=dict)  # name -> reg | dir | link
    links: dict[str, str] = field(default_factory=dict)
    facts: dict[str, LayerFacts] = field(default_factory=dict)
    kept: dict[str, bytes] = field(default_factory=dict)
    kept_bytes: int = 0
    unpacked: int = 0  # the archive's members
    probed: int = 0  # all regular members, each decompressed


def _scan(
    tar: tarfile.TarFile, limits: Limits, counter: _CountingReader | None, compressed_size: int
) -> _Scan:
    scan = _Scan()
    for member in tar:
        if len(scan.kinds) >= limits.max_members:
            raise ArchiveError(
                "archive_bomb", f"Archive has more than {limits.max_members} members."
            )
        name = _safe_name(member.name)
        if name in scan.kinds:
            raise ArchiveError("duplicate_member", f"Archive holds {name!r} more than once.")
        if member.issparse() or not (
            member.isreg() or member.isdir() or member.issym() or member.islnk()
        ):
            raise ArchiveError("unsafe_member", "Archive contains a device, fifo or sparse member.")
        if member.issym() or member.islnk():
            scan.links[name] = _link_target(member, name)
            scan.kinds[name] = "link"
            continue
        scan.kinds[name] = "reg" if member.isreg() else "dir"
        if not member.isreg():
            continue
        scan.unpacked += max(0, member.size)
        if scan.unpacked > limits.max_unpacked_bytes:
            raise ArchiveError("archive_bomb", "Archive unpacks beyond the allowed size.", 413)
        if (
            counter is not None
            and compressed_size > 0
            and scan.unpacked > (limits.max_gzip_ratio * compressed_size + 10 * 1024 * 1024)
        ):
            raise ArchiveError(
                "archive_bomb", "Compression ratio is beyond the allowed limit.", 413
            )
        if name == "manifest.json" and member.size > MANIFEST_MAX_BYTES:
            raise ArchiveError("not_an_image", "manifest.json is too large.")
        handle = tar.extractfile(member)
        if handle is None:  # pragma: no cover - regular members always have data
            continue
        if member.size <= JSON_KEEP_BYTES and scan.kept_bytes + member.size <= JSON_KEEP_TOTAL:
            data = handle.read()
            scan.kept[name] = data
            scan.kept_bytes += len(data)
            handle = _BytesReader(data)
        layer_limit = min(limits.max_layer_bytes, limits.max_image_bytes - scan.probed)
        try:
            facts = _probe_member(handle, max(0, layer_limit))
        except _LayerTooLarge:
            if layer_limit < limits.max_layer_bytes:
                raise ArchiveError(
                    "image_too_large",
                    f"The image unpacks beyond {limits.max_image_bytes} bytes.",
                    413,
                ) from None
            raise ArchiveError(
                "layer_too_large",
                f"A layer unpacks beyond {limits.max_layer_bytes} bytes.",
                413,
            ) from None
        scan.probed += facts.unpacked_bytes
        scan.facts[name] = facts
    return scan


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else min(len(self.data), self.pos + size)
        out = bytes(self.data[self.pos : end])
        self.pos = end
        return out


def _resolve(scan: _Scan, ref: str) -> str:
    """The regular member a manifest reference names (links followed inside
    the archive, as the engine would)."""
    name = _safe_name(ref)
    for _ in range(LINK_HOPS):
        kind = scan.kinds.get(name)
        if kind == "reg":
            return name
        if kind != "link":
            raise ArchiveError(
                "not_an_image", "manifest.json references a file missing from the archive."
            )
        name = scan.links[name]
    raise ArchiveError("not_an_image", "manifest.json references a link chain too long.")


def _manifest_entry(scan: _Scan) -> dict[str, Any]:
    kind = scan.kinds.get("manifest.json")
    if kind is None:
        if "index.json" in scan.kinds or "oci-layout" in scan.kinds:
            raise ArchiveError(
                "oci_layout_unsupported",
                "An OCI layout without manifest.json cannot be loaded: upload `docker save`.",
            )
        raise ArchiveError("not_an_image", "No manifest.json: not a 'docker save' archive.")
    if kind != "reg":
        raise ArchiveError("link_not_allowed", "manifest.json must be a regular file.")
    raw = scan.kept.get("manifest.json")
    try:
        manifest = json.loads(raw or b"")
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
    config, layers, tags = entry.get("Config"), entry.get("Layers"), entry.get("RepoTags") or []
    if (
        not isinstance(config, str)
        or not isinstance(layers, list)
        or not all(isinstance(x, str) for x in layers)
        or not isinstance(tags, list)
    ):
        raise ArchiveError("not_an_image", "manifest.json entry lacks Config or Layers.")
    if entry.get("LayerSources"):
        raise ArchiveError("foreign_layers", "Foreign (non-distributable) layers are not accepted.")
    return entry


def _declared_digest(config_name: str) -> str | None:
    """The digest a config member's name claims (``<hex>.json`` in the
    classic layout, ``blobs/sha256/<hex>`` in the OCI-style one)."""
    base = posixpath.basename(config_name).removesuffix(".json")
    return base if HEX64.fullmatch(base) else None


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _check_config(raw: bytes, limits: Limits) -> tuple[dict[str, Any], list[str]]:
    """Validate the image config; return it normalised and the dropped keys."""
    try:
        config = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError("bad_config", "The image config is not valid JSON.") from exc
    if not isinstance(config, dict):
        raise ArchiveError("bad_config", "The image config is not a JSON object.")
    arch, os_name = config.get("architecture"), config.get("os")
    if (os_name, arch) != ("linux", "amd64"):
        raise ArchiveError(
            "wrong_platform", f"The image is {os_name}/{arch}; the server runs linux/amd64."
        )
    rootfs = config.get("rootfs")
    if not isinstance(rootfs, dict) or rootfs.get("type") != "layers":
        raise ArchiveError("bad_config", "The image config has no layer list (rootfs).")
    diff_ids = _strings(rootfs.get("diff_ids") or [])
    if diff_ids is None:
        raise ArchiveError("bad_config", "The image config's diff_ids are not strings.")
    run = config.get("config")
    if run is None:
        run = {}
    if not isinstance(run, dict):
        raise ArchiveError("bad_config", "The image config's run configuration is not an object.")
    entrypoint = _strings(run.get("Entrypoint") or [])
    cmd = _strings(run.get("Cmd") or [])
    if entrypoint is None or cmd is None:
        raise ArchiveError("bad_config", "Entrypoint and Cmd must be lists of strings.")
    if not entrypoint and not cmd:
        raise ArchiveError(
            "no_entrypoint", "The image has no ENTRYPOINT or CMD: nothing would run."
        )
    env = _strings(run.get("Env") or [])
    if env is None or len(env) > MAX_ENV_ENTRIES or sum(map(len, env)) > MAX_ENV_BYTES:
        raise ArchiveError(
            "bad_config", f"Env must be at most {MAX_ENV_ENTRIES} strings, {MAX_ENV_BYTES} bytes."
        )
    volumes = run.get("Volumes") or {}
    if not isinstance(volumes, dict):
        raise ArchiveError("image_volumes", "The image's VOLUME list is malformed.")
    if len(volumes) > limits.max_volumes:
        raise ArchiveError(
            "image_volumes", f"The image declares more than {limits.max_volumes} VOLUMEs."
        )
    for path in volumes:
        norm = posixpath.normpath(path) if isinstance(path, str) else ""
        if not norm.startswith("/") or norm == "/" or "\x00" in norm or "," in norm:
            raise ArchiveError("image_volumes", f"VOLUME {str(path)[:80]!r} is not allowed.")
    # docker build writes "OnBuild": null: only keys that would act count
    dropped = [key for key in DROPPED_CONFIG_KEYS if run.get(key)]
    for key in dropped:
        del run[key]
    if dropped:
        config["config"] = run
    return config, dropped


def _open_tar(fh: IO[bytes], compressed: bool, limits: Limits) -> tuple[Any, Any]:
    """(tar stream, counting reader or None) over a plain or gzip upload."""
    if compressed:
        counter = _CountingReader(
            gzip.GzipFile(fileobj=fh, mode="rb"),  # type: ignore[arg-type]
            limits.max_unpacked_bytes + 1024 * 1024,
        )
        return tarfile.open(fileobj=counter, mode="r|"), counter  # type: ignore[call-overload]
    return tarfile.open(fileobj=fh, mode="r|"), None


_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile)


def inspect(path: Path, limits: Limits) -> ImageFacts:
    """Inspect an upload in one streaming pass; raise ``ArchiveError`` with a
    stable code for anything the server would not load."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ArchiveError("file_missing", "The uploaded archive is missing.", 404) from exc
    if size == 0:
        raise ArchiveError("empty_upload", "The upload is empty.", 400)
    with path.open("rb") as fh:
        compressed = fh.read(2) == GZIP_MAGIC
        fh.seek(0)
        try:
            tar, counter = _open_tar(fh, compressed, limits)
            with tar:
                scan = _scan(tar, limits, counter, size)
        except _Bomb as exc:
            raise ArchiveError(
                "archive_bomb", "Archive decompresses beyond the allowed size.", 413
            ) from exc
        except _READ_ERRORS as exc:
            raise ArchiveError(
                "not_a_tar", "The upload is not a readable tar (or tar.gz) archive."
            ) from exc
    if not scan.kinds:
        raise ArchiveError("not_a_tar", "The upload is not a tar archive.")
    entry = _manifest_entry(scan)
    config_ref, layer_refs = entry["Config"], entry["Layers"]
    config_name = _safe_name(config_ref)
    if scan.kinds.get(config_name) == "link":
        raise ArchiveError("link_not_allowed", "The image config must be a regular file.")
    config_name = _resolve(scan, config_ref)
    if len(layer_refs) > limits.max_layers:
        raise ArchiveError(
            "too_many_layers",
            f"The image has {len(layer_refs)} layers; at most {limits.max_layers}.",
        )
    layer_members = tuple(_resolve(scan, ref) for ref in layer_refs)
    raw_config = scan.kept.get(config_name)
    if raw_config is None or len(raw_config) > limits.max_config_bytes:
        raise ArchiveError("bad_config", "The image config is missing or too large.")
    declared = hashlib.sha256(raw_config).hexdigest()
    claimed = _declared_digest(config_ref)
    if claimed is not None and claimed != declared:
        raise ArchiveError(
            "config_digest_mismatch",
            "The image config's name is not the digest of its content.",
        )
    config, dropped = _check_config(raw_config, limits)
    diff_ids = config["rootfs"].get("diff_ids") or []
    if len(diff_ids) != len(layer_members):
        raise ArchiveError("layer_mismatch", "The config and the manifest list different layers.")
    layers: list[LayerFacts] = []
    for i, (member, diff_id) in enumerate(zip(layer_members, diff_ids, strict=True)):
        facts = scan.facts[member]
        if facts.compression == "zstd":
            raise ArchiveError("bad_layer", f"Layer {i} is zstd-compressed; use gzip or none.")
        if facts.diff_id is None:
            raise ArchiveError("bad_layer", f"Layer {i} is not a tar archive.")
        if facts.diff_id != diff_id:
            raise ArchiveError(
                "layer_mismatch", f"Layer {i}'s content does not match the config's diff id."
            )
        layers.append(facts)
    image_bytes = sum(layer.unpacked_bytes for layer in layers)
    if image_bytes > limits.max_image_bytes:
        raise ArchiveError(
            "image_too_large", f"The image unpacks beyond {limits.max_image_bytes} bytes.", 413
        )
    canonical = raw_config if not dropped else _canonical_json(config)
    run = config.get("config") or {}
    return ImageFacts(
        compressed=compressed,
        members=len(scan.kinds),
        unpacked_bytes=scan.unpacked,
        image_bytes=image_bytes,
        image_id=f"sha256:{hashlib.sha256(canonical).hexdigest()}",
        declared_id=f"sha256:{declared}",
        config=canonical,
        layers=tuple(layers),
        layer_members=layer_members,
        repo_tags=tuple(str(t)[:200] for t in (entry.get("RepoTags") or [])[:20]),
        architecture=str(config["architecture"]),
        os=str(config["os"]),
        user=str(run.get("User") or ""),
        volumes=tuple(sorted(posixpath.normpath(v) for v in (run.get("Volumes") or {}))),
        dropped=tuple(dropped),
    )


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


# ---- pass 2: the canonical archive --------------------------------------------
def _changed() -> ArchiveError:
    return ArchiveError("archive_changed", "The archive changed after inspection.")


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = 0
    info.type = tarfile.REGTYPE
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def _padding(size: int) -> bytes:
    return b"\0" * (-size % tarfile.BLOCKSIZE)


def layer_path(facts: LayerFacts) -> str:
    return f"layers/{facts.raw_sha256}.tar"


def canonical_manifest(facts: ImageFacts) -> bytes:
    entry = {
        "Config": f"{facts.image_id.removeprefix('sha256:')}.json",
        "Layers": [layer_path(layer) for layer in facts.layers],
    }
    return json.dumps([entry]).encode()  # no RepoTags: the engine sets no tag


def canonical_stream(path: Path, facts: ImageFacts, limits: Limits) -> Iterator[bytes]:
    """The archive the engine loads: manifest, config, then each distinct
    layer once, copied from the upload and re-hashed on the way (a byte that
    differs from what ``inspect`` saw aborts the stream, so the engine gets
    a truncated tar and loads nothing). Regular files only."""
    manifest = canonical_manifest(facts)
    config_name = f"{facts.image_id.removeprefix('sha256:')}.json"
    for name, data in (("manifest.json", manifest), (config_name, facts.config)):
        yield _header(name, len(data)) + data + _padding(len(data))
    wanted = dict(zip(facts.layer_members, facts.layers, strict=True))
    written: set[str] = set()  # canonical paths: identical layers are stored once
    with path.open("rb") as fh:
        try:
            tar, _counter = _open_tar(fh, facts.compressed, limits)
            with tar:
                for member in tar:
                    name = posixpath.normpath(member.name)
                    layer = wanted.get(name)
                    if layer is None or not member.isreg() or layer_path(layer) in written:
                        continue
                    if member.size != layer.raw_bytes:
                        raise _changed()
                    yield _header(layer_path(layer), layer.raw_bytes)
                    handle = tar.extractfile(member)
                    digest = hashlib.sha256()
                    while handle is not None and (chunk := handle.read(READ_CHUNK)):
                        digest.update(chunk)
                        yield chunk
                    if digest.hexdigest() != layer.raw_sha256:
                        raise _changed()
                    yield _padding(layer.raw_bytes)
                    written.add(layer_path(layer))
        except (_Bomb, *_READ_ERRORS) as exc:
            raise _changed() from exc
    if written != {layer_path(layer) for layer in facts.layers}:
        raise _changed()
    yield b"\0" * (2 * tarfile.BLOCKSIZE)
