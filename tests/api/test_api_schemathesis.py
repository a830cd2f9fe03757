"""Property-based API test: schemathesis generates requests from the app's OpenAPI
document and sends them to the ASGI app over the real local Neo4j (the scene loaded):
no 5xx and no response that violates the schema. Bounded: a few examples per operation.

(schemathesis' own pytest loader does not work with pytest 9 yet, so each operation's
hypothesis strategy is driven here, one test per operation.)"""

from __future__ import annotations

import json

import pytest
import schemathesis
from api_client import auth
from hypothesis import HealthCheck, given, settings

from notoneless.api.app import create_app
from notoneless.api.contract import openapi_text

pytestmark = pytest.mark.graph

OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, ops in json.loads(openapi_text())["paths"].items() for method in ops
)
MAX_EXAMPLES = 6


@pytest.fixture(scope="module")
def api_schema(graph_store, graph_settings, scene):
    app = create_app(graph_settings, store=graph_store)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_its_schema(api_schema, scene, label: str) -> None:
    operations = {op.label: op for op in (r.ok() for r in api_schema.get_all_operations())}
    operation = operations[label]
    headers = auth(scene["county_a"])

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def check(case) -> None:
        case.call_and_validate(headers=headers)

    check()
