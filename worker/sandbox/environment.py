"""The sandbox interface: what the worker, ``assetops validate`` and the
benchmarks need from a sandbox, in the spirit of inspect_ai's
``SandboxEnvironment`` -- start (connect), load an image, run a
submission's scenarios (or one), read the results, the logs and the typed
events of what happened, clean up -- with the Docker implementation
(``DockerSandbox``) behind it.

``DockerSandbox`` wraps the hardened code of this package unchanged
(``intake`` loads images, ``runner`` runs scenarios, ``janitor`` removes
leftovers); callers outside ``worker/sandbox`` go through it and never
talk to the engine or to those modules themselves
(``tests/architecture/test_sandbox_interface.py``).
"""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contracts.agent import Track
from contracts.run import ScenarioRun
from hidden_scenarios.schema import Scenario
from services.settings import Settings
from worker.sandbox import events as E
from worker.sandbox import intake, janitor, runner

log = logging.getLogger(__name__)

# What callers catch: image refused by intake (participant's fault, with a
# stable ``code``), infrastructure failure of a run (retried, ``code``).
IntakeError = intake.IntakeError
RunnerError = runner.RunnerError
LoadedImage = intake.LoadedImage
RunnerStats = runner.RunnerStats
CleanupReport = janitor.CleanupReport
ProgressCallback = runner.ProgressCallback
agent_environment = runner.agent_environment  # what an agent sees (validate prints it)
SERVER_IMAGE_CHANGED = "server_image_changed"


class SandboxUnavailable(Exception):
    """The sandbox's engine does not answer (nothing was started)."""


class ImageMissing(Exception):
    """A local image name or id the engine does not have (never pulled)."""


