"""Join, cancel, reschedule and complete: every rule, every boundary to the second, the races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.domain import lifecycle, stats
from chalicelib.domain.clock import parse_iso_z
from chalicelib.domain.errors import InvalidState
from chalicelib.domain.sessions import Role
from chalicelib.store import Store
from tests.integration.conftest import (
    Api,
    Calls,
    FakeClock,
    Reply,
    book,
    connect,
    make_mentor,
    set_availability,
)

S = "/api/v1/sessions"
AV = "/api/v1/sessions/availability"
AT = "2026-12-02T09:00:00Z"  # 10:00 in Berlin, inside the mentor's 09:00-17:00
START = parse_iso_z(AT)
# Tokens are minted at the test's fake time, so their time claims are checked by value.
FAKE_TIME: Any = {"verify_iat": False, "verify_nbf": False, "verify_exp": False}


@pytest.fixture
def mentor(api: Api, clock: FakeClock) -> str:
    mentor_id = make_mentor(api, "m-1", name="Maya")
    set_availability(api, "m-1")
    connect(api, "s-1", "m-1", mentor_id)
    return mentor_id


@pytest.fixture
def session(api: Api, mentor: str) -> dict[str, Any]:
    reply = book(api, "s-1", mentor, AT)
    assert reply.status == 201
    return dict(reply.body)


def put(api: Api, session: dict[str, Any], action: str, user: str, body: Any = None) -> Reply:
    return api.put(f"{S}/{session['id']}/{action}", user=user, json_body=body)


def at(clock: FakeClock, moment: datetime, **delta: float) -> None:
    clock.now = moment + timedelta(**delta)


def free_starts(api: Api, mentor: str) -> set[str]:
    body = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02").body
    return {s["start"] for s in body["slots"]}


# --- start ---------------------------------------------------------------------------


def test_join_window_opens_15_minutes_before_to_the_second(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, minutes=-15, seconds=-1)
    early = put(api, session, "start", "s-1")
    assert early.status == 409
    assert early.code == "JOIN_WINDOW_CLOSED"
    at(clock, START, minutes=-15)
    joined = put(api, session, "start", "s-1")
    assert joined.status == 200
    assert joined.body["studentJoinedAt"] == "2026-12-02T08:45:00Z"
    assert joined.body["startedAt"] == "2026-12-02T08:45:00Z"
    assert "mentorJoinedAt" not in joined.body
    assert joined.body["meetingLink"] == session["meetingLink"]


def test_join_window_closes_at_the_scheduled_end(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, minutes=30, seconds=-1)
    assert put(api, session, "start", "m-1").status == 200
    at(clock, START, minutes=30)
    assert put(api, session, "start", "s-1").code == "JOIN_WINDOW_CLOSED"


def test_each_side_records_its_own_join_and_repeats_change_nothing(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, minutes=-5)
    first = put(api, session, "start", "s-1").body
    at(clock, START, minutes=2)
    mentor_join = put(api, session, "start", "m-1").body
    assert mentor_join["mentorJoinedAt"] == "2026-12-02T09:02:00Z"
    assert mentor_join["startedAt"] == first["startedAt"] == "2026-12-02T08:55:00Z"
    at(clock, START, minutes=10)
    again = put(api, session, "start", "s-1").body
    assert again == mentor_join


def test_start_is_404_for_strangers_and_409_when_not_scheduled(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, minutes=-5)
    assert put(api, session, "start", "x-1").status == 404
    at(clock, START, hours=-3)
    put(api, session, "cancel", "s-1", {"reason": "Sick"})
    at(clock, START, minutes=-5)
    reply = put(api, session, "start", "s-1")
    assert reply.status == 409
    assert reply.code == "INVALID_STATE"


def test_signed_links_with_a_shared_secret(
    api: Api, session: dict[str, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "jitsi-app-secret-of-a-proper-length-32b"
    monkeypatch.setenv("JITSI_APP_ID", "careerforge")
    monkeypatch.setenv("JITSI_APP_SECRET", secret)
    at(clock, START, minutes=-1)
    links = {user: put(api, session, "start", user).body["meetingLink"] for user in ("m-1", "s-1")}
    for user, link in links.items():
        base, _, token = link.partition("?jwt=")
        assert base == session["meetingLink"]
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], audience="jitsi", options=FAKE_TIME
        )
        assert claims["iat"] == int(clock.now.timestamp())
        assert claims["iss"] == "careerforge"
        assert claims["sub"] == "meet.jit.si"
        assert claims["room"] == session["meetingRoom"]
        assert claims["exp"] == int((START + timedelta(minutes=45)).timestamp())
        assert claims["context"]["user"]["moderator"] is (user == "m-1")
        assert claims["moderator"] is (user == "m-1")
        assert claims["context"]["user"]["email"] == f"{user}@example.com"
    # Elsewhere participants still see only the plain link.
    plain = api.get(f"{S}/{session['id']}", user="s-1").body["meetingLink"]
    assert plain == session["meetingLink"]


def test_signed_links_with_an_rs256_key(
    api: Api, session: dict[str, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    monkeypatch.setenv("JITSI_APP_ID", "vpaas-magic-cookie-123")
    monkeypatch.setenv("JITSI_PRIVATE_KEY", pem.replace("\n", "\\n"))
    monkeypatch.setenv("JITSI_KID", "vpaas-magic-cookie-123/abc")
    monkeypatch.setenv("JITSI_ISSUER", "chat")
    monkeypatch.setenv("JITSI_SUBJECT", "vpaas-magic-cookie-123")
    at(clock, START)
    token = put(api, session, "start", "s-1").body["meetingLink"].partition("?jwt=")[2]
    assert jwt.get_unverified_header(token)["kid"] == "vpaas-magic-cookie-123/abc"
    claims = jwt.decode(
        token, key.public_key(), algorithms=["RS256"], audience="jitsi", options=FAKE_TIME
    )
    assert (claims["iss"], claims["sub"]) == ("chat", "vpaas-magic-cookie-123")
    assert claims["context"]["user"]["moderator"] is False


# --- cancel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [None, {}, {"reason": ""}, {"reason": "  "}, {"reason": "x" * 501}]
)
def test_cancel_needs_a_reason(api: Api, session: dict[str, Any], body: Any) -> None:
    assert put(api, session, "cancel", "s-1", body).status == 400


def test_cancel_window_closes_two_hours_before_to_the_second(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, hours=-2, seconds=1)
    late = put(api, session, "cancel", "m-1", {"reason": "Conflict"})
    assert late.status == 409
    assert late.code == "CANCELLATION_WINDOW_CLOSED"
    at(clock, START, hours=-2)
    assert put(api, session, "cancel", "m-1", {"reason": "Conflict"}).status == 200


def test_cancel_frees_the_time_and_counts_once(
    api: Api, mentor: str, session: dict[str, Any], clock: FakeClock
) -> None:
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 1
    assert AT not in free_starts(api, mentor)
    reply = put(api, session, "cancel", "s-1", {"reason": "Exam moved"})
    assert reply.status == 200
    body = reply.body
    assert body["status"] == "CANCELLED"
    assert body["cancelledBy"] == "STUDENT"
    assert body["cancellationReason"] == "Exam moved"
    assert body["cancelledAt"] == "2026-12-01T08:00:00Z"
    assert AT in free_starts(api, mentor)
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 0
    again = put(api, session, "cancel", "m-1", {"reason": "again"})
    assert again.status == 409
    assert again.code == "INVALID_STATE"
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 0
    mine = api.get(f"{S}/my-sessions?tab=cancelled", user="s-1").body["items"]
    assert [s["id"] for s in mine] == [session["id"]]
    assert api.get(f"{S}/my-sessions?tab=upcoming", user="s-1").body["items"] == []
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-2", mentor, AT).status == 201


def test_cancel_is_404_for_strangers(api: Api, session: dict[str, Any]) -> None:
    assert put(api, session, "cancel", "x-1", {"reason": "mine now"}).status == 404
    assert api.get(f"{S}/{session['id']}", user="s-1").body["status"] == "SCHEDULED"


# --- reschedule ----------------------------------------------------------------------


def test_reschedule_moves_the_time_and_keeps_the_link(
    api: Api, mentor: str, session: dict[str, Any]
) -> None:
    reply = put(api, session, "reschedule", "m-1", {"scheduledAt": "2026-12-02T13:00:00Z"})
    assert reply.status == 200, reply.body
    moved = reply.body
    assert moved["scheduledAt"] == "2026-12-02T13:00:00Z"
    assert moved["rescheduledFrom"] == AT
    assert moved["meetingLink"] == session["meetingLink"]
    free = free_starts(api, mentor)
    assert AT in free
    assert "2026-12-02T13:00:00Z" not in free
    assert api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"] == 1


def test_reschedule_onto_its_own_time_keeps_the_shared_cells(
    api: Api, mentor: str, session: dict[str, Any]
) -> None:
    reply = put(
        api, session, "reschedule", "s-1", {"scheduledAt": "2026-12-02T08:30:00Z", "duration": 90}
    )
    assert reply.status == 200, reply.body
    booked = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02").body["bookedSlots"]
    assert booked == [{"start": "2026-12-02T08:30:00Z", "end": "2026-12-02T10:00:00Z"}]
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-2", mentor, "2026-12-02T09:30:00Z").status == 409
    assert book(api, "s-2", mentor, "2026-12-02T10:00:00Z").status == 201


def test_reschedule_onto_a_taken_slot_is_409_and_the_old_time_stays(
    api: Api, mentor: str, session: dict[str, Any]
) -> None:
    connect(api, "s-2", "m-1", mentor)
    assert book(api, "s-2", mentor, "2026-12-02T12:00:00Z").status == 201
    reply = put(api, session, "reschedule", "s-1", {"scheduledAt": "2026-12-02T12:00:00Z"})
    assert reply.status == 409
    assert reply.code == "SLOT_UNAVAILABLE"
    assert api.get(f"{S}/{session['id']}", user="s-1").body == session
    assert AT not in free_starts(api, mentor)
    assert book(api, "s-2", mentor, AT).status == 409


@pytest.mark.parametrize(
    ("new", "status", "code"),
    [
        ("2026-12-02T20:00:00Z", 400, "OUTSIDE_AVAILABILITY"),
        ("2026-12-02T09:10:00Z", 400, "VALIDATION_ERROR"),
        ("2026-11-30T09:00:00Z", 400, "VALIDATION_ERROR"),
    ],
)
def test_reschedule_obeys_the_booking_rules(
    api: Api, session: dict[str, Any], new: str, status: int, code: str
) -> None:
    reply = put(api, session, "reschedule", "s-1", {"scheduledAt": new})
    assert (reply.status, reply.code) == (status, code)
    assert api.get(f"{S}/{session['id']}", user="s-1").body == session


def test_reschedule_needs_the_connection_and_two_hours(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    conn = api.get("/api/v1/connections", user="s-1").body["items"][0]["id"]
    api.put(f"/api/v1/connections/{conn}/remove", user="s-1")
    reply = put(api, session, "reschedule", "s-1", {"scheduledAt": "2026-12-02T13:00:00Z"})
    assert reply.code == "NOT_CONNECTED"
    assert api.get(f"{S}/{session['id']}", user="s-1").body == session
    at(clock, START, hours=-1)
    late = put(api, session, "reschedule", "m-1", {"scheduledAt": "2026-12-02T13:00:00Z"})
    assert late.code == "CANCELLATION_WINDOW_CLOSED"


def test_reschedule_is_404_for_strangers(api: Api, session: dict[str, Any]) -> None:
    reply = put(api, session, "reschedule", "x-1", {"scheduledAt": "2026-12-02T13:00:00Z"})
    assert reply.status == 404


# --- complete ------------------------------------------------------------------------


def test_only_the_mentor_completes_and_not_before_the_start(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, seconds=-1)
    assert put(api, session, "complete", "s-1", {}).status == 403
    assert put(api, session, "complete", "x-1", {}).status == 404
    early = put(api, session, "complete", "m-1", {})
    assert early.status == 409
    at(clock, START)
    done = put(api, session, "complete", "m-1", {"sessionNotes": "Great progress."})
    assert done.status == 200
    assert done.body["status"] == "COMPLETED"
    assert done.body["endedAt"] == AT
    assert done.body["sessionNotes"] == "Great progress."
    assert put(api, session, "complete", "m-1", {}).code == "INVALID_STATE"
    past = api.get(f"{S}/my-sessions?tab=past", user="s-1").body["items"]
    assert [s["id"] for s in past] == [session["id"]]


def test_complete_without_a_body_and_with_long_notes(
    api: Api, session: dict[str, Any], clock: FakeClock
) -> None:
    at(clock, START, minutes=20)
    assert put(api, session, "complete", "m-1", {"sessionNotes": "x" * 2001}).status == 400
    assert api.put(f"{S}/{session['id']}/complete", user="m-1").status == 200


# --- cost ----------------------------------------------------------------------------


def test_each_lifecycle_call_is_at_most_two_round_trips(
    api: Api, mentor: str, clock: FakeClock, calls: Calls
) -> None:
    first = book(api, "s-1", mentor, AT).body
    second = book(api, "s-1", mentor, "2026-12-02T11:00:00Z").body
    observed = {}
    for name, action, body, moment in [
        (
            "reschedule",
            "reschedule",
            {"scheduledAt": "2026-12-02T12:00:00Z"},
            START - timedelta(hours=3),
        ),
        ("cancel", "cancel", {"reason": "r"}, START - timedelta(hours=3)),
    ]:
        clock.now = moment
        calls.reset()
        target = first if name == "reschedule" else second
        assert put(api, target, action, "s-1", body).status == 200
        observed[name] = list(calls.operations)
    clock.now = parse_iso_z("2026-12-02T12:00:00Z")
    calls.reset()
    put(api, first, "start", "s-1")
    observed["start"] = list(calls.operations)
    calls.reset()
    put(api, first, "complete", "m-1", {})
    observed["complete"] = list(calls.operations)
    assert observed == {
        "reschedule": ["BatchGetItem", "TransactWriteItems"],
        "cancel": ["GetItem", "TransactWriteItems"],
        "start": ["GetItem", "UpdateItem"],
        "complete": ["BatchGetItem", "TransactWriteItems"],
    }


# --- races ---------------------------------------------------------------------------


def race(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run the calls at the same moment on threads; their replies in call order."""
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | None] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        replies[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in replies if r is not None]


