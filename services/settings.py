"""All operator configuration in one pydantic-settings class.

Every field can be set by an environment variable ``ARENA_<FIELD>`` (upper
case) or in a ``.env`` file. Sections: database/queue, uploads, sandbox
limits, evaluation, LLM gateway, api.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARENA_", env_file=".env", extra="ignore")

    # --- database and queue ------------------------------------------------
    database_url: str = "postgresql+psycopg://arena:arena@127.0.0.1:5432/arena"
    redis_url: str = "redis://127.0.0.1:6379/0"

    # --- storage -----------------------------------------------------------
    data_dir: Path = Path("/var/lib/arena")  # uploads, temp run dirs
    upload_max_bytes: int = 4 * 1024**3
    upload_retention_seconds: int = 0  # delete tarball right after evaluation
    # Archive checks before an upload is accepted (tar/gzip bomb limits).
    upload_max_unpacked_bytes: int = 16 * 1024**3
    upload_max_members: int = 20_000
    upload_max_gzip_ratio: float = 100.0
    # Uploads one team may have in flight at once, over all api processes
    # (counted in Redis; 0 = unbounded). A slot of a crashed api process
    # frees itself after upload_slot_ttl_seconds (renewed while streaming).
    upload_max_concurrent_per_team: int = 2
    upload_slot_ttl_seconds: float = 60.0
    # Orphaned partial uploads (.incoming-*.part whose api process died) are
    # swept at api start and every upload_sweep_interval_seconds once idle
    # this long; a file whose upload is still in progress is never taken.
    upload_partial_max_age_seconds: float = 600.0
    upload_sweep_interval_seconds: float = 300.0

    # --- submission lifecycle (api + worker) ---------------------------------
    submission_deadline_seconds: int = 6 * 3600  # from first queueing to a final state
    submission_lease_seconds: int = 90  # worker heartbeat renews the row lease
    submission_max_attempts: int = 3  # infrastructure retries before failing
    reconcile_interval_seconds: float = 30.0  # celery beat period of the reconciler
    requeue_after_seconds: int = 600  # queued but unclaimed this long -> enqueue again
    celery_visibility_timeout_seconds: int = 4 * 3600
    leaderboard_max_age_seconds: int = 2  # Cache-Control max-age of public boards
    # Each api process re-reads a phase's leaderboard version at most this
    # often (0 = every request); writes made through this process are seen at once.
    leaderboard_version_ttl_seconds: float = 1.0
    # Failed authentications per client address and minute before 429 (0 = off).
    # Counted per (address, presented credential): one client retrying a bad
    # token does not lock out others behind the same proxy address.
    auth_failures_per_minute: int = 20
    # Ceiling over all credentials of one address (None = 10 x the limit
    # above, 0 = none); credentials accepted from that address pass it.
    auth_failures_per_address_per_minute: int | None = None
    # Redis shared by all api processes for those counters (None = redis_url);
    # while unreachable each process counts on its own.
    auth_limiter_redis_url: str | None = None
    # Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For names
    # the client (empty = the socket peer is the client).
    trusted_proxies: str = ""
    log_level: str = "INFO"

    # --- scenarios ---------------------------------------------------------
    hidden_seed: str = "dev-hidden-seed-change-me"  # operator secret
    public_seed: str = "public-v1"
    scenario_file: Path | None = None  # operator-authored set replaces the generated one
    # The operator's scenario pack (directory or .tar.gz; docs/scenarios.md):
    # read by workers only; None = the public pack shipped in packs/public,
    # which participants can read (logged and shown on the page).
    scenario_pack: Path | None = None
    # Invariance probes per submission: up to this many scenarios re-run with
    # other entity forms, and as many with another phrasing (0 = off).
    invariance_sample: int = Field(8, ge=0, le=100)
    plant_seed: int = 20200601

    # --- sandbox limits (per scenario run) -----------------------------------
    sidecar_image: str = "assetops-arena:latest"
    agent_wall_seconds: float = 120.0
    agent_cpus: float = 1.0
    agent_memory_bytes: int = 512 * 1024**2
    agent_pids_limit: int = 128
    agent_tmpfs_bytes: int = 64 * 1024**2
    agent_output_bytes: int = 4 * 1024**2
    agent_fsize_bytes: int = 64 * 1024**2
    agent_log_bytes: int = 1024**2
    agent_uid: int = 65534
    scenario_parallelism: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2)))
    # Adaptive parallelism (issue 22): a submission starts at
    # scenario_parallelism and grows while its scenarios/s rises (and the host
    # has memory), within [scenario_parallelism_min, scenario_parallelism_max]
    # (0 = 4 x the cores); False pins it at scenario_parallelism.
    scenario_parallelism_adaptive: bool = True
    scenario_parallelism_min: int = Field(1, ge=1)
    scenario_parallelism_max: int = Field(0, ge=0)
    # Scenario slots of the whole host, shared fairly by the submissions of
    # every worker using the same host_slots_dir (0 = scenario_parallelism_max).
    host_scenario_slots: int = Field(0, ge=0)
    # Where those slots live: a directory every worker of the host sees at
    # once (None = <data_dir>/host-slots, i.e. one worker's own).
    host_slots_dir: Path | None = None
    agent_nofile: int = 1024  # open-file ulimit inside the agent container
    agent_runtime: str | None = None  # OCI runtime, e.g. "runsc" (gVisor); None = engine default
    image_max_bytes: int = 8 * 1024**3  # all layers of an uploaded image, decompressed
    image_max_layer_bytes: int = 4 * 1024**3  # one layer, decompressed
    image_max_layers: int = 127  # overlay2 stacks at most 128 lower dirs
    image_max_config_bytes: int = 1024**2
    image_max_volumes: int = 8  # each VOLUME is covered by a capped tmpfs at run time
    # Images an upload must never move: their ids are compared before and
    # after every load (the sidecar image is always included).
    protected_images: str = (
        "arena-base:bookworm,arena-postgres:15,arena-redis:7,python:3.11-slim,postgres:16,redis:7"
    )
    image_load_timeout_seconds: float = 900.0  # docker load of a big tarball takes minutes
    sidecar_port: int = 8080  # asset-data port inside each submission's network namespace
    sidecar_ready_seconds: float = 90.0  # plant load + server start
    sidecar_cpus: float = 1.0
    sidecar_memory_bytes: int = 2 * 1024**3
    sidecar_pids_limit: int = 512
    gateway_socket_dir: Path | None = None  # default: <data_dir>/gateway, else the temp dir
    gateway_socket: str | None = None  # sidecar only: relay /v1/* to this unix socket

    # --- LLM gateway ---------------------------------------------------------
    llm_model: str = "mock/echo"  # litellm model id the gateway forwards to
    llm_token_budget: int = 20_000  # per scenario run
    llm_judge_model: str | None = None  # optional LLM judge; None = deterministic only
    # What an agent can make the sidecar and the gateway hold (published in
    # docs/agent-contract.md §6). Per run unless noted.
    llm_max_requests: int = 200  # chat completions per run; beyond: 429 request_limit_exceeded
    llm_max_output_tokens: int = 4096  # max_tokens of one request (caps what is asked for)
    sidecar_max_body_bytes: int = 2 * 1024**2  # one request body (tools, MCP, LLM relay): 413
    sidecar_max_argument_bytes: int = 64 * 1024  # one tool call's arguments as JSON: 413
    sidecar_max_log_entries: int = 2000  # tool calls logged per run; beyond: run failure
    sidecar_max_log_bytes: int = 4 * 1024**2  # tool-log bytes per run; beyond: run failure
    # Failure-statement embedder: "hash" (default, scikit-learn only) or "minilm"
    # (needs the optional 'embed' extra). Catalog centroids are per embedder.
    evaluator_embedder: str = "hash"

    # --- api -----------------------------------------------------------------
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    bootstrap_admin_token: str | None = None
    # Shared secret of GET /api/internal/submissions/{id}/archive (header
    # X-Arena-Internal-Token); None = that endpoint answers 404.
    internal_token: str | None = None
    # Api base URL a worker without the api's upload dir downloads archives
    # from (needs internal_token); None = read data_dir/uploads as before.
    image_source_url: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
