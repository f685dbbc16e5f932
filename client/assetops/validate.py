"""``assetops validate IMAGE``: run an agent image locally against the public
validation set in the server's own sandbox (``worker.sandbox.environment``,
the interface the worker uses) and evaluator, then print the six-dimension
scores, failure clusters and — only here, locally — per-scenario details for
debugging.

IMAGE is a local image name/id (never pulled) or a ``docker save`` tarball
(loaded with the server's intake checks, removed afterwards).
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contracts.run import ScenarioRun
from hidden_scenarios.schema import Scenario

out = Console()
err = Console(stderr=True)

EXIT_LOCAL = 9  # client.assetops.http.ExitCode.LOCAL
DIMENSIONS = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination",
)
ANSWER_PREVIEW = 80


class ValidateError(Exception):
    """A local prerequisite is missing (docker, image, sidecar image)."""


def select_scenarios(
    scenarios: list[Scenario], track: str, ids: list[str] | None, limit: int | None
) -> list[Scenario]:
    chosen = [s for s in scenarios if track in s.tracks]
    if ids:
        wanted = set(ids)
        unknown = wanted - {s.id for s in scenarios}
        if unknown:
            raise ValidateError(f"unknown scenario id(s): {', '.join(sorted(unknown))}")
        chosen = [s for s in chosen if s.id in wanted]
    if limit is not None:
        chosen = chosen[: max(0, limit)]
    return chosen


def failure_reason(run: ScenarioRun, score: Any | None) -> str | None:
    """Why a run failed, in words a participant can act on (None = no run failure)."""
    f = run.facts
    if f.timed_out:
        return f.output_error or "wall time exceeded"
    if f.oom_killed:
        return f.output_error or "killed: memory limit exceeded"
    if f.output_status != "ok":
        reason = f"output {f.output_status}: {f.output_error or ''}".strip()
        if f.exit_code not in (0, None):
            reason += f" (exit code {f.exit_code})"
        return reason
    if f.exit_code not in (0, None):
        return f"exit code {f.exit_code}"
    return getattr(score, "run_failure", None)


def _sandbox(settings: Any, keep_logs: bool) -> Any:
    """The server's sandbox on the local Docker engine."""
    from worker.sandbox.environment import DockerSandbox, SandboxUnavailable

    try:
        return DockerSandbox.connect(settings, timeout=120, keep_logs=keep_logs)
    except SandboxUnavailable as exc:  # no engine, no permission
        raise ValidateError(f"cannot reach the Docker engine: {exc}") from exc


def _resolve_image(sandbox: Any, image: str, label: str) -> tuple[str, Any]:
    """(image id, LoadedImage to remove afterwards or None)."""
    from worker.sandbox.environment import ImageMissing, IntakeError

    path = Path(image)
    if path.is_file():
        try:
            loaded = sandbox.load_image(path, label=label)
        except IntakeError as exc:
            raise ValidateError(f"image rejected ({exc.code}): {exc.message}") from exc
        return loaded.image_id, loaded
    try:
        return sandbox.image_id(image), None  # local only: never pulls
    except ImageMissing as exc:
        raise ValidateError(f"image {image!r} not found locally: build it first") from exc


def scenario_details(
    scenario: Scenario, run: ScenarioRun, score: Any | None, failures: list[Any]
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "id": scenario.id,
        "attempt": run.attempt,
        "family": scenario.family,
        "task_type": scenario.task_type,
        "facts": run.facts.model_dump(),
        "failure_reason": failure_reason(run, score),
        "answer": run.result.answer if run.result is not None else None,
        "tool_calls": [
            c.tool + ("" if c.status == "ok" else f" [{c.status}]") for c in run.tool_calls
        ],
        "failures": [f.model_dump() for f in failures],
    }
    if score is not None:
        details["scores"] = {d: round(score.quality(d) * 100, 1) for d in DIMENSIONS[:-1]}
        details["scores"]["hallucination_rate"] = round(score.hallucination.score * 100, 1)
        details["scores"]["overall"] = round(score.overall * 100, 1)
        details["passed"] = score.passed
    return details