class SandboxEnvironment(abc.ABC):
    """One evaluation's sandbox. Not shared between submissions: its events,
    logs and stats are this caller's record of what happened.

    Lifecycle: obtain it connected (``DockerSandbox.connect``), ``load_image``
    (or ``image_id`` for an image already present), ``run`` / ``run_one``,
    ``remove_image``, ``cleanup``; ``close`` (or ``with``) at the end.
    """

    def __init__(self) -> None:
        self._events: list[E.SandboxEvent] = []
        self._logs: dict[str, str] = {}
        self._lock = threading.Lock()
        self._listeners: list[E.EventSink] = []
        self.stats = RunnerStats()  # where the time of the last ``run`` went

    # --- what an implementation provides -------------------------------

    @abc.abstractmethod
    def has_image(self, reference: str) -> bool:
        """Whether the engine has ``reference`` locally (never pulls)."""

    @abc.abstractmethod
    def image_id(self, reference: str) -> str:
        """The id of a local image; raises ``ImageMissing``."""

    @abc.abstractmethod
    def load_image(self, tar_path: str | Path, *, label: str) -> LoadedImage:
        """Inspect and load a ``docker save`` archive under an internal
        reference named after ``label``; raises ``IntakeError``."""

    @abc.abstractmethod
    def remove_image(self, image: LoadedImage) -> None:
        """Remove an image ``load_image`` returned (idempotent)."""

    @abc.abstractmethod
    def run(
        self,
        image_id: str,
        scenarios: Sequence[Scenario],
        track: Track,
        on_progress: ProgressCallback | None = None,
        *,
        label: str,
        llm_script: list[str] | None = None,
    ) -> list[ScenarioRun]:
        """Run ``image_id`` on every scenario, each in a fresh container
        that nothing of another run can reach; one ``ScenarioRun`` (exit
        facts, result, tool log) per scenario, in order. Raises
        ``RunnerError`` on infrastructure failure, never for the agent's."""

    def prepare(self, scenarios: Sequence[Scenario], track: Track, *, label: str) -> None:
        """A hint: get what ``run(…, scenarios, track, label=label)`` needs
        before its first agent ready now, in the background (e.g. while the
        image loads). Never shared with another run; an unused preparation
        is removed by ``close``. Errors surface from ``run``."""
        return None

    @abc.abstractmethod
    def cleanup(
        self,
        label: str | None = None,
        *,
        older_than: float = 0.0,
        images: bool = True,
        gateway_root: Path | None = None,
    ) -> CleanupReport:
        """Remove what sandboxes left behind: of ``label`` only, or (None)
        everything older than ``older_than`` seconds."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection to the engine."""

    # --- shared by every implementation --------------------------------

    def run_one(
        self,
        image_id: str,
        scenario: Scenario,
        track: Track,
        *,
        label: str,
        llm_script: list[str] | None = None,
    ) -> ScenarioRun:
        """One scenario, as ``run`` would run it."""
        [result] = self.run(image_id, [scenario], track, label=label, llm_script=llm_script)
        return result

    def subscribe(self, listener: E.EventSink) -> None:
        """Also send every later event to ``listener`` (called from run
        threads; must be quick and thread-safe)."""
        with self._lock:
            self._listeners.append(listener)

    def events(self, kind: type[E.SandboxEvent] = E.SandboxEvent) -> list[E.SandboxEvent]:
        """Every event so far (of ``kind``), in the order they happened."""
        with self._lock:
            return [e for e in self._events if isinstance(e, kind)]

    def logs(self) -> dict[str, str]:
        """The last lines each agent wrote, by scenario id (only when the
        sandbox keeps logs: local runs; the server never does)."""
        with self._lock:
            return dict(self._logs)

    def emit(self, event: E.SandboxEvent) -> None:
        with self._lock:
            self._events.append(event)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # an observer never changes an evaluation's outcome
                log.exception("sandbox event listener failed")

    def __enter__(self) -> SandboxEnvironment:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class DockerSandbox(SandboxEnvironment):
    """The sandbox on a Docker engine (the host's, through its socket).

    ``keep_logs``: keep each agent's last output lines (``logs()``); local
    debugging only. ``expected_plant_hash``: the plant the scenarios were
    built from; a sidecar image serving another is a ``plant_mismatch``
    ``RunnerError``.
    """

    def __init__(
        self,
        client: Any,
        settings: Settings,
        *,
        keep_logs: bool = False,
        expected_plant_hash: str | None = None,
    ) -> None:
        super().__init__()
        self._client = client
        self.settings = settings
        self.keep_logs = keep_logs
        self.expected_plant_hash = expected_plant_hash
        self._image_labels: dict[str, str] = {}  # image id -> the label it was loaded under
        self._ahead: ThreadPoolExecutor | None = None
        self._prepared: Future[runner.Prepared] | None = None

    @classmethod
    def connect(
        cls,
        settings: Settings,
        *,
        timeout: float = 300,
        keep_logs: bool = False,
        expected_plant_hash: str | None = None,
    ) -> DockerSandbox:
        """A sandbox on the engine of the environment (``DOCKER_HOST`` or the
        local socket), checked to answer; raises ``SandboxUnavailable``."""
        try:
            import docker

            client = docker.from_env(timeout=int(timeout))
            client.ping()
        except Exception as exc:  # no engine, no permission, no socket
            raise SandboxUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return cls(client, settings, keep_logs=keep_logs, expected_plant_hash=expected_plant_hash)

    def with_settings(self, settings: Settings) -> DockerSandbox:
        """A sandbox on the same engine connection with other settings
        (benchmarks compare parallelism settings in one process); its
        events, logs and stats are its own."""
        return DockerSandbox(
            self._client,
            settings,
            keep_logs=self.keep_logs,
            expected_plant_hash=self.expected_plant_hash,
        )

    def engine_version(self) -> str:
        return str(self._client.version().get("Version", "?"))

    def build_example(self, name: str, tag: str | None = None) -> str:
        """Build ``examples/agents/<name>`` offline; returns its image id
        (benchmarks and local tooling: the server never builds images)."""
        from worker.sandbox.build import build_example

        return build_example(self._client, name, tag)

    def has_image(self, reference: str) -> bool:
        import docker.errors

        try:
            self._client.images.get(reference)  # local lookup only, never a pull
        except (docker.errors.ImageNotFound, docker.errors.APIError):
            return False
        return True

    def image_id(self, reference: str) -> str:
        import docker.errors

        try:
            return str(self._client.images.get(reference).id)
        except (docker.errors.ImageNotFound, docker.errors.APIError) as exc:
            raise ImageMissing(reference) from exc

    def load_image(self, tar_path: str | Path, *, label: str) -> LoadedImage:
        try:
            image = intake.load_image(self._client, tar_path, self.settings, label=label)
        except IntakeError as exc:
            self.emit(E.ImageRejected(submission=label, code=exc.code))
            raise
        with self._lock:
            self._image_labels[image.image_id] = label
        self.emit(
            E.ImageLoaded(
                submission=label,
                image_id=image.image_id,
                reference=image.reference,
                size_bytes=image.size_bytes,
            )
        )
        return image

    def remove_image(self, image: LoadedImage) -> None:
        intake.remove_image(self._client, image)
        with self._lock:
            label = self._image_labels.pop(image.image_id, "")
        self.emit(E.ImageRemoved(submission=label, image_id=image.image_id))

    def prepare(self, scenarios: Sequence[Scenario], track: Track, *, label: str) -> None:
        self._discard_prepared()
        if not scenarios:
            return
        if self._ahead is None:
            self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arena-prepare")
        self._prepared = self._ahead.submit(
            runner.prepare,
            self._client,
            self.settings,
            list(scenarios[: runner.MAX_RUNS_PER_SIDECAR]),
            track,
            runner.submission_label(label),
            expected_plant_hash=self.expected_plant_hash,
            on_event=self.emit,
        )

    def _discard_prepared(self) -> None:
        """Remove a preparation no run took (waits for it to finish)."""
        pending, self._prepared = self._prepared, None
        if pending is not None and not pending.cancel():
            try:
                runner.release(self._client, pending.result(), self.emit)
            except Exception as exc:  # it failed: prepare removed what it made
                log.info("unused sandbox preparation ended in %s", type(exc).__name__)

    def run(
        self,
        image_id: str,
        scenarios: Sequence[Scenario],
        track: Track,
        on_progress: ProgressCallback | None = None,
        *,
        label: str,
        llm_script: list[str] | None = None,
    ) -> list[ScenarioRun]:
        self.stats = RunnerStats()
        if llm_script is not None:
            self._discard_prepared()  # its gateway was made without the scripted replies
        # run_submission uses it only when made for exactly this first chunk
        # (and releases it otherwise)
        prepared, self._prepared = self._prepared, None
        tails: dict[str, str] | None = {} if self.keep_logs else None
        try:
            return runner.run_submission(
                self._client,
                image_id,
                scenarios,
                track,
                self.settings,
                on_progress,
                submission_id=label,
                stats=self.stats,
                llm_script=llm_script,
                log_tails=tails,
                expected_plant_hash=self.expected_plant_hash,
                on_event=self.emit,
                prepared=prepared,
            )
        except RunnerError as exc:
            self.emit(E.SandboxFailed(submission=label, code=exc.code, message=exc.message))
            raise
        finally:
            if tails:
                with self._lock:
                    self._logs.update(tails)

    def cleanup(
        self,
        label: str | None = None,
        *,
        older_than: float = 0.0,
        images: bool = True,
        gateway_root: Path | None = None,
    ) -> CleanupReport:
        report = janitor.cleanup(
            self._client,
            older_than=older_than,
            submission=label,
            gateway_root=gateway_root,
            images=images,
        )
        self.emit(
            E.CleanedUp(
                submission=label or "*",
                containers=report.containers,
                volumes=report.volumes,
                images=report.images,
            )
        )
        return report

    def close(self) -> None:
        self._discard_prepared()
        if self._ahead is not None:
            self._ahead.shutdown(wait=True)
            self._ahead = None
        close = getattr(self._client, "close", None)
        if close is not None:
            close()


SandboxFactory = Callable[[], SandboxEnvironment]
