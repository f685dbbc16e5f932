"""CLI behaviour against scripted HTTP answers (httpx.MockTransport): exit
codes, messages and --json output for quota, auth, validation and outages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from client.assetops import cli
from client.assetops.config import ClientConfig, save_config
from client.assetops.http import ApiClient, ExitCode, error_from_response

Handler = Callable[[httpx.Request], httpx.Response]
PROBLEM = {"content-type": "application/problem+json"}
SUB_ID = "0f5b3c1e-1111-4222-8333-944455556666"


def problem(status: int, code: str, detail: str, **extra: object) -> httpx.Response:
    body = {
        "type": f"https://x.invalid/problems/{code}",
        "title": code,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return httpx.Response(status, json=body, headers=PROBLEM)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSETOPS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("ASSETOPS_URL", raising=False)
    monkeypatch.delenv("ASSETOPS_TOKEN", raising=False)
    return CliRunner()


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Handler], list[httpx.Request]]]:
    """Route the CLI's ApiClient through a MockTransport; returns the request log."""

    def install(handler: Handler) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        monkeypatch.setattr(
            cli,
            "client_factory",
            lambda cfg: ApiClient(cfg.url, cfg.token, transport=httpx.MockTransport(record)),
        )
        return seen

    yield install


def logged_in(token: str = "tok-123") -> None:
    save_config(ClientConfig(url="http://127.0.0.1:8000", token=token))


def test_no_token_is_an_auth_error_without_any_request(runner: CliRunner, serve) -> None:
    seen = serve(lambda r: httpx.Response(200, json=[]))
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == ExitCode.AUTH
    assert "not logged in" in result.output
    assert "assetops login" in result.output
    assert seen == []


def test_rejected_token_exit_code_and_hint(runner: CliRunner, serve) -> None:
    logged_in()
    serve(lambda r: problem(401, "invalid_token", "The token is not valid or was revoked."))
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == ExitCode.AUTH
    assert "not valid or was revoked" in result.output
    assert "invalid_token" in result.output


def test_bearer_token_is_sent(runner: CliRunner, serve) -> None:
    logged_in("tok-abc")
    seen = serve(lambda r: httpx.Response(200, json={"items": []}))
    assert runner.invoke(cli.app, ["list"]).exit_code == 0
    assert seen[0].headers["authorization"] == "Bearer tok-abc"


def test_forbidden_submission_of_another_team(runner: CliRunner, serve) -> None:
    logged_in()
    serve(lambda r: problem(403, "forbidden", "Not your submission."))
    result = runner.invoke(cli.app, ["status", SUB_ID, "--json"])
    assert result.exit_code == ExitCode.AUTH
    body = json.loads(result.stdout)
    assert body["error"] == "forbidden" and body["exit_code"] == ExitCode.AUTH


PHASES = [
    {
        "id": 1,
        "title": "Old",
        "is_open": False,
        "tracks": ["execution"],
        "opens_at": "2026-01-01T00:00:00Z",
    },
    {
        "id": 2,
        "title": "Dev",
        "is_open": True,
        "tracks": ["planning", "execution"],
        "opens_at": "2026-02-01T00:00:00Z",
    },
    {
        "id": 3,
        "title": "Planning only",
        "is_open": True,
        "tracks": ["planning"],
        "opens_at": "2026-03-01T00:00:00Z",
    },
]


def _no_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    from client.assetops import upload

    def refuse() -> None:
        raise AssertionError("docker must not be contacted when the server says no")

    monkeypatch.setattr(upload, "docker_client", refuse)


def test_quota_precheck_stops_before_docker_is_touched(runner, serve, monkeypatch) -> None:
    logged_in()
    _no_docker(monkeypatch)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/phases":
            return httpx.Response(200, json=PHASES)
        return httpx.Response(
            200,
            json={
                "can": False,
                "code": "quota_exceeded",
                "reason": "Daily quota of 5 reached.",
                "phase_id": 2,
                "track": "execution",
                "used_today": 5,
                "daily_quota": 5,
                "remaining_today": 0,
                "running": 0,
                "max_concurrent": 1,
            },
        )

    seen = serve(handler)
    result = runner.invoke(cli.app, ["submit", "agent:latest", "--track", "execution"])
    assert result.exit_code == ExitCode.QUOTA
    assert "Daily quota of 5 reached" in result.output
    assert "used today 5/5" in result.output
    # the open phase that has the track was chosen (2, not the planning-only 3)
    assert seen[-1].url.path == "/api/v1/phases/2/can_make_submission"
    assert seen[-1].url.params["track"] == "execution"


