"""Availability, booking, My Sessions and one session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.store import dynamo
from chalicelib.store.dynamo import client
from tests.integration.conftest import (
    Api,
    Calls,
    FakeClock,
    book,
    connect,
    make_mentor,
    set_availability,
)
from tests.virtual_time import VirtualTime

AV = "/api/v1/sessions/availability"
MINE = "/api/v1/sessions/my-sessions"


@pytest.fixture
def mentor(api: Api, clock: FakeClock) -> str:
    mentor_id = make_mentor(api, "m-1", name="Maya")
    set_availability(api, "m-1")
    connect(api, "s-1", "m-1", mentor_id)
    return mentor_id


# --- availability ------------------------------------------------------------


def test_only_mentors_set_availability(api: Api, clock: FakeClock) -> None:
    reply = api.post(AV, user="s-1", json_body={"timezone": "UTC", "weekly": []})
    assert reply.status == 403
    assert reply.code == "FORBIDDEN"


def test_overlapping_windows_are_400_with_the_field(api: Api, clock: FakeClock) -> None:
    make_mentor(api, "m-1")
    weekly = [
        {"day": "MON", "start": "09:00", "end": "12:00"},
        {"day": "MON", "start": "11:00", "end": "13:00"},
    ]
    reply = api.post(AV, user="m-1", json_body={"timezone": "UTC", "weekly": weekly})
    assert reply.status == 400
    assert "weekly.1" in [e["field"] for e in reply.body["errors"]]


@pytest.mark.parametrize(
    "bad",
    [
        {"weekly": [{"day": "MON", "start": "9:00", "end": "12:00"}]},
        {"weekly": [{"day": "MON", "start": "24:30", "end": "12:00"}]},
        {"weekly": [{"day": "XYZ", "start": "09:00", "end": "12:00"}]},
        {"bufferMinutes": 10},
        {"minNoticeMinutes": -1},
        {"timezone": "Nowhere/City"},
        {"dateOverrides": [{"date": "2026-02-30", "windows": []}]},
    ],
)
def test_malformed_availability_is_400(api: Api, clock: FakeClock, bad: dict[str, object]) -> None:
    make_mentor(api, "m-1")
    body = {"timezone": "UTC", "weekly": [], **bad}
    assert api.post(AV, user="m-1", json_body=body).status == 400


def test_public_availability_lists_free_slots_in_utc(api: Api, mentor: str) -> None:
    reply = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02")
    assert reply.status == 200
    body = reply.body
    assert body["timezone"] == "Europe/Berlin"
    assert body["weekly"][0] == {"day": "MON", "start": "09:00", "end": "17:00"}
    starts = [s["start"] for s in body["slots"]]
    assert starts[0] == "2026-12-02T08:00:00Z"
    assert starts[-1] == "2026-12-02T15:30:00Z"
    assert len(starts) == 16
    assert body["bookedSlots"] == []


def test_default_range_is_seven_days_and_skips_the_past(api: Api, mentor: str) -> None:
    starts = [s["start"] for s in api.get(f"{AV}/{mentor}").body["slots"]]
    assert starts[0] == "2026-12-01T08:30:00Z"  # 08:00Z is now: not bookable any more
    assert starts[-1] == "2026-12-07T15:30:00Z"
    assert len(starts) == 7 * 16 - 1


def test_viewer_zone_chooses_the_dates(api: Api, mentor: str) -> None:
    # 2026-12-02 in Tokyo is 15:00Z Dec 1 .. 15:00Z Dec 2: the end of Berlin's
    # Dec 1 (16:00-17:00) and Dec 2 until 15:30 Berlin time.
    reply = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02&timezone=Asia/Tokyo")
    starts = [s["start"] for s in reply.body["slots"]]
    assert starts[:3] == ["2026-12-01T15:00:00Z", "2026-12-01T15:30:00Z", "2026-12-02T08:00:00Z"]
    assert starts[-1] == "2026-12-02T14:30:00Z"


@pytest.mark.parametrize(
    "query",
    ["?from=2026-12-05&to=2026-12-01", "?from=2026-12-01&to=2027-03-01", "?from=yesterday", "?x=1"],
)
def test_bad_ranges_are_400(api: Api, mentor: str, query: str) -> None:
    assert api.get(f"{AV}/{mentor}{query}").status == 400


def test_unknown_mentor_availability_is_404(api: Api, clock: FakeClock) -> None:
    assert api.get(f"{AV}/nobody").status == 404


def test_mentor_without_availability_has_no_slots(api: Api, clock: FakeClock) -> None:
    mentor_id = make_mentor(api, "m-2")
    body = api.get(f"{AV}/{mentor_id}").body
    assert body["slots"] == []
    assert body["weekly"] == []


def test_date_override_replaces_the_weekday(api: Api, clock: FakeClock) -> None:
    mentor_id = make_mentor(api, "m-1")
    set_availability(
        api,
        "m-1",
        dateOverrides=[
            {"date": "2026-12-03", "windows": []},
            {"date": "2026-12-04", "windows": [{"start": "20:00", "end": "21:00"}]},
        ],
    )
    off = api.get(f"{AV}/{mentor_id}?from=2026-12-03&to=2026-12-03").body["slots"]
    assert off == []
    evening = api.get(f"{AV}/{mentor_id}?from=2026-12-04&to=2026-12-04").body["slots"]
    assert [s["start"] for s in evening] == ["2026-12-04T19:00:00Z", "2026-12-04T19:30:00Z"]


# --- booking -------------------------------------------------------------------


def test_book_returns_the_session_with_a_secret_room(api: Api, mentor: str) -> None:
    reply = book(api, "s-1", mentor, "2026-12-02T10:00:00+01:00", 60, agendaNotes="CV review")
    assert reply.status == 201, reply.body
    s = reply.body
    assert s["scheduledAt"] == "2026-12-02T09:00:00Z"
    assert s["endsAt"] == "2026-12-02T10:00:00Z"
    assert s["status"] == "SCHEDULED"
    assert s["timezone"] == "America/New_York"
    assert s["agendaNotes"] == "CV review"
    assert s["mentor"] == {
        "id": mentor,
        "userId": "m-1",
        "company": "Acme",
        "jobTitle": "Engineer",
        "user": {"name": "Maya", "email": "m-1@example.com"},
    }
    assert s["student"] == {"id": "s-1", "name": "User s-1", "email": "s-1@example.com"}
    room = s["meetingRoom"]
    prefix = f"careerforge-{s['id']}-"
    assert room.startswith(prefix)
    assert len(room) - len(prefix) >= 22  # >= 128 bits, base64url
    assert s["meetingLink"] == f"https://meet.jit.si/{room}"
    assert "cancelledAt" not in s
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 1


def test_jitsi_base_url_is_configurable_and_in_person_has_no_room(
    api: Api, mentor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JITSI_BASE_URL", "https://jitsi.example.org/")
    video = book(api, "s-1", mentor, "2026-12-02T09:00:00Z").body
    assert video["meetingLink"].startswith("https://jitsi.example.org/careerforge-")
    in_person = book(api, "s-1", mentor, "2026-12-02T10:00:00Z", sessionType="IN_PERSON").body
    assert "meetingLink" not in in_person
    assert "meetingRoom" not in in_person


def test_booked_time_leaves_the_free_slots(api: Api, mentor: str) -> None:
    book(api, "s-1", mentor, "2026-12-02T09:00:00Z", 60)
    body = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02").body
    starts = {s["start"] for s in body["slots"]}
    assert "2026-12-02T09:00:00Z" not in starts
    assert "2026-12-02T09:30:00Z" not in starts
    assert "2026-12-02T10:00:00Z" in starts
    assert body["bookedSlots"] == [{"start": "2026-12-02T09:00:00Z", "end": "2026-12-02T10:00:00Z"}]


def test_booking_needs_an_accepted_connection(api: Api, mentor: str) -> None:
    reply = book(api, "s-2", mentor, "2026-12-02T09:00:00Z")
    assert reply.status == 403
    assert reply.code == "NOT_CONNECTED"
    api.post("/api/v1/connections", user="s-2", json_body={"mentorId": mentor})
    assert book(api, "s-2", mentor, "2026-12-02T09:00:00Z").code == "NOT_CONNECTED"


def test_booking_after_the_connection_is_removed_is_403(api: Api, mentor: str) -> None:
    conn = api.get("/api/v1/connections", user="s-1").body["items"][0]["id"]
    api.put(f"/api/v1/connections/{conn}/remove", user="m-1")
    assert book(api, "s-1", mentor, "2026-12-02T09:00:00Z").code == "NOT_CONNECTED"


def test_booking_oneself_is_403(api: Api, mentor: str) -> None:
    assert book(api, "m-1", mentor, "2026-12-02T09:00:00Z").code == "NOT_CONNECTED"


@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("2026-12-01T07:30:00Z", "VALIDATION_ERROR"),  # past
        ("2026-12-02T09:15:00Z", "VALIDATION_ERROR"),  # off the 30-minute grid
        ("2026-12-02T09:00:30Z", "VALIDATION_ERROR"),  # seconds
        ("2027-06-01T09:00:00Z", "VALIDATION_ERROR"),  # beyond 180 days
        ("2026-12-02T19:00:00Z", "OUTSIDE_AVAILABILITY"),  # 20:00 in Berlin
        ("2026-12-02T15:30:00Z", "OUTSIDE_AVAILABILITY"),  # 60 minutes past 17:00 with duration
    ],
)
def test_booking_time_rules(api: Api, mentor: str, at: str, code: str) -> None:
    reply = book(api, "s-1", mentor, at, 60)
    assert reply.status == 400, reply.body
    assert reply.code == code
    assert reply.body["errors"][0]["field"] == "scheduledAt"


def test_time_without_offset_is_400(api: Api, mentor: str) -> None:
    reply = book(api, "s-1", mentor, "2026-12-02T09:00:00")
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "scheduledAt"


def test_minimum_notice(api: Api, mentor: str) -> None:
    set_availability(api, "m-1", minNoticeMinutes=24 * 60)
    assert book(api, "s-1", mentor, "2026-12-01T12:00:00Z").status == 400
    assert book(api, "s-1", mentor, "2026-12-02T08:00:00Z").status == 201


def test_unknown_mentor_is_404(api: Api, mentor: str) -> None:
    assert book(api, "s-1", "nobody", "2026-12-02T09:00:00Z").status == 404


def test_overlap_with_the_mentor_is_409_without_naming_anyone(api: Api, mentor: str) -> None:
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-1", mentor, "2026-12-02T09:00:00Z", 90).status == 201
    clash = book(api, "s-2", mentor, "2026-12-02T10:00:00Z", 30)
    assert clash.status == 409
    assert clash.code == "SLOT_UNAVAILABLE"
    assert "mentor" in clash.body["detail"]
    assert "s-1" not in clash.body["detail"]
    assert book(api, "s-2", mentor, "2026-12-02T10:30:00Z", 30).status == 201


def test_overlap_with_the_student_own_session_is_409(api: Api, mentor: str) -> None:
    other = make_mentor(api, "m-2")
    set_availability(api, "m-2")
    connect(api, "s-1", "m-2", other)
    assert book(api, "s-1", mentor, "2026-12-02T09:00:00Z", 60).status == 201
    clash = book(api, "s-1", other, "2026-12-02T09:30:00Z", 30)
    assert clash.status == 409
    assert "You already" in clash.body["detail"]


def test_buffer_keeps_a_gap_after_each_session(api: Api, mentor: str) -> None:
    set_availability(api, "m-1", bufferMinutes=30)
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-1", mentor, "2026-12-02T09:00:00Z").status == 201
    assert book(api, "s-2", mentor, "2026-12-02T09:30:00Z").status == 409
    assert book(api, "s-2", mentor, "2026-12-02T10:00:00Z").status == 201
    # and before: a session ending at 09:00 would need 09:00-09:30 for its buffer
    assert book(api, "s-2", mentor, "2026-12-02T08:30:00Z").status == 409
    starts = {
        s["start"] for s in api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02").body["slots"]
    }
    assert "2026-12-02T08:30:00Z" not in starts
    assert "2026-12-02T08:00:00Z" in starts


def test_mass_assignment_on_booking_is_refused(api: Api, mentor: str) -> None:
    reply = book(api, "s-1", mentor, "2026-12-02T09:00:00Z", status="COMPLETED", studentId="x")
    assert reply.status == 400
    assert sorted(e["field"] for e in reply.body["errors"]) == ["status", "studentId"]


# --- idempotency ---------------------------------------------------------------


def test_same_key_same_body_replays_the_first_answer(api: Api, mentor: str) -> None:
    first = book(api, "s-1", mentor, "2026-12-02T09:00:00Z", key="k-1")
    again = book(api, "s-1", mentor, "2026-12-02T10:00:00+01:00", key="k-1")
    assert again.status == 201
    assert again.body == first.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(api.get(MINE, user="s-1").body["items"]) == 1
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 1


def test_same_key_other_body_is_409(api: Api, mentor: str) -> None:
    book(api, "s-1", mentor, "2026-12-02T09:00:00Z", key="k-1")
    reply = book(api, "s-1", mentor, "2026-12-02T11:00:00Z", key="k-1")
    assert reply.status == 409
    assert reply.code == "IDEMPOTENCY_KEY_REUSED"


def test_keys_are_per_user_and_expire_after_a_day(api: Api, mentor: str, clock: FakeClock) -> None:
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-1", mentor, "2026-12-03T09:00:00Z", key="k").status == 201
    assert book(api, "s-2", mentor, "2026-12-03T10:00:00Z", key="k").status == 201
    clock.advance(hours=24, seconds=1)
    assert book(api, "s-1", mentor, "2026-12-03T11:00:00Z", key="k").status == 201


def test_bad_idempotency_key_is_400(api: Api, mentor: str) -> None:
    reply = book(api, "s-1", mentor, "2026-12-02T09:00:00Z", key="no spaces allowed")
    assert reply.status == 400
    assert reply.body["errors"][0]["in"] == "header"


# --- reading sessions ------------------------------------------------------------


def test_get_one_is_for_participants_only(api: Api, mentor: str) -> None:
    session = book(api, "s-1", mentor, "2026-12-02T09:00:00Z").body
    for user in ("s-1", "m-1"):
        reply = api.get(f"/api/v1/sessions/{session['id']}", user=user)
        assert reply.status == 200
        assert reply.body["meetingLink"] == session["meetingLink"]
    stranger = api.get(f"/api/v1/sessions/{session['id']}", user="x-1")
    assert stranger.status == 404
    assert api.get("/api/v1/sessions/unknown", user="s-1").status == 404


def test_my_sessions_tabs_roles_and_order(api: Api, mentor: str, clock: FakeClock) -> None:
    # m-1 is also a student of m-2.
    other = make_mentor(api, "m-2")
    set_availability(api, "m-2")
    connect(api, "m-1", "m-2", other)
    a = book(api, "s-1", mentor, "2026-12-01T10:00:00Z").body["id"]
    b = book(api, "s-1", mentor, "2026-12-03T09:00:00Z").body["id"]
    c = book(api, "m-1", other, "2026-12-02T12:00:00Z").body["id"]
    clock.advance(days=1)  # now 2026-12-02T08:00Z: a is past

    def ids(query: str, user: str = "m-1") -> list[str]:
        return [s["id"] for s in api.get(MINE + query, user=user).body["items"]]

    assert ids("") == [a, c, b]
    assert ids("?tab=upcoming") == [c, b]
    assert ids("?tab=past") == [a]
    assert ids("?tab=upcoming&role=mentor") == [b]
    assert ids("?tab=upcoming&role=student") == [c]
    assert ids("?tab=cancelled") == []
    assert ids("?tab=upcoming", user="s-1") == [b]
    clock.now = clock.now.replace(hour=12, minute=15)  # c is in progress: still upcoming
    assert ids("?tab=upcoming&role=student") == [c]
    clock.now = clock.now.replace(hour=12, minute=30)  # c has ended: past now
    assert ids("?tab=past") == [c, a]


def test_my_sessions_pages_with_a_cursor(api: Api, mentor: str) -> None:
    booked = [
        book(api, "s-1", mentor, f"2026-12-0{day}T{hour:02d}:00:00Z").body["id"]
        for day in (2, 3)
        for hour in (9, 11, 13)
    ]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "?tab=upcoming&limit=4" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(MINE + query, user="s-1").body
        seen += [s["id"] for s in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == booked
    assert api.get(MINE + "?tab=past&cursor=" + "x" * 10, user="s-1").status == 400
    assert api.get(MINE + "?tab=later", user="s-1").status == 400


# --- cost: round trips and items read ---------------------------------------------


def test_round_trips(api: Api, mentor: str, calls: Calls) -> None:
    calls.reset()
    session = book(api, "s-1", mentor, "2026-12-02T09:00:00Z", key="rt").body
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]
    calls.reset()
    api.get(f"{AV}/{mentor}")
    assert calls.operations == ["GetItem", "Query"]
    calls.reset()
    api.get(MINE + "?tab=upcoming", user="s-1")
    assert calls.operations == ["Query", "Query"]
    calls.reset()
    api.get(f"/api/v1/sessions/{session['id']}", user="s-1")
    assert calls.operations == ["GetItem"]
    calls.reset()
    set_availability(api, "m-1")
    assert calls.operations == ["GetItem", "UpdateItem"]


# --- contention and throttling -------------------------------------------------


def _failing_transactions(code: str, reasons: list[dict[str, str]] | None) -> Callable[..., None]:
    def fail(**_: object) -> None:
        response: dict[str, Any] = {"Error": {"Code": code, "Message": "injected"}}
        if reasons is not None:
            response["CancellationReasons"] = reasons
        raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]

    return fail


@pytest.mark.parametrize(
    ("code", "reasons"),
    [
        ("TransactionCanceledException", [{"Code": "None"}, {"Code": "TransactionConflict"}]),
        ("ThrottlingException", None),
        ("ProvisionedThroughputExceededException", None),
    ],
)
def test_persistent_contention_or_throttling_is_503_with_retry_after(
    api: Api,
    mentor: str,
    calls: Calls,
    virtual_time: VirtualTime,
    code: str,
    reasons: list[dict[str, str]] | None,
) -> None:
    client().meta.events.register(
        "before-call.dynamodb.TransactWriteItems", _failing_transactions(code, reasons)
    )
    calls.reset()
    reply = book(api, "s-1", mentor, "2026-12-02T09:00:00Z")
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "1"
    assert reply.code == "SERVICE_UNAVAILABLE"
    attempts = calls.operations.count("TransactWriteItems")
    if reasons:
        assert attempts == 4  # contention: a bounded number of fresh tries
    else:
        # Throttling is retried with backoff for as long as the request's budget allows.
        assert attempts > 4
        assert virtual_time.seconds + dynamo.ATTEMPT_SECONDS <= 8.0
    assert api.get(MINE, user="s-1").body["items"] == []


def test_throttling_that_clears_is_retried_to_success(
    api: Api, mentor: str, virtual_time: VirtualTime
) -> None:
    failures = iter([True, True, False])
    inject = _failing_transactions("ThrottlingException", None)

    def sometimes(**kwargs: object) -> None:
        if next(failures):
            inject(**kwargs)

    client().meta.events.register("before-call.dynamodb.TransactWriteItems", sometimes)
    assert book(api, "s-1", mentor, "2026-12-02T09:00:00Z").status == 201
    assert len(virtual_time.sleeps) == 2
    assert len(api.get(MINE, user="s-1").body["items"]) == 1


def test_contention_that_clears_is_retried_to_success(api: Api, mentor: str) -> None:
    failures = iter([True, True, False])
    inject = _failing_transactions(
        "TransactionCanceledException", [{"Code": "TransactionConflict"}]
    )

    def sometimes(**kwargs: object) -> None:
        if next(failures):
            inject(**kwargs)

    client().meta.events.register("before-call.dynamodb.TransactWriteItems", sometimes)
    reply = book(api, "s-1", mentor, "2026-12-02T09:00:00Z")
    assert reply.status == 201
    assert len(api.get(MINE, user="s-1").body["items"]) == 1
