"""Drive deploy/stack.sh for tests: a throw-away compose project on host
networking, every service on 127.0.0.1 at free ports (never 5432/6379/8000,
which belong to the dev services and to `make demo`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("IMAGE", "assetops-arena:latest")
POSTGRES_IMAGE = os.environ.get("POSTGRES_IMAGE", "arena-postgres:15")
REDIS_IMAGE = os.environ.get("REDIS_IMAGE", "arena-redis:7")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_images() -> list[str]:
    return [
        name
        for name in (IMAGE, POSTGRES_IMAGE, REDIS_IMAGE)
        if subprocess.run(["docker", "image", "inspect", name], capture_output=True).returncode
    ]


@dataclass
class Stack:
    state_dir: Path
    project: str = field(
        default_factory=lambda: f"arena-smoke-{os.getpid()}-{time.time_ns() % 10**6}"
    )
    api_port: int = field(default_factory=free_port)
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    workers: int = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def gateway_dir(self) -> Path:
        return self.state_dir / "gateway"

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if k != "PACK"},  # the caller's own pack
            "PROJECT": self.project,
            "HOST_NET": "1",
            "STATE_DIR": str(self.state_dir),
            "API_PORT": str(self.api_port),
            "PG_PORT": str(self.pg_port),
            "REDIS_PORT": str(self.redis_port),
            "GATEWAY_DIR": str(self.gateway_dir),
            "IMAGE": IMAGE,
            "POSTGRES_IMAGE": POSTGRES_IMAGE,
            "REDIS_IMAGE": REDIS_IMAGE,
            "WORKERS": str(self.workers),
            "READY_TIMEOUT": "240",
        }

    def run(
        self, *args: str, timeout: float = 600, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(ROOT / "deploy/stack.sh"), *args],
            cwd=ROOT,
            env={**self.env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def up(self, **env: str) -> str:
        """`stack.sh up`; ``env`` adds variables (PACK=...: the scenario pack)."""
        done = self.run("up", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def down(self) -> None:
        subprocess.run(
            ["bash", str(ROOT / "deploy/stack.sh"), "down"],
            cwd=ROOT,
            env={**self.env(), "WIPE": "1"},
            capture_output=True,
            timeout=300,
        )
        shutil.rmtree(self.gateway_dir, ignore_errors=True)

    def secret(self, key: str) -> str:
        for line in (self.state_dir / f"{self.project}.secrets.env").read_text().splitlines():
            if line.startswith(key + "="):
                return line.split("=", 1)[1]
        raise KeyError(key)

    def containers(self) -> dict[str, list[dict]]:
        """Service name -> docker inspect of its containers (running or not)."""
        ids = subprocess.run(
            ["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        out: dict[str, list[dict]] = {}
        if not ids:
            return out
        for info in json.loads(
            subprocess.run(
                ["docker", "inspect", *ids], check=True, capture_output=True, text=True
            ).stdout
        ):
            out.setdefault(info["Config"]["Labels"]["com.docker.compose.service"], []).append(info)
        return out

    def get(self, path: str, token: str | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def post(self, path: str, body: dict, token: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc)."""
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    raw = bytes.fromhex(address)
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found
