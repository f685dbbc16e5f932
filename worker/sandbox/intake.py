"""Image intake: load exactly the image that was inspected, and nothing else.

1. ``services.image_archive.inspect`` checks the upload (the same function
   the api ran at upload time): one image, linux/amd64, bounded layers and
   sizes, diff ids equal to the layers' real digests, a normalised config.
2. The engine receives a canonical archive re-emitted from the verified
   members (regular files, one manifest entry without tags, the config and
   the layers), never the upload itself: links, duplicate members, legacy
   ``repositories`` tags or an OCI index in the upload cannot reach it.
3. The engine must report exactly one loaded image, with the id computed
   from the config bytes. The image is then known by that id plus a
   per-attempt internal reference (``arena-submission/<label>:<time>``)
   that no participant input can choose; the janitor reaps those.
4. The ids of the server's own images are read before and after the load;
   if one moved, the previous id is put back and the load fails closed
   (``server_image_changed``) -- defence in depth, since step 2 already
   keeps tags out of the engine.

``POST /images/load`` streams with a long timeout (a multi-GB load exceeds
docker-py's 60 s default: docker-py#2119, grand-challenge#1330).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors
import requests

from services.image_archive import ArchiveError, ImageFacts, Limits, canonical_stream, inspect
from services.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Participant-facing intake failures share the inspection's error type (and
# its stable codes); the engine side adds load_failed, load_timeout,
# image_too_large and server_image_changed.
IntakeError = ArchiveError
INTERNAL_REPOSITORY = "arena-submission"
_LOADED_ID = re.compile(r"^Loaded image ID: (sha256:[0-9a-f]{64})$")


class ServerImageChanged(ArchiveError):
    """Loading an upload moved one of the server's own images."""

    def __init__(self, moved: dict[str, tuple[str | None, str | None]]) -> None:
        super().__init__(
            "server_image_changed",
            "The server refused this image: loading it changed a server image.",
        )
        self.moved = moved


@dataclass(frozen=True)
class LoadedImage:
    image_id: str  # "sha256:<hex>" of the (normalised) config
    size_bytes: int
    architecture: str
    os: str
    user: str  # the image's configured user (informational: we always run non-root)
    reference: str | None = None  # the internal per-attempt tag; None: none was set
    declared_id: str = ""  # the id the participant's engine shows (before normalising)
    volumes: tuple[str, ...] = ()  # VOLUME paths: the runner covers them with tmpfs
    repo_tags: list[str] = field(default_factory=list)  # as uploaded, never applied
    preexisting: bool = False  # the engine already had this id: never remove it by id


def reference_repository(label: str) -> str:
    """``arena-submission/<label>``: the repository of a label's references."""
    safe = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:100] or "run"
    return f"{INTERNAL_REPOSITORY}/{safe}"


def internal_reference(label: str) -> str:
    """``arena-submission/<label>:<unix time>``: a name only the server
    chooses (the label is a submission id and attempt, or a local run id)."""
    return f"{reference_repository(label)}:{int(time.time())}"


def reference_age(tag: str, now: float) -> float | None:
    """Seconds since an internal reference was set; None for other tags."""
    repo, _, stamp = tag.rpartition(":")
    if not repo.startswith(f"{INTERNAL_REPOSITORY}/") or not stamp.isdigit():
        return None
    return now - int(stamp)


def protected_references(settings: Settings) -> list[str]:
    refs = {settings.sidecar_image, *settings.protected_images.split(",")}
    return sorted(r.strip() for r in refs if r.strip())


def server_image_ids(client: Any, settings: Settings) -> dict[str, str | None]:
    """The id each protected reference names now (None: not in the engine)."""
    ids: dict[str, str | None] = {}
    for ref in protected_references(settings):
        try:
            ids[ref] = client.images.get(ref).id  # local lookup, never a pull
        except docker.errors.ImageNotFound:
            ids[ref] = None
        except docker.errors.APIError:  # an invalid reference in the setting
            ids[ref] = None
    return ids


def _restore(client: Any, moved: dict[str, tuple[str | None, str | None]]) -> None:
    for ref, (before, _after) in moved.items():
        repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
        try:
            if before is None:
                client.images.remove(ref)  # untag only: the image stays if tagged elsewhere
            else:
                client.api.tag(before, repo, tag or "latest", force=True)
        except docker.errors.APIError as exc:
            log.error("could not restore server image %s: %s", ref, exc)


def check_server_images(client: Any, settings: Settings, before: dict[str, str | None]) -> None:
    """Fail closed if a protected reference moved since ``before``: put the
    previous id back and raise ``ServerImageChanged``."""
    after = server_image_ids(client, settings)
    moved = {ref: (before.get(ref), after[ref]) for ref in after if after[ref] != before.get(ref)}
    if moved:
        log.critical(
            "SECURITY: an image load moved server images",
            extra={"moved": {k: [v[0], v[1]] for k, v in moved.items()}},
        )
        _restore(client, moved)
        raise ServerImageChanged(moved)


