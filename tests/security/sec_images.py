"""Agent images built offline from ``arena-base:bookworm`` for the suites.

Every image carries ``org.assetops.arena=1`` and ``org.assetops.arena.suite=sec``
so the teardown removes exactly what we built.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
from pathlib import Path

BASE_IMAGE = "arena-base:bookworm"
LABELS = {"org.assetops.arena": "1", "org.assetops.arena.suite": "sec"}

# An agent that tries to smuggle its scenario out through every channel it
# has: the answer, the plan arguments, the self-reported trajectory, stdout,
# stderr, tool-call arguments sent to the asset-data service (which the
# server logs authoritatively), LLM gateway prompts, and a crash message.
LEAKY_AGENT = r"""
import json, os, sys, urllib.request

scenario = json.load(open("/input/scenario.json"))
task = scenario.get("task", "")
print("STDOUT-LEAK", task, flush=True)
print("STDERR-LEAK", task, file=sys.stderr, flush=True)

api = os.environ.get("ASSETOPS_API_URL", "")
def call(path, body):
    try:
        req = urllib.request.Request(api + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.read().decode(errors="replace")[:500]
    except Exception as exc:
        return "error: %r" % (exc,)

obs1 = call("/iot/sites", {})
obs2 = call("/iot/assets", {"site_name": task})          # scenario text as an argument
obs3 = call("/wo/get_workorder", {"wonum": task[:200]})   # ... and as an id
llm = ""
base = os.environ.get("OPENAI_BASE_URL", "")
if base:
    try:
        req = urllib.request.Request(base.rstrip("/") + "/chat/completions",
            data=json.dumps({"model": "any",
                             "messages": [{"role": "user", "content": task}]}).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + os.environ.get("OPENAI_API_KEY", "")})
        with urllib.request.urlopen(req, timeout=10) as r:
            llm = r.read().decode(errors="replace")[:500]
    except Exception as exc:
        llm = "error: %r" % (exc,)

result = {
    "answer": "Here is my task verbatim: " + task,
    "plan": [{"agent": "iot", "tool": "assets", "arguments": {"site_name": task}}],
    "trajectory": [
        {"thought": task[:3900], "tool": "iot.assets", "arguments": {"site_name": task},
         "observation": (obs2 + task)[:7900]},
        {"thought": "LLM said " + llm[:3000], "tool": "wo.get_workorder",
         "arguments": {"wonum": task[:200]}, "observation": obs3[:7900]},
    ],
}
os.makedirs("/output", exist_ok=True)
json.dump(result, open("/output/result.json", "w"))
print("DONE-LEAK", task, flush=True)
"""

# Minimal well-behaved agent for load tests: answers nothing quickly.
NOOP_AGENT = r"""
import json, os
os.makedirs("/output", exist_ok=True)
json.dump({"answer": "", "plan": [], "trajectory": []}, open("/output/result.json", "w"))
"""

# Sleeps long enough for a chaos test to kill the worker mid-evaluation,
# then answers like the noop agent.
SLOW_AGENT = r"""
import json, os, time
time.sleep(float(os.environ.get("SEC_SLEEP", "6")))
os.makedirs("/output", exist_ok=True)
json.dump({"answer": "42", "plan": [], "trajectory": []}, open("/output/result.json", "w"))
"""


def _context(script: str) -> io.BytesIO:
    dockerfile = (
        f"FROM {BASE_IMAGE}\n"
        "COPY agent.py /agent/agent.py\n"
        "USER 65534:65534\n"
        'ENTRYPOINT ["python3", "/agent/agent.py"]\n'
    )
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, text in (("Dockerfile", dockerfile), ("agent.py", script)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def build_agent_image(tag: str, script: str) -> str:
    """Build (offline, no network) and return the image id."""
    import docker

    client = docker.from_env(timeout=300)
    image, _ = client.images.build(
        fileobj=_context(script),
        custom_context=True,
        tag=tag,
        labels=LABELS,
        network_mode="none",
        rm=True,
        forcerm=True,
        pull=False,
    )
    return str(image.id)


def save_image(tags: list[str], dest: Path, compress: bool = False) -> Path:
    """``docker save`` (optionally gzip'd) — exactly what participants upload."""
    with dest.open("wb") as out:
        save = subprocess.Popen(["docker", "save", *tags], stdout=subprocess.PIPE)
        assert save.stdout is not None
        if compress:
            gz = subprocess.run(["gzip", "-1", "-c"], stdin=save.stdout, stdout=out, check=True)
            assert gz.returncode == 0
        else:
            while chunk := save.stdout.read(1 << 20):
                out.write(chunk)
        if save.wait() != 0:
            raise RuntimeError(f"docker save {tags} failed")
    return dest


def remove_images(tags: list[str]) -> None:
    import docker

    client = docker.from_env()
    for tag in tags:
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(tag, force=True)


def arena_containers(label_filter: str | None = None) -> list[str]:
    """Names of live containers carrying the arena label (optionally narrowed)."""
    import docker

    client = docker.from_env()
    labels = ["org.assetops.arena=1"] + ([label_filter] if label_filter else [])
    return [c.name for c in client.containers.list(all=True, filters={"label": labels})]


def build_tiny_image(tag: str, sleep_seconds: int = 600) -> str:
    """A ~2 MiB single-layer image (non-root, entrypoint ``/bin/sleep N``)
    made with ``docker import`` from the host's ``sleep`` and its two shared
    libraries: a valid upload that costs almost nothing to send and that,
    once running, stays active until cancelled or timed out — what the load,
    quota and chaos tests need to hold a submission in a non-final state."""
    import docker

    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as tar:
        for host_path in (
            "/bin/sleep",
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/ld-linux-x86-64.so.2",
        ):
            real = Path(host_path).resolve()
            data = real.read_bytes()
            info = tarfile.TarInfo(host_path.lstrip("/"))
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    client = docker.from_env(timeout=120)
    changes = ["USER 65534:65534", f'ENTRYPOINT ["/bin/sleep", "{sleep_seconds}"]'] + [
        f"LABEL {k}={v}" for k, v in LABELS.items()
    ]
    image = client.images.get(_import(layer.getvalue(), tag, changes))
    return str(image.id)


def _import(data: bytes, tag: str, changes: list[str]) -> str:
    argv = ["docker", "import"]
    for change in changes:
        argv += ["-c", change]
    out = subprocess.run([*argv, "-", tag], input=data, capture_output=True, check=True)
    return out.stdout.decode().strip()
