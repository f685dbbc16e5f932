"""One submission, end to end, on a worker:

claim lease -> load image -> run scenarios (progress as each finishes)
-> evaluator -> ONE transaction writing aggregates, cluster
counts and catalog updates -> remove image, tarball (per retention), temps.

Idempotent by construction: every state change is conditional on holding
the row lease, the score row's primary key is the submission id, and the
final transaction re-checks the lease under a row lock. Nothing
per-scenario leaves this process: runs live in memory and are dropped.

The sandbox is reached only through ``worker.sandbox.environment``
(``SandboxEnvironment``; ``DockerSandbox`` on the server).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from services.settings import Settings
from services.store import submissions as store
from services.store.catalog import catalog_rows, lock_catalog
from services.store.db import session_scope
from services.store.lifecycle import FailureKind, Status
from services.store.scores import write_report
from worker import archive_fetch
from worker.attempts import ATTEMPT_SEPARATOR, attempt_runs, expand_attempts  # noqa: F401

if TYPE_CHECKING:
    from worker.sandbox.environment import SandboxEnvironment

log = logging.getLogger("arena.worker.pipeline")
CANARY_MASK = ("CANARY-",)
SERVER_IMAGE_CHANGED = "server_image_changed"


class Stop(Exception):
    """Cancelled, failed by the reconciler, or our lease was taken over."""


class EngineUnavailable(Exception):
    """This worker's Docker engine does not answer: nothing was claimed."""


def cleanup_attempt(sandbox: SandboxEnvironment, submission_id: uuid.UUID, attempt: int) -> None:
    try:
        sandbox.cleanup(sandbox_label(submission_id, attempt), older_than=0, images=True)
    except Exception as exc:
        log.warning(
            "sandbox cleanup failed",
            extra={"submission_id": submission_id, "error": type(exc).__name__},
        )


def worker_identity() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def safe_message(message: str, limit: int = 500) -> str:
    """Participant-facing text from intake; never scenario data (intake runs
    before any scenario is touched), but masked and capped anyway."""
    out = message.replace("\n", " ")[:limit]
    return "[message withheld]" if any(m in out for m in CANARY_MASK) else out


@dataclass
class Deps:
    """What the pipeline talks to."""

    settings: Settings
    # a connected sandbox for one evaluation; raises when its engine does not answer
    sandbox: Callable[[], SandboxEnvironment]
    scenario_source: Callable[[Settings], Any]  # -> hidden_scenarios.sets.ScenarioSource
    evaluate: Callable[..., Any]
    enqueue_retry: Callable[[uuid.UUID, float], None]
    now: Callable[[], datetime] = store.utcnow
    intake_error: type[Exception] = Exception
    runner_error: type[Exception] = Exception


def default_deps(settings: Settings) -> Deps:
    from evaluator import evaluate_submission
    from evaluator.embed import get_embedder
    from evaluator.judge import LLMJudge
    from hidden_scenarios.sets import plant_context, scenario_source
    from worker.sandbox.environment import DockerSandbox, IntakeError, RunnerError

    # The sidecar must serve the plant the scenarios' ground truth came
    # from: a stale sidecar image would silently score every answer wrong.
    plant_hash = plant_context(settings.plant_seed).plant.content_hash

    def _sandbox() -> SandboxEnvironment:
        return DockerSandbox.connect(settings, timeout=300, expected_plant_hash=plant_hash)

    def _retry(submission_id: uuid.UUID, countdown: float) -> None:
        from services.taskqueue.broker import send_evaluate
        from worker.celery_app import app

        send_evaluate(app, submission_id, countdown=countdown)

    return Deps(
        settings=settings,
        sandbox=_sandbox,
        scenario_source=scenario_source,
        evaluate=functools.partial(
            evaluate_submission,
            embedder=get_embedder(settings.evaluator_embedder),
            judge=LLMJudge(settings.llm_judge_model) if settings.llm_judge_model else None,
        ),
        enqueue_retry=_retry,
        intake_error=IntakeError,
        runner_error=RunnerError,
    )


def sandbox_label(submission_id: uuid.UUID, attempt: int) -> str:
    """Per-attempt sandbox label: a worker that lost its lease tears down only
    its own containers, never those of the worker that took over."""
    return f"{submission_id}-a{attempt}"


