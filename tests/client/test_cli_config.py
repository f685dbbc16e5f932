"""The CLI's config file: 0600, atomic, env overrides."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from client.assetops import config


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSETOPS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("ASSETOPS_URL", raising=False)
    monkeypatch.delenv("ASSETOPS_TOKEN", raising=False)
    return tmp_path / "cfg"


def test_defaults_without_file() -> None:
    cfg = config.load_config()
    assert cfg.url == config.DEFAULT_URL
    assert cfg.token is None


def test_save_is_private_and_round_trips(isolated: Path) -> None:
    path = config.save_config(config.ClientConfig(url="http://127.0.0.1:9", token="tok"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(isolated.stat().st_mode) == 0o700
    assert config.load_config() == config.ClientConfig(url="http://127.0.0.1:9", token="tok")


def test_save_tightens_a_loose_leftover_tmp_file(isolated: Path) -> None:
    isolated.mkdir(parents=True)
    leftover = isolated / (config.CONFIG_FILE_NAME + ".tmp")
    leftover.write_text("{}")
    leftover.chmod(0o644)
    path = config.save_config(config.ClientConfig(token="secret"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_environment_overrides_file(monkeypatch: pytest.MonkeyPatch) -> None:
    config.save_config(config.ClientConfig(url="http://127.0.0.1:1", token="file"))
    monkeypatch.setenv("ASSETOPS_URL", "127.0.0.1:2/")
    monkeypatch.setenv("ASSETOPS_TOKEN", "env")
    assert config.load_config() == config.ClientConfig(url="http://127.0.0.1:2", token="env")


def test_corrupt_file_is_a_clear_error(isolated: Path) -> None:
    isolated.mkdir(parents=True)
    (isolated / config.CONFIG_FILE_NAME).write_text("{not json")
    with pytest.raises(config.ConfigError, match="cannot read"):
        config.load_config()


def test_clear_token_keeps_url(isolated: Path) -> None:
    config.save_config(config.ClientConfig(url="http://127.0.0.1:3", token="tok"))
    config.clear_token()
    raw = json.loads((isolated / config.CONFIG_FILE_NAME).read_text())
    assert raw == {"url": "http://127.0.0.1:3", "token": None}
