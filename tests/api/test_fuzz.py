"""The API fuzzed against its own description, in process: no 5xx, answers as described.

Each operation gets 25 generated requests (hypothesis, derandomized: the same every run),
on a scheme holding private data too; the write route gets a valid partner token.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from consult.api.openapi import spec

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SCHEMA = schemathesis.openapi.from_dict(spec())
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


# Negative requests need something to break: the description route takes no input.
RUNS = [
    (label, mode)
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or label != "GET /api/openapi.json"
]


@pytest.mark.parametrize(("label", "mode"), RUNS)
def test_api_answers_as_described(app, world, make_token, label, mode):
    """Valid requests, then hostile ones (wrong types, out-of-range values, bad bodies)."""
    operation = OPERATIONS[label]
    operation.schema.app = app  # requests go to the app in process (WSGI)
    headers = make_token()[1] if operation.method.upper() == "POST" else {}
    seen = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers, app=app)
        seen.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()
    assert seen  # requests were really sent
    assert all(status < 500 for status in seen)
