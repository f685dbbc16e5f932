"""Flood agent for tests/sandbox/test_sidecar_bounds.py. Each behaviour
pushes one thing the sidecar could be made to hold; the run writes a JSON
report as its answer (when it gets that far)."""

import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request

OUT = os.environ.get("ASSETOPS_OUTPUT", "/output/result.json")
BASE = os.environ["ASSETOPS_API_URL"]
HOST, PORT = BASE.split("//", 1)[1].split(":")
TOKEN = os.environ["ASSETOPS_RUN_TOKEN"]
KEY = os.environ.get("OPENAI_API_KEY", "")


def answer(findings):
    with open(OUT, "w") as fh:
        json.dump({"answer": json.dumps(findings)}, fh)


def call(path, body, timeout=30):
    data = json.dumps(body).encode()
    req = urllib.request.Request(
        BASE + path,
        data=data,
        headers={"Content-Type": "application/json", "X-Run-Token": TOKEN},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except OSError as exc:
        return 0, {"error": type(exc).__name__}


def calls():
    """Tool calls as fast as 16 threads go, each with ~60 KiB of arguments
    (under the per-call bound: every one of them is logged whole), until
    the run is closed."""
    pad = "p" * (60 * 1024)
    body = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "start": "2020-06-01",
        "final": "2020-06-02",
        "note": pad,
    }
    seen = {}
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            status, problem = call("/iot/history", body)
            with lock:
                seen[status] = seen.get(status, 0) + 1
            if problem.get("code") == "run_limit_exceeded":
                stop.set()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    stop.wait(60)
    stop.set()
    for t in threads:
        t.join(30)
    answer({"statuses": seen})


def _chunked(path, total, chunk=256 * 1024):
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=30)
    try:
        conn.putrequest("POST", path)
        conn.putheader("X-Run-Token", TOKEN)
        conn.putheader("Authorization", f"Bearer {KEY}")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        block = b"[" + b"1," * (chunk // 2 - 1)
        sent = 0
        while sent < total:
            conn.send(b"%x\r\n" % len(block) + block + b"\r\n")
            sent += len(block)
        conn.send(b"0\r\n\r\n")
        return conn.getresponse().status
    except OSError:
        try:  # the server answered and closed while we were sending
            return conn.getresponse().status
        except Exception:
            return 0
    finally:
        conn.close()


def _declared(path, length):
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=30)
    try:
        conn.putrequest("POST", path)
        conn.putheader("X-Run-Token", TOKEN)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        conn.send(b"[" + b"1," * 4096)
        return conn.getresponse().status
    except OSError:
        return 0
    finally:
        conn.close()


def bodies():
    """64 connections at once, each sending a 64 MiB chunked body (to the
    tools and to the LLM relay), then 64 announcing 1 GB."""
    seen = {}
    lock = threading.Lock()

    def record(status):
        with lock:
            seen[status] = seen.get(status, 0) + 1

    paths = ["/iot/sites", "/v1/chat/completions", "/mcp/iot/"]
    threads = [
        threading.Thread(target=lambda p=paths[i % 3]: record(_chunked(p, 64 * 1024**2)))
        for i in range(64)
    ]
    threads += [
        threading.Thread(target=lambda p=paths[i % 3]: record(_declared(p, 10**9)))
        for i in range(64)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    status, _ = call("/iot/sites", {})
    answer({"statuses": seen, "after": status})


def control():
    """Uses the tools while the floods go on (and after)."""
    statuses = []
    for _ in range(16):
        statuses.append(call("/iot/sites", {})[0])
        time.sleep(0.5)
    bad = [s for s in statuses if s != 200]
    answer({"control": "ok" if not bad else f"statuses {bad}"})


def main():
    with open(os.environ.get("ASSETOPS_INPUT", "/input/scenario.json")) as fh:
        task = json.load(fh)["task"]
    behaviour = task.split()[1] if task.startswith("FLOOD ") else "control"
    {"calls": calls, "bodies": bodies, "control": control}[behaviour]()


if __name__ == "__main__":
    main()
