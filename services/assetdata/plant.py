"""The simulated plant as loaded in memory, and its on-disk cache.

``load_plant(seed)`` returns the cached plant when
``<cache dir>/plant-<seed>-g<GENERATOR_VERSION>.npz`` exists, else generates
it (a few seconds) and writes the cache atomically. The cache is a zip of
``.npy`` members written with fixed timestamps, so the same seed gives the
same bytes (``Plant.content_hash`` is the file's sha256).

Cache directory: ``$ARENA_ASSETDATA_CACHE`` if set, else
``services/assetdata/cache/``. If it cannot be written the plant stays in
memory only.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from services.assetdata import catalog as C
from services.assetdata import generator

log = logging.getLogger(__name__)

DEFAULT_SEED = C.DEFAULT_SEED
GENERATOR_VERSION = 4  # bump whenever generated content changes (4: issue 17 evidence)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def cache_dir() -> Path:
    env = os.environ.get("ARENA_ASSETDATA_CACHE")
    return Path(env) if env else Path(__file__).resolve().parent / "cache"


def cache_path(seed: int) -> Path:
    return cache_dir() / f"plant-{seed}-g{GENERATOR_VERSION}.npz"


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
    """Write a deterministic npz; return its sha256."""
    members: list[tuple[str, bytes]] = []
    for eq in sorted(telemetry):
        members.append((f"tel_{eq}.npy", _npy_bytes(telemetry[eq])))
    blob = json.dumps(records, sort_keys=True, separators=(",", ":")).encode()
    members.append(("records.npy", _npy_bytes(np.frombuffer(blob, dtype=np.uint8))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=6)
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


def read_cache(path: Path, seed: int) -> Plant:
    t0 = time.perf_counter()
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    telemetry: dict[str, np.ndarray] = {}
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        for name in z.files:
            if name.startswith("tel_"):
                telemetry[name[4:]] = z[name]
        records = json.loads(z["records"].tobytes())
    plant = Plant(seed=seed, telemetry=telemetry, content_hash=digest, source="cache", **records)
    plant.load_seconds = time.perf_counter() - t0
    return plant


def generate(seed: int) -> tuple[dict[str, np.ndarray], dict, float]:
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
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
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