def _consistent(api: Api, mentor: str, session_id: str) -> dict[str, Any]:
    """The session as stored, after checking its cells and the counter agree with it."""
    final = api.get(f"{S}/{session_id}", user="s-1").body
    booked = api.get(f"{AV}/{mentor}?from=2026-12-02&to=2026-12-02").body["bookedSlots"]
    total = api.get(f"/api/v1/mentors/{mentor}").body["totalSessions"]
    if final["status"] == "CANCELLED":
        assert (booked, total) == ([], 0)
    else:
        assert booked == [{"start": final["scheduledAt"], "end": final["endsAt"]}]
        assert total == 1
    return dict(final)


def _decided_from_one_read(api: Api, mentor: str, first: str, second: str) -> tuple[str, list[str]]:
    """Race two writes decided from the same read, as two Lambdas would."""
    session_id = book(api, "s-1", mentor, AT).body["id"]
    store = Store.from_settings()
    read = store.sessions.get(session_id)
    mentor_profile = store.people.get_mentor(mentor)
    assert read is not None
    assert mentor_profile is not None
    early = START - timedelta(hours=3)

    def cancel() -> None:
        cancelled = lifecycle.cancel(read, Role.STUDENT, "race", early)
        store.sessions.cancel(read, cancelled, stats.change(read, cancelled))

    def complete() -> None:
        done = lifecycle.complete(read, Role.MENTOR, None, START)
        store.sessions.settle(read, done, stats.change(read, done))

    writes: dict[str, Callable[[], None]] = {
        "cancel": cancel,
        "complete": complete,
        "move-12": lambda: store.sessions.reschedule(
            read,
            lifecycle.reschedule(
                read, Role.STUDENT, mentor_profile, parse_iso_z("2026-12-02T12:00:00Z"), None, early
            ),
        ),
        "move-14": lambda: store.sessions.reschedule(
            read,
            lifecycle.reschedule(
                read, Role.MENTOR, mentor_profile, parse_iso_z("2026-12-02T14:00:00Z"), None, early
            ),
        ),
    }
    outcomes: list[str] = []

    def attempt(name: str) -> Callable[[], Reply]:
        def run() -> Reply:
            try:
                writes[name]()
                outcomes.append(name)
            except InvalidState:
                outcomes.append("refused")
            return Reply(0, {}, None)

        return run

    race(attempt(first), attempt(second))
    return session_id, outcomes


