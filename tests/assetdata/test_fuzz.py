"""Schemathesis over the service's own OpenAPI: no 5xx, responses conform
(status codes, content types, schemas), invalid bodies are rejected.

positive_data_acceptance is not checked: schema-valid bodies may name assets
or dates that do not exist, which correctly yields 404/422."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from services.assetdata.app import create_app
from services.assetdata.plant import load_plant

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(plant=load_plant()))


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_fuzz(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ]
    )