@dataclass
class Heartbeat:
    """Renews the lease every lease/3 seconds; on refusal (cancel, reconciler,
    takeover) sets ``stopped`` and tears the sandbox down so running agents
    end now instead of at their wall-time limit."""

    deps: Deps
    submission_id: uuid.UUID
    owner: str
    label: str
    sandbox: SandboxEnvironment | None = None
    stopped: threading.Event = field(default_factory=threading.Event)
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Heartbeat:
        self._thread = threading.Thread(target=self._loop, name="arena-heartbeat", daemon=True)
        self._thread.start()
        return self

    def beat(self) -> bool:
        lease = timedelta(seconds=self.deps.settings.submission_lease_seconds)
        try:
            with session_scope(self.deps.settings.database_url) as session:
                return store.heartbeat(
                    session, self.submission_id, self.owner, lease, self.deps.now()
                )
        except Exception as exc:  # DB blip: keep working, the lease has slack
            log.warning(
                "heartbeat failed",
                extra={"submission_id": self.submission_id, "error": type(exc).__name__},
            )
            return True

    def _loop(self) -> None:
        period = max(1.0, self.deps.settings.submission_lease_seconds / 3)
        while not self._done.wait(period):
            if not self.beat():
                self.stopped.set()
                log.info("lease refused; stopping", extra={"submission_id": self.submission_id})
                if self.sandbox is not None:
                    try:
                        self.sandbox.cleanup(self.label, older_than=0, images=True)
                    except Exception as exc:
                        log.warning(
                            "sandbox cleanup on stop failed", extra={"error": type(exc).__name__}
                        )
                return

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _catalog(session: Session) -> list[Any]:
    from evaluator.models import CatalogEntry

    return [
        CatalogEntry(
            key=row.id,
            label=row.label,
            category=row.category,
            code=row.code,
            centroid=list(row.centroid or []),
            exemplars=list(row.exemplars or []),
            embedder_id=row.embedder_id,
            first_seen=row.first_seen_at,
            last_seen=row.last_seen_at,
            status=row.status,
            total_count=row.total_count,
            submissions=row.submission_count,
        )
        for row in catalog_rows(session)
    ]


class PackSwitched(RuntimeError):
    """The phase was pinned to another pack while this run was under way."""

    code = "scenario_pack_changed"


COMPARISON_PREFIX = "cmp."


def public_comparison_set(track: str) -> list[Any]:
    """The public pack's public set for ``track``, ids prefixed so they never
    meet the phase's own scenario ids."""
    from hidden_scenarios.sets import public_set

    return [
        s.model_copy(update={"id": COMPARISON_PREFIX + s.id})
        for s in public_set()
        if track in s.tracks
    ]


def mean_overall(scenarios: Sequence[Any], runs: list[Any]) -> float | None:
    """Mean overall (0-100) of the runs of ``scenarios`` (None without any)."""
    if not scenarios:
        return None
    from evaluator import score_run

    by_id = {s.id: s for s in scenarios}
    scores = [score_run(by_id[r.scenario_id], r).overall for r in runs if r.scenario_id in by_id]
    return round(100 * sum(scores) / len(scores), 2) if scores else None


def probe_invariance(scenarios: Sequence[Any], variants: Sequence[Any], runs: list[Any]) -> Any:
    """The invariance aggregates of the probe runs (None without probes)."""
    if not variants:
        return None
    from evaluator import score_run
    from hidden_scenarios.invariance import summarise

    by_id = {s.id: s for s in [*scenarios, *(v.scenario for v in variants)]}
    wanted = {v.original_id for v in variants} | {v.scenario.id for v in variants}
    overall = {
        r.scenario_id: score_run(by_id[r.scenario_id], r).overall
        for r in runs
        if r.scenario_id in wanted
    }
    return summarise(variants, overall)


