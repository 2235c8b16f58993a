"""Mentoring sessions: book, list, read, start, cancel, reschedule, complete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chalice.app import Response
from msgspec import structs
from pydantic import Field, StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.context import RequestContext
from chalicelib.api.http import Fails, endpoint, fails, parse_body, parse_query, path_id
from chalicelib.api.models import (
    CalendarTime,
    ConnectionStudent,
    FreeText,
    Id,
    Name,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.domain import sessions as session_rules
from chalicelib.domain.clock import CALENDAR, iso_z
from chalicelib.domain.errors import (
    CancellationWindowClosed,
    Conflict,
    DuplicateRequest,
    Forbidden,
    IdempotencyKeyReused,
    InvalidState,
    JoinWindowClosed,
    NotConnected,
    NotFound,
    OutsideAvailability,
    SlotUnavailable,
    Unavailable,
    ValidationFailed,
)
from chalicelib.domain.sessions import BookingRequest, Role, Session, SessionType, Tab
from chalicelib.services import sessions

Text2000 = Annotated[str, StringConstraints(max_length=2000), FreeText]


class BookIn(RequestModel):
    mentor_id: Id = Field(description="The mentor profile's `id`")
    scheduled_at: CalendarTime = Field(
        description=f"The start, with an explicit offset, from {CALENDAR}; a free slot of the "
        "mentor"
    )
    duration: Literal[30, 60, 90] = Field(description="Minutes")
    session_type: Literal["VIDEO", "VOICE", "IN_PERSON"] = Field(
        description="VIDEO and VOICE get a Jitsi room; IN_PERSON none"
    )
    title: Name
    description: Text2000 | None = None
    agenda_notes: Text2000 | None = Field(default=None, description="What you want to discuss")
    timezone: TimeZoneName = Field(description="IANA zone you see the session in")


class CancelIn(RequestModel):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), FreeText
    ] = Field(description="Shown to the other side; surrounding spaces trimmed")


class RescheduleIn(RequestModel):
    scheduled_at: CalendarTime = Field(
        description=f"The new start, with an explicit offset, from {CALENDAR}"
    )
    duration: Literal[30, 60, 90] | None = Field(
        default=None, description="New length in minutes; default: unchanged"
    )
    reason: Annotated[str, StringConstraints(max_length=500), FreeText] | None = Field(
        default=None, description="Accepted but not stored"
    )


class CompleteIn(RequestModel):
    session_notes: Text2000 | None = Field(default=None, description="The mentor's notes")


class SessionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = Field(
        default=None, description="Only the sessions where you are this side; default: both"
    )
    tab: Literal["upcoming", "past", "cancelled"] | None = Field(
        default=None,
        description="upcoming: SCHEDULED and not yet ended, soonest first; past: ended or "
        "settled, newest first; cancelled: newest first; default: all, oldest first",
    )


def _unset(value: object) -> bool:
    return value is None


# An optional member that is left out of the JSON when it has no value.
OMITTED: Any = Field(default=None, exclude_if=_unset)


class SessionMentorUser(ResponseModel):
    name: str
    email: str | None = Field(description="Only a verified email; else null")


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


SESSION_EXAMPLE = {
    "id": "demo-mentor-profile_3f2b9c1d7e8a4b5c6d7e",
    "mentorId": "demo-mentor-profile",
    "studentId": "demo-student",
    "scheduledAt": "2026-12-02T09:00:00Z",
    "endsAt": "2026-12-02T10:00:00Z",
    "duration": 60,
    "status": "SCHEDULED",
    "sessionType": "VIDEO",
    "title": "Career chat",
    "timezone": "America/New_York",
    "meetingLink": "https://meet.jit.si/careerforge-demo-mentor-profile_3f2b9c1d7e8a4b5c6d7e-"
    "Xq2v9LwPz0aKc4RtYb1nHg",
    "meetingRoom": "careerforge-demo-mentor-profile_3f2b9c1d7e8a4b5c6d7e-Xq2v9LwPz0aKc4RtYb1nHg",
    "agendaNotes": "CV review",
    "createdAt": "2026-11-28T15:04:05Z",
    "updatedAt": "2026-11-28T15:04:05Z",
    "mentor": {
        "id": "demo-mentor-profile",
        "userId": "demo-mentor",
        "company": "CareerForge",
        "jobTitle": "Staff Engineer",
        "user": {"name": "Maya Mentor", "email": "maya.mentor@example.com"},
    },
    "student": {"id": "demo-student", "name": "Sam Student", "email": "sam.student@example.com"},
}
SESSION_NOT_YOURS = fails(
    NotFound, "no such session, or you are neither its mentor nor its student"
)
NOT_SCHEDULED = fails(
    InvalidState, "the session is not SCHEDULED any more, or it changed at the same moment"
)
TOO_LATE = fails(CancellationWindowClosed, "the session starts in less than 2 hours")
BAD_TIME = fails(
    ValidationFailed,
    "`scheduledAt` is not in the future, inside the mentor's minimum notice, more than 180 "
    "days ahead, or not on the half-hour grid of the mentor's local time",
)
OUTSIDE = fails(
    OutsideAvailability,
    "some of the session lies outside the mentor's availability (or they have none)",
)
TAKEN = fails(
    SlotUnavailable,
    "the mentor (with their buffer) or the student already has a session at that time",
)
NOT_CONNECTED = fails(
    NotConnected, "your connection with the mentor is not ACCEPTED (or it is your own profile)"
)


UNSAVED = fails(Conflict, "the change could not be saved for another reason; retry")


def _timing_rules() -> tuple[Fails, ...]:
    return BAD_TIME, OUTSIDE, TAKEN


@endpoint(
    status=201,
    body=BookIn,
    response=SessionOut,
    headers=("Idempotency-Key",),
    errors=(
        *_timing_rules(),
        NOT_CONNECTED,
        fails(NotFound, "no mentor profile has this `mentorId`"),
        fails(
            IdempotencyKeyReused,
            "this `Idempotency-Key` was used in the last 24 hours with a different body",
        ),
        fails(
            DuplicateRequest,
            "a concurrent request with this `Idempotency-Key` committed first and its answer "
            "could not be read back; retry to get it",
        ),
        fails(Conflict, "the booking could not be saved for another reason; retry"),
    ),
    request_example={
        "mentorId": "demo-mentor-profile",
        "scheduledAt": "2026-12-02T04:00:00-05:00",
        "duration": 60,
        "sessionType": "VIDEO",
        "title": "Career chat",
        "timezone": "America/New_York",
        "agendaNotes": "CV review",
    },
    response_example=SESSION_EXAMPLE,
)
def book_session(rc: RequestContext) -> Response:
    """Book a session with a mentor.

    Students with an ACCEPTED connection to the mentor. The whole session
    (30, 60 or 90 minutes from `scheduledAt`) must lie in free slots of the
    mentor's availability: in the future, past the minimum notice, at most 180
    days ahead, on the half-hour grid of the mentor's local time. Neither the
    mentor (including their buffer after each session) nor you may have
    another session overlapping it; of two competing bookings exactly one
    succeeds. Video and voice sessions get a Jitsi room. With an
    `Idempotency-Key`, a retry of the same request returns the first answer
    (with `Idempotent-Replayed: true`) and books nothing new.
    """
    body = parse_body(rc.request, BookIn)
    key = rc.request.headers.get("idempotency-key")
    request = BookingRequest(
        mentor_id=body.mentor_id,
        scheduled_at=body.scheduled_at,
        duration=body.duration,
        session_type=SessionType(body.session_type),
        title=body.title,
        timezone=body.timezone,
        description=body.description,
        agenda_notes=body.agenda_notes,
    )
    who = caller(rc.request)
    keyed = None
    if key is not None:
        canonical = {**body.model_dump(mode="json"), "scheduled_at": iso_z(body.scheduled_at)}
        keyed = sessions.Keyed(
            session_rules.check_idempotency_key(key), session_rules.fingerprint(canonical), _created
        )
    outcome = sessions.book(rc.ctx, who, request, keyed)
    if isinstance(outcome, sessions.Replayed):
        return _answered(outcome.answer, replayed=True)
    return _answered(outcome.answer or _created(outcome.session), replayed=False)


def _created(session: Session) -> sessions.Answer:
    """A booking's answer: 201 and the session (a retry with its key gets this answer again)."""
    return sessions.Answer(201, session_out(session).model_dump_json(by_alias=True))


