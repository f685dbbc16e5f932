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


def _assert_clean_rejection(
    stack: ArenaStack,
    before: tuple[dict[str, int], set[str]],
    r: httpx.Response,
    expect_status: set[int] | None = None,
) -> str:
    assert 400 <= r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
    if expect_status:
        assert r.status_code in expect_status, f"{r.status_code}: {r.text[:300]}"
    assert sec_api.is_problem(r), f"not problem+json: {r.headers} {r.text[:300]}"
    after = _snapshot(stack)
    assert after[0] == before[0], f"rows changed: {before[0]} -> {after[0]}"
    # the worker may delete finished archives meanwhile; nothing may be added
    assert not after[1] - before[1], f"files left behind: {after[1] - before[1]}"
    return str(r.json()["code"])


@pytest.mark.parametrize(
    ("name", "builder"), sec_tars.HOSTILE_PAYLOADS, ids=[n for n, _ in sec_tars.HOSTILE_PAYLOADS]
)
def test_hostile_upload_rejected_cleanly(
    stack: ArenaStack,
    world: sec_api.World,
    team_a: httpx.Client,
    tmp_path: Path,
    name: str,
    builder: Callable[[Path], Path],
) -> None:
    payload = builder(tmp_path / f"{name}.tar")
    before = _snapshot(stack)
    r = sec_api.upload(team_a, payload, sec_api.upload_params(world))
    _assert_clean_rejection(stack, before, r)


def test_gzip_bomb_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client, tmp_path: Path
) -> None:
    bomb = sec_tars.gzip_bomb(tmp_path / "bomb.tar.gz", inflated_bytes=2 * 1024**3)
    before = _snapshot(stack)
    r = sec_api.upload(team_a, bomb, sec_api.upload_params(world))
    assert _assert_clean_rejection(stack, before, r, {413, 422}) == "archive_bomb"


def test_oversized_upload_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client, tmp_path: Path
) -> None:
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
        r = team_a.post(
            "/api/v1/submissions",
            params=sec_api.upload_params(world),
            content=body(),
            headers={"Content-Type": "application/x-tar"},
        )
    except httpx.HTTPError:
        # the server may answer 413 and close before we finish sending;
        # what matters is that nothing was stored
        after = _snapshot(stack)
        assert after[0] == before[0] and not after[1] - before[1]
        return
    assert _assert_clean_rejection(stack, before, r, {413}) == "too_large"


def test_real_multi_image_archive_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client, tmp_path: Path
) -> None:
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


def test_two_file_parts_in_multipart_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client, tmp_path: Path
) -> None:
    archive = sec_api.tiny_archive(stack.root)
    data = archive.read_bytes()
    before = _snapshot(stack)
    r = team_a.post(
        "/api/v1/submissions",
        files=[
            ("file", ("a.tar.gz", data, "application/gzip")),
            ("file", ("b.tar.gz", data, "application/gzip")),
        ],
        data={"track": world.track, "phase": str(world.phase_id)},
    )
    _assert_clean_rejection(stack, before, r)


