"""The simulated plant as loaded in memory, and its on-disk cache.

``load_plant(seed)`` returns the cached plant when
``<cache dir>/plant-<seed>-g<GENERATOR_VERSION>-f<CACHE_FORMAT>.npz`` exists,
else generates it (a few seconds) and writes the cache atomically. The cache
is a zip of ``.npy`` members written with fixed timestamps, so the same seed
gives the same bytes (``Plant.content_hash`` is the file's sha256).

Cache format 2 (issue 22): members are *stored* (not deflated) and each
one's data starts on a 64-byte boundary (a padding extra field in its local
header), so ``read_cache`` maps the file (``mmap``, read-only) and the
telemetry arrays are views of the mapping: no decompression at start-up,
and every sidecar of a host shares the same page-cache pages. The file is
still a valid ``.npz`` (``np.load`` reads it). The sha256 of the whole file
is computed at every load, as before.

Cache directory: ``$ARENA_ASSETDATA_CACHE`` if set, else
``services/assetdata/cache/``. If it cannot be written the plant stays in
memory only.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import mmap
import os
import struct
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from services.assetdata import catalog as C

log = logging.getLogger(__name__)

DEFAULT_SEED = C.DEFAULT_SEED
GENERATOR_VERSION = 4  # bump whenever generated content changes (4: issue 17 evidence)
CACHE_FORMAT = 2  # bump whenever the cache file's layout changes (2: stored, aligned, mmap)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ALIGN = 64  # member data offsets (npy headers are padded to 64 too: array data is aligned)
_PAD_EXTRA_ID = 0xA220  # a zip extra field of ours that only pads a local header
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zip local file header (30 bytes)


def cache_dir() -> Path:
    env = os.environ.get("ARENA_ASSETDATA_CACHE")
    return Path(env) if env else Path(__file__).resolve().parent / "cache"


def cache_path(seed: int) -> Path:
    return cache_dir() / f"plant-{seed}-g{GENERATOR_VERSION}-f{CACHE_FORMAT}.npz"


@dataclass
class Plant:
    seed: int
    telemetry: dict[str, np.ndarray]  # equipment id -> float32 [n_steps, n_sensors]
    episodes: list[dict]
    workorders: list[dict]
    events: list[dict]
    content_hash: str | None  # sha256 of the cache file; None until digest() when not cached
    generation_seconds: float | None = None  # set when this process generated it
    # insufficient / conflicting evidence (issue 17; services.assetdata.evidence)
    data_quality: list[dict] = field(default_factory=list)
    evidence_conflicts: list[dict] = field(default_factory=list)
    load_seconds: float | None = None
    source: str = "generated"  # "generated" | "cache"
    assets: tuple[C.AssetSpec, ...] = C.ASSETS
    start: np.datetime64 = field(default_factory=lambda: np.datetime64(C.TELEMETRY_START, "m"))
    step_minutes: int = C.STEP_MINUTES
    now: datetime = C.NOW

    def __post_init__(self) -> None:
        self.asset_by_name = {a.name: a for a in self.assets}
        self.asset_by_name_ci = {a.name.casefold(): a for a in self.assets}
        self.asset_by_equipment = {a.equipment_id: a for a in self.assets}
        self.asset_by_equipment_ci = {a.equipment_id.casefold(): a for a in self.assets}
        self.workorder_by_num = {w["wonum"]: w for w in self.workorders}
        self.events_by_equipment: dict[str, list[dict]] = {}
        for e in self.events:
            self.events_by_equipment.setdefault(e["equipment_id"], []).append(e)
        self.n_steps = next(iter(self.telemetry.values())).shape[0]
        self.end = self.start + np.timedelta64(self.step_minutes * self.n_steps, "m")

    # -- grid helpers ---------------------------------------------------------
    def step_of(self, t: np.datetime64) -> int:
        """Index of the first step at or after ``t`` (may be out of range)."""
        d = (t.astype("datetime64[m]") - self.start).astype(np.int64)
        return int(-(-d // self.step_minutes))

    def times(self, a: int, b: int) -> np.ndarray:
        return self.start + np.arange(a, b) * np.timedelta64(self.step_minutes, "m")

    def digest(self) -> str:
        """sha256 of the cache file this plant has (or would have)."""
        if self.content_hash is None:
            records = {
                "episodes": self.episodes,
                "workorders": self.workorders,
                "events": self.events,
                "data_quality": self.data_quality,
                "evidence_conflicts": self.evidence_conflicts,
            }
            self.content_hash = write_cache_digest(self.telemetry, records)
        return self.content_hash

    @property
    def telemetry_points(self) -> int:
        return int(sum(int(np.isfinite(v).sum()) for v in self.telemetry.values()))


# ---- cache I/O ------------------------------------------------------------------
def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()


def write_cache(path: Path, telemetry: dict[str, np.ndarray], records: dict) -> str:
    """Write a deterministic, uncompressed, aligned npz; return its sha256."""
    members: list[tuple[str, bytes]] = []
    for eq in sorted(telemetry):
        members.append((f"tel_{eq}.npy", _npy_bytes(telemetry[eq])))
    blob = json.dumps(records, sort_keys=True, separators=(",", ":")).encode()
    members.append(("records.npy", _npy_bytes(np.frombuffer(blob, dtype=np.uint8))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            # the local header is 30 bytes + name + extra; pad the extra so
            # the member's data starts at a multiple of _ALIGN
            unpadded = buf.tell() + _LOCAL_HEADER.size + len(name.encode()) + 4
            pad = -unpadded % _ALIGN
            info.extra = struct.pack("<HH", _PAD_EXTRA_ID, pad) + bytes(pad)
            zf.writestr(info, data)
    raw = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(raw).hexdigest()


def _member_array(buf: mmap.mmap, info: zipfile.ZipInfo) -> np.ndarray:
    """A read-only view of a stored ``.npy`` member inside the mapped file."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"cache member {info.filename} is compressed (not cache format 2)")
    offset = info.header_offset
    sig, *_rest, name_len, extra_len = _LOCAL_HEADER.unpack_from(buf, offset)
    if sig != b"PK\x03\x04":
        raise ValueError(f"cache member {info.filename}: bad local header")
    start = offset + _LOCAL_HEADER.size + name_len + extra_len
    if start + info.file_size > len(buf):
        raise ValueError(f"cache member {info.filename} runs past the end of the file")
    head = io.BytesIO(buf[start : start + min(info.file_size, 65536)])
    version = np.lib.format.read_magic(head)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(head)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(head)
    if dtype.hasobject:
        raise ValueError(f"cache member {info.filename} holds objects")
    count = int(np.prod(shape, dtype=np.int64))
    data = start + head.tell()
    if data + count * dtype.itemsize > start + info.file_size:
        raise ValueError(f"cache member {info.filename} is truncated")
    arr = np.frombuffer(buf, dtype=dtype, count=count, offset=data)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def _json_loads(data: memoryview) -> dict:
    try:  # twice as fast as the stdlib on the 5 MB of records
        import orjson
    except ImportError:  # pragma: no cover - orjson is a runtime dependency
        return json.loads(data.tobytes())
    return orjson.loads(data)