def _answered(answer: sessions.Answer, *, replayed: bool) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body=answer.body, status_code=answer.status, headers=headers)


@endpoint(
    query=SessionsQuery,
    response=PageOut[SessionOut],
    response_example={"items": [SESSION_EXAMPLE], "nextCursor": None},
)
def my_sessions(rc: RequestContext) -> PageOut[SessionOut]:
    """My Sessions: the sessions you are the mentor or the student of.

    Filtered by `?tab=` and `?role=`, a page at a time.
    """
    query = parse_query(rc.request, SessionsQuery)
    items, cursor = sessions.my_sessions(
        rc.ctx,
        caller(rc.request),
        Tab(query.tab) if query.tab else None,
        Role(query.role) if query.role else None,
        query.limit,
        query.cursor,
    )
    return PageOut[SessionOut](items=[session_out(s) for s in items], next_cursor=cursor)


@endpoint(response=SessionOut, errors=(SESSION_NOT_YOURS,), response_example=SESSION_EXAMPLE)
def get_session(rc: RequestContext, session_id: str) -> SessionOut:
    """One of your sessions.

    Only its mentor and its student see it; anyone else gets a 404.
    """
    return session_out(sessions.get_session(rc.ctx, caller(rc.request), path_id(session_id)))


@endpoint(
    response=SessionOut,
    errors=(
        SESSION_NOT_YOURS,
        NOT_SCHEDULED,
        fails(
            JoinWindowClosed,
            "it is earlier than 15 minutes before the start, or the scheduled end has passed",
        ),
    ),
    response_example={
        **SESSION_EXAMPLE,
        "startedAt": "2026-12-02T08:52:10Z",
        "studentJoinedAt": "2026-12-02T08:52:10Z",
        "updatedAt": "2026-12-02T08:52:10Z",
    },
)
def start_session(rc: RequestContext, session_id: str) -> SessionOut:
    """Join a session's call.

    Its mentor or student, while it is SCHEDULED, from 15 minutes before the
    start until the scheduled end. Records your first join (`mentorJoinedAt`
    or `studentJoinedAt`; the first of the two is `startedAt`; joining again
    changes nothing) and answers the session with your `meetingLink`: with
    Jitsi token auth configured, a link with your own `?jwt=` (the mentor's
    makes them moderator). In-person sessions have no link.
    """
    return session_out(sessions.start(rc.ctx, caller(rc.request), path_id(session_id)))


