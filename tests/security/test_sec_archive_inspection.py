"""Hostile archives against the api's archive inspector, in process (fast).

The same payloads go through the real HTTP upload in
``test_sec_uploads.py``; this file pins the pure inspector so a regression
is caught in seconds, without Postgres or Docker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sec_tars

from services.api.submissions import archive

# The worker inspects with the same function and settings-derived limits;
# a small per-layer bound keeps the decompression-bomb case fast.
LIMITS = archive.Limits(
    max_unpacked_bytes=512 * 1024**2,
    max_members=20_000,
    max_gzip_ratio=100.0,
    max_layer_bytes=64 * 1024**2,
)


@pytest.mark.parametrize(
    ("name", "builder"), sec_tars.HOSTILE_PAYLOADS, ids=[n for n, _ in sec_tars.HOSTILE_PAYLOADS]
)
def test_hostile_archive_rejected_with_stable_code(
    tmp_path: Path, name: str, builder: Callable[[Path], Path]
) -> None:
    path = builder(tmp_path / f"{name}.tar")
    with pytest.raises(archive.ArchiveError) as info:
        archive.inspect_archive(path, LIMITS)
    err = info.value
    assert err.code == sec_tars.EXPECTED_CODES[name], err
    assert 400 <= err.status < 500


@pytest.mark.parametrize(
    ("name", "builder"), sec_tars.INTAKE_HARMLESS, ids=[n for n, _ in sec_tars.INTAKE_HARMLESS]
)
def test_tag_carrying_archives_pass_without_their_tags(
    tmp_path: Path, name: str, builder: Callable[[Path], Path]
) -> None:
    """Inspection accepts them; the canonical archive the worker loads names
    no tag (tests/security/test_sec_image_intake.py loads them for real)."""
    from services import image_archive

    path = builder(tmp_path / f"{name}.tar")
    facts = archive.inspect_archive(path, LIMITS)
    manifest = image_archive.canonical_manifest(facts)
    assert b"RepoTags" not in manifest and b"assetops" not in manifest
    stream = b"".join(image_archive.canonical_stream(path, facts, LIMITS))
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(stream)) as tar:
        members = tar.getmembers()
    assert all(m.isreg() for m in members)
    names = [m.name for m in members]
    assert len(names) == len(set(names)) == 2 + len({layer.raw_sha256 for layer in facts.layers})
    assert "repositories" not in names and "index.json" not in names


def test_volume_healthcheck_onbuild_normalised(tmp_path: Path) -> None:
    import hashlib
    import json

    facts = archive.inspect_archive(sec_tars.volume_and_healthcheck(tmp_path / "v.tar"), LIMITS)
    config = json.loads(facts.config)["config"]
    assert not {"Healthcheck", "OnBuild", "StopSignal"} & set(config)
    assert facts.volumes == ("/data",) and config["Volumes"] == {"/data": {}}
    assert facts.image_id == "sha256:" + hashlib.sha256(facts.config).hexdigest()
    assert facts.image_id != facts.declared_id  # the participant's id named the raw config


def test_clean_image_keeps_its_own_id(tmp_path: Path) -> None:
    """Nothing to normalise: the config bytes are loaded verbatim, so the id
    the participant sees locally is the id the server runs."""
    path = tmp_path / "ok.tar"
    sec_tars._write_tar(path, sec_tars.image_members())
    facts = archive.inspect_archive(path, LIMITS)
    assert facts.image_id == facts.declared_id and not facts.dropped


def test_identical_layers_resolve_through_an_internal_symlink(tmp_path: Path) -> None:
    """docker save (20.10) writes a repeated layer once and links to it."""
    import tarfile

    cfg, digest, parts = sec_tars._image_parts(layers=2)
    members = sec_tars._members_for(cfg, f"{digest}.json", parts, [parts[0][0], "dup/layer.tar"])

    def link(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo("dup/layer.tar")
        info.type = tarfile.SYMTYPE
        info.linkname = f"../{parts[0][0]}"
        tar.addfile(info)

    path = sec_tars._write_tar(tmp_path / "dup.tar", members, link)
    facts = archive.inspect_archive(path, LIMITS)
    assert facts.layer_count == 2 and facts.layer_members[0] == facts.layer_members[1]


def test_gzip_bomb_rejected_fast_without_inflating(tmp_path: Path) -> None:
    bomb = sec_tars.gzip_bomb(tmp_path / "bomb.tar.gz", inflated_bytes=1024**3)
    assert bomb.stat().st_size < 8 * 1024**2  # the wire size is tiny...
    t0 = time.monotonic()
    with pytest.raises(archive.ArchiveError) as info:
        archive.inspect_archive(bomb, LIMITS)
    assert info.value.code == "archive_bomb"
    assert info.value.status == 413
    # ...and rejecting it must not cost a full inflate of 1 GiB
    assert time.monotonic() - t0 < 5


def test_huge_manifest_member_rejected(tmp_path: Path) -> None:
    path = sec_tars.huge_manifest(tmp_path / "m.tar", size=4 * 1024**2)
    with pytest.raises(archive.ArchiveError):
        archive.inspect_archive(path, LIMITS)


def test_member_count_bomb_rejected(tmp_path: Path) -> None:
    import io
    import tarfile

    path = tmp_path / "many.tar"
    with tarfile.open(path, "w") as tar:
        for i in range(200):
            tar.addfile(tarfile.TarInfo(f"f{i}"), io.BytesIO(b""))
    small = archive.Limits(
        max_unpacked_bytes=LIMITS.max_unpacked_bytes, max_members=100, max_gzip_ratio=100.0
    )
    with pytest.raises(archive.ArchiveError) as info:
        archive.inspect_archive(path, small)
    assert info.value.code == "archive_bomb"


def test_plausible_image_is_accepted(tmp_path: Path) -> None:
    """Control: the payload builders only break what each case names."""
    import tarfile

    path = tmp_path / "ok.tar"
    with tarfile.open(path, "w") as tar:
        for member_name, data in sec_tars.image_members().items():
            sec_tars._add_bytes(tar, member_name, data)
    info = archive.inspect_archive(path, LIMITS)
    assert info.layer_count == 1


@pytest.mark.docker
def test_real_docker_save_is_accepted(tmp_path: Path) -> None:
    """Control on the real format: a ``docker save`` (plain and gzip) passes."""
    import sec_images

    tag = "arena-sec-tiny:inspect"
    sec_images.build_tiny_image(tag)
    try:
        for compress in (False, True):
            path = sec_images.save_image([tag], tmp_path / f"t{int(compress)}.tar", compress)
            assert archive.inspect_archive(path, LIMITS).compressed is compress
    finally:
        sec_images.remove_images([tag])


@pytest.mark.docker
def test_real_multi_image_docker_save_is_rejected(tmp_path: Path) -> None:
    import sec_images

    tags = ["arena-sec-tiny:multi-a", "arena-sec-tiny:multi-b"]
    for tag in tags:
        sec_images.build_tiny_image(tag)
    try:
        # two distinct images: re-import b so its id differs from a
        path = sec_images.save_image(tags, tmp_path / "two.tar")
        names = __import__("tarfile").open(path).getnames()
        assert "manifest.json" in names
        with pytest.raises(archive.ArchiveError) as info:
            archive.inspect_archive(path, LIMITS)
        assert info.value.code == "multiple_images"
    finally:
        sec_images.remove_images(tags)