def read_cache(path: Path, seed: int) -> Plant:
    """The cached plant: the file mapped read-only, its sha256 computed,
    telemetry arrays as views of the mapping (no copy, no decompression)."""
    t0 = time.perf_counter()
    with path.open("rb") as f:
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    digest = hashlib.sha256(buf).hexdigest()
    telemetry: dict[str, np.ndarray] = {}
    records: dict | None = None
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.startswith("tel_") and info.filename.endswith(".npy"):
                telemetry[info.filename[4:-4]] = _member_array(buf, info)
            elif info.filename == "records.npy":
                records = _json_loads(memoryview(_member_array(buf, info)))
    if records is None or not telemetry:
        raise KeyError(f"{path.name}: records or telemetry missing")
    plant = Plant(seed=seed, telemetry=telemetry, content_hash=digest, source="cache", **records)
    plant.load_seconds = time.perf_counter() - t0
    return plant


def generate(seed: int) -> tuple[dict[str, np.ndarray], dict, float]:
    from services.assetdata import generator  # only to build: a cached start never imports it

    t0 = time.perf_counter()
    telemetry, records = generator.build(seed)
    return telemetry, records, time.perf_counter() - t0


_lock = threading.Lock()
_loaded: dict[int, Plant] = {}


def load_plant(seed: int = DEFAULT_SEED, *, use_cache: bool = True) -> Plant:
    """The plant for ``seed`` (memoised per process)."""
    with _lock:
        if seed in _loaded:
            return _loaded[seed]
        path = cache_path(seed)
        plant: Plant | None = None
        if use_cache and path.exists():
            try:
                plant = read_cache(path, seed)
            except (OSError, ValueError, KeyError, struct.error, zipfile.BadZipFile) as exc:
                log.warning("plant cache %s unreadable (%s); regenerating", path, exc)
        if plant is None:
            telemetry, records, secs = generate(seed)
            digest = None
            if use_cache:
                try:
                    digest = write_cache(path, telemetry, records)
                except OSError as exc:
                    log.warning("cannot write plant cache %s: %s", path, exc)
            # (without a cache the hash is computed on demand by Plant.digest())
            plant = Plant(
                seed=seed,
                telemetry=telemetry,
                content_hash=digest,
                generation_seconds=secs,
                **records,
            )
        _loaded[seed] = plant
        return plant


def write_cache_digest(telemetry: dict[str, np.ndarray], records: dict) -> str:
    """sha256 the cache file would have, without keeping the file."""
    with tempfile.TemporaryDirectory() as d:
        return write_cache(Path(d) / "p.npz", telemetry, records)


def clear_memo() -> None:
    with _lock:
        _loaded.clear()
