"""Booking over HTTP against the running stack: the double-booking guard under real concurrency."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from chalicelib.demo import MENTOR_PROFILE_ID, STUDENT
from tests.e2e.conftest import Http

ALL_DAY = [
    {"day": d, "start": "00:00", "end": "24:00"}
    for d in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def slot(days: int, hour: int) -> str:
    """A UTC time on the grid, ``days`` from today: always in the future and bookable."""
    day = datetime.now(UTC).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def mentor_with_students(http: Http, count: int) -> tuple[str, str, list[str]]:
    """A mentor open around the clock in UTC and ``count`` connected students' tokens."""
    mentor_token = http.token(unique("mentor"))
    body = {"company": "Acme", "jobTitle": "Engineer", "timezone": "UTC"}
    mentor_id = http.call("PUT", "/mentors/me", token=mentor_token, body=body).json()["id"]
    av = {"timezone": "UTC", "weekly": ALL_DAY}
    assert http.call("POST", "/sessions/availability", token=mentor_token, body=av).ok
    students = [http.token(unique("student")) for _ in range(count)]

    def link(token: str) -> None:
        conn = http.call("POST", "/connections", token=token, body={"mentorId": mentor_id}).json()
        accepted = http.call("PUT", f"/connections/{conn['id']}/accept", token=mentor_token)
        assert accepted.status_code == 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(link, students))
    return mentor_token, mentor_id, students


def booking(mentor_id: str, at: str, duration: int = 30) -> dict[str, object]:
    return {
        "mentorId": mentor_id,
        "scheduledAt": at,
        "duration": duration,
        "sessionType": "VIDEO",
        "title": "Race",
        "timezone": "UTC",
    }


def test_32_students_racing_for_one_slot_get_one_session(http: Http) -> None:
    mentor_token, mentor_id, students = mentor_with_students(http, 32)
    at = slot(3, 10)

    def attempt(token: str) -> int:
        return http.call(
            "POST", "/sessions/book", token=token, body=booking(mentor_id, at)
        ).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(attempt, students))
    assert sorted(codes) == [201] + [409] * 31
    sessions = http.call("GET", "/sessions/my-sessions?role=mentor", token=mentor_token).json()
    assert len(sessions["items"]) == 1
    assert http.call("GET", f"/mentors/{mentor_id}").json()["totalSessions"] == 1


def test_overlapping_30_and_90_minute_bookings_never_both_succeed(http: Http) -> None:
    _, mentor_id, (a, b) = mentor_with_students(http, 2)
    for round_ in range(4):
        long_at, short_at = slot(5 + round_, 10), slot(5 + round_, 11)

        def attempt(args: tuple[str, str, int]) -> int:
            token, at, duration = args
            body = booking(mentor_id, at, duration)
            return http.call("POST", "/sessions/book", token=token, body=body).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = sorted(pool.map(attempt, [(a, long_at, 90), (b, short_at, 30)]))
        assert codes == [201, 409]


def test_one_student_booking_two_mentors_at_once_gets_one_session(http: Http) -> None:
    student = http.token(unique("student"))
    mentor_ids = []
    for _ in range(2):
        token = http.token(unique("mentor"))
        body = {"company": "Acme", "jobTitle": "Engineer", "timezone": "UTC"}
        mentor_id = http.call("PUT", "/mentors/me", token=token, body=body).json()["id"]
        http.call(
            "POST",
            "/sessions/availability",
            token=token,
            body={"timezone": "UTC", "weekly": ALL_DAY},
        )
        conn = http.call("POST", "/connections", token=student, body={"mentorId": mentor_id}).json()
        http.call("PUT", f"/connections/{conn['id']}/accept", token=token)
        mentor_ids.append(mentor_id)
    at = slot(4, 14)
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(
            pool.map(
                lambda m: (
                    http.call(
                        "POST", "/sessions/book", token=student, body=booking(m, at)
                    ).status_code
                ),
                mentor_ids,
            )
        )
    assert codes == [201, 409]
    mine = http.call("GET", "/sessions/my-sessions?role=student", token=student).json()
    assert len(mine["items"]) == 1


def test_ten_concurrent_retries_with_one_key_create_one_session(http: Http) -> None:
    _, mentor_id, (student,) = mentor_with_students(http, 1)
    body = booking(mentor_id, slot(6, 9))
    key = unique("key")

    def attempt(_: int) -> tuple[int, str]:
        reply = http.call(
            "POST", "/sessions/book", token=student, body=body, headers={"Idempotency-Key": key}
        )
        return reply.status_code, reply.json()["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(attempt, range(10)))
    assert {code for code, _ in results} == {201}
    assert len({session_id for _, session_id in results}) == 1
    mine = http.call("GET", "/sessions/my-sessions", token=student).json()
    assert len(mine["items"]) == 1


def test_demo_mentor_has_public_slots_and_the_demo_student_can_book(http: Http) -> None:
    view = http.call("GET", f"/sessions/availability/{MENTOR_PROFILE_ID}?to=").json()
    assert view.get("code") == "VALIDATION_ERROR"  # an empty date is refused, not ignored
    week = http.call("GET", f"/sessions/availability/{MENTOR_PROFILE_ID}").json()
    assert week["timezone"] == "Europe/Berlin"
    assert week["slots"]
    assert "studentId" not in str(week)
    token = http.token(STUDENT.user_id)
    first = week["slots"][-1]["start"]
    booked = http.call(
        "POST", "/sessions/book", token=token, body=booking(MENTOR_PROFILE_ID, first)
    )
    assert booked.status_code == 201, booked.text
    session_id = booked.json()["id"]
    assert http.call("GET", f"/sessions/{session_id}", token=token).json()["meetingLink"]
    stranger = http.token(unique("stranger"))
    assert http.call("GET", f"/sessions/{session_id}", token=stranger).status_code == 404
    after = http.call("GET", f"/sessions/availability/{MENTOR_PROFILE_ID}").json()
    assert first not in [s["start"] for s in after["slots"]]
    assert any(b["start"] == first for b in after["bookedSlots"])
