"""Routes are thin (issue 21): a route of ``services/api`` calls at most one
function of the service layer (its domain's ``service``, ``internal`` or
``reader`` module, or the store) and holds no use-case logic of its own; a
private helper a route calls counts with the calls it makes. Read with
``ast``, so a call inside a lambda counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUTE_FILES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "services" / "api").rglob("*endpoints.py")
)
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete"}
CLOCKS = {"utcnow"}
# the modules of a domain that hold its use cases (schemas and helpers are not)
SERVICE_MODULES = {"service", "intake", "internal", "reader"}


def _service_modules(tree: ast.Module) -> set[str]:
    """Local names bound to service-layer modules: ``from services.api.x import
    service`` (or another of SERVICE_MODULES), and anything from ``services.store``
    but the clock (reading the time is not a use case)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                store = node.module.startswith("services.store") and local not in CLOCKS
                domain = node.module.startswith("services.api.")
                if store or (domain and alias.name in SERVICE_MODULES):
                    names.add(local)
    return names


def _service_calls(
    fn: ast.AST, modules: set[str], helpers: dict[str, ast.AST], seen: set[str]
) -> list[str]:
    calls: list[str] = []
    for node in ast.walk(fn):
        # a function of the service layer used at all: called, or handed to
        # run_in_threadpool / a lambda (a class built from it is not a use)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and not node.attr[:1].isupper()
        ):
            calls.append(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in modules:
                calls.append(name)
            elif name in helpers and name not in seen:
                calls += _service_calls(helpers[name], modules, helpers, seen | {name})
    return calls


def route_service_calls(path: str) -> dict[str, list[str]]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    modules = _service_modules(tree)
    helpers = {
        n.name: n
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("_")
    }
    routes: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ROUTE_DECORATORS
            for d in node.decorator_list
        ):
            routes[node.name] = _service_calls(node, modules, helpers, set())
    return routes


@pytest.mark.parametrize("path", ROUTE_FILES)
def test_each_route_is_one_service_call(path: str) -> None:
    routes = route_service_calls(path)
    assert routes, f"{path} declares no routes"
    fat = {name: calls for name, calls in routes.items() if len(calls) > 1}
    assert fat == {}, f"routes calling more than one service function: {fat}"


def test_the_check_counts_helpers_lambdas_and_store_calls(tmp_path: Path) -> None:
    src = tmp_path / "services" / "api" / "demo"
    src.mkdir(parents=True)
    (src / "endpoints.py").write_text(
        "from services.api.demo import service\n"
        "from services.store import submissions\n"
        "def _helper(s):\n"
        "    return service.b(s)\n"
        "@router.get('/a')\n"
        "def thin(s):\n"
        "    return service.a(service.Request(x=1))\n"
        "@router.get('/b')\n"
        "def fat(s):\n"
        "    service.a(s)\n"
        "    return _helper(s)\n"
        "@router.post('/c')\n"
        "def writes(s):\n"
        "    run(lambda: submissions.insert(s))\n"
        "    return service.a(s)\n"
        "@router.post('/d')\n"
        "def threadpool(s):\n"
        "    run_in_threadpool(service.check, s)\n"
        "    return service.a(s)\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = route_service_calls("services/api/demo/endpoints.py")
    finally:
        ROOT = saved
    found = {name: sorted(calls) for name, calls in found.items()}
    assert found == {
        "thin": ["service.a"],
        "fat": ["service.a", "service.b"],
        "writes": ["service.a", "submissions.insert"],
        "threadpool": ["service.a", "service.check"],
    }
