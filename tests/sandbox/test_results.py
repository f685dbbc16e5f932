import io
import json
import tarfile

import pytest

from worker.sandbox.results import (
    _TooLarge,
    parse_result_bytes,
    parse_tool_log,
    single_file_from_tar,
)


def test_valid_result_parses() -> None:
    data = json.dumps({"answer": "42", "plan": [{"agent": "iot", "tool": "history"}]}).encode()
    parsed = parse_result_bytes(data)
    assert parsed.status == "ok"
    assert parsed.result is not None and parsed.result.answer == "42"
    assert parsed.result.plan[0].tool == "history"


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        (None, "missing", "no /output/result.json"),
        (b'{"answer": NaN}', "invalid", "NaN not allowed"),
        (b'{"answer": "x", "v": Infinity}', "invalid", "Infinity not allowed"),
        (b'{"answer": "x", "v": -Infinity}', "invalid", "-Infinity not allowed"),
        (b"not json {", "invalid", "json:"),
        (b'["a list"]', "invalid", "not a JSON object"),
        (b"\xff\xfe", "invalid", "not UTF-8"),
        (b'{"answer": 5}', "invalid", "schema: answer"),
        (b'{"plan": [{"agent": "cloud", "tool": "x"}]}', "invalid", "schema: plan.0.agent"),
    ],
)
def test_bad_results_are_rejected_with_a_reason(
    data: bytes | None, status: str, reason: str
) -> None:
    parsed = parse_result_bytes(data)
    assert parsed.status == status
    assert parsed.result is None
    assert parsed.error is not None and reason in parsed.error


def test_oversized_result_is_too_large() -> None:
    parsed = parse_result_bytes(b'{"answer": "' + b"a" * 2000 + b'"}', max_bytes=1000)
    assert parsed.status == "too_large"


def _tar(name: str, data: bytes, kind: bytes = tarfile.REGTYPE) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.type = kind
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/passwd"
            tar.addfile(info)
        else:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_single_file_from_tar() -> None:
    assert single_file_from_tar(_tar("result.json", b"{}"), 100) == b"{}"
    with pytest.raises(_TooLarge):
        single_file_from_tar(_tar("result.json", b"x" * 200), 100)
    # a symlink planted as result.json is not followed
    assert single_file_from_tar(_tar("result.json", b"", tarfile.SYMTYPE), 100) is None


def test_tool_log_sorted_and_torn_line_skipped() -> None:
    lines = [
        {"seq": 1, "tool": "iot.history", "family": "iot", "status": "ok"},
        {"seq": 0, "tool": "iot.sites", "family": "iot", "status": "error", "http_status": 500},
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode() + b'\n{"seq": 2, "tool": "iot.'
    records = parse_tool_log(data)
    assert [r.seq for r in records] == [0, 1]
    assert records[0].status == "error"
    assert parse_tool_log(None) == []


class _FakeContainer:
    """get_archive of a directory, served in small chunks like docker-py."""

    def __init__(self, tar: bytes) -> None:
        self.tar = tar

    def get_archive(self, path: str) -> tuple[object, dict]:
        chunks = (self.tar[i : i + 1000] for i in range(0, len(self.tar), 1000))
        return chunks, {"size": 0}


def test_collect_files_streams_and_caps() -> None:
    import re

    from worker.sandbox.results import NOT_REGULAR, TOO_LARGE, collect_files, parse_collected

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in [
            ("io/0/out/result.json", b'{"answer": "a"}'),
            ("io/1/out/result.json", b'{"answer": "' + b"x" * 5000 + b'"}'),
            ("io/1/out/junk.bin", b"\0" * 50_000),
            ("io/0/in/scenario.json", b"{}"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("io/2/out/result.json")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
        tar.addfile(link)
    pattern = re.compile(r"io/(\d+)/out/result\.json")
    found = collect_files(_FakeContainer(buf.getvalue()), "/runs/io", pattern, 1000)
    assert found["0"] == b'{"answer": "a"}'
    assert found["1"] is TOO_LARGE and found["2"] is NOT_REGULAR
    assert parse_collected(found["0"]).status == "ok"
    assert parse_collected(found["1"], 1000).status == "too_large"
    assert parse_collected(found["2"]).status == "invalid"
    assert parse_collected(None).status == "missing"
