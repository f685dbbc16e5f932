"""Unit tests of the upload archive checks (pure, no services)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import arena_archives as archives
import pytest

from services.api.submissions.archive import ArchiveError, Limits, inspect_archive

LIMITS = Limits(max_unpacked_bytes=64 * 1024**2, max_members=100, max_gzip_ratio=100.0)


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    return path


def _code(tmp_path: Path, data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(ArchiveError) as err:
        inspect_archive(_write(tmp_path, data), limits)
    return err.value.code


def test_single_image_plain_and_gzip_accepted(tmp_path: Path) -> None:
    data = archives.image_tar()
    info = inspect_archive(_write(tmp_path, data), LIMITS)
    assert not info.compressed and info.layer_count == 1 and info.repo_tags == ("agent0:latest",)
    info = inspect_archive(_write(tmp_path, archives.gz(data)), LIMITS)
    assert info.compressed and info.layer_count == 1


def test_internal_relative_symlink_is_fine(tmp_path: Path) -> None:
    data = archives.image_tar(extra=[archives.symlink("dup/layer.tar", "../other/layer.tar")])
    assert inspect_archive(_write(tmp_path, data), LIMITS).members >= 4


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"this is not a tar archive at all" * 50, "not_a_tar"),
        (b"\x1f\x8b\x08\x00garbage-after-gzip-magic" * 10, "not_a_tar"),
        (archives.traversal_tar(), "path_traversal"),
        (
            archives.image_tar(extra=[archives.symlink("x/link", "../../../etc/passwd")]),
            "path_traversal",
        ),
        (archives.image_tar(extra=[archives.symlink("x/abs", "/etc/passwd")]), "path_traversal"),
        (archives.image_tar(extra=[archives.device("dev/null")]), "unsafe_member"),
        (archives.image_tar(images=2), "multiple_images"),
        (archives.layer_bytes(), "not_an_image"),
    ],
    ids=[
        "not_tar",
        "bad_gzip",
        "traversal",
        "symlink_escape",
        "symlink_abs",
        "device",
        "two_images",
        "no_manifest",
    ],
)
def test_hostile_archives_rejected(tmp_path: Path, data: bytes, code: str) -> None:
    assert _code(tmp_path, data) == code


def test_empty_upload(tmp_path: Path) -> None:
    assert _code(tmp_path, b"") == "empty_upload"


def test_truncated_tar(tmp_path: Path) -> None:
    data = archives.image_tar(layer_size=200_000)
    assert _code(tmp_path, data[: len(data) // 2]) in {"not_a_tar", "not_an_image"}


def test_gzip_bomb_stops_at_limit(tmp_path: Path) -> None:
    bomb = archives.gzip_bomb(200 * 1024**2)  # 200 MiB of zeros, ~200 KiB compressed
    assert len(bomb) < 1024**2
    assert _code(tmp_path, bomb) == "archive_bomb"


def test_ratio_limit(tmp_path: Path) -> None:
    bomb = archives.gzip_bomb(20 * 1024**2)  # under the size cap, far over the ratio
    limits = Limits(max_unpacked_bytes=64 * 1024**2, max_members=100, max_gzip_ratio=2.0)
    assert _code(tmp_path, bomb, limits) == "archive_bomb"


def test_member_count_limit(tmp_path: Path) -> None:
    extra = []
    for i in range(150):
        info = tarfile.TarInfo(f"f/{i}")
        info.size = 0
        extra.append(info)
    assert _code(tmp_path, archives.image_tar(extra=extra)) == "archive_bomb"


def test_manifest_referencing_missing_layer(tmp_path: Path) -> None:
    import io
    import json

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        raw = json.dumps([{"Config": "c.json", "Layers": ["nope/layer.tar"]}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
        info = tarfile.TarInfo("c.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    assert _code(tmp_path, buf.getvalue()) == "not_an_image"
