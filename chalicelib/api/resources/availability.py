"""A mentor's weekly availability and the bookable slots derived from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.context import RequestContext
from chalicelib.api.http import endpoint, fails, parse_body, parse_query, path_id
from chalicelib.api.models import (
    CalendarDate,
    QueryModel,
    RequestModel,
    ResponseModel,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.domain.availability import (
    MAX_RANGE_DAYS,
    SLOT_MINUTES,
    Availability,
    from_document,
    to_document,
)
from chalicelib.domain.clock import CALENDAR
from chalicelib.domain.errors import Forbidden, NotFound, ValidationFailed
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
    date: CalendarDate = Field(description=f"A local date from {CALENDAR}")
    windows: Annotated[
        list[WindowIn], Field(max_length=48, description="Replaces the weekday's; [] is a day off")
    ]


class AvailabilityIn(RequestModel):
    timezone: TimeZoneName = Field(description="IANA zone the windows are wall-clock times in")
    weekly: Annotated[
        list[WeeklyWindowIn],
        Field(max_length=100, description="Windows of one day may touch but not overlap"),
    ]
    min_notice_minutes: Annotated[
        int, Field(ge=0, le=60 * 24 * 90, description="How far ahead a booking must start")
    ] = 0
    buffer_minutes: Annotated[
        int,
        Field(ge=0, le=240, multiple_of=15, description="Kept free after each session"),
    ] = 0
    date_overrides: Annotated[
        list[DateOverrideIn], Field(max_length=366, description="One per date at most")
    ] = []  # noqa: RUF012 - pydantic copies it


class AvailabilityQuery(QueryModel):
    from_: CalendarDate | None = Field(
        default=None,
        alias="from",
        description=f"First date ({CALENDAR}); default: today in the zone",
    )
    to: CalendarDate | None = Field(
        default=None,
        description=f"Last date ({CALENDAR}); default: `from` + 6 days; at most "
        f"{MAX_RANGE_DAYS} days",
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="IANA zone the dates are read in; default: the mentor's"
    )


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


WEEKLY_EXAMPLE = [
    {"day": day, "start": "09:00", "end": "17:00"} for day in ("MON", "TUE", "WED", "THU", "FRI")
] + [{"day": "SAT", "start": "10:00", "end": "13:00"}]
AVAILABILITY_IN_EXAMPLE = {
    "timezone": "Europe/Berlin",
    "weekly": WEEKLY_EXAMPLE,
    "minNoticeMinutes": 60,
    "bufferMinutes": 15,
    "dateOverrides": [
        {"date": "2026-12-24", "windows": []},
        {"date": "2026-12-23", "windows": [{"start": "09:00", "end": "12:00"}]},
    ],
}
AVAILABILITY_EXAMPLE = {"mentorId": "demo-mentor-profile", **AVAILABILITY_IN_EXAMPLE}


@endpoint(
    body=AvailabilityIn,
    response=AvailabilityOut,
    errors=(
        fails(
            ValidationFailed,
            "windows of one day overlap, a window does not start before it ends, or a date "
            "has two overrides (`errors[]` points at each, e.g. `weekly.3`)",
        ),
        fails(Forbidden, "you have no mentor profile (create one with `PUT /api/v1/mentors/me`)"),
    ),
    request_example=AVAILABILITY_IN_EXAMPLE,
    response_example=AVAILABILITY_EXAMPLE,
)
def set_availability(rc: RequestContext) -> AvailabilityOut:
    """Replace your availability as a mentor.

    Mentors only. The whole availability at once: weekly windows of wall-clock
    times (`HH:MM`, `24:00` ends a day) in `timezone`, date overrides that
    replace a weekday's windows on one local date (no windows: a day off), the
    minimum notice and the buffer kept free after each session. Sessions
    already booked are kept.
    """
    body = parse_body(rc.request, AvailabilityIn)
    av = availability_from(body)
    mentor_id = sessions.set_availability(rc.ctx, caller(rc.request), av)
    return availability_out(mentor_id, av)


@endpoint(
    query=AvailabilityQuery,
    response=AvailabilitySlotsOut,
    errors=(
        fails(NotFound, "no mentor profile has this id"),
        fails(
            ValidationFailed,
            f"`to` is before `from`, or the range is over {MAX_RANGE_DAYS} days",
        ),
    ),
    response_example={
        **AVAILABILITY_EXAMPLE,
        "slots": [
            {"start": "2026-12-01T08:00:00Z", "end": "2026-12-01T08:30:00Z"},
            {"start": "2026-12-01T08:30:00Z", "end": "2026-12-01T09:00:00Z"},
            {"start": "2026-12-01T10:00:00Z", "end": "2026-12-01T10:30:00Z"},
        ],
        "bookedSlots": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}],
    },
)
def get_availability(rc: RequestContext, mentor_id: str) -> AvailabilitySlotsOut:
    """A mentor's availability and free slots.

    Public. For the dates `from` to `to` (read in `timezone`, default the
    mentor's zone; at most 62 days, default 7 from today): the availability
    as the mentor set it, every free 30-minute slot start (UTC) that is in the
    future, past the minimum notice, within 180 days and not taken by a
    session or its buffer, and the booked sessions' times (`bookedSlots`).
    A session of 60 or 90 minutes needs that many consecutive free slots.
    """
    query = parse_query(rc.request, AvailabilityQuery)
    view = sessions.availability_view(
        rc.ctx, path_id(mentor_id), query.from_, query.to, query.timezone
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
