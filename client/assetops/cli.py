"""``assetops``: the participant CLI.

Server commands talk only HTTP (``client.assetops.http``); ``validate`` runs
the server's own runner and evaluator locally (``client.assetops.validate``).
Results go to stdout (a rich table, or JSON with ``--json``); progress and
errors go to stderr, so ``assetops list --json | jq`` stays clean. Exit codes
are ``client.assetops.http.ExitCode``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from client.assetops import render
from client.assetops.config import (
    ClientConfig,
    ConfigError,
    clear_token,
    config_path,
    load_config,
    normalise_url,
    save_config,
)
from client.assetops.http import API_PREFIX, ApiClient, ApiError, ExitCode

app = typer.Typer(
    name="assetops",
    help="AssetOps Arena participant CLI: validate locally, submit, watch, read scores.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console()  # results
err = Console(stderr=True)  # progress, messages

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def default_client(cfg: ClientConfig) -> ApiClient:
    return ApiClient(cfg.url, cfg.token)


# Tests swap this to inject httpx.MockTransport.
client_factory: Callable[[ClientConfig], ApiClient] = default_client


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def handled(as_json: bool) -> Iterator[None]:
    """Turn ApiError/ConfigError into a message and the right exit code."""
    try:
        yield
    except ApiError as exc:
        if as_json:
            emit_json(exc.as_json())
        else:
            err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
            if exc.code:
                err.print(f"[dim]code: {exc.code}[/]", highlight=False)
            if exc.hint:
                err.print(f"[yellow]hint:[/] {exc.hint}", highlight=False)
        raise typer.Exit(int(exc.exit_code)) from None
    except ConfigError as exc:
        if as_json:
            emit_json({"error": "config", "message": str(exc), "exit_code": int(ExitCode.ERROR)})
        else:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(int(ExitCode.ERROR)) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


@contextmanager
def api(*, need_token: bool = True) -> Iterator[ApiClient]:
    cfg = load_config()
    client = client_factory(cfg)
    try:
        if need_token:
            client.require_token()
        yield client
    finally:
        client.close()


# ---------------------------------------------------------------- login ----
@app.command()
def login(
    url: Annotated[str, typer.Option(help="Server URL, e.g. http://127.0.0.1:8000")] = "",
    token: Annotated[
        str | None,
        typer.Option(help="Team token; '-' reads it from stdin; prompted (hidden) when omitted."),
    ] = None,
    verify: Annotated[bool, typer.Option(help="Check the token against the server.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Store the server URL and your team token (user config dir, mode 0600)."""
    with handled(as_json):
        try:
            current_url = load_config().url
        except ConfigError:  # a broken file is what login is there to replace
            current_url = ClientConfig().url
        base = normalise_url(url) if url else current_url
        if token == "-":
            token = sys.stdin.readline()
        elif token is None:
            token = typer.prompt("Team token", hide_input=True)
        token = token.strip()
        if not token:
            raise ApiError(ExitCode.USAGE, "empty token", code="no_token")
        who: Any = None
        if verify:
            with client_factory(ClientConfig(url=base, token=token)) as client:
                who = client.get_json(f"{API_PREFIX}/submissions", page_size=1)
        path = save_config(ClientConfig(url=base, token=token))
        if as_json:
            emit_json({"url": base, "config": str(path), "verified": verify})
        else:
            verified = " (token verified)" if who is not None else ""
            err.print(f"[green]logged in[/] to {base}{verified}; saved to {path}")


@app.command()
def logout() -> None:
    """Forget the stored token (the URL is kept)."""
    with handled(False):
        path = clear_token()
        err.print(f"token removed from {path}" if path else "nothing stored")


