"""Image intake: stream-load a ``docker save`` tarball into the engine.

Before anything reaches the engine the tarball is inspected in one streaming
pass (never read whole into memory): exactly one image, linux/amd64, a
bounded declared size, no tag that would clobber one of our own images. Then
``POST /images/load`` streams the open file with a long timeout (a multi-GB
load exceeds docker-py's 60 s default: docker-py#2119, grand-challenge#1330).
The image is then always referred to by its sha256 id, never by a name that
could trigger a registry pull.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors
import requests

from services.settings import Settings, get_settings

log = logging.getLogger(__name__)

MAX_JSON_MEMBER_BYTES = 4 * 1024**2  # manifest / image config size bound
MAX_KEPT_JSON_BYTES = 32 * 1024**2
# Names a submission may never (re)tag: loading "assetops-arena:latest" would
# otherwise replace our sidecar image with the participant's.
RESERVED_REPOSITORIES = ("assetops-arena", "arena-base")


class IntakeError(Exception):
    """A submitted image was refused. ``code`` is stable (shown to participants)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TarballInfo:
    config_digest: str  # hex sha256 of the image config == image id
    repo_tags: list[str]
    architecture: str
    os: str
    user: str
    declared_bytes: int
    layers: int


@dataclass(frozen=True)
class LoadedImage:
    image_id: str  # "sha256:<hex>"
    size_bytes: int
    architecture: str
    os: str
    user: str  # the image's configured user (informational: we always run non-root)
    repo_tags: list[str] = field(default_factory=list)  # as declared in the tarball
    preexisting: bool = False  # the engine already had this id: never remove it


def _reserved(tag: str, extra: tuple[str, ...]) -> bool:
    repo = tag.rsplit(":", 1)[0] if ":" in tag.rsplit("/", 1)[-1] else tag
    repo = repo.removeprefix("docker.io/").removeprefix("library/")
    return repo in RESERVED_REPOSITORIES + extra