def test_precheck_with_explicit_phase_and_json(runner, serve, monkeypatch) -> None:
    logged_in()
    _no_docker(monkeypatch)
    seen = serve(
        lambda r: httpx.Response(
            200,
            json={"can": False, "code": "too_many_running", "reason": "1 submission in progress"},
        )
    )
    result = runner.invoke(
        cli.app, ["submit", "agent:latest", "--track", "planning", "--phase", "7", "--json"]
    )
    assert result.exit_code == ExitCode.QUOTA
    assert json.loads(result.stdout)["error"] == "too_many_running"
    assert [r.url.path for r in seen] == ["/api/v1/phases/7/can_make_submission"]


def test_no_open_phase(runner, serve, monkeypatch) -> None:
    logged_in()
    _no_docker(monkeypatch)
    serve(lambda r: httpx.Response(200, json=[PHASES[0]]))
    result = runner.invoke(cli.app, ["submit", "agent:latest", "--track", "execution"])
    assert result.exit_code == ExitCode.QUOTA
    assert "no phase is open" in result.output


def test_unknown_track_is_a_usage_error(runner, serve, monkeypatch) -> None:
    logged_in()
    _no_docker(monkeypatch)
    seen = serve(lambda r: httpx.Response(200, json=PHASES))
    result = runner.invoke(cli.app, ["submit", "agent:latest", "--track", "bogus"])
    assert result.exit_code == ExitCode.USAGE
    assert seen == []


def test_conflict_is_a_quota_class_error() -> None:
    err = error_from_response(problem(409, "too_many_running", "A submission is running."))
    assert err.exit_code is ExitCode.QUOTA
    assert err.code == "too_many_running"


def test_retry_after_is_surfaced() -> None:
    response = httpx.Response(429, json={"detail": "slow down"}, headers={"Retry-After": "30"})
    err = error_from_response(response)
    assert err.exit_code is ExitCode.QUOTA
    assert err.hint and err.hint.startswith("retry after 30 s")


def test_validation_problem_lists_fields(runner: CliRunner, serve) -> None:
    serve(
        lambda r: problem(
            422,
            "invalid_request",
            "The request parameters or body are invalid.",
            errors=[
                {"loc": ["query", "track"], "msg": "Input should be 'planning' or 'execution'"}
            ],
        )
    )
    result = runner.invoke(cli.app, ["leaderboard", "--track", "bogus"])
    assert result.exit_code == ExitCode.INVALID
    assert "invalid" in result.output.lower()


def test_fastapi_detail_list_is_summarised() -> None:
    response = httpx.Response(
        422, json={"detail": [{"loc": ["query", "track"], "msg": "field required"}]}
    )
    err = error_from_response(response)
    assert err.exit_code is ExitCode.INVALID
    assert "track: field required" in err.message


def test_html_error_page_does_not_leak_markup() -> None:
    err = error_from_response(httpx.Response(502, text="<html><body>Bad gateway</body></html>"))
    assert err.exit_code is ExitCode.UNAVAILABLE
    assert "<html" not in err.message


def test_unreachable_server(runner: CliRunner, serve) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    serve(refuse)
    result = runner.invoke(cli.app, ["leaderboard", "--json"])
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert json.loads(result.stdout)["error"] == "unreachable"


def test_not_found(runner: CliRunner, serve) -> None:
    logged_in()
    serve(lambda r: problem(404, "not_found", "No such submission."))
    result = runner.invoke(cli.app, ["failures", SUB_ID])
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "No such submission" in result.output


def _lifecycle(statuses: list[dict]) -> Handler:
    answers = iter(statuses)
    last: dict = {}

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal last
        last = next(answers, last)
        return httpx.Response(200, json=last)

    return handler


