"""Schemathesis over the full OpenAPI the api serves, against the real
server (uvicorn + Postgres): zero server errors, zero schema violations
(status codes, content types, headers, response bodies). Run as admin
(every operation reachable) and as a team.

The asset-data service has its own schemathesis suite
(tests/assetdata/test_fuzz.py), not duplicated here.

``negative_data_rejection`` is not checked: FastAPI ignores unknown query
parameters by design (schemathesis counts ``?x-unknown=42`` answered 200 as
accepting invalid data); malformed values of declared parameters and bodies
are still generated and must never produce a 5xx or an undocumented answer.
``positive_data_acceptance`` is not checked either: schema-valid input can name
phases, teams or submissions that do not exist (404) or be a random byte
string posing as an image archive (422) — both correct answers.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
import sec_api
import sec_stack
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.integration]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 30


@pytest.fixture(scope="session")
def api_schema(fuzz_stack: sec_stack.ArenaStack):  # noqa: ANN201 - schemathesis schema
    return schemathesis.openapi.from_url(fuzz_stack.base_url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_fuzz_api_as_admin(case, fuzz_world: sec_api.World) -> None:  # noqa: ANN001
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world.admin_token}"}, checks=CHECKS, timeout=30
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES // 3,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_fuzz_api_as_team(case, fuzz_world: sec_api.World) -> None:  # noqa: ANN001
    token = fuzz_world.teams["fuzza"].token
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=30)


def test_fuzz_server_still_healthy(fuzz_stack: sec_stack.ArenaStack) -> None:
    """After the fuzzing the api still answers and its dependencies are up."""
    r = httpx.get(fuzz_stack.base_url + "/readyz", timeout=10)
    assert r.status_code == 200, r.text
    log = fuzz_stack.api.log_text() if fuzz_stack.api else ""
    assert "Traceback" not in log, log[-3000:]
    assert '"level": "error"' not in log, log[-3000:]
