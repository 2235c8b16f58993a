"""Mentorship connections: request, list, read, accept, decline, remove."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from chalicelib.api.auth import caller
from chalicelib.api.http import endpoint, parse_body, parse_query, path_id
from chalicelib.api.models import (
    ConnectionStudent,
    Id,
    PageOut,
    PageQuery,
    RequestModel,
    ResponseModel,
    UtcDateTime,
)
from chalicelib.api.views import Views
from chalicelib.domain.connections import Connection, ConnectionAction
from chalicelib.services import connections


class ConnectionIn(RequestModel):
    mentor_id: Id
    message: Annotated[str, StringConstraints(max_length=1000)] | None = None


class ConnectionsQuery(PageQuery):
    role: Literal["mentor", "student"] | None = None


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
    status: Literal["PENDING", "ACCEPTED", "DECLINED", "REMOVED"]
    message: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    mentor: ConnectionMentor
    student: ConnectionStudent


@endpoint(status=201, body=ConnectionIn, response=ConnectionOut)
def create_connection(v: Views) -> ConnectionOut:
    body = parse_body(v.request, ConnectionIn)
    return connection_out(
        connections.request(v.ctx, caller(v.request), body.mentor_id, body.message)
    )


@endpoint(query=ConnectionsQuery, response=PageOut[ConnectionOut])
def list_connections(v: Views) -> PageOut[ConnectionOut]:
    query = parse_query(v.request, ConnectionsQuery)
    role = connections.Role(query.role) if query.role else None
    items, cursor = connections.list_mine(v.ctx, caller(v.request), role, query.limit, query.cursor)
    return PageOut[ConnectionOut](items=[connection_out(c) for c in items], next_cursor=cursor)


@endpoint(response=ConnectionOut)
def get_connection(v: Views, connection_id: str) -> ConnectionOut:
    return connection_out(connections.get(v.ctx, caller(v.request), path_id(connection_id)))


def _act(v: Views, connection_id: str, action: ConnectionAction) -> ConnectionOut:
    return connection_out(connections.act(v.ctx, caller(v.request), path_id(connection_id), action))


@endpoint(response=ConnectionOut)
def accept_connection(v: Views, connection_id: str) -> ConnectionOut:
    return _act(v, connection_id, ConnectionAction.ACCEPT)


@endpoint(response=ConnectionOut)
def decline_connection(v: Views, connection_id: str) -> ConnectionOut:
    return _act(v, connection_id, ConnectionAction.DECLINE)


@endpoint(response=ConnectionOut)
def remove_connection(v: Views, connection_id: str) -> ConnectionOut:
    return _act(v, connection_id, ConnectionAction.REMOVE)


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