def inspect_tarball(path: Path, settings: Settings | None = None) -> TarballInfo:
    """One streaming pass over the tarball (plain or gzip): keep only small
    JSON members, sum member sizes, then check manifest + config."""
    settings = settings or get_settings()
    kept: dict[str, bytes] = {}
    kept_bytes = 0
    total = 0
    members = 0
    try:
        with path.open("rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tar:
            for member in tar:
                members += 1
                if members > settings.upload_max_members:
                    raise IntakeError("too_many_members", "the tarball has too many entries")
                total += max(member.size, 0)
                if total > settings.image_max_bytes:
                    raise IntakeError(
                        "too_large",
                        f"the image is larger than {settings.image_max_bytes} bytes unpacked",
                    )
                name = member.name.removeprefix("./")
                small = member.isreg() and member.size <= MAX_JSON_MEMBER_BYTES
                if small and (name.endswith(".json") or name.startswith("blobs/sha256/")):
                    if kept_bytes + member.size > MAX_KEPT_JSON_BYTES:
                        continue
                    fh = tar.extractfile(member)
                    data = fh.read() if fh is not None else b""
                    if name.endswith(".json") or data[:1] == b"{":
                        kept[name] = data
                        kept_bytes += len(data)
    except FileNotFoundError as exc:
        raise IntakeError("file_missing", f"no tarball at {path}") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise IntakeError("not_a_tar", f"not a docker save tarball: {exc}") from exc

    if "manifest.json" not in kept:
        raise IntakeError("no_manifest", "manifest.json missing: upload the output of docker save")
    try:
        manifest = json.loads(kept["manifest.json"])
    except ValueError as exc:
        raise IntakeError("bad_manifest", "manifest.json is not valid JSON") from exc
    if not isinstance(manifest, list) or not manifest:
        raise IntakeError("no_image", "the tarball contains no image")
    if len(manifest) != 1:
        raise IntakeError("multiple_images", f"the tarball holds {len(manifest)} images, need 1")
    entry = manifest[0]
    if not isinstance(entry, dict) or not isinstance(entry.get("Config"), str):
        raise IntakeError("bad_manifest", "manifest entry without Config")
    config_name = entry["Config"].removeprefix("./")
    digest = config_name.rsplit("/", 1)[-1].removesuffix(".json")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise IntakeError("bad_manifest", "image config name is not a sha256 digest")
    if config_name not in kept:
        raise IntakeError("bad_config", "image config missing or too large")
    try:
        config = json.loads(kept[config_name])
    except ValueError as exc:
        raise IntakeError("bad_config", "image config is not valid JSON") from exc
    arch, os_name = config.get("architecture", ""), config.get("os", "")
    if (os_name, arch) != ("linux", "amd64"):
        raise IntakeError("wrong_platform", f"image is {os_name}/{arch}, need linux/amd64")
    tags = [t for t in entry.get("RepoTags") or [] if isinstance(t, str)]
    for tag in tags:
        if _reserved(tag, ()):
            raise IntakeError("reserved_tag", f"the image tag {tag!r} is reserved")
    user = str((config.get("config") or {}).get("User") or "")
    return TarballInfo(
        config_digest=digest,
        repo_tags=tags,
        architecture=arch,
        os=os_name,
        user=user,
        declared_bytes=total,
        layers=len(entry.get("Layers") or []),
    )


def _post_load(client: Any, fileobj: Any, timeout: float) -> list[str]:
    """POST /images/load streaming ``fileobj``; returns the engine's messages."""
    api = client.api
    response = api._post(  # docker-py's images.load() has no per-call timeout
        api._url("/images/load"),
        data=fileobj,
        params={"quiet": "1"},
        headers={"Content-Type": "application/x-tar"},
        stream=True,
        timeout=timeout,
    )
    api._raise_for_status(response)
    messages: list[str] = []
    for line in response.iter_lines():
        if not line:
            continue
        chunk = json.loads(line)
        if "error" in chunk or "errorDetail" in chunk:
            detail = chunk.get("error") or chunk.get("errorDetail", {}).get("message", "")
            raise IntakeError("load_failed", f"docker load failed: {str(detail)[:200]}")
        if chunk.get("stream"):
            messages.append(chunk["stream"].strip())
    return messages


def load_image(client: Any, tar_path: str | Path, settings: Settings | None = None) -> LoadedImage:
    """Inspect then load one participant image; returns its id and size.

    Raises ``IntakeError`` with a stable code. The caller removes the image
    after evaluation (``remove_image``).
    """
    settings = settings or get_settings()
    path = Path(tar_path)
    info = inspect_tarball(path, settings)
    image_id = f"sha256:{info.config_digest}"
    # An image already in the engine (e.g. our base image re-tagged and
    # submitted) must survive this submission's cleanup.
    try:
        client.images.get(image_id)
        preexisting = True
    except docker.errors.ImageNotFound:
        preexisting = False
    try:
        with path.open("rb") as fh:
            _post_load(client, fh, settings.image_load_timeout_seconds)
    except requests.exceptions.Timeout as exc:
        raise IntakeError("load_timeout", "docker load did not finish in time") from exc
    except docker.errors.APIError as exc:
        raise IntakeError("load_failed", f"docker load failed: {exc.explanation}") from exc
    try:
        image = client.images.get(image_id)
    except docker.errors.ImageNotFound as exc:
        raise IntakeError("load_failed", "the loaded image is not in the engine") from exc
    return LoadedImage(
        image_id=image.id,
        size_bytes=int(image.attrs.get("Size") or 0),
        architecture=info.architecture,
        os=info.os,
        user=info.user,
        repo_tags=info.repo_tags,
        preexisting=preexisting,
    )


def remove_image(client: Any, image: LoadedImage | str) -> None:
    """Remove a loaded participant image by id (idempotent). An image that
    was already in the engine before the load is left alone."""
    if isinstance(image, LoadedImage):
        if image.preexisting:
            return
        image_id = image.image_id
    else:
        image_id = image
    with contextlib.suppress(docker.errors.ImageNotFound):
        client.images.remove(image_id, force=True)
