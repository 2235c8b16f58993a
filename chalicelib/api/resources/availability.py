"""A mentor's weekly availability and the bookable slots derived from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.http import endpoint, parse_body, parse_query, path_id
from chalicelib.api.models import (
    QueryModel,
    RequestModel,
    ResponseModel,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.api.views import Views
from chalicelib.domain.availability import SLOT_MINUTES, Availability, from_document, to_document
from chalicelib.services import sessions

WallClock = Annotated[str, StringConstraints(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
Day = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


class WindowIn(RequestModel):
    start: WallClock
    end: WallClock


class WeeklyWindowIn(RequestModel):
    day: Day
    start: WallClock
    end: WallClock


class DateOverrideIn(RequestModel):
    date: date
    windows: Annotated[list[WindowIn], Field(max_length=48)]


class AvailabilityIn(RequestModel):
    timezone: TimeZoneName
    weekly: Annotated[list[WeeklyWindowIn], Field(max_length=100)]
    min_notice_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 90)] = 0
    buffer_minutes: Annotated[int, Field(ge=0, le=240, multiple_of=15)] = 0
    date_overrides: Annotated[list[DateOverrideIn], Field(max_length=366)] = []  # noqa: RUF012 - pydantic copies it


class AvailabilityQuery(QueryModel):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    timezone: TimeZoneName | None = None


class WindowOut(ResponseModel):
    start: str
    end: str


class WeeklyWindowOut(ResponseModel):
    day: str
    start: str
    end: str


class DateOverrideOut(ResponseModel):
    date: date
    windows: list[WindowOut]


class AvailabilityOut(ResponseModel):
    mentor_id: str
    timezone: str
    weekly: list[WeeklyWindowOut]
    min_notice_minutes: int
    buffer_minutes: int
    date_overrides: list[DateOverrideOut]


class Slot(ResponseModel):
    start: UtcDateTime
    end: UtcDateTime


class AvailabilitySlotsOut(AvailabilityOut):
    slots: list[Slot]
    booked_slots: list[Slot]


@endpoint(body=AvailabilityIn, response=AvailabilityOut)
def set_availability(v: Views) -> AvailabilityOut:
    body = parse_body(v.request, AvailabilityIn)
    av = availability_from(body)
    mentor_id = sessions.set_availability(v.ctx, caller(v.request), av)
    return availability_out(mentor_id, av)


@endpoint(query=AvailabilityQuery, response=AvailabilitySlotsOut)
def get_availability(v: Views, mentor_id: str) -> AvailabilitySlotsOut:
    query = parse_query(v.request, AvailabilityQuery)
    view = sessions.availability_view(
        v.ctx, path_id(mentor_id), query.from_, query.to, query.timezone
    )
    base = availability_out(view.mentor_id, view.availability)  # fields shared with the POST
    slot = timedelta(minutes=SLOT_MINUTES)
    return AvailabilitySlotsOut(
        **base.model_dump(),
        slots=[Slot(start=s, end=s + slot) for s in view.slots],
        booked_slots=[Slot(start=b.start, end=b.end) for b in view.booked],
    )


def availability_from(body: AvailabilityIn) -> Availability:
    return from_document(body.model_dump(mode="json", by_alias=True))


def availability_out(mentor_id: str, av: Availability) -> AvailabilityOut:
    return AvailabilityOut.model_validate({"mentorId": mentor_id, **to_document(av)})
