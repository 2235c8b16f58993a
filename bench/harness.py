"""The in-process harness: moto, the app behind Chalice's test client, counting, timing.

Everything here runs in the benchmark's own process, which owns its
environment: :func:`configure_environment` must run before ``app`` is imported.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from botocore import xform_name

SECRET = "bench-secret-of-at-least-thirty-two-bytes"
TABLE = "careerforge-bench"
REGION = "us-east-1"

_CLEARED = (
    "DYNAMODB_ENDPOINT_URL",
    "DYNAMODB_PORT",
    "AWS_REGION",
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AUTH_JWKS_URL",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "CURSOR_SECRET",
    "JITSI_APP_ID",
    "JITSI_APP_SECRET",
    "JITSI_PRIVATE_KEY",
    "JITSI_KID",
    "LOCAL_CLOCK_FILE",
)


def configure_environment() -> None:
    """The test stage against moto in process, as the integration tests run it."""
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "STAGE": "test",
            "TABLE_NAME": TABLE,
            "AUTH_JWT_SECRET": SECRET,
        }
    )


def silence_logs() -> None:
    """Keep the JSON log lines (their formatting is real work) but write them nowhere."""
    from chalicelib.logs import handler

    handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process


@contextmanager
def cheap_moto_transactions() -> Iterator[None]:
    """moto deep-copies the whole table before each action of a transaction; DynamoDB doesn't.

    The same shim as the integration tests' ``cheap_moto_transactions``: the
    backup is skipped. The benchmark checks that every transaction it runs
    commits, so a rollback is never needed.
    """
    import moto.dynamodb.models as models

    original = getattr(models, "copy")  # noqa: B009 - moto does not export it
    shim = SimpleNamespace(copy=copy.copy, deepcopy=lambda value, memo=None: value)
    setattr(models, "copy", shim)  # noqa: B010
    try:
        yield
    finally:
        setattr(models, "copy", original)  # noqa: B010


@contextmanager
def fast_moto_puts() -> Iterator[None]:
    """Skip moto's item-size check, which re-sizes the whole item for every attribute set.

    Only around untimed seeding: it makes writing 20,000 items take seconds
    instead of most of a minute, and the items seeded are far below 400 KB.
    """
    from moto.dynamodb.models import dynamo_type

    limited = dynamo_type.LimitedSizeDict
    original = limited.__setitem__
    limited.__setitem__ = dict.__setitem__  # type: ignore[method-assign]
    try:
        yield
    finally:
        limited.__setitem__ = original  # type: ignore[method-assign]


@contextmanager
def backend() -> Iterator[None]:
    """A fresh moto backend in process with the service's table."""
    from moto import mock_aws

    from chalicelib.store.dynamo import reset_clients
    from chalicelib.store.tables import create_table

    with mock_aws(), cheap_moto_transactions():
        reset_clients()
        create_table(wait_seconds=5, sleep=lambda _: None)
        try:
            yield
        finally:
            reset_clients()


def ddb() -> Any:
    """The service's own DynamoDB client (the one the app uses)."""
    from chalicelib.store.dynamo import client

    return client()


# --- the clock ------------------------------------------------------------------------


class FakeClock:
    """The app's and the jobs' clock, set by the benchmark."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def install_clock(clock: FakeClock) -> None:
    from chalicelib import jobs
    from chalicelib.api.context import RequestContext

    RequestContext.clock = staticmethod(clock)
    jobs.clock = clock


START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Berlin
DAY = timedelta(days=1)


# --- what DynamoDB was asked, and what it answered ------------------------------------


@dataclass
class Call:
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None = None

    @property
    def method(self) -> str:
        return xform_name(self.operation)


def items_read(parsed: dict[str, Any]) -> int:
    """Items DynamoDB read to answer: Query counts what it scanned (filtered items too)."""
    if "Items" in parsed:
        return max(len(parsed["Items"]), int(parsed.get("ScannedCount", 0)))
    if "Responses" in parsed:
        return sum(len(v) for v in parsed["Responses"].values())
    return 1 if parsed.get("Item") else 0


@dataclass
class Recorder:
    """Every DynamoDB call of the client while attached: its parameters and its answer."""

    calls: list[Call] = field(default_factory=list)
    items: int = 0
    _client: Any = None

    def _params(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(Call(model.name, copy.deepcopy(params)))

    def _answer(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += items_read(parsed)
        self.calls[-1].response = copy.deepcopy(parsed)

    def attach(self, client: Any) -> Recorder:
        self._client = client
        events = client.meta.events
        events.register("provide-client-params.dynamodb.*", self._params, unique_id="bench-rec-p")
        events.register("after-call.dynamodb.*", self._answer, unique_id="bench-rec-a")
        return self

    def detach(self) -> None:
        events = self._client.meta.events
        events.unregister("provide-client-params.dynamodb.*", unique_id="bench-rec-p")
        events.unregister("after-call.dynamodb.*", unique_id="bench-rec-a")

    @property
    def operations(self) -> list[str]:
        return [c.operation for c in self.calls]


@contextmanager
def recording() -> Iterator[Recorder]:
    rec = Recorder().attach(ddb())
    try:
        yield rec
    finally:
        rec.detach()


def replay(client: Any, calls: list[Call]) -> None:
    """Issue recorded calls again, directly with boto3."""
    for call in calls:
        getattr(client, call.method)(**call.params)


# --- the app behind Chalice's test client ---------------------------------------------


@dataclass(frozen=True)
class Request:
    """One HTTP request, encoded once so that timing sees only the app."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class App:
    """Chalice's test client over the real app object, with a token per user."""

    def __init__(self) -> None:
        from chalice.test import Client

        from app import app

        self.http = Client(app, stage_name="test").http
        self._tokens: dict[str, str] = {}

    def token(self, user: str) -> str:
        if user not in self._tokens:
            from chalicelib.local_tokens import mint_token

            self._tokens[user] = mint_token(user, f"User {user}", f"{user}@example.com", 24)
        return self._tokens[user]

    def prepare(
        self,
        method: str,
        path: str,
        user: str | None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Request:
        sent = dict(headers or {})
        if user:
            sent["Authorization"] = f"Bearer {self.token(user)}"
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        return Request(method, path, sent, raw)

    def send(self, request: Request) -> tuple[int, bytes]:
        response = self.http.request(
            request.method, request.path, headers=dict(request.headers), body=request.body
        )
        return response.status_code, response.body


# --- timing ---------------------------------------------------------------------------


def timed[T](action: Callable[[], T]) -> tuple[int, T]:
    began = time.perf_counter_ns()
    out = action()
    return time.perf_counter_ns() - began, out


def median_us(samples: list[int]) -> float:
    return statistics.median(samples) / 1000 if samples else 0.0


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0
