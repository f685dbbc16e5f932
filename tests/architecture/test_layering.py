"""Layering (issue 21), read from the source with ``ast`` so that a lazy
import inside a function counts as much as one at the top:

- the api and the worker share their contract through ``services.taskqueue``
  (queue and task names, payloads, Celery configuration) and
  ``services.logs``; no module under ``services/api`` imports ``worker`` and
  none under ``worker`` imports ``services.api``;
- the sidecar's code (the asset-data app and the LLM gateway's forwarder) is
  one package, ``services/assetdata``, that imports neither the worker nor
  the api: the sidecar image runs it alone;
- neither writes to the database itself: every write is a
  ``services/store`` function.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (package directory, the module prefix it must never import)
RULES = [
    ("services/api", "worker"),
    ("worker", "services.api"),
    ("services/assetdata", "worker"),
    ("services/assetdata", "services.api"),
]


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``; relative
    imports are resolved against the file's package. ``from a import b``
    yields ``a.b`` as well as ``a`` (``b`` may be a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(path).rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = _package_of(path).removesuffix(".__init__")
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base_parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def violates(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def violations(directory: str, forbidden: str) -> list[str]:
    out = []
    for path in sorted((ROOT / directory).rglob("*.py")):
        for line, module in imported_modules(path):
            if violates(module, forbidden):
                out.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(set(out))


@pytest.mark.parametrize(("directory", "forbidden"), RULES)
def test_forbidden_imports_are_absent(directory: str, forbidden: str) -> None:
    assert (ROOT / directory).is_dir()
    assert violations(directory, forbidden) == []


def test_the_checker_sees_every_import_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule cannot pass vacuously: a package written with each import
    form is flagged, line by line; look-alike names are not."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    pkg = tmp_path / "services" / "api" / "sub"
    pkg.mkdir(parents=True)
    (tmp_path / "services" / "api" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .. import worker_free  # a sibling, allowed\n")
    (pkg / "mod.py").write_text(
        "import worker.celery_app\n"
        "from worker import tasks\n"
        "import workers_elsewhere\n"
        "from services.workerless import x\n"
        "def lazy():\n"
        "    from worker.celery_app import QUEUE\n"
        "    import worker as w\n"
    )
    found = violations("services/api", "worker")
    assert found == [
        "services/api/sub/mod.py:1 imports worker.celery_app",
        "services/api/sub/mod.py:2 imports worker",
        "services/api/sub/mod.py:2 imports worker.tasks",
        "services/api/sub/mod.py:6 imports worker.celery_app",
        "services/api/sub/mod.py:6 imports worker.celery_app.QUEUE",
        "services/api/sub/mod.py:7 imports worker",
    ]
    wpkg = tmp_path / "worker"
    wpkg.mkdir()
    (wpkg / "__init__.py").write_text("")
    (wpkg / "a.py").write_text(
        "from services import api\nfrom services.api.logs import configure\n"
        "from services.apiary import bees\nfrom services import logs\n"
    )
    assert violations("worker", "services.api") == [
        "worker/a.py:1 imports services.api",
        "worker/a.py:2 imports services.api.logs",
        "worker/a.py:2 imports services.api.logs.configure",
    ]


def test_the_shared_contract_is_what_both_sides_use() -> None:
    """Both sides build their Celery app and name the task from the shared
    package (the api to send, the worker to consume)."""
    from services.api import queue
    from services.taskqueue.contract import EVALUATE_TASK, QUEUE, RECONCILE_TASK
    from worker import tasks
    from worker.celery_app import app

    assert tasks.evaluate_submission.name == EVALUATE_TASK
    assert tasks.reconcile.name == RECONCILE_TASK
    assert app.conf.task_default_queue == QUEUE
    sender = queue._celery("redis://127.0.0.1:1/0", 60)
    assert sender.conf.task_default_queue == QUEUE
    assert sender.conf.broker_transport_options == {
        **app.conf.broker_transport_options,
        "visibility_timeout": 60,
    }


# ---- database writes go through services/store ----------------------------------
WRITE_CONSTRUCTS = {"insert", "update", "delete"}  # sqlalchemy's write statement builders
SESSION_WRITES = {"add", "add_all", "merge", "delete", "bulk_save_objects"}


def write_sites(path: Path) -> list[str]:
    """Places in ``path`` that write to the database without the store:
    importing a write statement builder (``insert``/``update``/``delete``)
    from sqlalchemy, a Core write on ``Model.__table__``, or a session's
    ``add``/``merge``/``delete``. (Raw ``text()`` SQL, used for reads by the
    health and metrics endpoints, and setting an attribute on a loaded row
    are not seen here: those writes live in services/store too, by review.)"""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] == "sqlalchemy"
            and (hit := WRITE_CONSTRUCTS & {a.name for a in node.names})
        ):
            found.append(f"{node.lineno}: imports {sorted(hit)} from {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr == "__table__":
            found.append(f"{node.lineno}: uses __table__")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_WRITES
            and isinstance(node.func.value, ast.Name)
            and "session" in node.func.value.id.lower()
        ):
            found.append(f"{node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return sorted(found, key=lambda site: int(site.split(":")[0]))


def direct_writes(directory: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{site}"
        for path in sorted((ROOT / directory).rglob("*.py"))
        for site in write_sites(path)
    ]


@pytest.mark.parametrize("directory", ["services/api", "worker"])
def test_database_writes_go_through_the_store(directory: str) -> None:
    assert direct_writes(directory) == []


def test_the_write_check_sees_each_form(tmp_path: Path) -> None:
    path = tmp_path / "writer.py"
    path.write_text(
        "from sqlalchemy import select, update\n"
        "from sqlalchemy.dialects.postgresql import insert as pg_insert\n"
        "def f(session, sub):\n"
        "    session.add(sub)\n"
        "    session.execute(Sub.__table__.update())\n"
        "    session.execute(select(Sub))\n"
        "    db_session.merge(sub)\n"
        "    items.add(sub)\n"
    )
    assert write_sites(path) == [
        "1: imports ['update'] from sqlalchemy",
        "2: imports ['insert'] from sqlalchemy.dialects.postgresql",
        "4: session.add()",
        "5: uses __table__",
        "7: db_session.merge()",
    ]
