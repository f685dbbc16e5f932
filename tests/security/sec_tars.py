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
    return json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"User": user, "Entrypoint": ["/agent"]},
            "rootfs": {"type": "layers", "diff_ids": []},
        }
    ).encode()


def image_members(
    layer_files: dict[str, bytes] | None = None,
    tags: list[str] | None = None,
    architecture: str = "amd64",
) -> dict[str, bytes]:
    """The members of a plausible single-image ``docker save`` archive
    (loadable by ``docker load``: the diff id is the layer's real digest)."""
    layer = _layer_tar(layer_files or {"agent": b"#!/bin/sh\necho hi\n"})
    layer_digest = hashlib.sha256(layer).hexdigest()
    cfg = json.loads(_config())
    cfg["architecture"] = architecture
    cfg["rootfs"]["diff_ids"] = [f"sha256:{layer_digest}"]
    cfg_bytes = json.dumps(cfg).encode()
    cfg_name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    manifest = [
        {
            "Config": cfg_name,
            "RepoTags": tags or ["hostile:latest"],
            "Layers": [f"{layer_digest}/layer.tar"],
        }
    ]
    return {
        "manifest.json": json.dumps(manifest).encode(),
        cfg_name: cfg_bytes,
        f"{layer_digest}/layer.tar": layer,
        f"{layer_digest}/VERSION": b"1.0",
    }


def foreign_architecture_image(path: Path) -> Path:
    """Structurally valid, loadable, but linux/arm64: refused by the shared
    inspection (at upload, and again by the worker)."""
    return _write_tar(path, image_members(tags=["arena-sec-arm64:1"], architecture="arm64"))


