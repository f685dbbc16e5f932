"""Copy installed distributions (and everything they require) into a
directory usable as ``PYTHONPATH``: an offline stand-in for ``pip install
--target`` when the wheels are not at hand but an environment that has the
packages is (the ``assetops-arena`` image every participant builds locally
for ``assetops validate``).

    python vendor.py TARGET DIST [DIST ...]
"""

from __future__ import annotations

import shutil
import sys
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # pip vendors it
    from pip._vendor.packaging.requirements import Requirement


def closure(names: list[str]) -> list[metadata.Distribution]:
    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        dist = metadata.distribution(name)
        seen[key] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen.values())


def main(target: str, names: list[str]) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for dist in closure(names):
        for rel in dist.files or []:
            src = Path(dist.locate_file(rel))
            parts = Path(rel).parts
            if parts and (parts[0] == ".." or "__pycache__" in parts or not src.is_file()):
                continue  # scripts outside site-packages, bytecode caches
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        print(f"vendored {dist.metadata['Name']} {dist.version}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