# --------------------------------------------------------------- submit ----
@app.command()
def submit(
    image: Annotated[str, typer.Argument(help="Local image, e.g. my-agent:latest")],
    track: Annotated[str, typer.Option(help="planning | execution")] = ...,  # type: ignore[assignment]
    phase: Annotated[int | None, typer.Option(help="Phase id (default: the open phase)")] = None,
    watch: Annotated[bool, typer.Option(help="Follow the submission until it ends.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Upload a local image (streams `docker save`, no temp file) and print its id."""
    from client.assetops import upload

    with handled(as_json), api() as client, ExitStack() as stack:
        phase_id = precheck(client, track, phase)
        docker = upload.docker_client()
        stack.callback(docker.close)
        img, info = upload.resolve_image(docker, image)
        params = {"track": track, "phase": phase_id}
        path = f"{API_PREFIX}/submissions"
        if as_json:
            created = client.upload(path, upload.save_stream(img), params=params)
        else:
            err.print(f"uploading {image} ({info.image_id[:19]}, ~{info.size / 1e6:.0f} MB)")
            with Progress(
                TextColumn("[bold]upload"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeElapsedColumn(),
                console=err,
            ) as progress:
                task = progress.add_task("upload", total=info.size or None)
                chunks = upload.counted(
                    upload.save_stream(img), lambda n: progress.advance(task, n)
                )
                started = time.monotonic()
                created = client.upload(path, chunks, params=params)
                sent = progress.tasks[0].completed
                progress.update(task, total=sent)
            elapsed = max(time.monotonic() - started, 1e-6)
            err.print(
                f"uploaded {sent / 1e6:.1f} MB in {elapsed:.1f} s ({sent / 1e6 / elapsed:.1f} MB/s)"
            )
        sub_id = created.get("id")
        if as_json and not watch:
            emit_json(created)
            return
        if not as_json:
            err.print(f"[green]submitted[/] id [bold]{sub_id}[/] status {created.get('status')}")
            out.print(sub_id, highlight=False)
        if watch:
            final = follow(client, sub_id, interval=2.0, as_json=as_json)
            raise_for_final(final)


# can_make_submission codes that mean "your request is wrong", not "not now".
INPUT_PROBLEMS = frozenset({"track_not_in_phase"})


def open_phase_for(client: ApiClient, track: str) -> int | None:
    """The phase the server would pick (most recently opened open phase with
    the track), so the pre-check and the upload target the same phase."""
    phases = client.get_json(f"{API_PREFIX}/phases")
    candidates = [
        p
        for p in phases
        if isinstance(p, dict) and p.get("is_open") and track in p.get("tracks", [])
    ]
    candidates.sort(key=lambda p: (str(p.get("opens_at")), int(p.get("id", 0))), reverse=True)
    return int(candidates[0]["id"]) if candidates else None


def precheck(client: ApiClient, track: str, phase: int | None) -> int:
    """Ask before streaming gigabytes: quota, concurrency, phase dates.
    Returns the phase id to upload to."""
    if track not in ("planning", "execution"):
        raise ApiError(
            ExitCode.USAGE,
            f"unknown track {track!r}: use planning or execution",
            code="invalid_track",
        )
    phase_id = phase if phase is not None else open_phase_for(client, track)
    if phase_id is None:
        raise ApiError(
            ExitCode.QUOTA,
            f"no phase is open for the {track} track right now",
            code="no_open_phase",
            hint="`assetops phases` lists phases and dates",
        )
    verdict = client.get_json(f"{API_PREFIX}/phases/{phase_id}/can_make_submission", track=track)
    if isinstance(verdict, dict) and verdict.get("can") is False:
        code = str(verdict.get("code") or "quota")
        raise ApiError(
            ExitCode.INVALID if code in INPUT_PROBLEMS else ExitCode.QUOTA,
            f"the server will not accept a submission now: {verdict.get('reason') or code}",
            code=code,
            hint=f"used today {verdict.get('used_today')}/{verdict.get('daily_quota')}, "
            f"running {verdict.get('running')}/{verdict.get('max_concurrent')}; "
            "`assetops list` shows what counts",
        )
    return phase_id


@app.command()
def phases(as_json: JsonOpt = False) -> None:
    """Competition phases: id, dates, tracks, quotas."""
    with handled(as_json), api(need_token=False) as client:
        items = client.get_json(f"{API_PREFIX}/phases")
        if as_json:
            emit_json(items)
        else:
            out.print(render.phases_table(items))


# --------------------------------------------------------------- status ----
def get_submission(client: ApiClient, sub_id: Any) -> dict[str, Any]:
    return client.get_json(f"{API_PREFIX}/submissions/{sub_id}")


def follow(client: ApiClient, sub_id: Any, *, interval: float, as_json: bool) -> dict[str, Any]:
    """Poll until the submission reaches a final status; a live bar on stderr."""
    item = get_submission(client, sub_id)
    if as_json:
        while item.get("status") not in render.FINAL_STATUSES:
            time.sleep(interval)
            item = get_submission(client, sub_id)
        emit_json(item)
        return item
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task(str(item.get("status")), total=1.0)
        while True:
            progress.update(
                task,
                completed=float(item.get("progress") or 0.0),
                description=str(item.get("status")),
            )
            if item.get("status") in render.FINAL_STATUSES:
                break
            time.sleep(interval)
            item = get_submission(client, sub_id)
    render.submission_panel(out, item)
    return item


def raise_for_final(item: dict[str, Any]) -> None:
    if item.get("status") != "finished":
        raise typer.Exit(int(ExitCode.SUBMISSION_FAILED))


@app.command()
def status(
    submission_id: Annotated[str, typer.Argument(metavar="ID")],
    watch: Annotated[bool, typer.Option("--watch", "-w", help="Poll until it ends.")] = False,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between polls.")] = 2.0,
    as_json: JsonOpt = False,
) -> None:
    """Show one submission: status, progress, scores or the failure reason."""
    with handled(as_json), api() as client:
        if watch:
            raise_for_final(follow(client, submission_id, interval=interval, as_json=as_json))
            return
        item = get_submission(client, submission_id)
        if as_json:
            emit_json(item)
        else:
            render.submission_panel(out, item)


@app.command()
def cancel(
    submission_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOpt = False,
) -> None:
    """Cancel one of your submissions in any non-final state (frees the quota slot)."""
    with handled(as_json), api() as client:
        item = client.post_json(f"{API_PREFIX}/submissions/{submission_id}/cancel")
        if as_json:
            emit_json(item)
        else:
            render.submission_panel(out, item)


@app.command("list")
def list_submissions(
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many, newest first.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Your team's submissions, newest first."""
    with handled(as_json), api() as client:
        payload = client.get_json(f"{API_PREFIX}/submissions", page_size=limit)
        items = payload.get("items", payload) if isinstance(payload, dict) else payload
        if as_json:
            emit_json(items)
        elif not items:
            err.print("no submissions yet — `assetops submit IMAGE --track T`")
        else:
            out.print(render.submissions_table(items))


@app.command()
def leaderboard(
    track: Annotated[str | None, typer.Option(help="planning | execution")] = None,
    phase: Annotated[int | None, typer.Option(help="Phase id (default: the latest)")] = None,
    page_size: Annotated[int, typer.Option(min=1, max=200)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The public leaderboard (no token needed)."""
    with handled(as_json), api(need_token=False) as client:
        payload = client.get_json(
            f"{API_PREFIX}/leaderboard", track=track, phase=phase, page_size=page_size
        )
        if as_json:
            emit_json(payload)
        else:
            out.print(render.leaderboard_table(payload))


@app.command()
def failures(
    submission_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOpt = False,
) -> None:
    """The clustered failure summary of one of your submissions."""
    with handled(as_json), api() as client:
        payload = client.get_json(f"{API_PREFIX}/submissions/{submission_id}/failures")
        if as_json:
            emit_json(payload)
        elif not payload.get("clusters"):
            err.print("no failures recorded for this submission")
        else:
            out.print(render.failures_table(payload))


@app.command()
def record(
    submission_id: Annotated[str, typer.Argument(metavar="ID")],
    out_path: Annotated[
        str | None,
        typer.Option(
            "--out", "-o", help="Where to save it (default ./arena-record-ID.json; - = stdout)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Save the reproducibility record of a finished submission: scores with
    their intervals, and the image, pack, rubric, engine, limits, model,
    attempts and cost that produced them."""
    from pathlib import Path

    with handled(as_json), api() as client:
        payload = client.get_json(f"{API_PREFIX}/submissions/{submission_id}/record")
        if as_json or out_path == "-":
            emit_json(payload)
            return
        path = Path(out_path or f"arena-record-{payload.get('submission_id', submission_id)}.json")
        path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        rec = payload.get("record") or {}
        scores = payload.get("scores") or {}
        err.print(
            f"saved {path}  (overall {render.fmt_num(scores.get('overall'))}, 95% CI "
            f"{render.fmt_ci((scores.get('intervals') or {}).get('overall'))}, "
            f"k = {rec.get('attempts', 1)}, engine {rec.get('engine_revision', '?')})",
            highlight=False,
        )


@app.command()
def whoami(as_json: JsonOpt = False) -> None:
    """Where the CLI points and whether a token is stored."""
    with handled(as_json):
        cfg = load_config()
        info = {"url": cfg.url, "token_stored": bool(cfg.token), "config": str(config_path())}
        if as_json:
            emit_json(info)
        else:
            out.print(
                f"server {info['url']}  token {'yes' if cfg.token else 'no'}  ({info['config']})"
            )


def _register_validate() -> None:
    """`validate` lives in validate.py (issue 5) and needs the server-side runner
    packages; the HTTP commands must keep working when those are absent."""
    try:
        from client.assetops.validate import validate_command
    except ImportError as exc:
        missing = str(exc)

        @app.command("validate")
        def validate_unavailable(image: str) -> None:
            """Run IMAGE locally against the public scenarios (needs the full package)."""
            err.print(f"[red]error:[/] local validation is unavailable here ({missing})")
            raise typer.Exit(int(ExitCode.LOCAL))

        return
    app.command("validate")(validate_command)


_register_validate()

if __name__ == "__main__":
    app()
