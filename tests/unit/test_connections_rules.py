"""The connection state machine, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from msgspec.structs import replace

from chalicelib.domain.connections import (
    ConnectionAction,
    ConnectionStatus,
    allowed_from,
    request_connection,
    transition,
)
from chalicelib.domain.errors import Forbidden, InvalidRequest, InvalidState, NotFound
from chalicelib.domain.people import ProfileChange, new_mentor, new_user

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MENTOR_USER = new_user("m", "Maya", None, NOW)
STUDENT = new_user("s", "Sam", "sam@example.com", NOW)
MENTOR = new_mentor("mid", MENTOR_USER, ProfileChange("Acme", "Eng", "UTC"), NOW)


def pending() -> object:
    return request_connection("c", STUDENT, MENTOR, None, NOW)


def test_request_copies_names_and_starts_pending() -> None:
    conn = request_connection("c", STUDENT, MENTOR, "hi", NOW)
    assert conn.status is ConnectionStatus.PENDING
    assert (conn.mentor_name, conn.student_name, conn.message) == ("Maya", "Sam", "hi")


def test_request_to_oneself_is_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        request_connection("c", MENTOR_USER, MENTOR, None, NOW)
    assert err.value.code == "CANNOT_CONNECT_TO_SELF"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ConnectionAction.ACCEPT, ConnectionStatus.ACCEPTED),
        (ConnectionAction.DECLINE, ConnectionStatus.DECLINED),
        (ConnectionAction.REMOVE, ConnectionStatus.REMOVED),
    ],
)
def test_mentor_moves_a_pending_connection(
    action: ConnectionAction, expected: ConnectionStatus
) -> None:
    conn = request_connection("c", STUDENT, MENTOR, None, NOW)
    assert transition(conn, action, "m", NOW).status is expected


def test_student_may_only_remove() -> None:
    conn = request_connection("c", STUDENT, MENTOR, None, NOW)
    with pytest.raises(Forbidden):
        transition(conn, ConnectionAction.ACCEPT, "s", NOW)
    with pytest.raises(Forbidden):
        transition(conn, ConnectionAction.DECLINE, "s", NOW)
    assert transition(conn, ConnectionAction.REMOVE, "s", NOW).status is ConnectionStatus.REMOVED


def test_strangers_do_not_learn_the_connection_exists() -> None:
    conn = request_connection("c", STUDENT, MENTOR, None, NOW)
    for action in ConnectionAction:
        with pytest.raises(NotFound):
            transition(conn, action, "stranger", NOW)


@pytest.mark.parametrize("status", [ConnectionStatus.DECLINED, ConnectionStatus.REMOVED])
def test_finished_connections_cannot_move(status: ConnectionStatus) -> None:
    conn = replace(request_connection("c", STUDENT, MENTOR, None, NOW), status=status)
    for action in set(ConnectionAction) - {ConnectionAction.BLOCK}:
        with pytest.raises(InvalidState):
            transition(conn, action, "m", NOW)


def test_accepted_cannot_be_accepted_again_but_can_be_removed() -> None:
    conn = transition(
        request_connection("c", STUDENT, MENTOR, None, NOW), ConnectionAction.ACCEPT, "m", NOW
    )
    with pytest.raises(InvalidState):
        transition(conn, ConnectionAction.ACCEPT, "m", NOW)
    assert ConnectionStatus.ACCEPTED in allowed_from(ConnectionAction.REMOVE)


@pytest.mark.parametrize(
    "status",
    [
        ConnectionStatus.PENDING,
        ConnectionStatus.ACCEPTED,
        ConnectionStatus.DECLINED,
        ConnectionStatus.REMOVED,
    ],
)
def test_the_mentor_blocks_from_any_status_but_blocked(status: ConnectionStatus) -> None:
    conn = replace(request_connection("c", STUDENT, MENTOR, None, NOW), status=status)
    with pytest.raises(Forbidden):
        transition(conn, ConnectionAction.BLOCK, "s", NOW)
    blocked = transition(conn, ConnectionAction.BLOCK, "m", NOW)
    assert blocked.status is ConnectionStatus.BLOCKED
    assert status in allowed_from(ConnectionAction.BLOCK)


def test_a_blocked_connection_only_unblocks_and_then_is_removed() -> None:
    conn = replace(
        request_connection("c", STUDENT, MENTOR, None, NOW), status=ConnectionStatus.BLOCKED
    )
    for action in set(ConnectionAction) - {ConnectionAction.UNBLOCK}:
        with pytest.raises(InvalidState):
            transition(conn, action, "m", NOW)
    with pytest.raises(Forbidden):
        transition(conn, ConnectionAction.UNBLOCK, "s", NOW)
    assert transition(conn, ConnectionAction.UNBLOCK, "m", NOW).status is ConnectionStatus.REMOVED


def test_a_request_copies_only_a_verified_email() -> None:
    unverified = new_user("s2", "Sam", "sam@example.com", NOW)
    assert request_connection("c", unverified, MENTOR, None, NOW).student_email is None
    verified = new_user("s3", "Sam", "sam@example.com", NOW, email_verified=True)
    assert request_connection("c", verified, MENTOR, None, NOW).student_email == "sam@example.com"
