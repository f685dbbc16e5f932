import gzip
from pathlib import Path

import pytest

from services.settings import Settings
from worker.sandbox.intake import IntakeError, inspect_tarball

from .helpers import docker_save_tar, tar_bytes


def _write(tmp_path: Path, data: bytes, name: str = "image.tar") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _code(path: Path, settings: Settings | None = None) -> str:
    with pytest.raises(IntakeError) as err:
        inspect_tarball(path, settings or Settings())
    return err.value.code


def test_good_tarball(tmp_path: Path) -> None:
    info = inspect_tarball(_write(tmp_path, docker_save_tar(tags=["me/agent:1"])), Settings())
    assert info.config_digest == "0".rjust(64, "a")
    assert (info.os, info.architecture) == ("linux", "amd64")
    assert info.repo_tags == ["me/agent:1"] and info.layers == 1


def test_gzip_tarball_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(docker_save_tar()), "image.tar.gz")
    assert inspect_tarball(path, Settings()).architecture == "amd64"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (docker_save_tar(images=2), "multiple_images"),
        (docker_save_tar(arch="arm64"), "wrong_platform"),
        (docker_save_tar(os_name="windows"), "wrong_platform"),
        (docker_save_tar(tags=["assetops-arena:latest"]), "reserved_tag"),
        (docker_save_tar(tags=["docker.io/library/arena-base:bookworm"]), "reserved_tag"),
        (tar_bytes({"hello.txt": b"hi"}), "no_manifest"),
        (tar_bytes({"manifest.json": b"[]"}), "no_image"),
        (tar_bytes({"manifest.json": b"{nope"}), "bad_manifest"),
        (tar_bytes({"manifest.json": b'[{"Config": "../../etc/passwd"}]'}), "bad_manifest"),
        (b"definitely not a tarball" * 100, "not_a_tar"),
    ],
)
def test_bad_tarballs_have_stable_codes(tmp_path: Path, data: bytes, code: str) -> None:
    assert _code(_write(tmp_path, data)) == code


def test_declared_size_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, docker_save_tar(layer_bytes=50_000))
    assert _code(path, Settings(image_max_bytes=10_000)) == "too_large"


def test_missing_file(tmp_path: Path) -> None:
    assert _code(tmp_path / "absent.tar") == "file_missing"
