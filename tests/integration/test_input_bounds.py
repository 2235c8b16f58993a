"""Dates and times at the edge of what the calendar holds: a 400 naming the field, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest

from chalicelib.config import cursor_secret
from tests.integration.conftest import (
    BERLIN_WORKDAY,
    Api,
    FakeClock,
    book,
    connect,
    make_mentor,
    set_availability,
)

AV = "/api/v1/sessions/availability"
EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:30:00-05:00",
    "1999-12-31T23:30:00Z",
    "2101-01-01T00:00:00Z",
]


@pytest.fixture
def mentor(api: Api, clock: FakeClock) -> str:
    mentor_id = make_mentor(api, "m-1")
    set_availability(api, "m-1")
    connect(api, "s-1", "m-1", mentor_id)
    return mentor_id


def fields_of(body: Any) -> list[str]:
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=9999-12-30", "from"),
        ("from=9999-12-31", "from"),
        ("from=0001-01-01", "from"),
        ("from=2026-12-01&to=9999-12-31", "to"),
        ("to=0001-01-01", "to"),
        ("from=1999-12-31", "from"),
        ("from=2101-01-01", "from"),
    ],
)
def test_availability_dates_outside_the_calendar_are_400(
    api: Api, mentor: str, query: str, field: str
) -> None:
    reply = api.get(f"{AV}/{mentor}?{query}")
    assert reply.status == 400, reply.body
    assert reply.code == "VALIDATION_ERROR"
    assert field in fields_of(reply.body)


def test_availability_dates_at_the_bounds_are_answered(api: Api, mentor: str) -> None:
    for query in (
        "from=2000-01-01",
        "from=2100-12-25&to=2100-12-31",
        "timezone=Pacific/Kiritimati",
    ):
        reply = api.get(f"{AV}/{mentor}?{query}")
        assert reply.status == 200, (query, reply.body)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_override_dates_outside_the_calendar_are_400(api: Api, clock: FakeClock, day: str) -> None:
    make_mentor(api, "m-1")
    body = {**BERLIN_WORKDAY, "dateOverrides": [{"date": day, "windows": []}]}
    reply = api.post(AV, user="m-1", json_body=body)
    assert reply.status == 400, reply.body
    assert reply.code == "VALIDATION_ERROR"
    assert "dateOverrides.0.date" in fields_of(reply.body)


@pytest.mark.parametrize("at", EXTREME_INSTANTS)
def test_booking_at_an_extreme_instant_is_400(api: Api, mentor: str, at: str) -> None:
    reply = book(api, "s-1", mentor, at)
    assert reply.status == 400, reply.body
    assert reply.code == "VALIDATION_ERROR"
    assert fields_of(reply.body) == ["scheduledAt"]


@pytest.mark.parametrize("at", EXTREME_INSTANTS)
def test_rescheduling_to_an_extreme_instant_is_400(api: Api, mentor: str, at: str) -> None:
    session = book(api, "s-1", mentor, "2026-12-02T09:00:00Z")
    assert session.status == 201, session.body
    reply = api.put(
        f"/api/v1/sessions/{session.body['id']}/reschedule",
        user="s-1",
        json_body={"scheduledAt": at},
    )
    assert reply.status == 400, reply.body
    assert fields_of(reply.body) == ["scheduledAt"]
    kept = api.get(f"/api/v1/sessions/{session.body['id']}", user="s-1").body
    assert kept["scheduledAt"] == "2026-12-02T09:00:00Z"


def test_a_well_signed_cursor_that_is_not_an_object_is_400(api: Api) -> None:
    # Only the service can sign a cursor, but one of the wrong shape must still not be a 500.
    body = base64.urlsafe_b64encode(b"[1, 2]").decode().rstrip("=")
    mac = hmac.new(cursor_secret().encode(), body.encode(), hashlib.sha256).digest()[:16]
    cursor = f"{body}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    reply = api.get(f"/api/v1/connections?cursor={cursor}", user="u-1")
    assert reply.status == 400, reply.body
    assert fields_of(reply.body) == ["cursor"]
