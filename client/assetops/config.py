"""Where the CLI keeps the server URL and the team token.

Stored as JSON in the user config dir (``~/.config/assetops/config.json`` on
Linux, via click's ``get_app_dir``), written with mode 0600 because the
token is a credential. ``ASSETOPS_URL`` / ``ASSETOPS_TOKEN`` override the
file so scripts and CI never need to write one; ``ASSETOPS_CONFIG_DIR``
moves the file (tests, several servers).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import typer

DEFAULT_URL = "http://127.0.0.1:8000"
CONFIG_FILE_NAME = "config.json"


class ConfigError(Exception):
    """The config file exists but cannot be used (corrupt JSON, wrong shape)."""


@dataclass(frozen=True)
class ClientConfig:
    url: str = DEFAULT_URL
    token: str | None = None


def config_dir() -> Path:
    override = os.environ.get("ASSETOPS_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(typer.get_app_dir("assetops"))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        url = "http://" + url
    return url


def load_config() -> ClientConfig:
    """File values, then environment overrides."""
    path = config_path()
    url, token = DEFAULT_URL, None
    if path.exists():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"{path} is not a JSON object")
        url = str(raw.get("url") or DEFAULT_URL)
        token = raw.get("token") or None
    url = os.environ.get("ASSETOPS_URL") or url
    token = os.environ.get("ASSETOPS_TOKEN") or token
    return ClientConfig(url=normalise_url(url), token=token)


def save_config(config: ClientConfig) -> Path:
    """Write atomically with 0600 from the first byte (the token never sits in
    a world-readable file, not even briefly)."""
    directory = config_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / CONFIG_FILE_NAME
    tmp = directory / (CONFIG_FILE_NAME + ".tmp")
    payload = json.dumps({"url": config.url, "token": config.token}, indent=2) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing tmp file keeps its old mode otherwise
        os.write(fd, payload.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def clear_token() -> Path | None:
    path = config_path()
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    url = raw.get("url") if isinstance(raw, dict) else None
    return save_config(ClientConfig(url=normalise_url(url or DEFAULT_URL), token=None))
