"""Views: parse the request, call one use case, shape the answer."""

from __future__ import annotations

from datetime import timedelta

from chalice.app import Request, Response

from chalicelib.api import models
from chalicelib.api.auth import caller
from chalicelib.api.http import parse_body, parse_query, path_id
from chalicelib.config import settings
from chalicelib.domain import sessions as session_rules
from chalicelib.domain.availability import (
    SLOT_MINUTES,
    Availability,
    from_document,
    to_document,
)
from chalicelib.domain.clock import Clock, iso_z, shifted, system_clock
from chalicelib.domain.connections import Connection, ConnectionAction
from chalicelib.domain.people import Mentor, ProfileChange, User, UserChange
from chalicelib.domain.sessions import BookingRequest, Role, Session, SessionType, Tab
from chalicelib.services import Context, connections, people, sessions
from chalicelib.store import Store


class Views:
    """What every view gets: the request and the use-case context."""

    # The one clock of the running app; tests replace it to control time.
    clock: Clock = staticmethod(system_clock)

    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx

    @classmethod
    def live(cls, request: Request) -> Views:
        cfg = settings()
        clock = cls.clock
        if cfg.local_clock_file:
            clock = shifted(clock, _travelled(cfg.local_clock_file))
        return cls(request, Context(Store.from_settings(), clock=clock))


