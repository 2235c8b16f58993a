"""End-to-end tests: HTTP against the real local stack (moto server + ``chalice local``).

The stack is the one ``make run`` starts, on ports of its own, once per test
session; every e2e test runs on one xdist worker so there is only one stack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from devstack.stack import LocalStack, free_port


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))


@dataclass
class Http:
    """A tiny client for the running API."""

    base: str
    stack: LocalStack

    def token(self, user: str) -> str:
        return self.stack.token(user, f"User {user}", f"{user}@example.com")

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        return requests.request(method, self.base + path, headers=sent, data=data, timeout=30)


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    running = LocalStack(api_port=free_port(), db_port=free_port(), quiet=True)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def http(stack: LocalStack) -> Http:
    return Http(stack.api_url + "/api/v1", stack)
