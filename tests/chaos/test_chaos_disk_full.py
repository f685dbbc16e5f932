"""The upload volume fills up mid-upload: the client gets a clear 507
problem+json (not a 500), no row is written, the partial file is removed,
and the api takes uploads again as soon as there is room.

The api runs on its own data dir mounted as an 8 MiB tmpfs (needs root,
like the rest of the chaos suite)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sec_api
import sec_stack
import sec_tars

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]

VOLUME_BYTES = 8 * 1024**2


@pytest.fixture(scope="module")
def small_volume_stack() -> Iterator[sec_stack.ArenaStack]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    root = Path(tempfile.mkdtemp(prefix="arena-diskfull-"))
    data = root / "data"
    data.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={VOLUME_BYTES}", "tmpfs", str(data)], check=True
    )
    try:
        with sec_stack.arena_stack(
            suite="diskfull",
            workers=0,
            beat=False,
            root=root,
            extra_env={"ARENA_LOG_LEVEL": "INFO"},
        ) as stack:
            yield stack
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(["umount", "-l", str(data)], check=False)
        import shutil

        shutil.rmtree(root, ignore_errors=True)


def test_full_volume_gives_507(small_volume_stack: sec_stack.ArenaStack, tmp_path: Path) -> None:
    stack = small_volume_stack
    world = sec_api.bootstrap_world(stack, teams=("diskfull",))
    team = world.teams["diskfull"]
    big = sec_tars.oversized(tmp_path / "big.tar", 2 * VOLUME_BYTES)  # under the upload cap
    before = sec_api.table_counts(stack)
    files_before = sec_api.files_under(stack.data_dir / "uploads")
    with stack.client(team.token, timeout=120) as c:
        r = sec_api.upload(c, big, sec_api.upload_params(world))
        # whatever the answer, nothing may be stored and the space comes back
        assert sec_api.table_counts(stack) == before
        assert sec_api.files_under(stack.data_dir / "uploads") == files_before
        assert r.status_code < 500 or r.status_code == 507, f"{r.status_code}: {r.text[:300]}"
        assert r.status_code == 507 and sec_api.is_problem(r), f"{r.status_code}: {r.text[:300]}"
        assert r.json()["code"] == "insufficient_storage"
        # room again: a small upload goes through
        ok = sec_api.upload(c, sec_api.tiny_archive(tmp_path), sec_api.upload_params(world))
        assert ok.status_code == 202, ok.text
        sec_api.cancel_all(c, [sec_api.submission_id(ok.json())])


def test_full_volume_stores_nothing_and_recovers(
    small_volume_stack: sec_stack.ArenaStack, tmp_path: Path
) -> None:
    """The part of the guarantee that holds today: no row, no partial file,
    the api survives and accepts the next upload that fits."""
    stack = small_volume_stack
    world = sec_api.bootstrap_world(stack, teams=("diskfull2",))
    team = world.teams["diskfull2"]
    big = sec_tars.oversized(tmp_path / "big.tar", 2 * VOLUME_BYTES)
    before = sec_api.table_counts(stack)
    files_before = sec_api.files_under(stack.data_dir / "uploads")
    with stack.client(team.token, timeout=120) as c:
        r = sec_api.upload(c, big, sec_api.upload_params(world))
        assert r.status_code >= 400, r.text
        assert sec_api.is_problem(r)
        assert sec_api.table_counts(stack) == before
        assert sec_api.files_under(stack.data_dir / "uploads") == files_before
        ok = sec_api.upload(c, sec_api.tiny_archive(tmp_path), sec_api.upload_params(world))
        assert ok.status_code == 202, ok.text
        sec_api.cancel_all(c, [sec_api.submission_id(ok.json())])
