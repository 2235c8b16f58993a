"""Views: parse the request, call one use case, shape the answer."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.api import models
from chalicelib.api.auth import caller
from chalicelib.api.http import parse_body, parse_query, path_id
from chalicelib.domain.connections import Connection, ConnectionAction
from chalicelib.domain.people import Mentor, ProfileChange, User, UserChange
from chalicelib.services import Context, connections, people
from chalicelib.store import Store


class Views:
    """The route handlers, bound to a way of making the use-case context."""

    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx

    @classmethod
    def live(cls, request: Request) -> Views:
        return cls(request, Context(Store.from_settings()))


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


# --- shaping ----------------------------------------------------------------


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