def test_unsupported_media_type_rejected(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client
) -> None:
    before = _snapshot(stack)
    r = team_a.post(
        "/api/v1/submissions",
        params=sec_api.upload_params(world),
        content=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert _assert_clean_rejection(stack, before, r, {415}) == "unsupported_media_type"


def test_valid_upload_is_accepted_control(
    stack: ArenaStack, world: sec_api.World, team_a: httpx.Client
) -> None:
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


# ---------------------------------------------------------------------------
# Checked before the body is read: phase, quota, uploads in flight per team.
# A HeldUpload sends the headers and only the first bytes of its body, so an
# answer that arrives while the rest is still unsent proves the check ran
# before the body was read; the code before this fix answered only after the
# whole body was on disk (the read below then times out).
# ---------------------------------------------------------------------------
class HeldUpload:
    """A POST /api/v1/submissions over a raw socket whose body is sent in
    pieces, so the server holds a request in flight for as long as we like."""

    def __init__(
        self,
        base_url: str,
        token: str,
        query: dict[str, object],
        content_type: str,
        length: int,
        first: bytes,
    ) -> None:
        import socket
        from urllib.parse import urlencode, urlsplit

        url = urlsplit(base_url)
        self.sock = socket.create_connection(
            (url.hostname or "127.0.0.1", url.port or 80), timeout=30
        )
        target = "/api/v1/submissions" + (f"?{urlencode(query)}" if query else "")
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        self.sock.sendall(head.encode() + first)
        self.sent = len(first)
        self.length = length

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.sent += len(data)

    def response(self, timeout: float = 20) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body the server answered (raises
        TimeoutError when it has not answered within ``timeout``)."""
        self.sock.settimeout(timeout)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
        }
        want = int(headers.get("content-length", "0"))
        while len(body) < want:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, headers, body

    def close(self) -> None:
        self.sock.close()


def _problem_of(status: int, headers: dict[str, str], body: bytes) -> dict[str, object]:
    import json

    assert headers.get("content-type", "").startswith("application/problem+json"), headers
    problem = json.loads(body)
    assert problem["status"] == status and isinstance(problem["code"], str), problem
    return problem


BOUNDARY = "arena-sec-boundary-7d1f"


def _form_part(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def _file_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        'filename="agent.tar"\r\nContent-Type: application/x-tar\r\n\r\n'
    ).encode()


def _partials(stack: ArenaStack) -> set[str]:
    return {
        f for f in sec_api.files_under(stack.data_dir / "uploads") if f.startswith(".incoming-")
    }


@pytest.mark.parametrize("where", ["form_fields_first", "query"])
@pytest.mark.parametrize(
    ("phase_kind", "status", "code"),
    [
        ("quota_zero", 429, "quota_exceeded"),
        ("closed", 409, "phase_closed"),
    ],
)
def test_multipart_target_and_quota_checked_before_the_file_is_read(
    stack: ArenaStack, where: str, phase_kind: str, status: int, code: str
) -> None:
    """Multipart uploads: the phase and the quota are checked before any byte
    of the file is read or written, whether phase/track come as query
    parameters or as form fields before the file part."""
    import secrets
    from datetime import timedelta

    team = sec_api.create_team(stack, f"mp-{secrets.token_hex(4)}")
    phase_args: dict[str, object] = (
        {"daily_quota": 0}
        if phase_kind == "quota_zero"
        else {"opens_in": timedelta(days=-2), "closes_in": timedelta(days=-1)}
    )
    phase_id = sec_api.create_phase(stack, f"mp-{secrets.token_hex(3)}", **phase_args)  # type: ignore[arg-type]
    fields = {"phase": str(phase_id), "track": "execution"}
    head = b"".join(_form_part(k, v) for k, v in fields.items()) if where != "query" else b""
    head += _file_head()
    first = head + bytes(256 * 1024)
    before = _snapshot(stack)
    held = HeldUpload(
        stack.base_url,
        team.token,
        fields if where == "query" else {},
        f"multipart/form-data; boundary={BOUNDARY}",
        len(head) + 64 * 1024**2,
        first,
    )
    try:
        got_status, headers, body = held.response()  # 64 MiB still unsent
    finally:
        held.close()
    assert got_status == status, body[:300]
    assert _problem_of(got_status, headers, body)["code"] == code
    after = _snapshot(stack)
    assert after[0] == before[0] and not after[1] - before[1]  # no row, no partial file
    assert _team_rows_of(stack, team.team_id) == 0


def _team_rows_of(stack: ArenaStack, team_id: int) -> int:
    from sec_stack import sql

    return int(
        sql(stack.db_url, "SELECT count(*) FROM submissions WHERE team_id = %s", (team_id,))[0][0]
    )


def test_multipart_fields_after_the_file_part_refused_before_it_is_stored(
    stack: ArenaStack, world: sec_api.World
) -> None:
    """Without query parameters the target must be known when the file part
    begins: a form whose phase/track come after the file is refused (422)
    before the file is read, not stored first and checked afterwards."""
    import secrets

    team = sec_api.create_team(stack, f"mp-late-{secrets.token_hex(3)}")
    head = _file_head()
    before = _snapshot(stack)
    held = HeldUpload(
        stack.base_url,
        team.token,
        {},
        f"multipart/form-data; boundary={BOUNDARY}",
        len(head) + 64 * 1024**2,
        head + bytes(128 * 1024),
    )
    try:
        status, headers, body = held.response()
    finally:
        held.close()
    assert status == 422, body[:300]
    assert _problem_of(status, headers, body)["code"] == "track_required"
    after = _snapshot(stack)
    assert after[0] == before[0] and not after[1] - before[1]


def _fresh_team(stack: ArenaStack, prefix: str) -> tuple[sec_api.TeamCred, int]:
    import secrets

    team = sec_api.create_team(stack, f"{prefix}-{secrets.token_hex(4)}")
    phase_id = sec_api.create_phase(
        stack, f"{prefix}-{secrets.token_hex(3)}", daily_quota=100, max_concurrent=100
    )
    return team, phase_id


def _hold_raw(
    base_url: str,
    team: sec_api.TeamCred,
    phase_id: int,
    first: bytes = b"\0" * 65536,
    length: int = 100 * 1024**2,
) -> HeldUpload:
    return HeldUpload(
        base_url,
        team.token,
        {"phase": phase_id, "track": "execution"},
        "application/x-tar",
        length,
        first,
    )


def _wait_partials(stack: ArenaStack, before: set[str], count: int) -> set[str]:
    from sec_stack import wait_until

    return set(
        wait_until(
            lambda: (
                _partials(stack) - before if len(_partials(stack) - before) >= count else None
            ),
            30,
            what=f"{count} partial upload file(s)",
        )
    )


def test_uploads_in_flight_per_team_bounded_across_api_processes(
    stack: ArenaStack, world: sec_api.World
) -> None:
    """Two uploads in flight (default limit) on two api processes: a third,
    on either process, gets 429 too_many_uploads with Retry-After before its
    body is read; another team is not affected; a finished upload frees
    its slot."""
    from sec_stack import wait_until

    team, phase_id = _fresh_team(stack, "inflight")
    other, other_phase = _fresh_team(stack, "inflight-other")
    _, second_api = stack.start_extra_api("api-inflight")
    before = _partials(stack)
    held = [_hold_raw(stack.base_url, team, phase_id), _hold_raw(second_api, team, phase_id)]
    extra: list[HeldUpload] = []
    accepted: list[str] = []
    try:
        _wait_partials(stack, before, 2)  # both are streaming, slots taken
        for url in (stack.base_url, second_api):
            third = _hold_raw(url, team, phase_id)
            extra.append(third)
            status, headers, body = third.response()  # 100 MiB still unsent
            assert status == 429, body[:300]
            assert _problem_of(status, headers, body)["code"] == "too_many_uploads"
            assert int(headers["retry-after"]) >= 1
        assert len(_partials(stack) - before) == 2  # the refused ones wrote nothing
        archive = sec_api.tiny_archive(stack.root)
        with stack.client(other.token, timeout=120) as c:
            r = sec_api.upload(c, archive, {"phase": other_phase, "track": "execution"})
            assert r.status_code == 202, r.text
            sec_api.cancel_all(c, [sec_api.submission_id(r.json())])
        # one upload ends (client gone): its slot comes back
        held.pop(0).close()
        with stack.client(team.token, timeout=120) as c:

            def retry() -> httpx.Response | None:
                r = sec_api.upload(c, archive, {"phase": phase_id, "track": "execution"})
                return r if r.status_code != 429 else None

            r = wait_until(retry, 30, interval=0.5, what="a freed upload slot")
            assert r.status_code == 202, r.text
            accepted.append(sec_api.submission_id(r.json()))
            sec_api.cancel_all(c, accepted)
    finally:
        for h in held + extra:
            h.close()


def test_upload_slot_of_a_killed_api_process_expires(stack: ArenaStack) -> None:
    """An api process killed mid-upload cannot hold its team's slots
    forever: they expire after ARENA_UPLOAD_SLOT_TTL_SECONDS."""
    from sec_stack import wait_until

    team, phase_id = _fresh_team(stack, "crashslot")
    proc, doomed_api = stack.start_extra_api("api-doomed", ARENA_UPLOAD_SLOT_TTL_SECONDS="3")
    before = _partials(stack)
    held = [_hold_raw(doomed_api, team, phase_id) for _ in range(2)]
    try:
        _wait_partials(stack, before, 2)
        probe = _hold_raw(stack.base_url, team, phase_id)
        status, headers, body = probe.response()
        probe.close()
        assert status == 429 and _problem_of(status, headers, body)["code"] == "too_many_uploads"
        proc.kill9()  # no cleanup code runs: the slots stay in Redis until they expire
    finally:
        for h in held:
            h.close()
    archive = sec_api.tiny_archive(stack.root)
    with stack.client(team.token, timeout=120) as c:

        def retry() -> httpx.Response | None:
            r = sec_api.upload(c, archive, {"phase": phase_id, "track": "execution"})
            return r if r.status_code != 429 else None

        r = wait_until(retry, 60, interval=0.5, what="the killed process's slots to expire")
        assert r.status_code == 202, r.text
        sec_api.cancel_all(c, [sec_api.submission_id(r.json())])


def test_orphaned_partial_files_swept_but_never_a_live_upload(stack: ArenaStack) -> None:
    """An api process killed mid-upload leaves its .incoming-*.part file; an
    api sweeping with a 1 s age bound removes it, but not the partial file
    of an upload still streaming on another process (older and idle as
    long), which then completes and is accepted byte for byte."""
    import hashlib

    from sec_stack import wait_until

    team, phase_id = _fresh_team(stack, "sweep")
    other, other_phase = _fresh_team(stack, "sweep-orphan")
    archive = sec_api.tiny_archive(stack.root).read_bytes()
    before = _partials(stack)
    live = HeldUpload(
        stack.base_url,
        team.token,
        {"phase": phase_id, "track": "execution"},
        "application/gzip",
        len(archive),
        archive[:65536],
    )
    try:
        (live_part,) = _wait_partials(stack, before, 1)
        proc, doomed_api = stack.start_extra_api("api-orphaner")
        orphan_upload = _hold_raw(doomed_api, other, other_phase)
        (orphan,) = _wait_partials(stack, before | {live_part}, 1)
        proc.kill9()
        orphan_upload.close()
        assert orphan in _partials(stack)  # nobody cleaned up after the killed process
        sweeper, _ = stack.start_extra_api(
            "api-sweeper",
            ARENA_UPLOAD_PARTIAL_MAX_AGE_SECONDS="1",
            ARENA_UPLOAD_SWEEP_INTERVAL_SECONDS="1",
        )
        try:
            wait_until(lambda: orphan not in _partials(stack), 30, what="the orphan swept")
            # the live file is older than the orphan and idle as long: only its lock saved it
            assert live_part in _partials(stack)
        finally:
            sweeper.stop()
        live.send(archive[65536:])
        status, headers, body = live.response(timeout=120)
    finally:
        live.close()
    assert status == 202, body[:300]
    import json

    created = json.loads(body)
    assert created["image_sha256"] == hashlib.sha256(archive).hexdigest()
    assert live_part not in _partials(stack)
    with stack.client(team.token) as c:
        sec_api.cancel_all(c, [sec_api.submission_id(created)])