@endpoint(
    body=CancelIn,
    response=SessionOut,
    errors=(SESSION_NOT_YOURS, NOT_SCHEDULED, TOO_LATE, UNSAVED),
    request_example={"reason": "Exam moved"},
    response_example={
        **SESSION_EXAMPLE,
        "status": "CANCELLED",
        "cancelledAt": "2026-11-29T12:00:00Z",
        "cancelledBy": "STUDENT",
        "cancellationReason": "Exam moved",
        "updatedAt": "2026-11-29T12:00:00Z",
    },
)
def cancel_session(rc: RequestContext, session_id: str) -> SessionOut:
    """Cancel a session.

    Its mentor or student, with a reason, while it is SCHEDULED and at least 2
    hours before the start. The time is free again for both at once.
    """
    body = parse_body(rc.request, CancelIn)
    return session_out(
        sessions.cancel(rc.ctx, caller(rc.request), path_id(session_id), body.reason)
    )


@endpoint(
    body=RescheduleIn,
    response=SessionOut,
    errors=(
        SESSION_NOT_YOURS,
        fails(NotFound, "the session's mentor profile no longer exists"),
        NOT_SCHEDULED,
        TOO_LATE,
        *_timing_rules(),
        fails(NotConnected, "your connection with the mentor is no longer ACCEPTED"),
        UNSAVED,
    ),
    request_example={"scheduledAt": "2026-12-03T14:00:00Z", "duration": 30},
    response_example={
        **SESSION_EXAMPLE,
        "scheduledAt": "2026-12-03T14:00:00Z",
        "endsAt": "2026-12-03T14:30:00Z",
        "duration": 30,
        "rescheduledFrom": "2026-12-02T09:00:00Z",
        "updatedAt": "2026-11-29T12:00:00Z",
    },
)
def reschedule_session(rc: RequestContext, session_id: str) -> SessionOut:
    """Move a session to another time.

    Its mentor or student, while it is SCHEDULED and at least 2 hours before
    the current start, as long as the connection is still ACCEPTED. The new
    time must pass every booking rule (ignoring the session's own current
    time); `duration` left out keeps the length. The meeting link is kept,
    and `rescheduledFrom` records the previous start.
    """
    body = parse_body(rc.request, RescheduleIn)
    moved = sessions.reschedule(
        rc.ctx, caller(rc.request), path_id(session_id), body.scheduled_at, body.duration
    )
    return session_out(moved)


