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