def test_watch_until_finished_exits_zero(runner: CliRunner, serve) -> None:
    logged_in()
    base = {"id": SUB_ID, "track": "execution", "phase": 1}
    seen = serve(
        _lifecycle(
            [
                {**base, "status": "queued", "progress": 0.0},
                {**base, "status": "running", "progress": 0.5},
                {
                    **base,
                    "status": "finished",
                    "progress": 1.0,
                    "scores": {"task_completion": 80.0, "overall": 71.5, "pass_rate": 40.0},
                },
            ]
        )
    )
    result = runner.invoke(cli.app, ["status", SUB_ID, "--watch", "--interval", "0.1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "finished"
    assert len(seen) == 3


def test_watch_failed_submission_exit_code_and_reason(runner: CliRunner, serve) -> None:
    logged_in()
    failed = {
        "id": SUB_ID,
        "status": "failed",
        "progress": 0.2,
        "track": "execution",
        "failure": {
            "code": "image_not_linux_amd64",
            "kind": "participant",
            "message": "The image is built for arm64.",
        },
    }
    serve(_lifecycle([failed]))
    result = runner.invoke(cli.app, ["status", SUB_ID, "--watch", "--interval", "0.1"])
    assert result.exit_code == ExitCode.SUBMISSION_FAILED
    assert "built for arm64" in result.output


def test_list_json_is_clean_json(runner: CliRunner, serve) -> None:
    logged_in()
    items = [{"id": SUB_ID, "status": "running", "progress": 0.25, "track": "planning"}]
    serve(lambda r: httpx.Response(200, json={"items": items, "total": 1}))
    result = runner.invoke(cli.app, ["list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == items


def test_login_verifies_and_stores_private_config(runner: CliRunner, serve, tmp_path) -> None:
    seen = serve(lambda r: httpx.Response(200, json={"items": []}))
    result = runner.invoke(cli.app, ["login", "--url", "127.0.0.1:8123", "--token", "t-1"])
    assert result.exit_code == 0, result.output
    assert str(seen[-1].url).startswith("http://127.0.0.1:8123/api/v1/")
    assert seen[-1].headers["authorization"] == "Bearer t-1"
    path = tmp_path / "cfg" / "config.json"
    assert json.loads(path.read_text()) == {"url": "http://127.0.0.1:8123", "token": "t-1"}
    assert path.stat().st_mode & 0o077 == 0


def test_login_with_bad_token_stores_nothing(runner: CliRunner, serve, tmp_path) -> None:
    serve(lambda r: problem(401, "invalid_token", "The token is not valid."))
    result = runner.invoke(cli.app, ["login", "--url", "http://127.0.0.1:8123", "--token", "bad"])
    assert result.exit_code == ExitCode.AUTH
    assert not (tmp_path / "cfg" / "config.json").exists()


def test_cancel_posts_and_reports_conflict(runner: CliRunner, serve) -> None:
    logged_in()
    cancelled = {
        "id": SUB_ID,
        "status": "cancelled",
        "track": "execution",
        "phase_id": 1,
        "failure": {"code": "cancelled", "message": "Cancelled on request.", "kind": "operator"},
    }
    seen = serve(lambda r: httpx.Response(200, json=cancelled))
    ok = runner.invoke(cli.app, ["cancel", SUB_ID])
    assert ok.exit_code == 0, ok.output
    assert seen[0].method == "POST" and seen[0].url.path.endswith(f"/{SUB_ID}/cancel")
    assert "cancelled" in ok.output
    serve(lambda r: problem(409, "already_final", "The submission already finished."))
    again = runner.invoke(cli.app, ["cancel", SUB_ID])
    assert again.exit_code == ExitCode.QUOTA
    assert "already finished" in again.output


def test_login_reads_token_from_stdin_and_replaces_a_broken_config(
    runner: CliRunner, serve, tmp_path
) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.json").write_text("{broken")
    seen = serve(lambda r: httpx.Response(200, json={"items": []}))
    result = runner.invoke(
        cli.app, ["login", "--url", "http://127.0.0.1:8124", "--token", "-"], input="t-stdin\n"
    )
    assert result.exit_code == 0, result.output
    assert seen[-1].headers["authorization"] == "Bearer t-stdin"
    assert json.loads((cfg / "config.json").read_text())["token"] == "t-stdin"


def test_docker_failure_mid_stream_is_a_local_error() -> None:
    from client.assetops import upload
    from client.assetops.http import ApiError

    class BrokenImage:
        def save(self, chunk_size: int, named: bool):
            yield b"x" * 10
            raise ConnectionError("engine went away")

    chunks = upload.save_stream(BrokenImage())
    assert next(chunks) == b"x" * 10
    with pytest.raises(ApiError) as caught:
        next(chunks)
    assert caught.value.exit_code is ExitCode.LOCAL
    assert "engine went away" in caught.value.message


def test_docker_failure_during_upload_surfaces_through_the_client() -> None:
    from client.assetops import upload
    from client.assetops.http import ApiError

    class BrokenImage:
        def save(self, chunk_size: int, named: bool):
            yield b"x" * 10
            raise ConnectionError("engine went away")

    def consume(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(202, json={"id": SUB_ID})

    client = ApiClient("http://127.0.0.1:1", "t", transport=httpx.MockTransport(consume))
    with pytest.raises(ApiError) as caught:
        client.upload("/api/v1/submissions", upload.save_stream(BrokenImage()), params={})
    assert caught.value.exit_code is ExitCode.LOCAL