def evaluate_locally(
    scenarios: list[Scenario], runs: list[ScenarioRun], attempts: int = 1
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The evaluator on the runs (``run.attempt`` 1..attempts): (submission
    report or None, per-run details)."""
    import evaluator

    by_id = {s.id: s for s in scenarios}
    details = []
    for run in runs:
        scenario = by_id[run.scenario_id]
        score = evaluator.score_run(scenario, run)
        failures = evaluator.extract_failures(scenario, run, score)
        details.append(scenario_details(scenario, run, score, failures))
    report = None
    evaluate_submission = getattr(evaluator, "evaluate_submission", None)
    if evaluate_submission is not None:
        ordered = list({r.scenario_id: by_id[r.scenario_id] for r in runs}.values())
        report = evaluate_submission(
            ordered, runs, [], datetime.now(UTC), attempts=attempts
        ).model_dump(mode="json", exclude={"catalog_updates"})
    return report, details


def render_report(
    console: Console, report: dict[str, Any] | None, details: list[dict[str, Any]], verbose: bool
) -> None:
    if report is not None:
        table = Table(title="Scores (public validation set)")
        table.add_column("dimension")
        table.add_column("score", justify="right")
        for dim in DIMENSIONS:
            value = report["dimensions"].get(dim)
            label = "hallucination rate (lower is better)" if dim == "hallucination" else dim
            table.add_row(label.replace("_", " "), "-" if value is None else f"{value:.1f}")
        intervals = report.get("intervals") or {}

        def ci(key: str) -> str:
            pair = intervals.get(key)
            return f"  [dim]95% CI {pair[0]:.1f}–{pair[1]:.1f}[/]" if pair else ""

        table.add_row("[bold]overall[/]", f"[bold]{report['overall']:.1f}[/]{ci('overall')}")
        runs = report.get("runs") or report["scenarios"]
        table.add_row(
            "pass rate" + (" (pass@1)" if report.get("attempts", 1) > 1 else ""),
            f"{report['pass_rate']:.1f}% ({report['passed']}/{runs}){ci('pass_rate')}",
        )
        if report.get("attempts", 1) > 1:
            k = report["attempts"]
            table.add_row(f"pass^{k} (all {k} attempts)", f"{report['pass_hat_k']:.1f}%")
            table.add_row("outcome flipped between attempts", f"{report['flip_rate']:.1f}%")
        ready = (
            "[green]yes[/]" if report["deployment_ready"] else "[red]no[/] (line: pass rate 85 %)"
        )
        table.add_row("deployment ready", ready)
        console.print(table)
        if report.get("clusters"):
            from evaluator.guide import explain

            ct = Table(title="Failure clusters")
            ct.add_column("share", justify="right")
            ct.add_column("count", justify="right")
            ct.add_column("what went wrong", overflow="fold")
            ct.add_column("what to check in your agent", overflow="fold")
            for c in report["clusters"]:
                title, check = explain(c.get("code"), c["label"])
                ct.add_row(f"{c['share'] * 100:.0f}%", str(c["count"]), title, check)
            console.print(ct)
        if report.get("run_failures"):
            console.print(
                "run failures: "
                + ", ".join(f"{k} ×{v}" for k, v in sorted(report["run_failures"].items()))
            )
    st = Table(title="Per scenario (local only: never shown by the server)")
    for col in ("scenario", "result", "overall", "tools", "answer"):
        st.add_column(col, overflow="fold")
    for d in details:
        ok = d.get("passed")
        verdict = "[green]pass[/]" if ok else f"[red]{d['failure_reason'] or 'fail'}[/]"
        answer = d["answer"] if d["answer"] is not None else "—"
        if not verbose and len(answer) > ANSWER_PREVIEW:
            answer = answer[:ANSWER_PREVIEW] + "…"
        overall = d.get("scores", {}).get("overall")
        st.add_row(
            d["id"] + (f" #{d['attempt']}" if d.get("attempt", 1) > 1 else ""),
            verdict,
            "-" if overall is None else f"{overall:.0f}",
            str(len(d["tool_calls"])),
            answer,
        )
    console.print(st)
    if verbose:
        for d in details:
            if d.get("failures"):
                console.print(
                    f"[bold]{d['id']}[/]: "
                    + "; ".join(f"{f['code']} {f['text']}" for f in d["failures"])
                )
            if d.get("logs"):
                console.print(f"[dim]{d['id']} agent output:[/]\n{d['logs']}")


FAMILIES = ("iot", "fmsr", "tsfm", "wo", "utilities")


def agent_endpoints(settings: Any) -> dict[str, Any]:
    """The URLs an agent sees inside its sandbox (the runner's own environment)."""
    from worker.sandbox.environment import agent_environment

    env = agent_environment(settings, "<per-run token>", "<per-run key>")
    base = env["ASSETOPS_API_URL"]
    return {
        "ASSETOPS_API_URL": base,
        "mcp": {f: f"{base}/mcp/{f}/" for f in FAMILIES},
        "OPENAI_BASE_URL": env["OPENAI_BASE_URL"],
        "llm_model": settings.llm_model,
        "llm_token_budget": settings.llm_token_budget,
        "port": settings.sidecar_port,
    }


def render_endpoints(console: Console, e: dict[str, Any]) -> None:
    """What the agent will see, so a participant can point their own agent at a local run."""
    console.print("[bold]The agent sees[/] (inside its sandbox, loopback only):")
    rest = f"{e['ASSETOPS_API_URL']}/{{family}}/{{tool}}"
    console.print(f"  tools, REST   {rest}   ($ASSETOPS_API_URL)")
    for family, url in e["mcp"].items():
        console.print(f"  MCP {family:<9} {url}")
    console.print(
        f"  LLM gateway   {e['OPENAI_BASE_URL']}/chat/completions   ($OPENAI_BASE_URL; model "
        f"{e['llm_model']}, {e['llm_token_budget']} tokens per run)"
    )
    console.print(
        "  headers       X-Run-Token: $ASSETOPS_RUN_TOKEN on tool and MCP calls; "
        "Authorization: Bearer $OPENAI_API_KEY on LLM calls"
    )
    console.print(
        f"  outside the sandbox: `python -m services.assetdata --port {e['port']}` serves the "
        "same tools and MCP servers (no token needed); point your agent at it."
    )


def run_validation(
    image: str,
    *,
    track: str = "execution",
    limit: int | None = None,
    scenario_ids: list[str] | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    keep_logs: bool = True,
    attempts: int = 1,
) -> dict[str, Any]:
    """Everything ``assetops validate`` does, minus printing; returns the
    JSON report. Raises ValidateError for missing local prerequisites.
    ``attempts``: run every scenario k times, as a phase with k attempts does."""
    from services.settings import get_settings

    settings = get_settings()
    with _sandbox(settings, keep_logs) as sandbox:
        return _validate(
            sandbox, settings, image, track, limit, scenario_ids, console, show_progress, attempts
        )


def _validate(
    sandbox: Any,
    settings: Any,
    image: str,
    track: str,
    limit: int | None,
    scenario_ids: list[str] | None,
    console: Console | None,
    show_progress: bool,
    attempts: int,
) -> dict[str, Any]:
    from hidden_scenarios.sets import plant_context, public_set
    from worker.attempts import attempt_runs, expand_attempts
    from worker.sandbox.environment import RunnerError

    if not sandbox.has_image(settings.sidecar_image):
        raise ValidateError(
            f"the asset-data image {settings.sidecar_image!r} is missing: build it with "
            "`make image` (or set ARENA_SIDECAR_IMAGE)"
        )
    scenarios = select_scenarios(public_set(), track, scenario_ids, limit)
    if not scenarios:
        raise ValidateError("no scenario selected")
    if not 1 <= attempts <= 10:
        raise ValidateError("--attempts must be between 1 and 10")
    copies, attempt_of = expand_attempts(scenarios, attempts)
    to_run = [*scenarios, *copies]
    label = f"validate-{uuid.uuid4().hex[:8]}"
    # the sidecar must serve the plant the public set was built from; it
    # gets ready while a tarball loads
    sandbox.expected_plant_hash = plant_context().plant.content_hash
    sandbox.prepare(to_run, track, label=label)
    image_id, loaded = _resolve_image(sandbox, image, label)
    try:
        progress = Progress(
            TextColumn("[bold]validating[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=console or err,
            disable=not show_progress,
            transient=False,
        )
        with progress:
            task = progress.add_task("runs", total=len(to_run), last="")
            runs = sandbox.run(
                image_id,
                to_run,
                track,
                lambda done, total, run: progress.update(
                    task, completed=done, last=run.scenario_id
                ),
                label=label,
            )
    except RunnerError as exc:
        raise ValidateError(f"sandbox failure ({exc.code}): {exc.message}") from exc
    finally:
        if loaded is not None:
            sandbox.remove_image(loaded)
    run_id_of = {v: k for k, v in attempt_of.items()}  # (scenario, attempt) -> run id
    report, details = evaluate_locally(scenarios, attempt_runs(runs, attempt_of), attempts)
    logs = sandbox.logs()
    for d in details:
        run_id = run_id_of.get((d["id"], d.get("attempt", 1)), d["id"])
        if logs.get(run_id):
            d["logs"] = logs[run_id]
    return {
        "image": image_id,
        "endpoints": agent_endpoints(settings),
        "track": track,
        "scenarios": len(scenarios),
        "attempts": attempts,
        "wall_seconds": round(sandbox.stats.wall, 2),
        "report": report,
        "per_scenario": details,
    }


def validate_command(
    image: Annotated[str, typer.Argument(help="Local image name/id, or a docker save tarball.")],
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="Run only the first N.")] = None,
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Run only this scenario id (repeatable).")
    ] = None,
    track: Annotated[str, typer.Option("--track", help="planning | execution")] = "execution",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Full answers, failures, agent output.")
    ] = False,
    attempts: Annotated[
        int,
        typer.Option(
            "--attempts",
            "-k",
            min=1,
            max=10,
            help="Run every scenario k times, as a phase with k attempts does (pass^k, CI).",
        ),
    ] = 1,
) -> None:
    """Run IMAGE locally against the public validation set (same runner and
    scorer as the server) and print scores and per-scenario details."""
    if track not in ("planning", "execution"):
        err.print("[red]error:[/] --track must be planning or execution")
        raise typer.Exit(2)
    from services.settings import get_settings

    render_endpoints(err, agent_endpoints(get_settings()))
    try:
        result = run_validation(
            image,
            track=track,
            limit=limit,
            scenario_ids=scenario,
            show_progress=True,
            attempts=attempts,
        )
    except ValidateError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_LOCAL) from exc
    if json_output:
        sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
        return
    render_report(out, result["report"], result["per_scenario"], verbose)
    k = result.get("attempts", 1)
    times = f" × {k} attempts" if k > 1 else ""
    out.print(f"{result['scenarios']} scenarios{times} in {result['wall_seconds']:.1f}s")
