"""When DynamoDB hangs, refuses connections or throttles, the API answers 503 in time.

Each case runs against a stack of its own (the same processes ``make run``
starts), breaks its emulator for real, and checks three things: the answer is
a 503 problem with ``Retry-After`` well before API Gateway's 29 s, a write
retried afterwards with its ``Idempotency-Key`` lands exactly once, and the
stack recovers by itself once DynamoDB is back.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from devstack.stack import LocalStack, free_port
from tests.e2e.conftest import Http
from tests.e2e.test_booking_http import booking, mentor_with_students, slot

# API Gateway answers a bare 504 after 29 s; the budget (8 s) plus one
# request's own work must stay well under it.
GATEWAY_LIMIT_SECONDS = 29
BUDGET_SECONDS = 8


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # Data in a file, so that the emulator can be stopped and started again.
    data = tmp_path_factory.mktemp("failures") / "dynamodb.json"
    running = LocalStack(api_port=free_port(), db_port=free_port(), quiet=True, data_file=data)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def own_http(own_stack: LocalStack) -> Http:
    return Http(own_stack.api_url + "/api/v1", own_stack)


def emulator_pid(stack: LocalStack) -> int:
    return stack.processes[0].pid


def assert_unavailable(reply: requests.Response, elapsed: float) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.json()["code"] == "SERVICE_UNAVAILABLE"
    assert int(reply.headers["Retry-After"]) >= 1
    assert elapsed < BUDGET_SECONDS + 4 < GATEWAY_LIMIT_SECONDS


def timed(call: object) -> tuple[requests.Response, float]:
    began = time.monotonic()
    reply = call()  # type: ignore[operator]
    return reply, time.monotonic() - began


def test_a_hung_database_gives_503_in_time_and_the_write_lands_once(own_http: Http) -> None:
    mentor_token, mentor_id, (student,) = mentor_with_students(own_http, 1)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = booking(mentor_id, slot(4, 9))
    pid = emulator_pid(own_http.stack)
    os.kill(pid, signal.SIGSTOP)
    try:
        reply, elapsed = timed(lambda: own_http.call("GET", "/sessions/my-sessions", token=student))
        assert_unavailable(reply, elapsed)
        reply, elapsed = timed(
            lambda: own_http.call("POST", "/sessions/book", token=student, body=body, headers=key)
        )
        assert_unavailable(reply, elapsed)
    finally:
        os.kill(pid, signal.SIGCONT)
    # The emulator now serves what was queued while it hung, the booking
    # attempts included: whatever of them committed, the client's retry with
    # its key returns that one booking, never a 409 and never a second one.
    retried = own_http.call("POST", "/sessions/book", token=student, body=body, headers=key)
    assert retried.status_code == 201, retried.text
    again = own_http.call("POST", "/sessions/book", token=student, body=body, headers=key)
    assert again.json()["id"] == retried.json()["id"]
    mine = own_http.call("GET", "/sessions/my-sessions?role=mentor", token=mentor_token).json()
    assert [s["id"] for s in mine["items"]] == [retried.json()["id"]]


def faults(stack: LocalStack, throttle: str | None) -> None:
    reply = requests.post(
        stack.db_url + "/_emulator/faults", json={"throttle": throttle}, timeout=10
    )
    assert reply.ok, reply.text


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_a_throttling_database_gives_503_and_changes_nothing(own_http: Http, code: str) -> None:
    mentor_token, mentor_id, (student,) = mentor_with_students(own_http, 1)
    body = booking(mentor_id, slot(6, 9))
    faults(own_http.stack, code)
    try:
        reply, elapsed = timed(
            lambda: own_http.call("POST", "/sessions/book", token=student, body=body)
        )
        assert_unavailable(reply, elapsed)
        assert reply.headers["Retry-After"] == "1"
        reply, elapsed = timed(lambda: own_http.call("GET", "/me", token=student))
        assert_unavailable(reply, elapsed)
    finally:
        faults(own_http.stack, None)
    mine = own_http.call("GET", "/sessions/my-sessions?role=mentor", token=mentor_token)
    assert mine.json()["items"] == []
    assert own_http.call("POST", "/sessions/book", token=student, body=body).status_code == 201


def test_a_database_refusing_connections_gives_503_then_the_stack_recovers(
    own_http: Http,
) -> None:
    stack = own_http.stack
    mentor_token, mentor_id, (student,) = mentor_with_students(own_http, 1)
    booked = own_http.call(
        "POST", "/sessions/book", token=student, body=booking(mentor_id, slot(7, 9))
    )
    assert booked.status_code == 201
    assert stack.stop_emulator() == 0  # it writes its data and closes its port
    reply, elapsed = timed(lambda: own_http.call("GET", "/sessions/my-sessions", token=student))
    assert_unavailable(reply, elapsed)
    reply, elapsed = timed(
        lambda: own_http.call(
            "POST", "/sessions/book", token=student, body=booking(mentor_id, slot(7, 11))
        )
    )
    assert_unavailable(reply, elapsed)
    # The same emulator again on the same port, from its data: the API, never
    # restarted, answers again by itself.
    stack.start_emulator()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        reply = own_http.call("GET", "/sessions/my-sessions", token=student)
        if reply.status_code != 503:
            break
    assert reply.status_code == 200, reply.text
    assert [s["id"] for s in reply.json()["items"]] == [booked.json()["id"]]
    mine = own_http.call("GET", "/sessions/my-sessions?role=mentor", token=mentor_token).json()
    assert len(mine["items"]) == 1
