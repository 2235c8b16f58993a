"""Integration tests: Chalice's test client against moto in process."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from chalice.test import Client
from moto import mock_aws

from app import app
from chalicelib import jobs
from chalicelib.api.context import RequestContext
from chalicelib.local_tokens import mint_token
from chalicelib.store.dynamo import client, reset_clients
from chalicelib.store.tables import create_table
from tests.virtual_time import VirtualTime, install

TEST_SECRET = "integration-secret-of-at-least-32-bytes"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("DYNAMODB_ENDPOINT_URL", "AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.setenv("TABLE_NAME", "careerforge-test")
    monkeypatch.setenv("AUTH_JWT_SECRET", TEST_SECRET)
    with mock_aws():
        reset_clients()
        create_table(wait_seconds=5, sleep=lambda _: None)
        client().meta.events.register("before-call.dynamodb.Scan", _refuse_scan)
        yield
    reset_clients()


def _refuse_scan(**_: Any) -> None:
    raise AssertionError("a request path called Scan")


@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make in-process moto handle one request at a time, as DynamoDB's own calls are atomic.

    moto takes no lock around a transaction, so threads racing in process would
    test moto's races instead of ours (``make run`` serializes its server the same way).
    """
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    original = BotocoreStubber.process_request

    def one_at_a_time(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "process_request", one_at_a_time)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


@dataclass
class Calls:
    """DynamoDB API calls and items read, counted by botocore event hooks."""

    operations: list[str] = field(default_factory=list)
    items_read: int = 0

    def reset(self) -> None:
        self.operations.clear()
        self.items_read = 0

    @property
    def round_trips(self) -> int:
        return len(self.operations)


class Api:
    """A small HTTP-ish facade over Chalice's test client."""

    def __init__(self, http: Any) -> None:
        self.http = http

    def request(
        self,
        method: str,
        path: str,
        *,
        user: str | None = None,
        token: str | None = None,
        json_body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        verified: bool | None = True,
    ) -> Reply:
        """``verified`` is the token's ``email_verified`` claim (None: no such claim)."""
        sent = dict(headers or {})
        if user is not None:
            token = user_token(user, verified=verified)
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        body = raw if raw is not None else b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        response = self.http.request(method, path, headers=sent, body=body)
        text = response.body.decode() if response.body else ""
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Reply(response.status_code, dict(response.headers), parsed)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def put(self, path: str, **kw: Any) -> Reply:
        return self.request("PUT", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.request("POST", path, **kw)


def user_token(
    user: str,
    name: str | None = None,
    email: str | None = None,
    *,
    verified: bool | str | None = True,
) -> str:
    """A test token: ``User {user}`` and ``{user}@example.com`` unless given, ``email_verified``."""
    token = mint_token(user, name or f"User {user}", email or f"{user}@example.com", 1)
    if verified is None:
        return token
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode({**claims, "email_verified": verified}, TEST_SECRET, algorithm="HS256")


@pytest.fixture
def api(aws: None) -> Api:
    return Api(Client(app, stage_name="test").http)


@pytest.fixture
def calls(aws: None) -> Calls:
    counter = Calls()

    def before(event_name: str, **_: Any) -> None:
        counter.operations.append(event_name.split(".")[-1])

    def after(parsed: dict[str, Any], **_: Any) -> None:
        counter.items_read += len(parsed.get("Items", []))
        counter.items_read += 1 if parsed.get("Item") else 0
        counter.items_read += sum(len(v) for v in parsed.get("Responses", {}).values())

    events = client().meta.events
    events.register("before-call.dynamodb.*", before)
    events.register("after-call.dynamodb.*", after)
    return counter


def make_mentor(api: Api, user: str, name: str | None = None) -> str:
    """Create a mentor profile for ``user``; return its mentor id."""
    if name:
        assert api.put("/api/v1/me", user=user, json_body={"name": name}).status == 200
    reply = api.put(
        "/api/v1/mentors/me",
        user=user,
        json_body={"company": "Acme", "jobTitle": "Engineer", "timezone": "Europe/Berlin"},
    )
    assert reply.status == 200, reply.body
    return str(reply.body["id"])


def connect(api: Api, student: str, mentor_user: str, mentor_id: str) -> str:
    """An ACCEPTED connection; return its id."""
    created = api.post("/api/v1/connections", user=student, json_body={"mentorId": mentor_id})
    assert created.status == 201, created.body
    accepted = api.put(f"/api/v1/connections/{created.body['id']}/accept", user=mentor_user)
    assert accepted.status == 200, accepted.body
    return str(created.body["id"])


class FakeClock:
    """The app's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # a Tuesday; 09:00 in Berlin


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(START)
    monkeypatch.setattr(RequestContext, "clock", staticmethod(fake))
    monkeypatch.setattr(jobs, "clock", fake)
    return fake


BERLIN_WORKDAY = {
    "timezone": "Europe/Berlin",
    "weekly": [
        {"day": day, "start": "09:00", "end": "17:00"}
        for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
    ],
}


def set_availability(api: Api, mentor_user: str, **changes: Any) -> Reply:
    reply = api.post(
        "/api/v1/sessions/availability", user=mentor_user, json_body={**BERLIN_WORKDAY, **changes}
    )
    assert reply.status == 200, reply.body
    return reply


def book(
    api: Api,
    student: str,
    mentor_id: str,
    at: str,
    duration: int = 30,
    key: str | None = None,
    **extra: Any,
) -> Reply:
    body = {
        "mentorId": mentor_id,
        "scheduledAt": at,
        "duration": duration,
        "sessionType": "VIDEO",
        "title": "Career chat",
        "timezone": "America/New_York",
        **extra,
    }
    headers = {"Idempotency-Key": key} if key else None
    return api.post("/api/v1/sessions/book", user=student, json_body=body, headers=headers)


@pytest.fixture
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    return install(monkeypatch)
