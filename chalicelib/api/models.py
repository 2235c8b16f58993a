"""Request and response models: the API contract (camelCase on the wire).

Request models forbid unknown members, so no client can set a status, a
counter or someone else's id (mass assignment), and they are strict: a number
sent as a string is an error, not a guess.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
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
    )


class QueryModel(BaseModel):
    """Query strings arrive as text, so these convert ("20" → 20) but still forbid extras."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_alias=True, extra="forbid", frozen=True
    )


class ResponseModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True
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


class PageQuery(QueryModel):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = None


class ConnectionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = None


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


T = TypeVar("T", bound=BaseModel)


class PageOut(ResponseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
