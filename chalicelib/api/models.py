"""Request and response models: the API contract (camelCase on the wire).

Request models forbid unknown members, so no client can set a status, a
counter or someone else's id (mass assignment), and they are strict: a number
sent as a string is an error, not a guess.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from chalicelib.domain.clock import iso_z
from chalicelib.domain.zones import is_iana_zone


def _iana(name: str) -> str:
    if not is_iana_zone(name):
        raise ValueError("must be an IANA time zone name such as Europe/Berlin")
    return name


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_iana)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
UtcDateTime = Annotated[datetime, PlainSerializer(iso_z, return_type=str)]


class RequestModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        extra="forbid",
        strict=True,
        frozen=True,
        defer_build=True,
    )


class QueryModel(BaseModel):
    """Query strings arrive as text, so these convert ("20" → 20) but still forbid extras."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        extra="forbid",
        frozen=True,
        defer_build=True,
    )


class ResponseModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        # Built on first use: a cold Lambda pays only for the models its request needs.
        defer_build=True,
    )


# --- requests ---------------------------------------------------------------


class MeUpdate(RequestModel):
    name: Name | None = None
    email: Email | None = None
    timezone: TimeZoneName | None = None


class MentorProfileIn(RequestModel):
    company: Name
    job_title: Name
    bio: Annotated[str, StringConstraints(max_length=2000)] | None = None
    expertise: Annotated[list[Skill], Field(max_length=20)] | None = None
    timezone: TimeZoneName


class ConnectionIn(RequestModel):
    mentor_id: Id
    message: Annotated[str, StringConstraints(max_length=1000)] | None = None


WallClock = Annotated[str, StringConstraints(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
Day = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
Text2000 = Annotated[str, StringConstraints(max_length=2000)]


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
    date_overrides: Annotated[list[DateOverrideIn], Field(max_length=366)] = []


class BookIn(RequestModel):
    mentor_id: Id
    scheduled_at: AwareDatetime
    duration: Literal[30, 60, 90]
    session_type: Literal["VIDEO", "VOICE", "IN_PERSON"]
    title: Name
    description: Text2000 | None = None
    agenda_notes: Text2000 | None = None
    timezone: TimeZoneName


class CancelIn(RequestModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class RescheduleIn(RequestModel):
    scheduled_at: AwareDatetime
    duration: Literal[30, 60, 90] | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class CompleteIn(RequestModel):
    session_notes: Text2000 | None = None


class LocalTokenIn(RequestModel):
    user_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9@._:|+=-]{1,128}$")]
    name: Name | None = None
    email: Email | None = None


class PageQuery(QueryModel):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = None


class ConnectionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = None


class SessionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = None
    tab: Literal["upcoming", "past", "cancelled"] | None = None


class AvailabilityQuery(QueryModel):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    timezone: TimeZoneName | None = None


# --- responses --------------------------------------------------------------


class Health(ResponseModel):
    status: Literal["ok"] = "ok"
    service: str = "careerforge-sessions"
    time: UtcDateTime


class UserOut(ResponseModel):
    id: str
    name: str
    email: str | None
    timezone: str
    mentor_id: str | None


class LocalTokenOut(ResponseModel):
    token: str
    user_id: str


class StatsOut(ResponseModel):
    total_sessions: int
    completed_sessions: int
    cancelled_sessions: int
    no_show_sessions: int
    mentor_no_shows: int
    upcoming_sessions: int
    completion_rate: float | None
    last_session_at: UtcDateTime | None


class MentorOut(ResponseModel):
    id: str
    user_id: str
    name: str
    company: str
    job_title: str
    bio: str
    expertise: list[str]
    timezone: str
    total_sessions: int
    stats: StatsOut


class ConnectionMentor(ResponseModel):
    id: str
    user_id: str
    name: str
    company: str
    job_title: str


class ConnectionStudent(ResponseModel):
    id: str
    name: str
    email: str | None


class ConnectionOut(ResponseModel):
    id: str
    mentor_id: str
    student_id: str
    status: Literal["PENDING", "ACCEPTED", "DECLINED", "REMOVED"]
    message: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    mentor: ConnectionMentor
    student: ConnectionStudent


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


def _unset(value: object) -> bool:
    return value is None


# An optional member that is left out of the JSON when it has no value.
OMITTED: Any = Field(default=None, exclude_if=_unset)


class SessionMentorUser(ResponseModel):
    name: str
    email: str | None


class SessionMentor(ResponseModel):
    id: str
    user_id: str
    company: str
    job_title: str
    user: SessionMentorUser


class SessionOut(ResponseModel):
    """The front end's ``MentorSession``; optional members are omitted when unset."""

    id: str
    mentor_id: str
    student_id: str
    scheduled_at: UtcDateTime
    ends_at: UtcDateTime
    duration: int
    status: Literal["SCHEDULED", "COMPLETED", "CANCELLED", "NO_SHOW"]
    session_type: Literal["VIDEO", "VOICE", "IN_PERSON"]
    title: str
    description: str | None = OMITTED
    timezone: str
    meeting_link: str | None = OMITTED
    meeting_room: str | None = OMITTED
    agenda_notes: str | None = OMITTED
    session_notes: str | None = OMITTED
    started_at: UtcDateTime | None = OMITTED
    mentor_joined_at: UtcDateTime | None = OMITTED
    student_joined_at: UtcDateTime | None = OMITTED
    ended_at: UtcDateTime | None = OMITTED
    cancelled_at: UtcDateTime | None = OMITTED
    cancelled_by: str | None = OMITTED
    cancellation_reason: str | None = OMITTED
    no_show_by: Literal["MENTOR", "STUDENT", "BOTH"] | None = OMITTED
    rescheduled_from: UtcDateTime | None = OMITTED
    created_at: UtcDateTime
    updated_at: UtcDateTime
    mentor: SessionMentor
    student: ConnectionStudent


T = TypeVar("T", bound=BaseModel)


class PageOut(ResponseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