def _post_load(client: Any, body: Any, timeout: float) -> list[str]:
    """POST /images/load streaming ``body``; returns the engine's messages."""
    api = client.api
    response = api._post(  # docker-py's images.load() has no per-call timeout
        api._url("/images/load"),
        data=body,
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


def _tags_of(client: Any, image_id: str) -> set[str]:
    try:
        return set(client.images.get(image_id).tags)
    except docker.errors.ImageNotFound:
        return set()


def _untag(client: Any, tags: set[str]) -> None:
    # Other attempts' internal references on the same image are theirs.
    for tag in (t for t in tags if not t.startswith(f"{INTERNAL_REPOSITORY}/")):
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(tag, noprune=True)


def load_image(
    client: Any,
    tar_path: str | Path,
    settings: Settings | None = None,
    *,
    label: str | None = None,
) -> LoadedImage:
    """Inspect, then load the canonical archive of one participant image.

    ``label`` names the internal reference (a submission attempt); raises
    ``IntakeError`` with a stable code. The caller removes the image after
    evaluation (``remove_image``)."""
    settings = settings or get_settings()
    path = Path(tar_path)
    limits = Limits.from_settings(settings)
    facts = inspect(path, limits)
    image_id = facts.image_id
    before = server_image_ids(client, settings)
    reference = internal_reference(label or "local")
    repo, _, tag = reference.rpartition(":")
    # An image already in the engine (e.g. our base image re-tagged and
    # submitted) must survive this submission's cleanup. It is pinned under
    # the internal reference before the load: on a shared engine (the demo,
    # one host) its owner may remove their own tag meanwhile, which would
    # delete it between the load and our tag.
    try:
        tags_before = set(client.images.get(image_id).tags)
        client.api.tag(image_id, repo, tag)
        preexisting = True
    except docker.errors.NotFound:  # not there, or gone before the pin
        tags_before, preexisting = set(), False
    try:
        try:
            messages = _post_load(
                client, canonical_stream(path, facts, limits), settings.image_load_timeout_seconds
            )
        except requests.exceptions.Timeout as exc:
            raise IntakeError("load_timeout", "docker load did not finish in time") from exc
        except docker.errors.APIError as exc:
            raise IntakeError("load_failed", f"docker load failed: {exc.explanation}") from exc
        except requests.exceptions.RequestException as exc:
            cause = exc.__context__ or exc.__cause__
            if isinstance(cause, ArchiveError):
                raise cause from exc
            raise
        finally:
            # Whatever happened, a tag the load set is removed and no server
            # image may have moved.
            _untag(client, _tags_of(client, image_id) - tags_before)
            check_server_images(client, settings, before)
        loaded = [m.group(1) for m in map(_LOADED_ID.match, messages) if m]
        if loaded != [image_id] or len(messages) != 1:
            log.warning("unexpected docker load output", extra={"messages": messages[:5]})
            raise IntakeError("load_failed", "the engine did not load exactly the inspected image")
    except BaseException:
        if preexisting:
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(reference, noprune=True)
        else:
            _drop(client, image_id)
        raise
    if not preexisting:
        client.api.tag(image_id, repo, tag)
    image = client.images.get(image_id)
    result = LoadedImage(
        image_id=image.id,
        size_bytes=int(image.attrs.get("Size") or 0),
        architecture=facts.architecture,
        os=facts.os,
        user=facts.user,
        reference=reference,
        declared_id=facts.declared_id,
        volumes=facts.volumes,
        repo_tags=list(facts.repo_tags),
        preexisting=preexisting,
    )
    if result.size_bytes > settings.image_max_bytes:
        remove_image(client, result)
        raise IntakeError(
            "image_too_large", f"the loaded image is larger than {settings.image_max_bytes} bytes"
        )
    return result


def facts_of(path: str | Path, settings: Settings | None = None) -> ImageFacts:
    """Inspection only (what the api runs at upload time)."""
    settings = settings or get_settings()
    return inspect(Path(path), Limits.from_settings(settings))


def _drop(client: Any, image_id: str) -> None:
    """Delete an image by id unless something still names it."""
    try:
        if client.images.get(image_id).tags:
            return
        client.images.remove(image_id)
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.APIError as exc:  # in use by a container: the janitor retries
        log.warning("could not remove image %s: %s", image_id[:19], exc)


def remove_image(client: Any, image: LoadedImage | str) -> None:
    """Remove a loaded participant image (idempotent): its internal
    reference, then the image itself unless it was already in the engine
    before the load or something else still names it."""
    if isinstance(image, str):
        _drop(client, image)
        return
    if image.reference:
        try:
            client.images.remove(image.reference)
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.APIError as exc:
            log.warning("could not remove %s: %s", image.reference, exc)
    if not image.preexisting:
        _drop(client, image.image_id)
