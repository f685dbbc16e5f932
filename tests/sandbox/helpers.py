"""Shared helpers of the sandbox tests."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from typing import Any

from hidden_scenarios.schema import Scenario

CANARY = "CANARY-0123456789abcdef"


def make_scenario(
    sid: str, text: str, *, faults: list[dict[str, Any]] | None = None, output_format: str = "text"
) -> Scenario:
    return Scenario.model_validate(
        {
            "id": sid,
            "template": "test.sandbox",
            "family": "iot",
            "task_type": "data_retrieval",
            "category": "data",
            "tracks": ["execution", "planning"],
            "output_format": output_format,
            "text": f"{text} {CANARY}",
            "faults": faults or [],
            "expectation": {"check": {"kind": "facts", "required": [["ok"]]}},
            "canary": CANARY,
        }
    )


def tar_bytes(files: dict[str, bytes], gz: bool = False) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def docker_save_tar(
    *,
    images: int = 1,
    arch: str = "amd64",
    os_name: str = "linux",
    tags: list[str] | None = None,
    layer_bytes: int = 10,
) -> bytes:
    """A synthetic tarball in `docker save` layout (config named by its
    digest, a real layer tar whose digest is the config's diff id, manifest)."""
    files: dict[str, bytes] = {}
    manifest = []
    for i in range(images):
        layer = tar_bytes({f"data{i}": b"x" * layer_bytes})
        diff_id = hashlib.sha256(layer).hexdigest()
        config = json.dumps(
            {
                "architecture": arch,
                "os": os_name,
                "config": {"User": "1000", "Entrypoint": ["/data0"]},
                "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]},
            }
        ).encode()
        digest = hashlib.sha256(config).hexdigest()
        files[f"{digest}.json"] = config
        files[f"{diff_id}/layer.tar"] = layer
        manifest.append(
            {"Config": f"{digest}.json", "RepoTags": tags or [], "Layers": [f"{diff_id}/layer.tar"]}
        )
    files["manifest.json"] = json.dumps(manifest).encode()
    return tar_bytes(files)