def _finalize(
    deps: Deps,
    submission_id: uuid.UUID,
    owner: str,
    scenarios: Sequence[Any],
    runs: list[Any],
    source: Any,
    invariance: Any = None,
    public_overall: float | None = None,
    attempts: int = 1,
    record: Callable[[datetime], dict[str, Any]] | None = None,
) -> bool:
    """The one write transaction. False when the lease is no longer ours
    (cancelled meanwhile, or already written by a previous delivery).
    ``record(now)`` builds the reproducibility record (worker/record.py)."""
    with session_scope(deps.settings.database_url) as session:
        lock_catalog(session)  # catalog matching + update is serialised
        sub = store.lock_for_finish(session, submission_id, owner)
        if sub is None:
            return False
        now = deps.now()
        if store.pin_scenario_pack(session, sub.phase_id, source) is not None:
            raise PackSwitched(source.digest)
        report = deps.evaluate(scenarios, runs, _catalog(session), now, attempts=attempts)
        write_report(
            session,
            sub,
            report,
            now,
            source,
            invariance,
            public_overall,
            record(now) if record is not None else None,
        )
        store.mark_finished(session, sub, now)
    return True


def _delete_archive(deps: Deps, submission_id: uuid.UUID, archive: Path) -> None:
    """Delete the tarball once the submission is final (a re-run or another
    worker may still need it otherwise); with a retention period the
    reconciler deletes it later."""
    if deps.settings.upload_retention_seconds > 0:
        return
    with session_scope(deps.settings.database_url) as session:
        if store.mark_archive_deleted(session, submission_id, deps.now()):
            archive.unlink(missing_ok=True)


_public_pack_logged = False


def _scenario_source(
    deps: Deps, submission_id: uuid.UUID, owner: str, phase_id: int, extra: dict[str, Any]
) -> Any:
    """The deployment's scenarios, pinned to the phase: the phase's first
    evaluation records its pack, and a worker holding another digest fails
    the submission (not charged) instead of scoring it on other scenarios.
    None when the submission was failed."""
    global _public_pack_logged
    try:
        source = deps.scenario_source(deps.settings)
    except ValueError as exc:  # PackError / ScenarioError: the operator's pack is unusable
        log.critical(
            "scenario pack unusable",
            extra={**extra, "code": getattr(exc, "code", "invalid"), "error": str(exc)[:500]},
        )
        _fail(
            deps,
            submission_id,
            owner,
            "scenario_pack_invalid",
            "The server's scenario pack cannot be used; the operators were told. "
            "This does not count against your quota.",
            FailureKind.INFRASTRUCTURE,
        )
        return None
    if source.public and not _public_pack_logged:
        _public_pack_logged = True
        log.warning(
            "scores on the public pack: participants can see it",
            extra={**extra, "pack": source.name, "pack_version": source.version},
        )
    with session_scope(deps.settings.database_url) as session:
        pinned = store.pin_scenario_pack(session, phase_id, source)
    if pinned is None:
        return source
    log.critical(
        "scenario pack changed during a phase",
        extra={**extra, "pinned_digest": pinned, "pack_digest": source.digest},
    )
    _fail(
        deps,
        submission_id,
        owner,
        "scenario_pack_changed",
        "This phase is scored on another scenario pack than the one this server now holds; "
        "the operators were told. This does not count against your quota.",
        FailureKind.INFRASTRUCTURE,
    )
    return None


def _fail(
    deps: Deps, submission_id: uuid.UUID, owner: str, code: str, message: str, kind: FailureKind
) -> bool:
    with session_scope(deps.settings.database_url) as session:
        return store.fail(session, submission_id, code, message, kind, deps.now(), owner=owner)


def process(submission_id: uuid.UUID, deps: Deps, owner: str | None = None) -> str:
    """Evaluate one submission. Returns the outcome: finished, failed,
    cancelled (stopped: cancel/reconciler/takeover), retry, or skipped (no
    lease: final already or held by a live worker)."""
    owner = owner or worker_identity()
    # An unhealthy worker must not claim: a claim costs an attempt, and a
    # worker whose engine is down would burn them all in seconds.
    try:
        sandbox = deps.sandbox()
    except Exception as exc:
        raise EngineUnavailable(type(exc).__name__) from exc
    try:
        return _process(submission_id, deps, owner, sandbox)
    finally:
        sandbox.close()


def _limits_hit(sandbox: SandboxEnvironment) -> dict[str, int]:
    """How many runs hit each sandbox limit (for the operator's log)."""
    from worker.sandbox.events import LimitHit

    counts: dict[str, int] = {}
    for event in sandbox.events(LimitHit):
        limit = getattr(event, "limit", "?")
        counts[limit] = counts.get(limit, 0) + 1
    return counts