def engine_refused_image(path: Path) -> Path:
    """Passes the shared inspection (the api accepts it), but its layer holds
    a hard link to a missing file, which the engine's layer applier refuses:
    a participant error found only at the worker's ``docker load``."""
    members = image_members()
    layer_name = next(n for n in members if n.endswith("layer.tar"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as layer:
        _add_bytes(layer, "agent", b"#!/bin/sh\necho hi\n")
        link = tarfile.TarInfo("broken")
        link.type = tarfile.LNKTYPE
        link.linkname = "missing/target"
        layer.addfile(link)
    data = buf.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    cfg = json.loads(_config())
    cfg["rootfs"]["diff_ids"] = [f"sha256:{digest}"]
    cfg_bytes = json.dumps(cfg).encode()
    cfg_name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    del members[layer_name]
    members = {k: v for k, v in members.items() if not k.endswith(".json")}
    members[f"{digest}/layer.tar"] = data
    members[cfg_name] = cfg_bytes
    members["manifest.json"] = json.dumps(
        [{"Config": cfg_name, "RepoTags": None, "Layers": [f"{digest}/layer.tar"]}]
    ).encode()
    return _write_tar(path, members)


def _write_tar(
    path: Path, members: dict[str, bytes], extra: Callable[[tarfile.TarFile], None] | None = None
) -> Path:
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


# ---- intake integrity (issue 14): what is inspected is exactly what runs ------
SERVER_TAG = "assetops-arena:latest"


def _image_parts(
    layer_files: dict[str, bytes] | None = None,
    run_config: dict[str, object] | None = None,
    layers: int = 1,
) -> tuple[bytes, str, list[tuple[str, bytes]]]:
    """(config bytes, config digest, [(layer member name, layer bytes)]) of a
    loadable image; ``layers`` repeats the one layer (identical diff ids)."""
    layer = _layer_tar(layer_files or {"agent": b"#!/bin/sh\necho hi\n"})
    digest = hashlib.sha256(layer).hexdigest()
    cfg = json.loads(_config())
    if run_config is not None:
        cfg["config"] = run_config
    cfg["rootfs"]["diff_ids"] = [f"sha256:{digest}"] * layers
    cfg_bytes = json.dumps(cfg).encode()
    return cfg_bytes, hashlib.sha256(cfg_bytes).hexdigest(), [(f"{digest}/layer.tar", layer)]


def _members_for(
    cfg: bytes,
    cfg_name: str,
    layers: list[tuple[str, bytes]],
    refs: list[str],
    tags: list[str] | None = None,
) -> dict[str, bytes]:
    manifest = [{"Config": cfg_name, "RepoTags": tags, "Layers": refs}]
    return {"manifest.json": json.dumps(manifest).encode(), cfg_name: cfg, **dict(layers)}


def _second_manifest_members(tag: str = SERVER_TAG) -> tuple[dict[str, bytes], bytes]:
    """Members of a second image and a manifest listing both images, the
    second force-tagged as the server's own image (the reported attack)."""
    cfg_a, dig_a, layers_a = _image_parts()
    cfg_b, dig_b, layers_b = _image_parts({"agent": b"#!/bin/sh\necho owned\n"})
    both = [
        {"Config": f"{dig_a}.json", "RepoTags": None, "Layers": [layers_a[0][0]]},
        {"Config": f"{dig_b}.json", "RepoTags": [tag], "Layers": [layers_b[0][0]]},
    ]
    members = {f"{dig_b}.json": cfg_b, **dict(layers_b)}
    return members, json.dumps(both).encode()


def manifest_then_symlinked_manifest(path: Path, tag: str = SERVER_TAG) -> Path:
    """The reported attack: a regular manifest.json (one image) that the
    inspector reads, then a symlink of the same name to a second manifest
    listing two images, the second tagged ``tag`` (the server's image)."""
    members = image_members()
    extra, evil = _second_manifest_members(tag)

    def tail(tar: tarfile.TarFile) -> None:
        _add_bytes(tar, "evil.json", evil)
        link = tarfile.TarInfo("manifest.json")
        link.type = tarfile.SYMTYPE
        link.linkname = "evil.json"
        tar.addfile(link)

    with tarfile.open(path, "w") as tar:
        for name, data in {**members, **extra}.items():
            _add_bytes(tar, name, data)
        tail(tar)
    return path


def manifest_then_hardlinked_manifest(path: Path) -> Path:
    """The same attack with a hard link named manifest.json."""
    members = image_members()
    extra, evil = _second_manifest_members()
    with tarfile.open(path, "w") as tar:
        for name, data in {**members, **extra}.items():
            _add_bytes(tar, name, data)
        _add_bytes(tar, "evil.json", evil)
        link = tarfile.TarInfo("manifest.json")
        link.type = tarfile.LNKTYPE
        link.linkname = "evil.json"
        tar.addfile(link)
    return path


def duplicate_manifest_member(path: Path) -> Path:
    """Two regular members named manifest.json (the engine keeps the last)."""
    members = image_members()
    _extra, evil = _second_manifest_members()
    with tarfile.open(path, "w") as tar:
        for name, data in {**members, **_extra}.items():
            _add_bytes(tar, name, data)
        _add_bytes(tar, "manifest.json", evil)
    return path


def duplicate_layer_member(path: Path) -> Path:
    """A layer member repeated with other content after the one inspected."""
    members = image_members()
    layer_name = next(n for n in members if n.endswith("layer.tar"))
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            _add_bytes(tar, name, data)
        _add_bytes(tar, layer_name, _layer_tar({"agent": b"#!/bin/sh\necho swapped\n"}))
    return path


def config_name_not_its_digest(path: Path, claimed: str = "ab" * 32) -> Path:
    """The config member is named by a digest that is not its content's
    (``claimed``: e.g. the id of an image already in the engine)."""
    cfg, _digest, layers = _image_parts()
    return _write_tar(path, _members_for(cfg, f"{claimed}.json", layers, [layers[0][0]]))


def layer_decompression_bomb(path: Path, inflated_bytes: int = 96 * 1024**2) -> Path:
    """A gzip layer of ~100 KiB that inflates to ``inflated_bytes``."""
    header = tarfile.TarInfo("zeros")
    header.size = inflated_bytes
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as gz:
        gz.write(header.tobuf(format=tarfile.GNU_FORMAT))
        zeros = bytes(1024 * 1024)
        for _ in range(inflated_bytes // len(zeros)):
            gz.write(zeros)
        gz.write(bytes(1024))
    layer = raw.getvalue()
    cfg = json.loads(_config())
    cfg["rootfs"]["diff_ids"] = ["sha256:" + "0" * 64]  # never reached: the size stops it
    cfg_bytes = json.dumps(cfg).encode()
    name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    return _write_tar(
        path, _members_for(cfg_bytes, name, [("bomb/layer.tar", layer)], ["bomb/layer.tar"])
    )


def thousands_of_layers(path: Path, layers: int = 3000) -> Path:
    cfg, digest, parts = _image_parts(layers=layers)
    return _write_tar(path, _members_for(cfg, f"{digest}.json", parts, [parts[0][0]] * layers))


def zstd_layer(path: Path) -> Path:
    layer = b"\x28\xb5\x2f\xfd" + bytes(64)
    digest = hashlib.sha256(layer).hexdigest()
    cfg = json.loads(_config())
    cfg["rootfs"]["diff_ids"] = [f"sha256:{digest}"]
    cfg_bytes = json.dumps(cfg).encode()
    name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    members = _members_for(cfg_bytes, name, [("z/layer.tar", layer)], ["z/layer.tar"])
    return _write_tar(path, members)


def no_entrypoint(path: Path) -> Path:
    cfg, digest, layers = _image_parts(run_config={"User": "65534"})
    return _write_tar(path, _members_for(cfg, f"{digest}.json", layers, [layers[0][0]]))


def oci_layout_only(path: Path) -> Path:
    """An OCI image layout without manifest.json (index.json, blobs)."""
    cfg, digest, layers = _image_parts()
    layer_digest = layers[0][0].split("/")[0]
    oci_manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": f"sha256:{digest}",
                "size": len(cfg),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": f"sha256:{layer_digest}",
                    "size": len(layers[0][1]),
                }
            ],
        }
    ).encode()
    man_digest = hashlib.sha256(oci_manifest).hexdigest()
    index = json.dumps(
        {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": f"sha256:{man_digest}",
                    "size": len(oci_manifest),
                    "annotations": {
                        "io.containerd.image.name": f"docker.io/library/{SERVER_TAG}",
                        "org.opencontainers.image.ref.name": "latest",
                    },
                }
            ],
        }
    ).encode()
    return _write_tar(
        path,
        {
            "oci-layout": b'{"imageLayoutVersion":"1.0.0"}',
            "index.json": index,
            f"blobs/sha256/{digest}": cfg,
            f"blobs/sha256/{layer_digest}": layers[0][1],
            f"blobs/sha256/{man_digest}": oci_manifest,
        },
    )


