from services.settings import Settings
from worker.sandbox import hardening


def _kwargs(**overrides: object) -> dict:
    settings = Settings(
        agent_memory_bytes=256 * 1024**2,
        agent_cpus=0.5,
        agent_pids_limit=64,
        agent_uid=4242,
        **overrides,
    )
    return hardening.agent_create_kwargs(
        settings,
        image_id="sha256:" + "a" * 64,
        sidecar_id="side",
        in_volume="vin",
        out_volume="vout",
        environment={"A": "1"},
        labels={"org.assetops.arena": "1"},
        name="n",
    )


def test_agent_container_is_hardened() -> None:
    kw = _kwargs()
    assert kw["image"].startswith("sha256:")
    assert kw["user"] == "4242:4242"
    assert kw["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in kw["security_opt"]
    assert kw["read_only"] is True
    assert kw["mem_limit"] == kw["memswap_limit"] == 256 * 1024**2
    assert kw["nano_cpus"] == 500_000_000
    assert kw["pids_limit"] == 64
    assert kw["init"] is True
    assert kw["network_mode"] == "container:side"
    assert "privileged" not in kw and "ports" not in kw
    assert kw["volumes"]["vin"] == {"bind": "/input", "mode": "ro"}
    assert kw["volumes"]["vout"] == {"bind": "/output", "mode": "rw"}
    assert "size=" in kw["tmpfs"]["/tmp"] and "nosuid" in kw["tmpfs"]["/tmp"]
    limits = {u["Name"]: u["Hard"] for u in kw["ulimits"]}
    assert limits["fsize"] == Settings().agent_fsize_bytes
    assert limits["core"] == 0
    assert kw["log_config"]["Config"]["max-size"]
    # never the docker socket, never a host path
    assert all(not str(k).startswith("/") for k in kw["volumes"])


def test_runtime_is_a_setting() -> None:
    assert "runtime" not in _kwargs()
    assert _kwargs(agent_runtime="runsc")["runtime"] == "runsc"


def test_output_volume_is_size_capped_tmpfs() -> None:
    settings = Settings(agent_output_bytes=1234, agent_uid=7)
    opts = hardening.io_volume_options(settings, output=True)
    assert opts["type"] == "tmpfs" and "size=1234" in opts["o"] and "uid=7" in opts["o"]
    assert "noexec" in opts["o"]


def test_sidecar_has_no_network_and_mounts_io_volumes() -> None:
    kw = hardening.sidecar_create_kwargs(
        Settings(),
        image="assetops-arena:latest",
        runs_volume="runs",
        io_volumes=[("i0", "o0"), ("i1", "o1")],
        gateway_dir="/srv/gw",
        labels={},
        name="s",
    )
    assert kw["network_mode"] == "none"
    assert kw["volumes"]["o1"]["bind"] == "/runs/io/1/out"
    assert kw["volumes"]["/srv/gw"] == {"bind": "/gateway", "mode": "ro"}
    assert kw["environment"]["ARENA_GATEWAY_SOCKET"] == "/gateway/llm.sock"
    assert kw["command"][:3] == ["python", "-m", "services.assetdata"]
    assert "--runs-dir" in kw["command"]
