"""The worker's inspection (``intake.facts_of``): the same function the api
runs at upload, with limits from the worker's settings."""

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from services import image_archive
from services.settings import Settings
from worker.sandbox.intake import IntakeError, facts_of, internal_reference, reference_age

from .helpers import docker_save_tar, tar_bytes


def _write(tmp_path: Path, data: bytes, name: str = "image.tar") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _code(path: Path, settings: Settings | None = None) -> str:
    with pytest.raises(IntakeError) as err:
        facts_of(path, settings or Settings())
    return err.value.code


def test_good_tarball(tmp_path: Path) -> None:
    data = docker_save_tar(tags=["me/agent:1"])
    facts = facts_of(_write(tmp_path, data), Settings())
    config = json.loads(facts.config)
    assert facts.image_id == "sha256:" + hashlib.sha256(facts.config).hexdigest()
    assert (facts.os, facts.architecture) == ("linux", "amd64") and config["os"] == "linux"
    assert facts.repo_tags == ("me/agent:1",) and facts.layer_count == 1


def test_gzip_tarball_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(docker_save_tar()), "image.tar.gz")
    assert facts_of(path, Settings()).architecture == "amd64"


@pytest.mark.parametrize("tag", ["assetops-arena:latest", "docker.io/library/arena-base:bookworm"])
def test_server_tags_are_recorded_never_loaded(tmp_path: Path, tag: str) -> None:
    """A tag naming a server image is harmless: the canonical manifest the
    engine loads carries no tag at all."""
    path = _write(tmp_path, docker_save_tar(tags=[tag]))
    facts = facts_of(path, Settings())
    assert facts.repo_tags == (tag,)
    assert json.loads(image_archive.canonical_manifest(facts))[0].get("RepoTags") is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (docker_save_tar(images=2), "multiple_images"),
        (docker_save_tar(arch="arm64"), "wrong_platform"),
        (docker_save_tar(os_name="windows"), "wrong_platform"),
        (tar_bytes({"hello.txt": b"hi"}), "not_an_image"),
        (tar_bytes({"manifest.json": b"[]"}), "not_an_image"),
        (tar_bytes({"manifest.json": b"{nope"}), "not_an_image"),
        (
            tar_bytes({"manifest.json": b'[{"Config": "../../etc/passwd", "Layers": []}]'}),
            "path_traversal",
        ),
        (b"definitely not a tarball" * 100, "not_a_tar"),
    ],
)
def test_bad_tarballs_have_stable_codes(tmp_path: Path, data: bytes, code: str) -> None:
    assert _code(_write(tmp_path, data)) == code


def test_image_size_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, docker_save_tar(layer_bytes=50_000))
    assert _code(path, Settings(image_max_bytes=10_000)) == "image_too_large"
    assert _code(path, Settings(image_max_layer_bytes=10_000)) == "layer_too_large"
    assert facts_of(path, Settings(image_max_bytes=100_000)).image_bytes > 50_000


def test_layer_count_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, docker_save_tar())
    assert _code(path, Settings(image_max_layers=0)) == "too_many_layers"


def test_missing_file(tmp_path: Path) -> None:
    assert _code(tmp_path / "absent.tar") == "file_missing"


def test_internal_reference_is_the_servers_choice() -> None:
    ref = internal_reference("3F2a/../x:latest@sha256")
    repo, _, stamp = ref.rpartition(":")
    assert repo == "arena-submission/3f2a-x-latest-sha256" and stamp.isdigit()
    assert reference_age(ref, int(stamp) + 5) == 5
    assert reference_age("assetops-arena:latest", 0) is None
