"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document covering every route the app serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from app import app, routes
from tests.integration.conftest import Api

ROOT = Path(__file__).resolve().parents[2]

# The routes the web client and the README's tour rely on.
CORE_ROUTES = {
    ("get", "/api/v1/me"),
    ("put", "/api/v1/me"),
    ("put", "/api/v1/mentors/me"),
    ("get", "/api/v1/mentors"),
    ("get", "/api/v1/mentors/{mentor_id}"),
    ("post", "/api/v1/connections"),
    ("get", "/api/v1/connections"),
    ("put", "/api/v1/connections/{connection_id}/accept"),
    ("put", "/api/v1/connections/{connection_id}/decline"),
    ("put", "/api/v1/connections/{connection_id}/remove"),
    ("post", "/api/v1/sessions/availability"),
    ("get", "/api/v1/sessions/availability/{mentor_id}"),
    ("post", "/api/v1/sessions/book"),
    ("get", "/api/v1/sessions/my-sessions"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("put", "/api/v1/sessions/{session_id}/start"),
    ("put", "/api/v1/sessions/{session_id}/cancel"),
    ("put", "/api/v1/sessions/{session_id}/reschedule"),
    ("put", "/api/v1/sessions/{session_id}/complete"),
    ("get", "/api/v1/health"),
    ("get", "/api/v1/openapi.json"),
}
PUBLIC_CORE = {
    "/api/v1/health",
    "/api/v1/openapi.json",
    "/api/v1/mentors",
    "/api/v1/mentors/{mentor_id}",
    "/api/v1/sessions/availability/{mentor_id}",
}


@pytest.fixture
def doc(api: Api) -> dict[str, Any]:
    reply = api.get("/api/v1/openapi.json")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    return dict(reply.body)


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_every_route_and_no_other_is_documented(doc: dict[str, Any]) -> None:
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert documented >= CORE_ROUTES
    served = {(m.lower(), p) for p, entry in app.routes.items() for m in entry}
    assert documented == served


def test_security_bodies_and_problems(doc: dict[str, Any]) -> None:
    public = {(s.method.lower(), s.path) for s in routes.specs if s.public}
    assert {p for _, p in public} >= PUBLIC_CORE
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert (op["security"] == []) == ((method, path) in public), (method, path)
            responses = op["responses"]
            errors = {code for code in responses if not code.startswith("2")}
            for code in errors:
                content = responses[code]["content"]["application/problem+json"]
                assert content["schema"]["allOf"][0]["$ref"].endswith("/Problem")
                assert content["schema"]["allOf"][1]["properties"]["code"]["enum"]
            assert "415" in errors, (method, path)
            assert ("401" in errors) == ((method, path) not in public), (method, path)
            assert ("413" in errors) == ("requestBody" in op), (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)
            writes = method == "post" or path.endswith(("/me", "/cancel", "/reschedule"))
            if writes and method != "get":
                assert "requestBody" in op, (method, path)
    book = doc["paths"]["/api/v1/sessions/book"]["post"]
    assert "201" in book["responses"]
    assert set(book["responses"]) == {"201", "400", "401", "403", "404", "409", "413", "415", "503"}
    conflict = book["responses"]["409"]["content"]["application/problem+json"]
    assert "SLOT_UNAVAILABLE" in conflict["schema"]["allOf"][1]["properties"]["code"]["enum"]
    health = doc["paths"]["/api/v1/health"]["get"]
    assert set(health["responses"]) == {"200", "415"}  # public, no body, no database
    assert {p["name"] for p in book["parameters"]} == {"Idempotency-Key"}
    schema = doc["components"]["schemas"]["BookIn"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "mentorId", "scheduledAt", "duration", "sessionType", "title", "timezone",
    }  # fmt: skip
    listing = doc["paths"]["/api/v1/sessions/my-sessions"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"limit", "cursor", "role", "tab"}
    session = doc["components"]["schemas"]["SessionOut"]["properties"]
    assert {"meetingLink", "mentor", "student", "noShowBy", "rescheduledFrom"} <= set(session)


def test_the_web_client_types_come_from_this_document(doc: dict[str, Any]) -> None:
    committed = json.loads((ROOT / "frontend" / "src" / "api" / "openapi.json").read_text())
    assert committed == doc, (
        "frontend/src/api/openapi.json is stale; refresh it and the types: make api-docs"
    )
