"""Suite-wide rules.

- ``ARENA_NO_SKIPS=1`` (set by ``make test``, so CI): a skipped or xfailed
  test is a failure. Every prerequisite (Docker, Postgres, Redis, images,
  chromium, the wheelhouse) is installed by ``.ci/run``; a skip there can
  only hide a regression.
- At the end of the session the Docker engine holds no container, volume
  or image of any submission (sandbox labels, ``arena-submission/*``);
  suites whose tests run sandboxes synchronously (tests/sandbox, the
  image-intake suite) check the same after every ``docker`` test
  (``engine_clean_after_test``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

NO_SKIPS = os.environ.get("ARENA_NO_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not NO_SKIPS or not report.skipped:
        return
    reason = getattr(report, "wasxfail", None) or (
        report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    )
    report.outcome = "failed"
    report.longrepr = f"skipped under ARENA_NO_SKIPS=1 (make test / CI): {reason}"


def _docker() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
        return client
    except Exception:
        return None


def submission_leftovers(client: Any) -> list[str]:
    """Containers, volumes and images of any submission still in the engine."""
    from worker.sandbox import labels as L
    from worker.sandbox.intake import INTERNAL_REPOSITORY

    flt = {"label": [f"{L.ARENA}=1", f"{L.SANDBOX}=1"]}
    found = [f"container {c.name}" for c in client.containers.list(all=True, filters=flt)]
    found += [f"volume {v.name}" for v in client.volumes.list(filters=flt)]
    found += [
        f"image {tag}"
        for image in client.images.list(name=f"{INTERNAL_REPOSITORY}/*")
        for tag in image.tags
    ]
    return found


@pytest.fixture(scope="session", autouse=True)
def engine_holds_nothing_of_any_submission(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up first, torn down last: after every stack and fixture is gone,
    nothing of any submission may remain in the engine (objects that were
    there before the session are another run's, not this suite's). Only a
    session with ``docker`` tests holds the engine lock; one without them
    may overlap other runs on the engine and checks nothing."""
    uses_engine = any(i.get_closest_marker("docker") for i in request.session.items)
    client = _docker() if uses_engine else None
    before = set(submission_leftovers(client)) if client is not None else set()
    yield
    if client is None:
        return
    leftovers = sorted(set(submission_leftovers(client)) - before)
    assert not leftovers, f"left in the Docker engine after the suite: {leftovers[:20]}"


@pytest.fixture
def engine_clean_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a ``docker`` test the engine holds no container, volume or image
    of any submission that was not there before it. Only for tests that hold
    the engine lock (``docker`` marker): a test without it may overlap other
    engineers' runs on the same engine."""
    client = _docker() if request.node.get_closest_marker("docker") is not None else None
    if client is None:
        yield
        return
    before = set(submission_leftovers(client))
    yield
    leftovers = sorted(set(submission_leftovers(client)) - before)
    assert not leftovers, f"left in the Docker engine by this test: {leftovers[:20]}"
