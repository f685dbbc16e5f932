"""Builders of docker-save-shaped archives (and hostile variants) for tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile


def _add(tar: tarfile.TarFile, name: str, data: bytes, **attrs: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attrs.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data))


def layer_bytes(payload: bytes = b"hello", dangling_link: bool = False) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as layer:
        _add(layer, "app/hello.txt", payload)
        if dangling_link:
            link = tarfile.TarInfo("app/broken")
            link.type = tarfile.LNKTYPE
            link.linkname = "missing/target"
            layer.addfile(link)
    return buf.getvalue()


def image_tar(
    images: int = 1,
    extra: list[tarfile.TarInfo] | None = None,
    layer_size: int = 0,
    arch: str = "amd64",
    engine_refused: bool = False,
) -> bytes:
    """A minimal `docker save` (legacy layout): manifest.json, config, layers.
    ``engine_refused``: the layer holds a hard link to a missing file, which
    every inspection accepts and the engine's layer applier refuses (a
    participant error found only at ``docker load``)."""
    buf = io.BytesIO()
    manifest = []
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for i in range(images):
            layer = layer_bytes(b"x" * layer_size or f"image {i}".encode(), engine_refused)
            layer_id = hashlib.sha256(layer).hexdigest()
            config = json.dumps(
                {
                    "architecture": arch,
                    "os": "linux",
                    "rootfs": {"type": "layers", "diff_ids": [f"sha256:{layer_id}"]},
                    "config": {"Entrypoint": ["/bin/true"]},
                }
            ).encode()
            config_name = hashlib.sha256(config).hexdigest() + ".json"
            _add(tar, f"{layer_id}/layer.tar", layer)
            _add(tar, f"{layer_id}/VERSION", b"1.0")
            _add(tar, config_name, config)
            manifest.append(
                {
                    "Config": config_name,
                    "RepoTags": [f"agent{i}:latest"],
                    "Layers": [f"{layer_id}/layer.tar"],
                }
            )
        for info in extra or []:
            tar.addfile(info, io.BytesIO(b"" if info.size == 0 else b"\0" * info.size))
        _add(tar, "manifest.json", json.dumps(manifest).encode())
    return buf.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1)


def symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


def device(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.CHRTYPE
    info.devmajor, info.devminor = 1, 3
    return info


def traversal_tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        _add(tar, "../../etc/evil", b"x")
        _add(tar, "manifest.json", b"[]")
    return buf.getvalue()


def gzip_bomb(unpacked: int) -> bytes:
    """A tar whose single member is `unpacked` zero bytes, gzip-compressed
    (compresses ~1000:1), streamed so the test never holds it unpacked."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gzf:
        info = tarfile.TarInfo("zeros")
        info.size = unpacked
        gzf.write(info.tobuf(format=tarfile.GNU_FORMAT))
        chunk = b"\0" * (1024 * 1024)
        left = unpacked
        while left > 0:
            n = min(left, len(chunk))
            gzf.write(chunk[:n])
            left -= n
        gzf.write(b"\0" * (512 - unpacked % 512 if unpacked % 512 else 0) + b"\0" * 1024)
    return out.getvalue()
