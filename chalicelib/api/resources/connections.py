"""Mentorship connections: request, list, read, accept, decline, remove, block, unblock."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.api.context import RequestContext
from chalicelib.api.http import Fails, endpoint, fails, parse_body, parse_query, path_id
from chalicelib.api.models import (
    ConnectionStudent,
    FreeText,
    Id,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    UtcDateTime,
)
from chalicelib.api.resources import caller
from chalicelib.domain.connections import Connection, ConnectionAction
from chalicelib.domain.errors import (
    ConnectionBlocked,
    ConnectionExists,
    Forbidden,
    InvalidRequest,
    InvalidState,
    NotFound,
)
from chalicelib.domain.sessions import Role
from chalicelib.services import connections


class ConnectionIn(RequestModel):
    mentor_id: Id = Field(description="The mentor profile's `id`")
    message: Annotated[str, StringConstraints(max_length=1000), FreeText] | None = Field(
        default=None,
        description="A note to the mentor (no control characters but tab and line breaks, "
        "no bidi controls)",
    )


class ConnectionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = Field(
        default=None, description="Only the connections where you are this side; default: both"
    )


class ConnectionMentor(ResponseModel):
    id: str
    user_id: str
    name: str
    company: str
    job_title: str


class ConnectionOut(ResponseModel):
    id: str
    mentor_id: str
    student_id: str
    status: Literal["PENDING", "ACCEPTED", "DECLINED", "REMOVED", "BLOCKED"]
    message: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    mentor: ConnectionMentor
    student: ConnectionStudent


CONNECTION_EXAMPLE = {
    "id": "demo-connection",
    "mentorId": "demo-mentor-profile",
    "studentId": "demo-student",
    "status": "ACCEPTED",
    "message": "Hi Maya, I'd love your advice.",
    "createdAt": "2026-11-20T08:30:00Z",
    "updatedAt": "2026-11-20T09:12:00Z",
    "mentor": {
        "id": "demo-mentor-profile",
        "userId": "demo-mentor",
        "name": "Maya Mentor",
        "company": "CareerForge",
        "jobTitle": "Staff Engineer",
    },
    "student": {"id": "demo-student", "name": "Sam Student", "email": "sam.student@example.com"},
}
PENDING_EXAMPLE = {**CONNECTION_EXAMPLE, "status": "PENDING", "updatedAt": "2026-11-20T08:30:00Z"}
NOT_YOURS = fails(NotFound, "no such connection, or you are neither its mentor nor its student")


@endpoint(
    status=201,
    body=ConnectionIn,
    response=ConnectionOut,
    errors=(
        fails(InvalidRequest, "the mentor profile is your own", code="CANNOT_CONNECT_TO_SELF"),
        fails(NotFound, "no mentor profile has this `mentorId`"),
        fails(
            ConnectionExists, "you already have a PENDING or ACCEPTED connection with this mentor"
        ),
        fails(ConnectionBlocked, "the mentor does not accept connection requests from you"),
    ),
    request_example={
        "mentorId": "demo-mentor-profile",
        "message": "Hi Maya, I'd love your advice.",
    },
    response_example=PENDING_EXAMPLE,
)
def create_connection(rc: RequestContext) -> ConnectionOut:
    """Ask a mentor for a connection.

    You become the connection's student; it starts PENDING until the mentor
    accepts or declines it. One live (PENDING or ACCEPTED) connection per
    mentor and student: after a decline or removal you may ask again, unless
    the mentor blocked you (`CONNECTION_BLOCKED`). Booking a session needs an
    ACCEPTED connection.
    """
    body = parse_body(rc.request, ConnectionIn)
    return connection_out(
        connections.request(rc.ctx, caller(rc.request), body.mentor_id, body.message)
    )


@endpoint(
    query=ConnectionsQuery,
    response=PageOut[ConnectionOut],
    response_example={"items": [CONNECTION_EXAMPLE], "nextCursor": None},
)
def list_connections(rc: RequestContext) -> PageOut[ConnectionOut]:
    """Your connections, newest first.

    Those where you are the mentor and those where you are the student, or one
    side with `?role=`; every status.
    """
    query = parse_query(rc.request, ConnectionsQuery)
    role = Role(query.role) if query.role else None
    items, cursor = connections.list_mine(
        rc.ctx, caller(rc.request), role, query.limit, query.cursor
    )
    return PageOut[ConnectionOut](items=[connection_out(c) for c in items], next_cursor=cursor)


@endpoint(response=ConnectionOut, errors=(NOT_YOURS,), response_example=CONNECTION_EXAMPLE)
def get_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """One of your connections.

    Only its mentor and its student see it; anyone else gets a 404.
    """
    return connection_out(connections.get(rc.ctx, caller(rc.request), path_id(connection_id)))


def _act(rc: RequestContext, connection_id: str, action: ConnectionAction) -> ConnectionOut:
    return connection_out(
        connections.act(rc.ctx, caller(rc.request), path_id(connection_id), action)
    )


def _mentor_decides(verb: str) -> tuple[Fails, ...]:
    return (
        NOT_YOURS,
        fails(Forbidden, f"you are the connection's student: only the mentor may {verb} it"),
        fails(
            InvalidState,
            "the connection is not PENDING, or its status changed at the same moment",
        ),
    )


@endpoint(
    response=ConnectionOut,
    errors=_mentor_decides("accept"),
    response_example=CONNECTION_EXAMPLE,
)
def accept_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """Accept a connection request.

    The mentor only, and only while it is PENDING. Its student can then book
    sessions with the mentor.
    """
    return _act(rc, connection_id, ConnectionAction.ACCEPT)


@endpoint(
    response=ConnectionOut,
    errors=_mentor_decides("decline"),
    response_example={**CONNECTION_EXAMPLE, "status": "DECLINED"},
)
def decline_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """Decline a connection request.

    The mentor only, and only while it is PENDING. The student may ask again.
    """
    return _act(rc, connection_id, ConnectionAction.DECLINE)


@endpoint(
    response=ConnectionOut,
    errors=(
        NOT_YOURS,
        fails(
            InvalidState,
            "the connection is not PENDING or ACCEPTED, or its status changed at the same moment",
        ),
    ),
    response_example={**CONNECTION_EXAMPLE, "status": "REMOVED"},
)
def remove_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """End a connection.

    Either side, while it is PENDING or ACCEPTED. No new session can be booked
    or rescheduled in it afterwards; sessions already booked are kept.
    """
    return _act(rc, connection_id, ConnectionAction.REMOVE)


@endpoint(
    response=ConnectionOut,
    errors=(
        NOT_YOURS,
        fails(Forbidden, "you are the connection's student: only the mentor may block it"),
        fails(
            InvalidState,
            "the connection is already BLOCKED, a newer connection of the pair exists, or its "
            "status changed at the same moment",
        ),
    ),
    response_example={**CONNECTION_EXAMPLE, "status": "BLOCKED"},
)
def block_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """Block the student of a connection.

    The mentor only, from PENDING, ACCEPTED, DECLINED or REMOVED, on the
    pair's latest connection. The connection ends (no new session can be
    booked in it; sessions already booked are kept) and the student's new
    requests to you are refused with 403 `CONNECTION_BLOCKED` until you
    unblock. The block and every request are decided in one transaction on
    the pair, so no request slips in after the block.
    """
    return _act(rc, connection_id, ConnectionAction.BLOCK)


@endpoint(
    response=ConnectionOut,
    errors=(
        NOT_YOURS,
        fails(Forbidden, "you are the connection's student: only the mentor may unblock it"),
        fails(InvalidState, "the connection is not BLOCKED, or its status changed meanwhile"),
    ),
    response_example={**CONNECTION_EXAMPLE, "status": "REMOVED"},
)
def unblock_connection(rc: RequestContext, connection_id: str) -> ConnectionOut:
    """Lift a block.

    The mentor only, while the connection is BLOCKED. It becomes REMOVED, and
    the student may ask for a connection again.
    """
    return _act(rc, connection_id, ConnectionAction.UNBLOCK)


def connection_out(conn: Connection) -> ConnectionOut:
    return ConnectionOut(
        id=conn.id,
        mentor_id=conn.mentor_id,
        student_id=conn.student_id,
        status=conn.status.value,
        message=conn.message,
        created_at=conn.created_at,
        updated_at=conn.updated_at,
        mentor=ConnectionMentor(
            id=conn.mentor_id,
            user_id=conn.mentor_user_id,
            name=conn.mentor_name,
            company=conn.mentor_company,
            job_title=conn.mentor_job_title,
        ),
        student=ConnectionStudent(
            id=conn.student_id, name=conn.student_name, email=conn.student_email
        ),
    )
