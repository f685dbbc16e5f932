"""``runlog.Limits.from_settings`` (issue 22): the four ``ARENA_SIDECAR_MAX_*``
values the worker passes its sidecars are read directly; anything else goes
through the settings (same values, same validation)."""

import pytest

from services.assetdata.runlog import Limits
from services.settings import Settings
from worker.sandbox.sidecar import limits_environment

NAMES = ("BODY_BYTES", "ARGUMENT_BYTES", "LOG_ENTRIES", "LOG_BYTES")


def _clear(monkeypatch: pytest.MonkeyPatch) -> None:
    for n in NAMES:
        monkeypatch.delenv(f"ARENA_SIDECAR_MAX_{n}", raising=False)


def _from(settings: Settings) -> Limits:
    return Limits(
        settings.sidecar_max_body_bytes,
        settings.sidecar_max_argument_bytes,
        settings.sidecar_max_log_entries,
        settings.sidecar_max_log_bytes,
    )


def test_what_the_worker_passes_is_what_the_service_uses(monkeypatch):
    _clear(monkeypatch)
    settings = Settings(
        sidecar_max_body_bytes=123456,
        sidecar_max_argument_bytes=7890,
        sidecar_max_log_entries=42,
        sidecar_max_log_bytes=99999,
    )
    for key, value in limits_environment(settings).items():
        monkeypatch.setenv(key, value)
    assert Limits.from_settings() == _from(settings)


def test_defaults_without_the_environment(monkeypatch):
    _clear(monkeypatch)
    assert Limits.from_settings() == _from(Settings())


def test_partial_or_odd_values_go_through_the_settings(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("ARENA_SIDECAR_MAX_LOG_ENTRIES", "17")
    assert Limits.from_settings().max_log_entries == 17  # via Settings
    assert Limits.from_settings().max_body_bytes == Settings().sidecar_max_body_bytes
    for n in NAMES:
        monkeypatch.setenv(f"ARENA_SIDECAR_MAX_{n}", "1000")
    monkeypatch.setenv("ARENA_SIDECAR_MAX_LOG_BYTES", "-5")
    assert Limits.from_settings() == _from(Settings())  # parsed as the settings parse it
    monkeypatch.setenv("ARENA_SIDECAR_MAX_LOG_BYTES", "lots")
    with pytest.raises(ValueError):
        Limits.from_settings()  # the settings' validation refuses it, as before