def _travelled(path: str) -> float:
    """Seconds the local stage's clock is moved (a file written by devstack; 0 without one).

    Lets a developer, and the end-to-end tests, see a join window open without
    waiting for it. ``settings()`` offers the file on the local stage only.
    """
    try:
        with open(path) as f:
            return float(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0.0


def local_token(v: Views) -> models.LocalTokenOut:
    """A signed token for any user id: the local sign-in page (local stage only)."""
    from chalicelib.admin import mint_token

    body = parse_body(v.request, models.LocalTokenIn)
    token = mint_token(body.user_id, body.name, body.email, hours=12)
    return models.LocalTokenOut(token=token, user_id=body.user_id)


def health(v: Views) -> models.Health:
    return models.Health(time=v.ctx.clock())


def get_me(v: Views) -> models.UserOut:
    return user_out(people.ensure_user(v.ctx, caller(v.request)))


def put_me(v: Views) -> models.UserOut:
    body = parse_body(v.request, models.MeUpdate)
    change = UserChange(name=body.name, email=body.email, timezone=body.timezone)
    return user_out(people.update_me(v.ctx, caller(v.request), change))


def put_my_mentor_profile(v: Views) -> models.MentorOut:
    body = parse_body(v.request, models.MentorProfileIn)
    change = ProfileChange(
        company=body.company,
        job_title=body.job_title,
        timezone=body.timezone,
        bio=body.bio,
        expertise=tuple(body.expertise) if body.expertise is not None else None,
    )
    return mentor_out(people.upsert_my_mentor_profile(v.ctx, caller(v.request), change))


def get_my_mentor_profile(v: Views) -> models.MentorOut:
    return mentor_out(people.my_mentor_profile(v.ctx, caller(v.request)))


def list_mentors(v: Views) -> models.PageOut[models.MentorOut]:
    query = parse_query(v.request, models.PageQuery)
    items, cursor = people.list_mentors(v.ctx, query.limit, query.cursor)
    return models.PageOut[models.MentorOut](
        items=[mentor_out(m) for m in items], next_cursor=cursor
    )


def get_mentor(v: Views, mentor_id: str) -> models.MentorOut:
    return mentor_out(people.get_mentor(v.ctx, path_id(mentor_id)))


def create_connection(v: Views) -> models.ConnectionOut:
    body = parse_body(v.request, models.ConnectionIn)
    return connection_out(
        connections.request(v.ctx, caller(v.request), body.mentor_id, body.message)
    )


def list_connections(v: Views) -> models.PageOut[models.ConnectionOut]:
    query = parse_query(v.request, models.ConnectionsQuery)
    role = connections.Role(query.role) if query.role else None
    items, cursor = connections.list_mine(v.ctx, caller(v.request), role, query.limit, query.cursor)
    return models.PageOut[models.ConnectionOut](
        items=[connection_out(c) for c in items], next_cursor=cursor
    )


def get_connection(v: Views, connection_id: str) -> models.ConnectionOut:
    return connection_out(connections.get(v.ctx, caller(v.request), path_id(connection_id)))


def _act(v: Views, connection_id: str, action: ConnectionAction) -> models.ConnectionOut:
    return connection_out(connections.act(v.ctx, caller(v.request), path_id(connection_id), action))


def accept_connection(v: Views, connection_id: str) -> models.ConnectionOut:
    return _act(v, connection_id, ConnectionAction.ACCEPT)


def decline_connection(v: Views, connection_id: str) -> models.ConnectionOut:
    return _act(v, connection_id, ConnectionAction.DECLINE)


def remove_connection(v: Views, connection_id: str) -> models.ConnectionOut:
    return _act(v, connection_id, ConnectionAction.REMOVE)


def set_availability(v: Views) -> models.AvailabilityOut:
    body = parse_body(v.request, models.AvailabilityIn)
    av = availability_from(body)
    mentor_id = sessions.set_availability(v.ctx, caller(v.request), av)
    return availability_out(mentor_id, av)


def get_availability(v: Views, mentor_id: str) -> models.AvailabilitySlotsOut:
    query = parse_query(v.request, models.AvailabilityQuery)
    view = sessions.availability_view(
        v.ctx, path_id(mentor_id), query.from_, query.to, query.timezone
    )
    base = availability_out(view.mentor_id, view.availability)  # fields shared with the POST
    slot = timedelta(minutes=SLOT_MINUTES)
    return models.AvailabilitySlotsOut(
        **base.model_dump(),
        slots=[models.Slot(start=s, end=s + slot) for s in view.slots],
        booked_slots=[models.Slot(start=b.start, end=b.end) for b in view.booked],
    )


def book_session(v: Views) -> Response:
    body = parse_body(v.request, models.BookIn)
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


def my_sessions(v: Views) -> models.PageOut[models.SessionOut]:
    query = parse_query(v.request, models.SessionsQuery)
    items, cursor = sessions.my_sessions(
        v.ctx,
        caller(v.request),
        Tab(query.tab) if query.tab else None,
        Role(query.role) if query.role else None,
        query.limit,
        query.cursor,
    )
    return models.PageOut[models.SessionOut](
        items=[session_out(s) for s in items], next_cursor=cursor
    )


def get_session(v: Views, session_id: str) -> models.SessionOut:
    return session_out(sessions.get_session(v.ctx, caller(v.request), path_id(session_id)))


def start_session(v: Views, session_id: str) -> models.SessionOut:
    return session_out(sessions.start(v.ctx, caller(v.request), path_id(session_id)))


def cancel_session(v: Views, session_id: str) -> models.SessionOut:
    body = parse_body(v.request, models.CancelIn)
    return session_out(sessions.cancel(v.ctx, caller(v.request), path_id(session_id), body.reason))


def reschedule_session(v: Views, session_id: str) -> models.SessionOut:
    body = parse_body(v.request, models.RescheduleIn)
    moved = sessions.reschedule(
        v.ctx, caller(v.request), path_id(session_id), body.scheduled_at, body.duration
    )
    return session_out(moved)


def complete_session(v: Views, session_id: str) -> models.SessionOut:
    body = parse_body(v.request, models.CompleteIn, optional=True)
    return session_out(
        sessions.complete(v.ctx, caller(v.request), path_id(session_id), body.session_notes)
    )


# --- shaping ----------------------------------------------------------------


def availability_from(body: models.AvailabilityIn) -> Availability:
    return from_document(body.model_dump(mode="json", by_alias=True))


def availability_out(mentor_id: str, av: Availability) -> models.AvailabilityOut:
    return models.AvailabilityOut.model_validate({"mentorId": mentor_id, **to_document(av)})


def session_out(s: Session) -> models.SessionOut:
    return models.SessionOut(
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
        mentor=models.SessionMentor(
            id=s.mentor.id,
            user_id=s.mentor.user_id,
            company=s.mentor.company,
            job_title=s.mentor.job_title,
            user=models.SessionMentorUser(name=s.mentor.name, email=s.mentor.email),
        ),
        student=models.ConnectionStudent(
            id=s.student.id, name=s.student.name, email=s.student.email
        ),
    )


def user_out(user: User) -> models.UserOut:
    return models.UserOut(
        id=user.id,
        name=user.name,
        email=user.email,
        timezone=user.timezone,
        mentor_id=user.mentor_id,
    )


def mentor_out(mentor: Mentor) -> models.MentorOut:
    s = mentor.stats
    return models.MentorOut(
        id=mentor.id,
        user_id=mentor.user_id,
        name=mentor.name,
        company=mentor.company,
        job_title=mentor.job_title,
        bio=mentor.bio,
        expertise=list(mentor.expertise),
        timezone=mentor.timezone,
        total_sessions=mentor.total_sessions,
        stats=models.StatsOut(
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


def connection_out(conn: Connection) -> models.ConnectionOut:
    return models.ConnectionOut(
        id=conn.id,
        mentor_id=conn.mentor_id,
        student_id=conn.student_id,
        status=conn.status.value,
        message=conn.message,
        created_at=conn.created_at,
        updated_at=conn.updated_at,
        mentor=models.ConnectionMentor(
            id=conn.mentor_id,
            user_id=conn.mentor_user_id,
            name=conn.mentor_name,
            company=conn.mentor_company,
            job_title=conn.mentor_job_title,
        ),
        student=models.ConnectionStudent(
            id=conn.student_id, name=conn.student_name, email=conn.student_email
        ),
    )
