"""Schemathesis against the running stack: no 500s, every response as the OpenAPI document says.

Driven through Schemathesis's Python API, one bounded Hypothesis run per
operation, authenticated as the demo student.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from app import routes
from chalicelib.demo import STUDENT
from devstack.stack import LocalStack

EXAMPLES_PER_OPERATION = 12
# Semantic rules (a past time, an unknown mentor, an IANA zone name) turn many
# schema-valid requests into documented 4xx answers, so "valid data must be
# accepted" does not apply; every check about the answers themselves does.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def test_the_api_keeps_its_documented_contract(stack: LocalStack) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.api_url}/api/v1/openapi.json")
    bearer = {"Authorization": f"Bearer {stack.token(STUDENT.user_id, STUDENT.name)}"}
    failures: dict[str, str] = {}
    operations = 0
    requests = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case[Any]) -> None:
            nonlocal requests
            requests += 1
            case.call_and_validate(
                base_url=stack.api_url, headers=bearer, checks=CHECKS, timeout=30
            )

        try:
            exercise()
        except Exception as exc:
            failures[operation.label] = str(exc)[:2000]
    # Every documented operation but the document itself, which Schemathesis
    # leaves out when it loads the schema from that very URL.
    assert operations == len(routes.specs) - 1
    assert requests >= operations * 5  # Hypothesis really generated cases for each
    assert failures == {}