@pytest.mark.usefixtures("atomic_moto")
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cancel", "complete"),
        ("move-12", "move-14"),
        ("cancel", "move-12"),
        ("complete", "move-14"),
    ],
)
@pytest.mark.parametrize("attempt", range(3))
def test_racing_changes_from_one_read_end_in_one_state(
    api: Api, mentor: str, first: str, second: str, attempt: int
) -> None:
    # The API's own clocks keep some of these apart (cancel needs 2 hours' notice,
    # complete needs the start), so the conditional writes are raced directly.
    session_id, outcomes = _decided_from_one_read(api, mentor, first, second)
    assert "refused" in outcomes
    assert len(outcomes) == 2
    winner = next(o for o in outcomes if o != "refused")
    final = _consistent(api, mentor, session_id)
    expected = {
        "cancel": ("CANCELLED", AT),
        "complete": ("COMPLETED", AT),
        "move-12": ("SCHEDULED", "2026-12-02T12:00:00Z"),
        "move-14": ("SCHEDULED", "2026-12-02T14:00:00Z"),
    }[winner]
    assert (final["status"], final["scheduledAt"]) == expected


@pytest.mark.usefixtures("atomic_moto")
@pytest.mark.parametrize("attempt", range(3))
def test_racing_http_calls_leave_a_consistent_session(api: Api, mentor: str, attempt: int) -> None:
    session = book(api, "s-1", mentor, AT).body
    replies = race(
        lambda: put(api, session, "cancel", "m-1", {"reason": "race"}),
        lambda: put(api, session, "reschedule", "s-1", {"scheduledAt": "2026-12-02T12:00:00Z"}),
        lambda: put(api, session, "reschedule", "m-1", {"scheduledAt": "2026-12-02T14:00:00Z"}),
    )
    assert all(r.status in (200, 409) for r in replies)
    assert any(r.status == 200 for r in replies)
    _consistent(api, mentor, session["id"])
