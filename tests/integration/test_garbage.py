"""Garbage at every route: a clear 4xx problem, never a 500, never a crash."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import app
from tests.integration.conftest import Api, Reply

ROUTES = sorted((path, method) for path, entry in app.routes.items() for method in entry)
GARBAGE_PATH_VALUES = ["x", "%00", "a%23b", "%F0%9F%92%A9", "A" * 300, "..", "-"]
GARBAGE_BODIES: list[bytes] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"text"',
    b"123",
    b"true",
    b"\xff\xfe\x00garbage",
    b'{"a": NaN}',
    b"[" * 5000 + b"]" * 5000,
    b'{"x":' * 2000 + b"1" + b"}" * 2000,
    json.dumps({"mentorId": {"$ne": None}, "name": ["a"], "timezone": 5}).encode(),
    json.dumps({"scheduledAt": "2026-12-01T09:00:00", "duration": "30"}).encode(),
    json.dumps({"company": "a" * 10_000, "jobTitle": None, "timezone": "UTC"}).encode(),
    json.dumps({"limit": 10**40, "cursor": "💩"}).encode(),
]
GARBAGE_QUERIES = [
    "?limit=abc",
    "?limit=1e9",
    "?cursor=%FF%FE",
    "?cursor=" + "A" * 5000,
    "?limit=1&limit=2",
    "?unknown=1",
    "?role=%00",
    "?from=2026-13-45&to=yesterday",
]


def concrete(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def assert_clean(reply: Reply, what: str) -> None:
    assert reply.status < 500, f"{what} -> {reply.status} {reply.body}"
    if reply.status >= 400:
        assert reply.headers.get("Content-Type") == "application/problem+json", what
        assert isinstance(reply.body, dict), what
        assert {"type", "title", "status", "detail", "code"} <= set(reply.body), what
        assert reply.body["status"] == reply.status, what


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_garbage_bodies_and_paths_never_500(api: Api, path: str, method: str) -> None:
    for value in GARBAGE_PATH_VALUES:
        for body in GARBAGE_BODIES:
            target = concrete(path, value)
            reply = api.request(
                method,
                target,
                user="fuzzer",
                raw=body,
                headers={"Content-Type": "application/json"},
            )
            assert_clean(reply, f"{method} {target} {body[:40]!r}")
            if "{" not in path:
                break


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_garbage_queries_and_headers_never_500(api: Api, path: str, method: str) -> None:
    target = concrete(path, "x")
    for query in GARBAGE_QUERIES:
        assert_clean(api.request(method, target + query, user="fuzzer"), f"{method} {query}")
    for content_type in ("text/plain", "application/json; charset=latin-1", "", "*/*"):
        reply = api.request(
            method,
            target,
            user="fuzzer",
            raw=b'{"name": "x"}',
            headers={"Content-Type": content_type},
        )
        assert_clean(reply, f"{method} {target} content-type {content_type!r}")


@pytest.mark.parametrize(("path", "method"), [r for r in ROUTES if r[1] in ("PUT", "POST")])
def test_bodies_over_64_kib_are_413(api: Api, path: str, method: str) -> None:
    body = json.dumps({"bio": "x" * (64 * 1024)}).encode()
    reply = api.request(
        method,
        concrete(path, "x"),
        user="fuzzer",
        raw=body,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 413
    assert reply.body["code"] == "PAYLOAD_TOO_LARGE"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "name", "email", "timezone", "company", "jobTitle", "bio", "expertise", "mentorId",
        "message", "scheduledAt", "duration", "title", "reason", "status", "id",
    ]
)  # fmt: skip
bodies = st.dictionaries(field_names, json_values, max_size=6)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    body=bodies,
    path_value=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80),
)
def test_random_json_bodies_never_500(
    api: Api, route: tuple[str, str], body: dict[str, Any], path_value: str
) -> None:
    path, method = route
    from urllib.parse import quote

    target = concrete(path, quote(path_value, safe=""))
    reply = api.request(method, target, user="fuzzer", json_body=body)
    assert_clean(reply, f"{method} {target} {body}")
