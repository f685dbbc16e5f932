"""Hostile upload payloads, crafted in pure Python (no Docker needed).

Each builder writes one file and returns its path. They imitate a
``docker save`` archive closely enough (``manifest.json``, a config blob, a
layer) that only the specific defect under test should get them rejected.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, **attrs: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    for key, value in attrs.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data))


def _layer_tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as layer:
        for name, data in files.items():
            _add_bytes(layer, name, data)
    return buf.getvalue()


def _config(user: str = "65534") -> bytes:
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"User": user, "Entrypoint": ["/agent"]},
        "rootfs": {"type": "layers", "diff_ids": []},
    }).encode()


def image_members(layer_files: dict[str, bytes] | None = None,
                  tags: list[str] | None = None, architecture: str = "amd64") -> dict[str, bytes]:
    """The members of a plausible single-image ``docker save`` archive
    (loadable by ``docker load``: the diff id is the layer's real digest)."""
    layer = _layer_tar(layer_files or {"agent": b"#!/bin/sh\necho hi\n"})
    layer_digest = hashlib.sha256(layer).hexdigest()
    cfg = json.loads(_config())
    cfg["architecture"] = architecture
    cfg["rootfs"]["diff_ids"] = [f"sha256:{layer_digest}"]
    cfg_bytes = json.dumps(cfg).encode()
    cfg_name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": tags or ["hostile:latest"],
                 "Layers": [f"{layer_digest}/layer.tar"]}]
    return {
        "manifest.json": json.dumps(manifest).encode(),
        cfg_name: cfg_bytes,
        f"{layer_digest}/layer.tar": layer,
        f"{layer_digest}/VERSION": b"1.0",
    }


def foreign_architecture_image(path: Path) -> Path:
    """Structurally valid, loadable, but linux/arm64: the api accepts it and
    the worker's intake must refuse it as a participant error."""
    return _write_tar(path, image_members(tags=["arena-sec-arm64:1"], architecture="arm64"))


def _write_tar(path: Path, members: dict[str, bytes],
               extra: Callable[[tarfile.TarFile], None] | None = None) -> Path:
    with tarfile.open(path, "w") as tar:
        if extra:
            extra(tar)
        for name, data in members.items():
            _add_bytes(tar, name, data)
    return path


# ---- payloads -------------------------------------------------------------
def not_a_tar(path: Path) -> Path:
    path.write_bytes(b"this is definitely not a tar archive\n" * 64)
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def garbage_gzip(path: Path) -> Path:
    """Valid gzip magic, corrupt stream."""
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 4096)
    return path


