"""Hostile uploads against the worker's image intake and the real engine.

Every case is either refused by the shared inspection with its stable code
before anything reaches the engine, or loaded harmlessly: no tag set, the
image known only by its id and the attempt's internal reference. Every test
checks that the ids of all server images are the same before and after, and
that no image of the test's attempts is left in the engine.
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import docker.errors
import pytest
import sec_tars

from services.settings import Settings
from worker.sandbox import intake

pytestmark = [pytest.mark.docker]

# A stand-in server image the attack may really move (never the real one).
DECOY = "arena-sec-decoy:latest"


@pytest.fixture(scope="module")
def client() -> Any:
    c = docker.from_env(timeout=120)
    c.ping()
    return c


@pytest.fixture(scope="module")
def decoy(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A tiny image tagged DECOY, protected like the server's images."""
    path = sec_tars._write_tar(
        tmp_path_factory.mktemp("decoy") / "d.tar",
        sec_tars.image_members({"agent": b"decoy"}, tags=[DECOY]),
    )
    with path.open("rb") as fh:
        client.images.load(fh.read())
    yield client.images.get(DECOY).id
    for image in client.images.list(name="arena-sec-decoy"):
        client.images.remove(image.id, force=True)


@pytest.fixture
def settings(decoy: str) -> Settings:
    return Settings(
        protected_images=f"{Settings().protected_images},{DECOY}",
        image_max_layer_bytes=64 * 1024**2,
    )


@pytest.fixture
def label() -> str:
    return f"sec-intake-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def server_images_unchanged(
    client: Any, settings: Settings, label: str, engine_clean_after_test: None
) -> Iterator[None]:
    before = intake.server_image_ids(client, settings)
    assert before[settings.sidecar_image], "the server image must exist for this suite"
    yield
    assert intake.server_image_ids(client, settings) == before
    leftovers = [
        t
        for i in client.images.list(name=f"{intake.INTERNAL_REPOSITORY}/*")
        for t in i.tags
        if label in t
    ]
    assert leftovers == []


def _build(builder: Callable[..., Path], tmp_path: Path, name: str, **kw: Any) -> Path:
    return builder(tmp_path / f"{name}.tar", **kw)


@pytest.mark.parametrize(
    ("name", "builder"), sec_tars.HOSTILE_PAYLOADS, ids=[n for n, _ in sec_tars.HOSTILE_PAYLOADS]
)
def test_refused_before_the_engine(
    client: Any,
    settings: Settings,
    label: str,
    tmp_path: Path,
    name: str,
    builder: Callable[[Path], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    posted: list[bool] = []
    real_post = intake._post_load
    monkeypatch.setattr(intake, "_post_load", lambda *a: posted.append(True) or real_post(*a))
    with pytest.raises(intake.IntakeError) as err:
        intake.load_image(client, _build(builder, tmp_path, name), settings, label=label)
    assert err.value.code == sec_tars.EXPECTED_CODES[name]
    assert posted == []  # nothing reached the engine


@pytest.mark.parametrize(
    ("name", "builder"), sec_tars.INTAKE_HARMLESS, ids=[n for n, _ in sec_tars.INTAKE_HARMLESS]
)
def test_loaded_without_any_tag(
    client: Any,
    settings: Settings,
    label: str,
    tmp_path: Path,
    name: str,
    builder: Callable[[Path], Path],
) -> None:
    loaded = intake.load_image(client, _build(builder, tmp_path, name), settings, label=label)
    try:
        image = client.images.get(loaded.image_id)
        assert image.tags == [loaded.reference]
        assert loaded.reference and loaded.reference.startswith(
            f"{intake.INTERNAL_REPOSITORY}/{label}:"
        )
        assert image.attrs["Config"].get("Healthcheck") is None
    finally:
        intake.remove_image(client, loaded)
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get(loaded.image_id)


def test_the_reported_attack_is_refused(
    client: Any, settings: Settings, label: str, tmp_path: Path, decoy: str
) -> None:
    path = sec_tars.manifest_then_symlinked_manifest(tmp_path / "a.tar", tag=DECOY)
    with pytest.raises(intake.IntakeError) as err:
        intake.load_image(client, path, settings, label=label)
    assert err.value.code == "duplicate_member"
    assert client.images.get(DECOY).id == decoy


def test_the_attack_is_real_and_a_moved_server_image_fails_closed(
    client: Any, settings: Settings, tmp_path: Path, decoy: str
) -> None:
    """Handed to the engine raw (what the worker used to do), the archive
    really retags the protected image; the post-load check puts the old id
    back and fails closed."""
    path = sec_tars.manifest_then_symlinked_manifest(tmp_path / "a.tar", tag=DECOY)
    before = intake.server_image_ids(client, settings)
    with path.open("rb") as fh:
        intake._post_load(client, fh, 120)
    assert client.images.get(DECOY).id != decoy  # the engine followed the symlink
    with pytest.raises(intake.ServerImageChanged) as err:
        intake.check_server_images(client, settings, before)
    assert err.value.code == "server_image_changed" and DECOY in err.value.moved
    assert client.images.get(DECOY).id == decoy  # restored
    # the raw load left the two images of the evil manifest behind
    with tarfile.open(path) as tar:
        evil = json.load(tar.extractfile("evil.json"))  # type: ignore[arg-type]
    for entry in evil:
        image_id = "sha256:" + entry["Config"].removesuffix(".json")
        assert image_id != decoy
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(image_id, force=True)


def test_config_named_after_a_server_image_is_refused(
    client: Any, settings: Settings, label: str, tmp_path: Path
) -> None:
    """A config member named with the id of an image already in the engine
    used to make the worker evaluate that image instead."""
    server_id = client.images.get(settings.sidecar_image).id.removeprefix("sha256:")
    path = sec_tars.config_name_not_its_digest(tmp_path / "c.tar", claimed=server_id)
    with pytest.raises(intake.IntakeError) as err:
        intake.load_image(client, path, settings, label=label)
    assert err.value.code == "config_digest_mismatch"


def test_archive_changed_between_inspection_and_load(
    client: Any, settings: Settings, label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The canonical stream re-hashes every copied byte: a layer swapped
    after inspection aborts the load and nothing is loaded."""
    path = sec_tars._write_tar(tmp_path / "ok.tar", sec_tars.image_members({"agent": b"v1"}))
    real_inspect = intake.inspect
    seen: list[Any] = []

    def inspect_then_swap(p: Path, limits: Any) -> Any:
        facts = real_inspect(p, limits)
        seen.append(facts)
        data = p.read_bytes()
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            members = {m.name: tar.extractfile(m).read() for m in tar if m.isreg()}  # type: ignore[union-attr]
        layer = next(n for n in members if n.endswith("layer.tar"))
        swapped = sec_tars._layer_tar({"agent": b"v2"})
        assert len(swapped) == len(members[layer])
        members[layer] = swapped
        sec_tars._write_tar(p, members)
        return facts

    monkeypatch.setattr(intake, "inspect", inspect_then_swap)
    with pytest.raises(intake.IntakeError) as err:
        intake.load_image(client, path, settings, label=label)
    assert err.value.code == "archive_changed"
    # the engine got a truncated tar: the inspected image is not in it
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get(seen[0].image_id)
