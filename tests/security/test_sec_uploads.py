"""Hostile uploads through the real HTTP api: each is rejected with a
problem+json body carrying a stable code, and nothing is stored — no new
row in any table, no file left in the upload directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sec_api
import sec_tars
from sec_stack import SHARED_UPLOAD_MAX_BYTES, ArenaStack

pytestmark = [pytest.mark.integration, pytest.mark.docker]


@pytest.fixture()
def team_a(stack: ArenaStack, world: sec_api.World) -> Iterator[httpx.Client]:
    with stack.client(world.teams["alpha"].token, timeout=120) as client:
        yield client


# Tables only the worker writes (it may be finishing an earlier test's
# submission meanwhile); a rejected upload must not touch any table anyway.
WORKER_TABLES = {"submission_scores", "failure_clusters", "submission_clusters"}


def _snapshot(stack: ArenaStack) -> tuple[dict[str, int], set[str]]:
    counts = {t: n for t, n in sec_api.table_counts(stack).items() if t not in WORKER_TABLES}
    return counts, sec_api.files_under(stack.data_dir / "uploads")


def _assert_clean_rejection(stack: ArenaStack, before: tuple[dict[str, int], set[str]],
                            r: httpx.Response, expect_status: set[int] | None = None) -> str:
    assert 400 <= r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
    if expect_status:
        assert r.status_code in expect_status, f"{r.status_code}: {r.text[:300]}"
    assert sec_api.is_problem(r), f"not problem+json: {r.headers} {r.text[:300]}"
    after = _snapshot(stack)
    assert after[0] == before[0], f"rows changed: {before[0]} -> {after[0]}"
    # the worker may delete finished archives meanwhile; nothing may be added
    assert not after[1] - before[1], f"files left behind: {after[1] - before[1]}"
    return str(r.json()["code"])


@pytest.mark.parametrize(("name", "builder"), sec_tars.HOSTILE_PAYLOADS,
                         ids=[n for n, _ in sec_tars.HOSTILE_PAYLOADS])
def test_hostile_upload_rejected_cleanly(stack: ArenaStack, world: sec_api.World,
                                         team_a: httpx.Client, tmp_path: Path, name: str,
                                         builder: Callable[[Path], Path]) -> None:
    payload = builder(tmp_path / f"{name}.tar")
    before = _snapshot(stack)
    r = sec_api.upload(team_a, payload, sec_api.upload_params(world))
    _assert_clean_rejection(stack, before, r)


def test_gzip_bomb_rejected(stack: ArenaStack, world: sec_api.World, team_a: httpx.Client,
                            tmp_path: Path) -> None:
    bomb = sec_tars.gzip_bomb(tmp_path / "bomb.tar.gz", inflated_bytes=2 * 1024**3)
    before = _snapshot(stack)
    r = sec_api.upload(team_a, bomb, sec_api.upload_params(world))
    assert _assert_clean_rejection(stack, before, r, {413, 422}) == "archive_bomb"


def test_oversized_upload_rejected(stack: ArenaStack, world: sec_api.World,
                                   team_a: httpx.Client, tmp_path: Path) -> None:
    big = sec_tars.oversized(tmp_path / "big.tar", SHARED_UPLOAD_MAX_BYTES + 1024**2)
    before = _snapshot(stack)
    r = sec_api.upload(team_a, big, sec_api.upload_params(world))
    assert _assert_clean_rejection(stack, before, r, {413}) == "too_large"


def test_oversized_chunked_upload_without_length_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client
) -> None:
    """No Content-Length (chunked): the cap must hold on the streamed bytes,
    not only on the declared length."""
    def body() -> Iterator[bytes]:
        chunk = bytes(1024**2)
        for _ in range(SHARED_UPLOAD_MAX_BYTES // len(chunk) + 8):
            yield chunk

    before = _snapshot(stack)
    try:
        r = team_a.post("/api/v1/submissions", params=sec_api.upload_params(world),
                        content=body(), headers={"Content-Type": "application/x-tar"})
    except httpx.HTTPError:
        # the server may answer 413 and close before we finish sending;
        # what matters is that nothing was stored
        after = _snapshot(stack)
        assert after[0] == before[0] and not after[1] - before[1]
        return
    assert _assert_clean_rejection(stack, before, r, {413}) == "too_large"


def test_real_multi_image_archive_rejected(stack: ArenaStack, world: sec_api.World,
                                           team_a: httpx.Client, tmp_path: Path) -> None:
    import sec_images

    tags = ["arena-sec-tiny:api-multi-a", "arena-sec-tiny:api-multi-b"]
    for i, tag in enumerate(tags):
        sec_images.build_tiny_image(tag, 60 + i)  # different entrypoints: different ids
    try:
        path = sec_images.save_image(tags, tmp_path / "two.tar.gz", compress=True)
        before = _snapshot(stack)
        r = sec_api.upload(team_a, path, sec_api.upload_params(world))
        assert _assert_clean_rejection(stack, before, r) == "multiple_images"
    finally:
        sec_images.remove_images(tags)


def test_two_file_parts_in_multipart_rejected(stack: ArenaStack, world: sec_api.World,
                                              team_a: httpx.Client, tmp_path: Path) -> None:
    archive = sec_api.tiny_archive(stack.root)
    data = archive.read_bytes()
    before = _snapshot(stack)
    r = team_a.post("/api/v1/submissions",
                    files=[("file", ("a.tar.gz", data, "application/gzip")),
                           ("file", ("b.tar.gz", data, "application/gzip"))],
                    data={"track": world.track, "phase": str(world.phase_id)})
    _assert_clean_rejection(stack, before, r)


def test_unsupported_media_type_rejected(stack: ArenaStack, world: sec_api.World,
                                         team_a: httpx.Client) -> None:
    before = _snapshot(stack)
    r = team_a.post("/api/v1/submissions", params=sec_api.upload_params(world),
                    content=b"{}", headers={"Content-Type": "application/json"})
    assert _assert_clean_rejection(stack, before, r, {415}) == "unsupported_media_type"


def test_valid_upload_is_accepted_control(stack: ArenaStack, world: sec_api.World,
                                          team_a: httpx.Client) -> None:
    """Control: the same route accepts a real ``docker save`` — the rejections
    above are about the payloads, not a broken route."""
    archive = sec_api.tiny_archive(stack.root)
    before_files = sec_api.files_under(stack.data_dir / "uploads")
    r = sec_api.upload(team_a, archive, sec_api.upload_params(world))
    assert r.status_code == 202, r.text
    sid = sec_api.submission_id(r.json())
    try:
        assert sec_api.count_submissions(stack, {sid}) == 1
        new = sec_api.files_under(stack.data_dir / "uploads") - before_files
        assert not any(n.startswith(".incoming") for n in new)
    finally:
        sec_api.cancel_all(team_a, [sid])