def truncated_tar(path: Path) -> Path:
    full = io.BytesIO()
    with tarfile.open(fileobj=full, mode="w") as tar:
        for name, data in image_members().items():
            _add_bytes(tar, name, data)
    raw = full.getvalue()
    path.write_bytes(raw[: len(raw) // 2 + 100])
    return path


def gzip_bomb(path: Path, inflated_bytes: int = 2 * 1024**3) -> Path:
    """A gzip'd tar whose first member inflates to ``inflated_bytes`` of zeros
    (~2 MiB on the wire for 2 GiB), followed by a valid manifest. A server
    that decompresses without a cap fills its disk or memory."""
    header = tarfile.TarInfo("0" * 64 + "/layer.tar")
    header.size = inflated_bytes
    header_bytes = header.tobuf(format=tarfile.GNU_FORMAT)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31 = gzip container
    zeros = bytes(1024 * 1024)
    with path.open("wb") as out:
        out.write(comp.compress(header_bytes))
        remaining = inflated_bytes
        while remaining > 0:
            chunk = zeros if remaining >= len(zeros) else zeros[:remaining]
            out.write(comp.compress(chunk))
            remaining -= len(chunk)
        # tar padding to a 512-byte boundary is already satisfied (MiB multiple)
        tail = io.BytesIO()
        with tarfile.open(fileobj=tail, mode="w") as tar:
            for name, data in image_members().items():
                _add_bytes(tar, name, data)
        out.write(comp.compress(tail.getvalue()))
        out.write(comp.flush())
    return path


def path_traversal(path: Path) -> Path:
    members = image_members()
    members["../../../../tmp/arena-sec-escaped"] = b"escaped\n"
    return _write_tar(path, members)


def absolute_path(path: Path) -> Path:
    def extra(tar: tarfile.TarFile) -> None:
        _add_bytes(tar, "/tmp/arena-sec-absolute", b"abs\n")
    return _write_tar(path, image_members(), extra)


def symlink_out(path: Path) -> Path:
    """A symlink pointing outside the archive, then a file written through it."""
    def extra(tar: tarfile.TarFile) -> None:
        link = tarfile.TarInfo("escape")
        link.type = tarfile.SYMTYPE
        link.linkname = "/tmp"
        tar.addfile(link)
        _add_bytes(tar, "escape/arena-sec-through-symlink", b"x\n")
    return _write_tar(path, image_members(), extra)


def symlinked_manifest(path: Path) -> Path:
    """manifest.json is a symlink to a host file."""
    members = image_members()
    del members["manifest.json"]

    def extra(tar: tarfile.TarFile) -> None:
        link = tarfile.TarInfo("manifest.json")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    return _write_tar(path, members, extra)


def hardlink_out(path: Path) -> Path:
    def extra(tar: tarfile.TarFile) -> None:
        link = tarfile.TarInfo("passwd")
        link.type = tarfile.LNKTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    return _write_tar(path, image_members(), extra)


def device_file(path: Path) -> Path:
    def extra(tar: tarfile.TarFile) -> None:
        dev = tarfile.TarInfo("kmem")
        dev.type = tarfile.CHRTYPE
        dev.devmajor, dev.devminor = 1, 2
        tar.addfile(dev)
    return _write_tar(path, image_members(), extra)


def fifo_file(path: Path) -> Path:
    def extra(tar: tarfile.TarFile) -> None:
        fifo = tarfile.TarInfo("pipe")
        fifo.type = tarfile.FIFOTYPE
        tar.addfile(fifo)
    return _write_tar(path, image_members(), extra)


def two_images_in_manifest(path: Path) -> Path:
    a = image_members(tags=["a:1"])
    b = image_members({"other": b"b"}, tags=["b:1"])
    manifest = json.loads(a.pop("manifest.json")) + json.loads(b.pop("manifest.json"))
    return _write_tar(path, {"manifest.json": json.dumps(manifest).encode(), **a, **b})


def manifest_missing(path: Path) -> Path:
    members = image_members()
    del members["manifest.json"]
    return _write_tar(path, members)


def manifest_not_json(path: Path) -> Path:
    members = image_members()
    members["manifest.json"] = b"{not json"
    return _write_tar(path, members)


def manifest_wrong_shape(path: Path) -> Path:
    members = image_members()
    members["manifest.json"] = json.dumps({"Config": 1, "Layers": "x"}).encode()
    return _write_tar(path, members)


def manifest_empty_list(path: Path) -> Path:
    members = image_members()
    members["manifest.json"] = b"[]"
    return _write_tar(path, members)


def manifest_lies_about_layers(path: Path) -> Path:
    """manifest names a config and layers the archive does not contain."""
    members = image_members()
    manifest = json.loads(members["manifest.json"])
    manifest[0]["Layers"] = ["f" * 64 + "/layer.tar"]
    manifest[0]["Config"] = "e" * 64 + ".json"
    members["manifest.json"] = json.dumps(manifest).encode()
    return _write_tar(path, members)


def manifest_traversal_reference(path: Path) -> Path:
    """manifest points its config at a path outside the archive."""
    members = image_members()
    manifest = json.loads(members["manifest.json"])
    manifest[0]["Config"] = "../../../../etc/passwd"
    manifest[0]["Layers"] = ["/etc/shadow"]
    members["manifest.json"] = json.dumps(manifest).encode()
    return _write_tar(path, members)


def huge_manifest(path: Path, size: int = 64 * 1024**2) -> Path:
    """A manifest.json member far larger than any real one (memory DoS)."""
    members = image_members()
    members["manifest.json"] = b"[" + b" " * size + b"]"
    return _write_tar(path, members)


def gzip_of(builder: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """The same payload, gzip-compressed (the api accepts plain or gzip)."""
    def build(path: Path) -> Path:
        raw = builder(path.with_suffix(".raw"))
        with raw.open("rb") as src, gzip.open(path, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        raw.unlink()
        return path
    build.__name__ = f"gzip_{builder.__name__}"
    return build


def oversized(path: Path, size: int) -> Path:
    """A structurally valid archive padded beyond the upload cap."""
    members = image_members()
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            _add_bytes(tar, name, data)
        info = tarfile.TarInfo("padding/layer.tar")
        info.size = size
        tar.addfile(info, _ZeroReader(size))
    return path


class _ZeroReader(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


# (name, builder, expected reason family) — the table the tests iterate.
HOSTILE_PAYLOADS: list[tuple[str, Callable[[Path], Path]]] = [
    ("not_a_tar", not_a_tar),
    ("empty_body", empty_file),
    ("garbage_gzip", garbage_gzip),
    ("truncated_tar", truncated_tar),
    ("path_traversal", path_traversal),
    ("path_traversal_gz", gzip_of(path_traversal)),
    ("absolute_path", absolute_path),
    ("symlink_out", symlink_out),
    ("symlinked_manifest", symlinked_manifest),
    ("hardlink_out", hardlink_out),
    ("device_file", device_file),
    ("fifo_file", fifo_file),
    ("multiple_images_manifest", two_images_in_manifest),
    ("manifest_missing", manifest_missing),
    ("manifest_not_json", manifest_not_json),
    ("manifest_wrong_shape", manifest_wrong_shape),
    ("manifest_empty_list", manifest_empty_list),
    ("manifest_lies_about_layers", manifest_lies_about_layers),
    ("manifest_traversal_reference", manifest_traversal_reference),
]
