"""The plant cache (format 2, issue 22): stored, aligned members read by mmap,
the same plant as generated, its identity (sha256 of the file) kept, and a
cache of another format or a damaged one regenerated, never half-read."""

import hashlib
import json
import zipfile

import numpy as np
import pytest

from services.assetdata import plant as P


def test_cache_is_stored_aligned_and_still_an_npz(plant):
    path = P.cache_path(plant.seed)
    assert path.name.endswith(f"-f{P.CACHE_FORMAT}.npz")
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert infos and all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        raw = path.read_bytes()
        for info in infos:
            _sig, *_rest, name_len, extra_len = P._LOCAL_HEADER.unpack_from(raw, info.header_offset)
            start = info.header_offset + P._LOCAL_HEADER.size + name_len + extra_len
            assert start % 64 == 0, info.filename
    # np.load reads the very arrays the mapping gives (equal, NaNs included)
    with np.load(path, allow_pickle=False) as z:
        tel = {n[4:]: z[n] for n in z.files if n.startswith("tel_")}
        records = json.loads(z["records"].tobytes())
    loaded = P.read_cache(path, plant.seed)
    assert tel.keys() == loaded.telemetry.keys()
    for eq, arr in tel.items():
        view = loaded.telemetry[eq]
        assert view.dtype == arr.dtype and view.shape == arr.shape
        assert np.array_equal(view, arr, equal_nan=True)
        assert not view.flags.writeable  # a view of the read-only mapping
        assert view.ctypes.data % 64 == 0
    assert loaded.workorders == records["workorders"] and loaded.events == records["events"]
    assert loaded.data_quality == records["data_quality"]


def test_identity_is_the_files_sha256(plant):
    path = P.cache_path(plant.seed)
    loaded = P.read_cache(path, plant.seed)
    assert loaded.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.content_hash == plant.digest()
    assert loaded.source == "cache" and loaded.telemetry_points == plant.telemetry_points


def test_generated_and_cached_plants_are_equal(plant):
    telemetry, records, _secs = P.generate(plant.seed)
    loaded = P.read_cache(P.cache_path(plant.seed), plant.seed)
    assert sorted(telemetry) == sorted(loaded.telemetry)
    for eq, arr in telemetry.items():
        assert np.array_equal(arr, loaded.telemetry[eq], equal_nan=True)
    # the records survive the JSON round trip exactly (orjson on read)
    assert json.loads(json.dumps(records)) == {
        k: getattr(loaded, k)
        for k in ("episodes", "workorders", "events", "data_quality", "evidence_conflicts")
    }


def _small() -> tuple[dict[str, np.ndarray], dict]:
    rng = np.random.default_rng(7)
    telemetry = {
        "EQ1": rng.standard_normal((37, 5)).astype(np.float32),
        "EQ2": np.full((11, 3), np.nan, dtype=np.float32),
    }
    records = {
        "episodes": [{"a": 1}],
        "workorders": [{"wonum": "W1", "x": 1.5}],
        "events": [{"equipment_id": "EQ1", "t": "2020-01-01"}],
        "data_quality": [],
        "evidence_conflicts": [],
    }
    return telemetry, records


def test_small_cache_round_trip_and_same_bytes(tmp_path):
    telemetry, records = _small()
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert P.write_cache(a, telemetry, records) == P.write_cache(b, telemetry, records)
    assert a.read_bytes() == b.read_bytes()
    loaded = P.read_cache(a, 1)
    for eq, arr in telemetry.items():
        assert np.array_equal(loaded.telemetry[eq], arr, equal_nan=True)
    assert loaded.workorders == records["workorders"]


def test_deflated_cache_is_refused(tmp_path):
    """A cache of format 1 (deflated members) cannot be mapped: read_cache
    refuses it (load_plant then regenerates) instead of reading it wrong."""
    telemetry, records = _small()
    path = tmp_path / "old.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for eq, arr in telemetry.items():
            zf.writestr(f"tel_{eq}.npy", P._npy_bytes(arr))
        zf.writestr(
            "records.npy", P._npy_bytes(np.frombuffer(json.dumps(records).encode(), np.uint8))
        )
    with pytest.raises(ValueError, match="compressed"):
        P.read_cache(path, 1)


def test_truncated_cache_is_refused(tmp_path):
    telemetry, records = _small()
    path = tmp_path / "c.npz"
    P.write_cache(path, telemetry, records)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises((ValueError, zipfile.BadZipFile)):
        P.read_cache(path, 1)


def test_damaged_cache_is_regenerated(tmp_path, monkeypatch):
    """load_plant: an unreadable cache is replaced by a regenerated one."""
    monkeypatch.setenv("ARENA_ASSETDATA_CACHE", str(tmp_path))
    telemetry, records = _small()
    calls = []

    def fake_generate(seed: int):
        calls.append(seed)
        return telemetry, records, 0.01

    monkeypatch.setattr(P, "generate", fake_generate)
    P.cache_path(5).write_bytes(b"PK\x03\x04 not a zip")
    P.clear_memo()
    try:
        got = P.load_plant(5)
        assert calls == [5] and got.source == "generated"
        again = P.read_cache(P.cache_path(5), 5)  # the rewritten cache reads back
        assert again.content_hash == got.content_hash
    finally:
        P.clear_memo()