@endpoint(
    body=CompleteIn,
    optional_body=True,
    response=SessionOut,
    errors=(
        SESSION_NOT_YOURS,
        fails(Forbidden, "you are the session's student: only the mentor completes it"),
        fails(InvalidState, "the session is not SCHEDULED, or it has not started yet"),
        fails(
            Unavailable,
            "the mentor's statistics kept changing under three attempts in a row",
        ),
        UNSAVED,
    ),
    request_example={"sessionNotes": "Agreed on three next steps."},
    response_example={
        **SESSION_EXAMPLE,
        "status": "COMPLETED",
        "sessionNotes": "Agreed on three next steps.",
        "startedAt": "2026-12-02T08:52:10Z",
        "mentorJoinedAt": "2026-12-02T08:55:00Z",
        "studentJoinedAt": "2026-12-02T08:52:10Z",
        "endedAt": "2026-12-02T10:01:30Z",
        "updatedAt": "2026-12-02T10:01:30Z",
    },
)
def complete_session(rc: RequestContext, session_id: str) -> SessionOut:
    """Mark a session completed.

    Its mentor only, while it is SCHEDULED and once it has started; the body
    (optional) may carry the mentor's notes. Counts in the mentor's
    statistics. Sessions nobody completes are settled by a scheduled job 30
    minutes after their end: COMPLETED if both joined, else NO_SHOW.
    """
    body = parse_body(rc.request, CompleteIn, optional=True)
    return session_out(
        sessions.complete(rc.ctx, caller(rc.request), path_id(session_id), body.session_notes)
    )


def session_out(s: Session) -> SessionOut:
    """The session as :class:`SessionOut` has it.

    A field named as in :class:`Session` is taken as it is; only what the
    contract names or nests differently is spelt out here.
    """
    mentor = s.mentor
    return SessionOut.model_validate(
        {
            **structs.asdict(s),
            "mentor_id": mentor.id,
            "student_id": s.student.id,
            "ends_at": s.ends_at,
            "mentor": {
                **structs.asdict(mentor),
                "user": {"name": mentor.name, "email": mentor.email},
            },
            "student": structs.asdict(s.student),
        }
    )
