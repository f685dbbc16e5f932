"""The sandbox is reached through its interface (issue 21, item 4): outside
``worker/sandbox`` nothing imports the runner or the intake, and nothing
opens its own Docker engine connection (``docker.from_env``); the worker,
``assetops validate`` and the benchmarks use
``worker.sandbox.environment`` (``SandboxEnvironment`` / ``DockerSandbox``).

Exempt: tests (they inspect the engine), ``deploy/``, and the two places
that build or save images rather than run them: ``client/assetops/upload.py``
(``assetops submit``: ``docker save``) and ``bench/diagnosis/runs.py`` (builds
the defect agents' images; their runs go through ``assetops validate``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("worker", "client", "bench", "services", "evaluator", "hidden_scenarios", "contracts")
EXEMPT = (
    "worker/sandbox/",
    "client/assetops/upload.py",
    "bench/diagnosis/runs.py",
)
FORBIDDEN_MODULES = ("worker.sandbox.runner", "worker.sandbox.intake")


def _findings(path: Path) -> list[str]:
    """Imports of the runner/intake and calls of ``docker.from_env`` in
    ``path`` (a lazy import inside a function counts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if node.module == "docker" and any(a.name == "from_env" for a in node.names):
                found.append(f"{node.lineno} imports docker.from_env")
        for module in modules:
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN_MODULES):
                found.append(f"{node.lineno} imports {module}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "from_env"
            and isinstance(node.value, ast.Name)
            and node.value.id == "docker"
        ):
            found.append(f"{node.lineno} calls docker.from_env")
    return found


def violations() -> list[str]:
    out = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(EXEMPT) or "/.venv/" in rel:
                continue
            out += [f"{rel}:{finding}" for finding in _findings(path)]
    return sorted(set(out))


def test_only_the_sandbox_package_talks_to_the_engine() -> None:
    assert violations() == []


def test_the_check_sees_each_way_of_reaching_around_the_interface(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import docker\n"
        "from worker.sandbox import runner\n"
        "def f():\n"
        "    from worker.sandbox.intake import load_image\n"
        "    import worker.sandbox.runner as r\n"
        "    from docker import from_env\n"
        "    return docker.from_env()\n"
        "from worker.sandbox.environment import DockerSandbox\n",
        encoding="utf-8",
    )
    found = _findings(sample)
    assert "2 imports worker.sandbox.runner" in found
    assert "4 imports worker.sandbox.intake" in found
    assert "5 imports worker.sandbox.runner" in found
    assert "6 imports docker.from_env" in found
    assert "7 calls docker.from_env" in found
    assert not any("environment" in f for f in found)


def test_the_users_go_through_the_interface() -> None:
    for user in ("worker/pipeline.py", "client/assetops/validate.py", "bench/bench_sandbox.py"):
        assert "worker.sandbox.environment" in (ROOT / user).read_text(encoding="utf-8"), user
