"""Hostile agent for the sandbox test-suite. Each behaviour attacks one
limit; the ones that can observe their own containment write a JSON report
as the answer so the tests can check it."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

OUT = "/output/result.json"


def report(findings, code=0):
    with open(OUT, "w") as fh:
        json.dump({"answer": json.dumps(findings)}, fh)
    sys.exit(code)


def try_write(path):
    try:
        with open(path, "w") as fh:
            fh.write("x")
        return "written"
    except OSError as exc:
        return type(exc).__name__ + ":" + str(exc.errno)


def forkbomb():
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.01)


def membomb():
    hog = []
    while True:
        hog.append(bytearray(16 * 1024 * 1024))


def diskfill():
    found = {}
    for target in ("/tmp/fill", "/output/fill", "/fill"):
        written = 0
        try:
            with open(target, "wb") as fh:
                chunk = b"\0" * (1024 * 1024)
                while written < 4 * 1024**3:
                    fh.write(chunk)
                    fh.flush()
                    written += len(chunk)
            found[target] = f"wrote {written}"
        except OSError as exc:
            found[target] = f"stopped at {written}: errno {exc.errno}"
    # no result: a failed run (and /output is full anyway)
    print(json.dumps(found), flush=True)
    sys.exit(2)


def logflood():
    line = "x" * 1000 + "\n"
    while True:
        sys.stdout.write(line * 100)


def network():
    found = {}
    # In a network-none namespace these fail at once (no route): no packet
    # ever leaves the sandbox.
    for host, port in (
        ("1.1.1.1", 53),
        ("8.8.8.8", 443),
        ("10.0.0.1", 80),
        ("192.168.1.1", 80),
        ("172.17.0.1", 2375),
    ):
        try:
            socket.create_connection((host, port), timeout=2).close()
            found[f"{host}:{port}"] = "CONNECTED"
        except OSError as exc:
            found[f"{host}:{port}"] = f"blocked errno {exc.errno}"
    try:
        socket.getaddrinfo("example.com", 443)
        found["dns"] = "RESOLVED"
    except OSError:
        found["dns"] = "blocked"
    for path in ("/var/run/docker.sock", "/run/docker.sock"):
        if os.path.exists(path):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                found[path] = "CONNECTED"
            except OSError as exc:
                found[path] = f"blocked errno {exc.errno}"
        else:
            found[path] = "absent"
    ifaces = [name for _, name in socket.if_nameindex()]
    found["interfaces"] = ifaces
    report(found)


def sleepforever():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with open(OUT, "w") as fh:  # an early answer must not count after a timeout
        json.dump({"answer": "done early"}, fh)
    while True:
        time.sleep(3600)


def hugeresult():
    with open(OUT, "w") as fh:
        fh.write('{"answer": "')
        fh.write("A" * (2 * 1024 * 1024))
        fh.write('"}')


def nanresult():
    with open(OUT, "w") as fh:
        fh.write('{"answer": "42", "plan": [], "score": NaN}')


def notjson():
    with open(OUT, "w") as fh:
        fh.write("this is not json {")


def secrets():
    found = {"env": dict(os.environ)}
    texts = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for name in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{name}", "rb") as fh:
                        texts.append(fh.read().decode("utf-8", "replace"))
                except OSError:
                    pass
    found["pids"] = sorted(p for p in os.listdir("/proc") if p.isdigit())
    found["proc_text"] = "\n".join(texts)[:20000]
    found["keys_seen"] = sorted(set(re.findall(r"sk-[A-Za-z0-9-]+", "\n".join(texts))))
    for path in ("/runs", "/gateway", "/app", "/var/lib/arena"):
        found[path] = os.path.exists(path)
    report(found)


def privesc():
    found = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid()}
    try:
        os.setuid(0)
        found["setuid0"] = "ROOT"
    except OSError as exc:
        found["setuid0"] = f"denied errno {exc.errno}"
    proc = subprocess.run(
        ["/usr/local/bin/supython", "-c", "import os; print(os.geteuid())"],
        capture_output=True,
        text=True,
    )
    found["setuid_binary_euid"] = proc.stdout.strip()
    with open("/proc/self/status") as fh:
        found["cap_eff"] = [ln.split()[1] for ln in fh if ln.startswith("CapEff")][0]
        fh.seek(0)
        found["no_new_privs"] = [ln.split()[1] for ln in fh if ln.startswith("NoNewPrivs")][0]
    report(found)


def writeoutside():
    found = {
        path: try_write(path)
        for path in ("/etc/passwd", "/evil", "/input/evil", "/usr/evil", "/var/evil", "/home/evil")
    }
    found["/tmp/ok"] = try_write("/tmp/ok")
    report(found)


def control():
    with open("/input/scenario.json") as fh:
        scenario = json.load(fh)
    report({"control": "ok", "run_id": scenario["run_id"]})


BEHAVIOURS = {
    f.__name__: f
    for f in (
        forkbomb,
        membomb,
        diskfill,
        logflood,
        network,
        sleepforever,
        hugeresult,
        nanresult,
        notjson,
        secrets,
        privesc,
        writeoutside,
        control,
    )
}

if __name__ == "__main__":
    with open("/input/scenario.json") as fh:
        task = json.load(fh)["task"]
    match = re.search(r"HOSTILE (\w+)", task)
    BEHAVIOURS[match.group(1) if match else "control"]()
