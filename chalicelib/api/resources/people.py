"""Users and mentor profiles: ``/me``, ``/mentors/me``, ``/mentors``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.http import endpoint, parse_body, parse_query, path_id
from chalicelib.api.models import (
    Email,
    Name,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    Skill,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.api.views import Views
from chalicelib.domain.people import Mentor, ProfileChange, User, UserChange
from chalicelib.services import people


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


@endpoint(response=UserOut)
def get_me(v: Views) -> UserOut:
    return user_out(people.ensure_user(v.ctx, caller(v.request)))


@endpoint(body=MeUpdate, response=UserOut)
def put_me(v: Views) -> UserOut:
    body = parse_body(v.request, MeUpdate)
    change = UserChange(name=body.name, email=body.email, timezone=body.timezone)
    return user_out(people.update_me(v.ctx, caller(v.request), change))


@endpoint(body=MentorProfileIn, response=MentorOut)
def put_my_mentor_profile(v: Views) -> MentorOut:
    body = parse_body(v.request, MentorProfileIn)
    change = ProfileChange(
        company=body.company,
        job_title=body.job_title,
        timezone=body.timezone,
        bio=body.bio,
        expertise=tuple(body.expertise) if body.expertise is not None else None,
    )
    return mentor_out(people.upsert_my_mentor_profile(v.ctx, caller(v.request), change))


@endpoint(response=MentorOut)
def get_my_mentor_profile(v: Views) -> MentorOut:
    return mentor_out(people.my_mentor_profile(v.ctx, caller(v.request)))


@endpoint(query=PageQuery, response=PageOut[MentorOut])
def list_mentors(v: Views) -> PageOut[MentorOut]:
    query = parse_query(v.request, PageQuery)
    items, cursor = people.list_mentors(v.ctx, query.limit, query.cursor)
    return PageOut[MentorOut](items=[mentor_out(m) for m in items], next_cursor=cursor)


@endpoint(response=MentorOut)
def get_mentor(v: Views, mentor_id: str) -> MentorOut:
    return mentor_out(people.get_mentor(v.ctx, path_id(mentor_id)))


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        name=user.name,
        email=user.email,
        timezone=user.timezone,
        mentor_id=user.mentor_id,
    )


def mentor_out(mentor: Mentor) -> MentorOut:
    s = mentor.stats
    return MentorOut(
        id=mentor.id,
        user_id=mentor.user_id,
        name=mentor.name,
        company=mentor.company,
        job_title=mentor.job_title,
        bio=mentor.bio,
        expertise=list(mentor.expertise),
        timezone=mentor.timezone,
        total_sessions=mentor.total_sessions,
        stats=StatsOut(
            total_sessions=s.total_sessions,
            completed_sessions=s.completed_sessions,
            cancelled_sessions=s.cancelled_sessions,
            no_show_sessions=s.no_show_sessions,
            mentor_no_shows=s.mentor_no_shows,
            upcoming_sessions=s.upcoming_sessions,
            completion_rate=s.completion_rate,
            last_session_at=s.last_session_at,
        ),
    )
