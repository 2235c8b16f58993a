"""Connections between a student and a mentor, and who may move them where."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from msgspec import Struct
from msgspec.structs import replace

from chalicelib.domain.errors import Forbidden, InvalidRequest, InvalidState, NotFound
from chalicelib.domain.people import Mentor, User


class ConnectionStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    REMOVED = "REMOVED"
    # The mentor blocked the student: no new request from them until the mentor unblocks.
    BLOCKED = "BLOCKED"


LIVE_STATUSES = frozenset({ConnectionStatus.PENDING, ConnectionStatus.ACCEPTED})
# While the pair's latest connection has one of these, the student cannot ask again.
CLOSED_TO_REQUESTS = LIVE_STATUSES | {ConnectionStatus.BLOCKED}


class ConnectionAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    REMOVE = "remove"
    BLOCK = "block"
    UNBLOCK = "unblock"


class Connection(Struct, frozen=True):
    """A student's request to a mentor and its outcome.

    Names and titles are copied in at creation so that a list of connections
    is one query, not one read per row.
    """

    id: str
    mentor_id: str
    mentor_user_id: str
    mentor_name: str
    mentor_company: str
    mentor_job_title: str
    student_id: str
    student_name: str
    student_email: str | None
    status: ConnectionStatus
    message: str
    created_at: datetime
    updated_at: datetime


# Which actions are allowed from which status, and the status they lead to.
_TRANSITIONS: dict[ConnectionAction, tuple[frozenset[ConnectionStatus], ConnectionStatus]] = {
    ConnectionAction.ACCEPT: (frozenset({ConnectionStatus.PENDING}), ConnectionStatus.ACCEPTED),
    ConnectionAction.DECLINE: (frozenset({ConnectionStatus.PENDING}), ConnectionStatus.DECLINED),
    ConnectionAction.REMOVE: (LIVE_STATUSES, ConnectionStatus.REMOVED),
    ConnectionAction.BLOCK: (
        frozenset(
            {
                ConnectionStatus.PENDING,
                ConnectionStatus.ACCEPTED,
                ConnectionStatus.DECLINED,
                ConnectionStatus.REMOVED,
            }
        ),
        ConnectionStatus.BLOCKED,
    ),
    # Unblocking ends the connection rather than restoring it: the student may ask again.
    ConnectionAction.UNBLOCK: (frozenset({ConnectionStatus.BLOCKED}), ConnectionStatus.REMOVED),
}


_DONE = {
    ConnectionAction.ACCEPT: "accepted",
    ConnectionAction.DECLINE: "declined",
    ConnectionAction.REMOVE: "removed",
    ConnectionAction.BLOCK: "blocked",
    ConnectionAction.UNBLOCK: "unblocked",
}


def request_connection(
    connection_id: str, student: User, mentor: Mentor, message: str | None, now: datetime
) -> Connection:
    """A new PENDING connection.

    Raises:
        InvalidRequest: the student is the mentor.
    """
    if mentor.user_id == student.id:
        raise InvalidRequest(
            "CANNOT_CONNECT_TO_SELF", "You cannot request a connection with yourself."
        )
    return Connection(
        id=connection_id,
        mentor_id=mentor.id,
        mentor_user_id=mentor.user_id,
        mentor_name=mentor.name,
        mentor_company=mentor.company,
        mentor_job_title=mentor.job_title,
        student_id=student.id,
        student_name=student.name,
        student_email=student.shared_email,
        status=ConnectionStatus.PENDING,
        message=message or "",
        created_at=now,
        updated_at=now,
    )


def ensure_participant(connection: Connection, user_id: str) -> None:
    """Raises NotFound unless ``user_id`` is one side of the connection."""
    if user_id not in (connection.student_id, connection.mentor_user_id):
        raise NotFound("No such connection.")


def transition(
    connection: Connection, action: ConnectionAction, user_id: str, now: datetime
) -> Connection:
    """The connection after ``user_id`` performs ``action``.

    Raises:
        NotFound: the caller is not a participant.
        Forbidden: the student tried to accept, decline, block or unblock.
        InvalidState: the action is not allowed from the current status.
    """
    ensure_participant(connection, user_id)
    if action is not ConnectionAction.REMOVE and user_id != connection.mentor_user_id:
        raise Forbidden(f"Only the mentor can {action.value} a connection.")
    allowed_from, target = _TRANSITIONS[action]
    if connection.status not in allowed_from:
        raise InvalidState(f"A {connection.status.value} connection cannot be {_DONE[action]}.")
    return replace(connection, status=target, updated_at=now)


def allowed_from(action: ConnectionAction) -> frozenset[ConnectionStatus]:
    """The statuses from which ``action`` may start (for the store's condition)."""
    return _TRANSITIONS[action][0]
