"""Mentoring sessions: book, list, read, start, cancel, reschedule, complete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chalice.app import Response
from pydantic import AwareDatetime, Field, StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.http import endpoint, parse_body, parse_query, path_id
from chalicelib.api.models import (
    ConnectionStudent,
    Id,
    Name,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    TimeZoneName,
    UtcDateTime,
)
from chalicelib.api.views import Views
from chalicelib.domain import sessions as session_rules
from chalicelib.domain.clock import iso_z
from chalicelib.domain.sessions import BookingRequest, Role, Session, SessionType, Tab
from chalicelib.services import sessions

Text2000 = Annotated[str, StringConstraints(max_length=2000)]


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


class SessionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = None
    tab: Literal["upcoming", "past", "cancelled"] | None = None


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


@endpoint(status=201, body=BookIn, response=SessionOut, headers=("Idempotency-Key",))
def book_session(v: Views) -> Response:
    body = parse_body(v.request, BookIn)
    key = v.request.headers.get("idempotency-key")
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
    canonical = {**body.model_dump(mode="json"), "scheduled_at": iso_z(body.scheduled_at)}
    booked = sessions.book(
        v.ctx,
        caller(v.request),
        request,
        session_rules.check_idempotency_key(key) if key is not None else None,
        session_rules.fingerprint(canonical),
        lambda s: session_out(s).model_dump_json(by_alias=True),
    )
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if booked.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body=booked.body, status_code=booked.status, headers=headers)


@endpoint(query=SessionsQuery, response=PageOut[SessionOut])
def my_sessions(v: Views) -> PageOut[SessionOut]:
    query = parse_query(v.request, SessionsQuery)
    items, cursor = sessions.my_sessions(
        v.ctx,
        caller(v.request),
        Tab(query.tab) if query.tab else None,
        Role(query.role) if query.role else None,
        query.limit,
        query.cursor,
    )
    return PageOut[SessionOut](items=[session_out(s) for s in items], next_cursor=cursor)


@endpoint(response=SessionOut)
def get_session(v: Views, session_id: str) -> SessionOut:
    return session_out(sessions.get_session(v.ctx, caller(v.request), path_id(session_id)))


@endpoint(response=SessionOut)
def start_session(v: Views, session_id: str) -> SessionOut:
    return session_out(sessions.start(v.ctx, caller(v.request), path_id(session_id)))


@endpoint(body=CancelIn, response=SessionOut)
def cancel_session(v: Views, session_id: str) -> SessionOut:
    body = parse_body(v.request, CancelIn)
    return session_out(sessions.cancel(v.ctx, caller(v.request), path_id(session_id), body.reason))


@endpoint(body=RescheduleIn, response=SessionOut)
def reschedule_session(v: Views, session_id: str) -> SessionOut:
    body = parse_body(v.request, RescheduleIn)
    moved = sessions.reschedule(
        v.ctx, caller(v.request), path_id(session_id), body.scheduled_at, body.duration
    )
    return session_out(moved)


@endpoint(body=CompleteIn, optional_body=True, response=SessionOut)
def complete_session(v: Views, session_id: str) -> SessionOut:
    body = parse_body(v.request, CompleteIn, optional=True)
    return session_out(
        sessions.complete(v.ctx, caller(v.request), path_id(session_id), body.session_notes)
    )


def session_out(s: Session) -> SessionOut:
    return SessionOut(
        id=s.id,
        mentor_id=s.mentor.id,
        student_id=s.student.id,
        scheduled_at=s.scheduled_at,
        ends_at=s.ends_at,
        duration=s.duration,
        status=s.status.value,
        session_type=s.session_type.value,
        title=s.title,
        description=s.description,
        timezone=s.timezone,
        meeting_link=s.meeting_link,
        meeting_room=s.meeting_room,
        agenda_notes=s.agenda_notes,
        session_notes=s.session_notes,
        started_at=s.started_at,
        mentor_joined_at=s.mentor_joined_at,
        student_joined_at=s.student_joined_at,
        ended_at=s.ended_at,
        cancelled_at=s.cancelled_at,
        cancelled_by=s.cancelled_by,
        cancellation_reason=s.cancellation_reason,
        no_show_by=s.no_show_by,
        rescheduled_from=s.rescheduled_from,
        created_at=s.created_at,
        updated_at=s.updated_at,
        mentor=SessionMentor(
            id=s.mentor.id,
            user_id=s.mentor.user_id,
            company=s.mentor.company,
            job_title=s.mentor.job_title,
            user=SessionMentorUser(name=s.mentor.name, email=s.mentor.email),
        ),
        student=ConnectionStudent(id=s.student.id, name=s.student.name, email=s.student.email),
    )