# Loadable archives whose extra content tries to name a server image; the
# worker must load them without setting any tag.
def legacy_repositories_tag(path: Path) -> Path:
    """No RepoTags in the manifest, but a legacy ``repositories`` file naming
    the server image (the engine's pre-1.10 tagging path)."""
    cfg, digest, layers = _image_parts({"agent": b"#!/bin/sh\necho legacy\n"})
    members = _members_for(cfg, f"{digest}.json", layers, [layers[0][0]])
    layer_dir = layers[0][0].split("/")[0]
    members["repositories"] = json.dumps({"assetops-arena": {"latest": layer_dir}}).encode()
    return _write_tar(path, members)


def oci_index_beside_manifest(path: Path) -> Path:
    """A docker 25-style save (manifest.json and an OCI index.json) whose
    index annotations name the server image."""
    cfg, digest, layers = _image_parts({"agent": b"#!/bin/sh\necho oci\n"})
    members = _members_for(cfg, f"{digest}.json", layers, [layers[0][0]], tags=[SERVER_TAG])
    members["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    members["index.json"] = json.dumps(
        {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": "sha256:" + "c" * 64,
                    "size": 2,
                    "annotations": {"io.containerd.image.name": f"docker.io/library/{SERVER_TAG}"},
                }
            ],
        }
    ).encode()
    return _write_tar(path, members)


