"""Use cases for connections."""

from __future__ import annotations

from chalicelib.domain import connections as rules
from chalicelib.domain.connections import Connection, ConnectionAction
from chalicelib.domain.errors import NotFound
from chalicelib.domain.identity import Identity
from chalicelib.domain.sessions import Role
from chalicelib.services import Context
from chalicelib.services.people import refresh_claims, register


def request(ctx: Context, caller: Identity, mentor_id: str, message: str | None) -> Connection:
    """Ask ``mentor_id`` for a connection (two round trips for a known user)."""
    user, mentor = ctx.store.people.get_user_and_mentor(caller.user_id, mentor_id)
    if mentor is None:
        raise NotFound("No such mentor.")
    user = register(ctx, caller) if user is None else refresh_claims(ctx, caller, user)
    conn = rules.request_connection(ctx.ids(), user, mentor, message, ctx.clock())
    ctx.store.connections.add(conn)
    return conn


def act(ctx: Context, caller: Identity, connection_id: str, action: ConnectionAction) -> Connection:
    """Accept, decline or remove a connection on the caller's behalf."""
    conn = ctx.store.connections.get(connection_id)
    if conn is None:
        raise NotFound("No such connection.")
    changed = rules.transition(conn, action, caller.user_id, ctx.clock())
    return ctx.store.connections.change_status(changed, rules.allowed_from(action))


def get(ctx: Context, caller: Identity, connection_id: str) -> Connection:
    conn = ctx.store.connections.get(connection_id)
    if conn is None:
        raise NotFound("No such connection.")
    rules.ensure_participant(conn, caller.user_id)
    return conn


def list_mine(
    ctx: Context, caller: Identity, role: Role | None, limit: int, cursor: str | None
) -> tuple[list[Connection], str | None]:
    return ctx.store.connections.list_for(
        caller.user_id,
        as_mentor=role in (None, Role.MENTOR),
        as_student=role in (None, Role.STUDENT),
        limit=limit,
        cursor=cursor,
    )