def _process(submission_id: uuid.UUID, deps: Deps, owner: str, sandbox: SandboxEnvironment) -> str:
    settings = deps.settings
    lease = timedelta(seconds=settings.submission_lease_seconds)
    started_at = deps.now()
    with session_scope(settings.database_url) as session:
        sub = store.claim(session, submission_id, owner, lease, started_at)
        if sub is None:
            return "skipped"
        track, attempt, archive_name = sub.track, sub.attempt, sub.archive_name
        phase_id = sub.phase_id
        # k independent runs of every scenario (issue 18)
        compare_public, attempts = store.phase_run_options(session, phase_id)
        image_sha256, image_bytes = sub.image_sha256, sub.image_bytes
    extra = {"submission_id": submission_id, "attempt": attempt, "worker": owner}
    log.info("claimed", extra=extra)
    # Earlier attempts lost their lease (their worker died): their sandbox
    # objects are orphans now.
    for earlier in range(1, attempt):
        cleanup_attempt(sandbox, submission_id, earlier)
    archive = settings.data_dir / "uploads" / (archive_name or "missing")
    label = sandbox_label(submission_id, attempt)
    hb = Heartbeat(deps, submission_id, owner, label, sandbox=sandbox).start()
    image: Any = None
    fetched: Path | None = None  # downloaded from the api (no shared upload dir)
    try:
        # The scenarios first: a broken or switched pack fails before any
        # image is loaded, and never as the participant's fault.
        source = _scenario_source(deps, submission_id, owner, phase_id, extra)
        if source is None:
            return "failed"
        # What will run is known before the image: the sidecar for it (which
        # does not depend on the image) gets ready while the image loads.
        scenarios = [s for s in source.scenarios if track in s.tracks]
        # Invariance probes (hidden_scenarios/invariance.py): a sample of the
        # scenarios re-rendered with other entity forms and phrasings, run
        # with them; scored apart, never in the leaderboard's aggregates.
        variants = source.variants(scenarios, settings.invariance_sample)
        # A phase comparing packs also runs the public set (what participants
        # validate on), scored apart for the admin view.
        public = public_comparison_set(track) if compare_public and not source.public else []
        probes = [v.scenario for v in variants]
        # Attempts 2..k: copies of every scenario, run like any other (own
        # container, token, tool log, budget); progress counts every run.
        copies, attempt_of = expand_attempts(
            scenarios, attempts, {s.id for s in [*probes, *public]}
        )
        to_run = [*scenarios, *probes, *public, *copies]
        if scenarios:
            sandbox.prepare(to_run, track, label=label)
        if not archive.exists() and settings.image_source_url and archive_name:
            try:
                fetched = archive_fetch.fetch_archive(
                    settings, submission_id, image_sha256, image_bytes
                )
            except archive_fetch.ArchiveFetchError as exc:
                if exc.code != "archive_missing":
                    raise  # network/auth/integrity: infrastructure, retried below
        if fetched is None and not archive.exists():
            _fail(
                deps,
                submission_id,
                owner,
                "archive_missing",
                "The uploaded archive is no longer on the server; please submit again.",
                FailureKind.INFRASTRUCTURE,
            )
            return "failed"
        try:
            image = sandbox.load_image(fetched or archive, label=label)
        except deps.intake_error as exc:
            code = getattr(exc, "code", "invalid_image")
            if code == SERVER_IMAGE_CHANGED:
                # Fail closed, never retried; not the participant's quota
                # (an operator retagging during the load looks the same).
                _fail(
                    deps,
                    submission_id,
                    owner,
                    code,
                    "The server refused this image: loading it changed a server image. "
                    "The incident was logged for the operators.",
                    FailureKind.INFRASTRUCTURE,
                )
                log.critical("server image changed by a load", extra={**extra, "code": code})
                return "failed"
            _fail(
                deps,
                submission_id,
                owner,
                code,
                safe_message(getattr(exc, "message", code)),
                FailureKind.PARTICIPANT,
            )
            log.info("image refused", extra={**extra, "code": code})
            return "failed"
        if fetched is not None:  # loaded into the engine: the copy is not needed any more
            fetched.unlink(missing_ok=True)
        if not scenarios:
            _fail(
                deps,
                submission_id,
                owner,
                "no_scenarios",
                f"The server has no scenarios for track '{track}'.",
                FailureKind.INFRASTRUCTURE,
            )
            return "failed"
        if hb.stopped.is_set():
            raise Stop()
        with session_scope(settings.database_url) as session:
            if not store.advance(
                session,
                submission_id,
                owner,
                Status.RUNNING,
                deps.now(),
                scenarios_total=len(to_run),
                scenarios_done=0,
                progress=0.0,
            ):
                raise Stop()

        def on_progress(done: int, total: int, _run: Any) -> None:
            if hb.stopped.is_set():
                raise Stop()
            with session_scope(settings.database_url) as session:
                if not store.set_progress(session, submission_id, owner, done, total):
                    hb.stopped.set()
                    raise Stop()

        try:
            runs = sandbox.run(image.image_id, to_run, track, on_progress, label=label)
        except Stop:
            raise
        except Exception:
            if hb.stopped.is_set():
                raise Stop() from None
            raise
        if hb.stopped.is_set():
            raise Stop()
        with session_scope(settings.database_url) as session:
            if not store.advance(
                session,
                submission_id,
                owner,
                Status.SCORING,
                deps.now(),
                progress=1.0,
                scenarios_done=len(to_run),
            ):
                raise Stop()
        invariance = probe_invariance(scenarios, variants, runs)
        public_overall = mean_overall(public, runs)
        from worker.record import build_record, run_costs

        scored = attempt_runs(runs, attempt_of)
        costs = run_costs(scored, runs, len(probes), len(public))  # aggregates only

        def record(now: datetime) -> dict[str, Any]:
            return build_record(
                settings,
                image_sha256=image_sha256,
                image_id=getattr(image, "image_id", None),
                declared_image_id=getattr(image, "declared_id", None),
                source=source,
                scenarios=scenarios,
                attempts=attempts,
                track=track,
                costs=costs,
                started_at=started_at,
                finished_at=now,
            )

        written = _finalize(
            deps,
            submission_id,
            owner,
            scenarios,
            scored,
            source,
            invariance,
            public_overall,
            attempts=attempts,
            record=record,
        )
        del runs, scored  # per-scenario data: memory only, dropped now
        if not written:
            raise Stop()
        log.info("finished", extra={**extra, "limits_hit": _limits_hit(sandbox)})
        return "finished"
    except Stop:
        log.info("stopped", extra=extra)
        return "cancelled"
    except Exception as exc:
        code = getattr(exc, "code", None) if isinstance(exc, deps.runner_error) else None
        code = code or "infrastructure_error"
        log.warning(
            "evaluation error",
            exc_info=True,
            extra={**extra, "code": code, "error": type(exc).__name__},
        )
        if attempt < settings.submission_max_attempts:
            with session_scope(settings.database_url) as session:
                released = store.release_for_retry(session, submission_id, owner, deps.now())
            if released:
                # If the broker is down, the reconciler re-enqueues queued rows.
                with contextlib.suppress(Exception):
                    deps.enqueue_retry(submission_id, min(300.0, 15.0 * attempt))
                return "retry"
            return "cancelled"
        _fail(
            deps,
            submission_id,
            owner,
            code,
            f"Evaluation failed on the server side ({code}) after {attempt} attempt(s). "
            "This does not count against your quota.",
            FailureKind.INFRASTRUCTURE,
        )
        return "failed"
    finally:
        hb.stop()
        # Containers first (an image in use cannot be removed), then the
        # image: by its handle if the load returned, and in any case every
        # internal reference of this attempt (a load interrupted after the
        # tag, a cancel mid-load).
        cleanup_attempt(sandbox, submission_id, attempt)
        if image is not None:
            try:
                sandbox.remove_image(image)
            except Exception as exc:
                log.warning("image removal failed", extra={"error": type(exc).__name__})
        if fetched is not None:
            # The original lives on the api host: the reconciler running there
            # deletes it (final rows past retention), so the row is left unmarked.
            fetched.unlink(missing_ok=True)
        else:
            try:  # only when the row is final (checked in the same statement)
                _delete_archive(deps, submission_id, archive)
            except Exception as exc:
                log.warning("archive deletion failed", extra={"error": type(exc).__name__})