def server_tag_in_manifest(path: Path) -> Path:
    """A plain save whose RepoTags names the server image."""
    members = image_members({"agent": b"#!/bin/sh\necho retag\n"}, tags=[SERVER_TAG])
    return _write_tar(path, members)


def volume_and_healthcheck(path: Path) -> Path:
    """VOLUME (an anonymous writable volume on host disk if not covered),
    HEALTHCHECK, ONBUILD and a stop signal: loaded with the config
    normalised (no healthcheck, onbuild or stop signal)."""
    cfg, digest, layers = _image_parts(
        run_config={
            "User": "65534",
            "Entrypoint": ["/agent"],
            "Volumes": {"/data": {}},
            "Healthcheck": {"Test": ["CMD", "/agent"], "Interval": 1_000_000_000},
            "OnBuild": ["RUN /agent"],
            "StopSignal": "SIGCONT",
        }
    )
    return _write_tar(path, _members_for(cfg, f"{digest}.json", layers, [layers[0][0]]))


def too_many_volumes(path: Path) -> Path:
    volumes = {f"/v{i}": {} for i in range(20)}
    cfg, digest, layers = _image_parts(
        run_config={"User": "65534", "Entrypoint": ["/agent"], "Volumes": volumes}
    )
    return _write_tar(path, _members_for(cfg, f"{digest}.json", layers, [layers[0][0]]))


# (name, builder, stable code) -- rejected by the one inspection the api and
# the worker share, before anything reaches the engine.
INTAKE_REJECTED: list[tuple[str, Callable[[Path], Path], str]] = [
    ("symlinked_second_manifest", manifest_then_symlinked_manifest, "duplicate_member"),
    ("hardlinked_second_manifest", manifest_then_hardlinked_manifest, "duplicate_member"),
    ("duplicate_manifest", duplicate_manifest_member, "duplicate_member"),
    ("duplicate_layer", duplicate_layer_member, "duplicate_member"),
    ("config_name_not_digest", config_name_not_its_digest, "config_digest_mismatch"),
    ("layer_decompression_bomb", layer_decompression_bomb, "layer_too_large"),
    ("thousands_of_layers", thousands_of_layers, "too_many_layers"),
    ("zstd_layer", zstd_layer, "bad_layer"),
    ("no_entrypoint", no_entrypoint, "no_entrypoint"),
    ("oci_layout_only", oci_layout_only, "oci_layout_unsupported"),
    ("too_many_volumes", too_many_volumes, "image_volumes"),
    ("foreign_architecture", foreign_architecture_image, "wrong_platform"),
]
# (name, builder) -- loaded, but nothing in them may tag anything.
INTAKE_HARMLESS: list[tuple[str, Callable[[Path], Path]]] = [
    ("legacy_repositories_tag", legacy_repositories_tag),
    ("oci_index_beside_manifest", oci_index_beside_manifest),
    ("server_tag_in_manifest", server_tag_in_manifest),
    ("volume_and_healthcheck", volume_and_healthcheck),
]
# Every hostile payload's stable code (the HTTP suite and the in-process
# inspection both pin it).
EXPECTED_CODES: dict[str, str] = {
    "not_a_tar": "not_a_tar",
    "empty_body": "empty_upload",
    "garbage_gzip": "not_a_tar",
    "truncated_tar": "not_a_tar",
    "path_traversal": "path_traversal",
    "path_traversal_gz": "path_traversal",
    "absolute_path": "path_traversal",
    "symlink_out": "path_traversal",
    "symlinked_manifest": "path_traversal",
    "hardlink_out": "path_traversal",
    "device_file": "unsafe_member",
    "fifo_file": "unsafe_member",
    "multiple_images_manifest": "multiple_images",
    "manifest_missing": "not_an_image",
    "manifest_not_json": "not_an_image",
    "manifest_wrong_shape": "not_an_image",
    "manifest_empty_list": "not_an_image",
    "manifest_lies_about_layers": "not_an_image",
    "manifest_traversal_reference": "path_traversal",
    **{name: code for name, _builder, code in INTAKE_REJECTED},
}
HOSTILE_PAYLOADS += [(name, builder) for name, builder, _code in INTAKE_REJECTED]
