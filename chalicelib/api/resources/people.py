"""Users and mentor profiles: ``/me``, ``/mentors/me``, ``/mentors``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.api.context import RequestContext
from chalicelib.api.http import endpoint, fails, parse_body, parse_query, path_id
from chalicelib.api.models import (
    Email,
    FreeText,
    Name,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    Skill,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.api.resources import caller
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.people import Mentor, ProfileChange, User, UserChange
from chalicelib.services import people


class MeUpdate(RequestModel):
    name: Name | None = Field(default=None, description="Display name (surrounding spaces trimmed)")
    email: Email | None = Field(
        default=None,
        description="Unverified unless it is the email your token vouches for; others see "
        "only a verified email",
    )
    timezone: TimeZoneName | None = Field(default=None, description="IANA time zone name")


class MentorProfileIn(RequestModel):
    company: Name
    job_title: Name
    bio: Annotated[str, StringConstraints(max_length=2000), FreeText] | None = Field(
        default=None, description="Omitted: kept as it is"
    )
    expertise: Annotated[list[Skill], Field(max_length=20)] | None = Field(
        default=None, description="Up to 20 skills; omitted: kept as they are"
    )
    timezone: TimeZoneName = Field(description="IANA time zone name of the mentor")


class UserOut(ResponseModel):
    id: str
    name: str
    email: str | None
    email_verified: bool = Field(
        description="Whether your identity provider vouches for `email`: only then do others see it"
    )
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


USER_EXAMPLE = {
    "id": "demo-student",
    "name": "Sam Student",
    "email": "sam.student@example.com",
    "emailVerified": True,
    "timezone": "America/New_York",
    "mentorId": None,
}
MENTOR_EXAMPLE = {
    "id": "demo-mentor-profile",
    "userId": "demo-mentor",
    "name": "Maya Mentor",
    "company": "CareerForge",
    "jobTitle": "Staff Engineer",
    "bio": "Ten years of backend and platform work; happy to talk careers and system design.",
    "expertise": ["Python", "System design", "Career growth"],
    "timezone": "Europe/Berlin",
    "totalSessions": 12,
    "stats": {
        "totalSessions": 12,
        "completedSessions": 9,
        "cancelledSessions": 1,
        "noShowSessions": 1,
        "mentorNoShows": 0,
        "upcomingSessions": 2,
        "completionRate": 0.9,
        "lastSessionAt": "2026-11-30T10:00:00Z",
    },
}
KEEPS_CHANGING = fails(Conflict, "the record kept changing under three attempts in a row; retry")


@endpoint(response=UserOut, response_example=USER_EXAMPLE)
def get_me(rc: RequestContext) -> UserOut:
    """Your user record.

    The first authenticated call creates it from the token's claims: `name`
    (else the part of `email` before the `@`, else the user id; control and
    format characters dropped), `email`, and the time zone `UTC`. The email
    is verified when the token's `email_verified` claim is true (on the local
    stage, always); later tokens that vouch for the same email update that.
    Others see your email only while it is verified.
    """
    return user_out(people.ensure_user(rc.ctx, caller(rc.request)))


@endpoint(
    body=MeUpdate,
    response=UserOut,
    errors=(KEEPS_CHANGING,),
    request_example={"timezone": "America/New_York"},
    response_example=USER_EXAMPLE,
)
def put_me(rc: RequestContext) -> UserOut:
    """Change your name, email or time zone.

    Members left out keep their value. A name change also changes the name on
    your mentor profile, if you have one. Names refuse control and format
    characters (bidi overrides, zero-width characters). A new email is
    unverified: others do not see it.
    """
    body = parse_body(rc.request, MeUpdate)
    change = UserChange(name=body.name, email=body.email, timezone=body.timezone)
    return user_out(people.update_me(rc.ctx, caller(rc.request), change))


@endpoint(
    body=MentorProfileIn,
    response=MentorOut,
    errors=(
        fails(NotFound, "your user record names a mentor profile that no longer exists"),
        KEEPS_CHANGING,
    ),
    request_example={
        "company": "Globex",
        "jobTitle": "Engineering Manager",
        "timezone": "Europe/London",
        "bio": "Ask me about your first management job.",
        "expertise": ["Leadership"],
    },
    response_example=MENTOR_EXAMPLE,
)
def put_my_mentor_profile(rc: RequestContext) -> MentorOut:
    """Become a mentor, or update your mentor profile.

    Creates your profile the first time (answering its new `id`, the
    `mentorId` of your user record), later updates it. `bio` and `expertise`
    left out keep their value; name and email come from your user record.
    Statistics are kept by the service and cannot be set.
    """
    body = parse_body(rc.request, MentorProfileIn)
    change = ProfileChange(
        company=body.company,
        job_title=body.job_title,
        timezone=body.timezone,
        bio=body.bio,
        expertise=tuple(body.expertise) if body.expertise is not None else None,
    )
    return mentor_out(people.upsert_my_mentor_profile(rc.ctx, caller(rc.request), change))


@endpoint(
    response=MentorOut,
    errors=(fails(NotFound, "you have no mentor profile yet"),),
    response_example=MENTOR_EXAMPLE,
)
def get_my_mentor_profile(rc: RequestContext) -> MentorOut:
    """Your own mentor profile."""
    return mentor_out(people.my_mentor_profile(rc.ctx, caller(rc.request)))


@endpoint(
    query=PageQuery,
    response=PageOut[MentorOut],
    response_example={"items": [MENTOR_EXAMPLE], "nextCursor": None},
)
def list_mentors(rc: RequestContext) -> PageOut[MentorOut]:
    """The mentor directory.

    Public. Every mentor profile, ordered by name, a page at a time.
    """
    query = parse_query(rc.request, PageQuery)
    items, cursor = people.list_mentors(rc.ctx, query.limit, query.cursor)
    return PageOut[MentorOut](items=[mentor_out(m) for m in items], next_cursor=cursor)


@endpoint(
    response=MentorOut,
    errors=(fails(NotFound, "no mentor profile has this id"),),
    response_example=MENTOR_EXAMPLE,
)
def get_mentor(rc: RequestContext, mentor_id: str) -> MentorOut:
    """One mentor's public profile, with their session statistics.

    Public.
    """
    return mentor_out(people.get_mentor(rc.ctx, path_id(mentor_id)))


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        name=user.name,
        email=user.email,
        email_verified=user.email_verified,
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
