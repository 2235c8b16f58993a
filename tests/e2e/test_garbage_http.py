"""Garbage over real HTTP at every route of the running stack: never a 500."""

from __future__ import annotations

import re

import pytest

from app import app
from tests.e2e.conftest import Http

ROUTES = sorted((path, method) for path, entry in app.routes.items() for method in entry)
BODIES = [b"", b"{", b"[]", b"\xff\xfe", b'{"x":' * 500 + b"1" + b"}" * 500, b'{"id": "x"}']


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_every_route_answers_garbage_with_a_problem(http: Http, path: str, method: str) -> None:
    token = http.token("garbage-sender")
    target = re.sub(r"\{[^}]+\}", "%F0%9F%92%A9", path).removeprefix("/api/v1")
    for body in BODIES:
        for query in ("", "?limit=zero&cursor=%00"):
            reply = http.call(
                method,
                target + query,
                token=token,
                raw=body,
                headers={"Content-Type": "application/json"},
            )
            assert reply.status_code < 500, (method, target, body[:30], reply.text)
            if reply.status_code >= 400:
                assert reply.headers["Content-Type"] == "application/problem+json"
                assert reply.json()["status"] == reply.status_code
    oversized = http.call(method, target, token=token, raw=b" " * (64 * 1024 + 1))
    assert oversized.status_code == 413
