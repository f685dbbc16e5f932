"""Privacy: a hostile agent copies its scenario (with the canary) into its
answer, plan, trajectory, tool-call arguments, LLM prompt, stdout and
stderr. After a full evaluation on the real stack, none of it — no canary,
no marker phrase, no sentence of task text — is in:

* a ``pg_dump`` of the database,
* any response of any GET operation of the api (every role), incl. the page,
* any service log (api, worker, beat),
* the Redis database the stack uses,
* the data directory (uploads, temp run dirs),
* leftover Docker containers or volumes of the submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sec_api
import sec_images
import sec_scenarios
from sec_stack import ArenaStack, pg_dump

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]

LEAKY_TAG = "arena-sec-leaky:privacy"


@dataclass
class Evaluated:
    stack: ArenaStack
    world: sec_api.World
    submission: dict[str, Any]
    responses: dict[str, bytes] = field(default_factory=dict)


def _crawl(stack: ArenaStack, world: sec_api.World, sub_id: str) -> dict[str, bytes]:
    """Every GET operation in the OpenAPI, as every role, plus the page."""
    spec = httpx.get(stack.base_url + "/openapi.json", timeout=10).json()
    team = world.teams["alpha"]
    roles = {
        "anonymous": None,
        "team_a": team.token,
        "team_b": world.teams["bravo"].token,
        "admin": world.admin_token,
    }
    values = {
        "submission_id": sub_id,
        "phase_id": str(world.phase_id),
        "team_id": str(team.team_id),
        "key_id": "0" * 16,
    }
    out: dict[str, bytes] = {}
    paths = [p for p, item in spec["paths"].items() if "get" in item] + ["/", "/openapi.json"]
    for role, token in roles.items():
        with stack.client(token) as client:
            for path in paths:
                url = path
                for k, v in values.items():
                    url = url.replace("{" + k + "}", v)
                for query in (
                    {},
                    {"phase": world.phase_id, "track": world.track},
                    {"phase": world.phase_id, "track": world.track, "page_size": 200},
                ):
                    r = client.get(url, params=query)
                    # headers too: an ETag or a Location could carry data
                    head = "".join(f"{k}: {v}\n" for k, v in r.headers.items())
                    out[f"{role} GET {url} {query} -> {r.status_code}"] = head.encode() + r.content
    return out


def _leaky_archive(stack: ArenaStack) -> Path:
    image_id = sec_images.build_agent_image(LEAKY_TAG, sec_images.LEAKY_AGENT)
    archive = sec_images.save_image([LEAKY_TAG], stack.root / "leaky.tar.gz", compress=True)
    # by id, every tag: the worker must load it from the upload (an image
    # already present would be treated as pre-existing and left alone)
    sec_images.remove_images([image_id])
    return archive


@pytest.fixture(scope="module")
def evaluated(stack: ArenaStack, world: sec_api.World) -> Evaluated:
    assert stack.secret is not None, "the shared stack runs on the secret scenario set"
    archive = _leaky_archive(stack)
    with stack.client(world.teams["alpha"].token) as client:
        r = sec_api.upload(client, archive, sec_api.upload_params(world))
        assert r.status_code == 202, r.text
        sub_id = sec_api.submission_id(r.json())
        final = sec_api.wait_final(client, sub_id, timeout=600)
    archive.unlink()
    result = Evaluated(stack, world, final)
    result.responses = _crawl(stack, world, sub_id)
    return result


def _report(where: str, leaks: list[str]) -> str:
    return f"{where}: {', '.join(leaks)}"


def test_evaluation_really_ran(evaluated: Evaluated) -> None:
    """The privacy checks below only mean something if the leaky agent ran
    on every scenario and its output reached the evaluator."""
    sub = evaluated.submission
    assert sub["status"] == "finished", sub
    assert sub["scenarios_done"] == sub["scenarios_total"] == len(evaluated.stack.secret.canaries)
    assert sub["scores"] is not None


def test_database_dump_has_no_scenario_data(evaluated: Evaluated) -> None:
    dump = pg_dump(evaluated.stack.db_url)
    assert b"submission_scores" in dump  # the dump is real
    leaks = sec_scenarios.find_leaks(dump, evaluated.stack.secret)
    assert not leaks, _report("pg_dump", leaks)


def test_api_responses_have_no_scenario_data(evaluated: Evaluated) -> None:
    assert len(evaluated.responses) > 40
    bad = []
    for where, body in evaluated.responses.items():
        leaks = sec_scenarios.find_leaks(body, evaluated.stack.secret)
        if leaks:
            bad.append(_report(where, leaks))
    assert not bad, "\n".join(bad)


def test_page_html_has_no_scenario_data(evaluated: Evaluated) -> None:
    r = httpx.get(evaluated.stack.base_url + "/", timeout=10)
    assert r.status_code == 200  # a missing page is a regression, not a skip
    leaks = sec_scenarios.find_leaks(r.content, evaluated.stack.secret)
    assert not leaks, _report("GET /", leaks)


def test_service_logs_have_no_scenario_data(evaluated: Evaluated) -> None:
    logs = evaluated.stack.all_logs()
    assert b"finished" in logs or b"claimed" in logs  # the worker log is really captured
    bad = []
    for path in sorted(evaluated.stack.log_dir.glob("*.log")):
        leaks = sec_scenarios.find_leaks(path.read_bytes(), evaluated.stack.secret)
        if leaks:
            bad.append(_report(path.name, leaks))
    assert not bad, "\n".join(bad)


def test_redis_has_no_scenario_data(evaluated: Evaluated) -> None:
    import redis

    client = redis.Redis.from_url(evaluated.stack.redis_url)
    blob = bytearray()
    for key in client.scan_iter(count=1000):
        blob += key
        dumped = client.dump(key)
        if dumped:
            blob += dumped
    leaks = sec_scenarios.find_leaks(bytes(blob), evaluated.stack.secret)
    assert not leaks, _report("redis", leaks)


def test_data_dir_has_no_scenario_data(evaluated: Evaluated) -> None:
    bad = []
    for path in evaluated.stack.data_dir.rglob("*"):
        if path.is_file():
            leaks = sec_scenarios.find_leaks(path.read_bytes(), evaluated.stack.secret)
            if leaks:
                bad.append(_report(str(path), leaks))
    assert not bad, "\n".join(bad)


def test_nothing_of_the_submission_left_in_docker(evaluated: Evaluated) -> None:
    import docker

    client = docker.from_env()
    sub_id = evaluated.submission["id"]
    leftovers = [
        c.name
        for c in client.containers.list(all=True, filters={"label": ["org.assetops.arena=1"]})
        if sub_id in str(c.labels.values())
    ]
    volumes = [
        v.name
        for v in client.volumes.list(filters={"label": "org.assetops.arena=1"})
        if sub_id in str((v.attrs.get("Labels") or {}).values())
    ]
    images = [
        i.id
        for i in client.images.list(filters={"label": "org.assetops.arena.suite=sec"})
        if any(LEAKY_TAG.split(":")[0] in t for t in i.tags)
    ]
    assert not leftovers, f"containers left: {leftovers}"
    assert not volumes, f"volumes left: {volumes}"
    assert not images, f"submitted image still loaded: {images}"


def test_debug_level_worker_logs_have_no_scenario_data(
    stack: ArenaStack, world: sec_api.World
) -> None:
    """An operator who turns on DEBUG to chase a problem must not start
    writing hidden scenarios into the log files."""
    for worker in stack.workers:
        worker.stop(timeout=180)  # warm shutdown: lets a running task finish
    stack.workers.clear()
    debug_worker = stack.start_worker("wdebug", ARENA_LOG_LEVEL="DEBUG")
    try:
        archive = _leaky_archive(stack)
        with stack.client(world.teams["alpha"].token) as client:
            r = sec_api.upload(client, archive, sec_api.upload_params(world))
            assert r.status_code == 202, r.text
            final = sec_api.wait_final(client, sec_api.submission_id(r.json()), timeout=600)
        archive.unlink()
        assert final["status"] == "finished", final
        log = debug_worker.log_path.read_bytes()
    finally:
        debug_worker.stop()
        stack.workers.remove(debug_worker)
        stack.start_worker()
    assert b"DEBUG" in log.upper()  # the level really was DEBUG
    leaks = sec_scenarios.find_leaks(log, stack.secret)
    assert not leaks, _report(debug_worker.log_path.name, leaks)


def test_published_scores_rounded_to_declared_precision(evaluated: Evaluated) -> None:
    """Probing defence: fine-grained scores let a team read single-scenario
    flips off the board; everything published is rounded to the precision
    the board itself declares."""
    stack, world = evaluated.stack, evaluated.world
    board = httpx.get(
        stack.base_url + "/api/v1/leaderboard",
        params={"phase": world.phase_id, "track": world.track},
        timeout=10,
    ).json()
    assert board["entries"], board
    precision = {c["key"]: c["precision"] for c in board["columns"]}
    unrounded = []
    for entry in board["entries"]:
        for key, p in precision.items():
            value = entry.get(key)
            if isinstance(value, float) and round(value, p) != value:
                unrounded.append(f"board {key}={value}")
    with stack.client(world.teams["alpha"].token) as c:
        scores = c.get(f"/api/v1/submissions/{evaluated.submission['id']}").json()["scores"]
    for key, p in precision.items():
        value = scores.get(key)
        if isinstance(value, float) and round(value, p) != value:
            unrounded.append(f"submission {key}={value}")
    assert not unrounded, unrounded
