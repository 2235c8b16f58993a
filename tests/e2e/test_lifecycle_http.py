"""The session lifecycle over HTTP against the running stack (time moved by the clock file)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.clock import parse_iso_z
from devstack.stack import LocalStack
from tests.e2e.conftest import Http
from tests.e2e.test_booking_http import booking, mentor_with_students, slot, unique


@pytest.fixture
def travel(stack: LocalStack) -> Iterator[LocalStack]:
    yield stack
    stack.travel(0)


def to(stack: LocalStack, moment: datetime) -> None:
    stack.travel((moment - datetime.now(UTC)).total_seconds())


def book_one(http: Http, token: str, mentor_id: str, at: str) -> dict[str, Any]:
    reply = http.call("POST", "/sessions/book", token=token, body=booking(mentor_id, at))
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def test_book_start_as_each_participant_then_complete(http: Http, travel: LocalStack) -> None:
    mentor, mentor_id, (student,) = mentor_with_students(http, 1)
    session = book_one(http, student, mentor_id, slot(2, 10))
    start = parse_iso_z(session["scheduledAt"])
    path = f"/sessions/{session['id']}"
    to(travel, start - timedelta(minutes=10))
    as_student = http.call("PUT", f"{path}/start", token=student).json()
    assert as_student["studentJoinedAt"]
    assert as_student["meetingLink"] == session["meetingLink"]
    early = http.call("PUT", f"{path}/complete", token=mentor, body={})
    assert early.status_code == 409
    to(travel, start + timedelta(minutes=1))
    as_mentor = http.call("PUT", f"{path}/start", token=mentor).json()
    assert as_mentor["mentorJoinedAt"]
    assert as_mentor["startedAt"] == as_student["startedAt"]
    assert http.call("PUT", f"{path}/complete", token=student, body={}).status_code == 403
    done = http.call("PUT", f"{path}/complete", token=mentor, body={"sessionNotes": "Good call"})
    assert done.status_code == 200
    assert done.json()["status"] == "COMPLETED"
    past = http.call("GET", "/sessions/my-sessions?tab=past", token=student).json()["items"]
    assert [s["id"] for s in past] == [session["id"]]


def test_cancel_frees_the_slot_for_another_student(http: Http) -> None:
    _, mentor_id, (first, second) = mentor_with_students(http, 2)
    at = slot(3, 15)
    session = book_one(http, first, mentor_id, at)
    assert (
        http.call("POST", "/sessions/book", token=second, body=booking(mentor_id, at)).status_code
        == 409
    )
    cancelled = http.call(
        "PUT", f"/sessions/{session['id']}/cancel", token=first, body={"reason": "Clash"}
    )
    assert cancelled.json()["status"] == "CANCELLED"
    day = at[:10]
    free = http.call("GET", f"/sessions/availability/{mentor_id}?from={day}&to={day}").json()
    assert at in [s["start"] for s in free["slots"]]
    assert (
        http.call("POST", "/sessions/book", token=second, body=booking(mentor_id, at)).status_code
        == 201
    )


def test_reschedule_onto_a_taken_slot_keeps_the_old_time(http: Http) -> None:
    _, mentor_id, (first, second) = mentor_with_students(http, 2)
    mine, theirs = slot(4, 9), slot(4, 11)
    session = book_one(http, first, mentor_id, mine)
    book_one(http, second, mentor_id, theirs)
    moved = http.call(
        "PUT", f"/sessions/{session['id']}/reschedule", token=first, body={"scheduledAt": theirs}
    )
    assert moved.status_code == 409
    assert moved.json()["code"] == "SLOT_UNAVAILABLE"
    again = http.call("GET", f"/sessions/{session['id']}", token=first).json()
    assert again["scheduledAt"] == mine
    day = mine[:10]
    view = http.call("GET", f"/sessions/availability/{mentor_id}?from={day}&to={day}").json()
    assert {b["start"] for b in view["bookedSlots"]} == {mine, theirs}
    clash = http.call("POST", "/sessions/book", token=second, body=booking(mentor_id, mine))
    assert clash.status_code == 409


def test_strangers_get_404_on_every_lifecycle_route_and_change_nothing(
    http: Http, travel: LocalStack
) -> None:
    _, mentor_id, (student,) = mentor_with_students(http, 1)
    session = book_one(http, student, mentor_id, slot(5, 12))
    stranger = http.token(unique("stranger"))
    path = f"/sessions/{session['id']}"
    to(travel, parse_iso_z(session["scheduledAt"]) - timedelta(minutes=5))
    attempts = [
        ("start", None),
        ("cancel", {"reason": "not mine"}),
        ("reschedule", {"scheduledAt": slot(5, 14)}),
        ("complete", {}),
    ]
    for action, body in attempts:
        reply = http.call("PUT", f"{path}/{action}", token=stranger, body=body)
        assert reply.status_code == 404, action
        assert reply.json()["code"] == "NOT_FOUND"
    assert http.call("GET", path, token=stranger).status_code == 404
    travel.travel(0)
    assert http.call("GET", path, token=student).json() == session
