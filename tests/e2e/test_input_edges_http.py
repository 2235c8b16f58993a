"""Over HTTP against the running stack: extreme dates, spoofing names, blocked students."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import Http
from tests.e2e.test_booking_http import booking, mentor_with_students, slot, unique

EXTREME_INSTANTS = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-05:00"]


def fields_of(reply: requests.Response) -> list[str]:
    return [e["field"] for e in reply.json()["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=9999-12-30", "from"), ("from=0001-01-01", "from"), ("to=9999-12-31", "to")],
)
def test_availability_at_the_ends_of_time_is_400(http: Http, query: str, field: str) -> None:
    _, mentor_id, _ = mentor_with_students(http, 0)
    reply = http.call("GET", f"/sessions/availability/{mentor_id}?{query}")
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.json()["code"] == "VALIDATION_ERROR"
    assert field in fields_of(reply)


def test_override_dates_at_the_ends_of_time_are_400(http: Http) -> None:
    mentor_token, _, _ = mentor_with_students(http, 0)
    for day in ("9999-12-31", "0001-01-01"):
        body = {"timezone": "UTC", "weekly": [], "dateOverrides": [{"date": day, "windows": []}]}
        reply = http.call("POST", "/sessions/availability", token=mentor_token, body=body)
        assert reply.status_code == 400, reply.text
        assert fields_of(reply) == ["dateOverrides.0.date"]


def test_booking_and_rescheduling_at_the_ends_of_time_are_400(http: Http) -> None:
    _, mentor_id, (student,) = mentor_with_students(http, 1)
    for at in EXTREME_INSTANTS:
        reply = http.call("POST", "/sessions/book", token=student, body=booking(mentor_id, at))
        assert reply.status_code == 400, reply.text
        assert fields_of(reply) == ["scheduledAt"]
    session = http.call(
        "POST", "/sessions/book", token=student, body=booking(mentor_id, slot(3, 10))
    ).json()
    for at in EXTREME_INSTANTS:
        reply = http.call(
            "PUT", f"/sessions/{session['id']}/reschedule", token=student, body={"scheduledAt": at}
        )
        assert reply.status_code == 400, reply.text
        assert fields_of(reply) == ["scheduledAt"]


def test_a_bidi_override_in_a_name_is_400(http: Http) -> None:
    token = http.token(unique("user"))
    reply = http.call("PUT", "/me", token=token, body={"name": "Maya\u202eotneM"})
    assert reply.status_code == 400
    assert fields_of(reply) == ["name"]


def test_a_blocked_student_is_refused_until_unblocked(http: Http) -> None:
    mentor_token, mentor_id, _ = mentor_with_students(http, 0)
    student = http.token(unique("student"))
    ask = {"mentorId": mentor_id}
    conn = http.call("POST", "/connections", token=student, body=ask).json()
    http.call("PUT", f"/connections/{conn['id']}/decline", token=mentor_token)
    blocked = http.call("PUT", f"/connections/{conn['id']}/block", token=mentor_token)
    assert blocked.json()["status"] == "BLOCKED"
    again = http.call("POST", "/connections", token=student, body=ask)
    assert again.status_code == 403
    assert again.json()["code"] == "CONNECTION_BLOCKED"
    unblocked = http.call("PUT", f"/connections/{conn['id']}/unblock", token=mentor_token)
    assert unblocked.json()["status"] == "REMOVED"
    assert http.call("POST", "/connections", token=student, body=ask).status_code == 201
