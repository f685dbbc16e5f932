"""Stream ``docker save`` of a local image straight into the upload body.

The docker SDK's ``Image.save`` yields the tarball in chunks as the engine
produces it; we pass those chunks to httpx as a chunked request body, so the
image never touches the disk and never sits whole in memory. The image's
``Size`` is the progress bar's estimate of the total (a docker save archive
is that size plus small tar/metadata overhead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from client.assetops.http import ApiError, ExitCode

SAVE_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LocalImage:
    reference: str  # what the user typed
    image_id: str  # sha256:...
    size: int  # bytes, as reported by the engine
    tags: tuple[str, ...]


def docker_client() -> Any:
    """A docker SDK client from the environment (DOCKER_HOST etc.)."""
    try:
        import docker  # imported here: only `submit` needs the docker SDK
    except ImportError as exc:  # pragma: no cover - docker is a declared dependency
        raise ApiError(ExitCode.LOCAL, "the docker SDK is not installed", code="no_docker") from exc
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:  # the SDK raises several unrelated types here
        raise ApiError(
            ExitCode.LOCAL,
            f"cannot reach the Docker engine: {exc}",
            code="no_docker",
            hint="start Docker or set DOCKER_HOST",
        ) from exc
    return client


def resolve_image(client: Any, reference: str) -> tuple[Any, LocalImage]:
    import docker.errors

    try:
        image = client.images.get(reference)
    except docker.errors.ImageNotFound as exc:
        raise ApiError(
            ExitCode.LOCAL,
            f"image {reference!r} not found locally",
            code="image_not_found",
            hint="build it first (`docker build -t NAME .`); submit never pulls",
        ) from exc
    except docker.errors.APIError as exc:
        raise ApiError(ExitCode.LOCAL, f"docker: {exc}", code="docker_error") from exc
    info = LocalImage(
        reference=reference,
        image_id=image.id,
        size=int(image.attrs.get("Size") or 0),
        tags=tuple(image.tags),
    )
    return image, info


def counted(chunks: Iterator[bytes], on_bytes: Callable[[int], None]) -> Iterator[bytes]:
    """Pass chunks through, reporting each chunk's size (drives the progress bar)."""
    for chunk in chunks:
        if chunk:
            on_bytes(len(chunk))
            yield chunk


def save_stream(image: Any) -> Iterator[bytes]:
    """``docker save`` as a chunk iterator (named=True keeps the repo tag).
    An engine failure mid-stream becomes a clear local error, not a traceback
    (the aborted upload leaves nothing on the server)."""
    try:
        yield from image.save(chunk_size=SAVE_CHUNK_BYTES, named=True)
    except Exception as exc:  # docker SDK / requests raise many unrelated types
        raise ApiError(
            ExitCode.LOCAL, f"docker save failed mid-stream: {exc}", code="docker_save_failed"
        ) from exc
