"""Item shapes derived from the domain structs: the stored attribute names never drift."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.connections import Connection, ConnectionStatus
from chalicelib.domain.people import User
from chalicelib.domain.sessions import (
    MentorSummary,
    Session,
    SessionStatus,
    SessionType,
    StudentSummary,
)
from chalicelib.store.connections import CONNECTION, connection_from_item, connection_to_item
from chalicelib.store.dynamo import from_item, to_item
from chalicelib.store.people import USER, user_from_item, user_to_item
from chalicelib.store.session_items import SESSION, session_from_item, session_to_item

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

# Renaming a domain field renames its attribute: these lists are the stored
# items' contract, so a rename shows up here rather than as unreadable data.
SESSION_ATTRIBUTES = [
    "id", "mentorId", "mentorUserId", "mentorName", "mentorEmail", "mentorCompany",
    "mentorJobTitle", "studentId", "studentName", "studentEmail", "scheduledAt", "duration",
    "status", "sessionType", "title", "timezone", "bufferMinutes", "createdAt", "updatedAt",
    "description", "agendaNotes", "meetingRoom", "meetingLink", "sessionNotes", "startedAt",
    "mentorJoinedAt", "studentJoinedAt", "endedAt", "cancelledAt", "cancelledBy",
    "cancellationReason", "noShowBy", "rescheduledFrom",
]  # fmt: skip
CONNECTION_ATTRIBUTES = [
    "id", "mentorId", "mentorUserId", "mentorName", "mentorCompany", "mentorJobTitle",
    "studentId", "studentName", "studentEmail", "status", "message", "createdAt", "updatedAt",
]  # fmt: skip
USER_ATTRIBUTES = [
    "id", "name", "email", "timezone", "mentorId", "createdAt", "updatedAt", "emailVerified",
]  # fmt: skip


def _session() -> Session:
    return Session(
        id="m_1",
        mentor=MentorSummary("m", "mu", "Maya", None, "Globex", "EM"),
        student=StudentSummary("s", "Sam", "sam@example.com"),
        scheduled_at=AT,
        duration=60,
        status=SessionStatus.CANCELLED,
        session_type=SessionType.VIDEO,
        title="Chat",
        timezone="UTC",
        buffer_minutes=15,
        created_at=AT,
        updated_at=AT,
        cancelled_at=AT,
        cancelled_by="MENTOR",
    )


def test_the_attribute_names_are_the_stored_ones() -> None:
    assert list(SESSION.attributes.values()) == SESSION_ATTRIBUTES
    assert list(CONNECTION.attributes.values()) == CONNECTION_ATTRIBUTES
    assert list(USER.attributes.values()) == USER_ATTRIBUTES


def test_a_session_item_holds_its_keys_and_values_and_reads_back() -> None:
    session = _session()
    item = session_to_item(session)
    assert item["mentorUserId"] == "mu"
    assert item["scheduledAt"] == "2026-12-02T09:00:00Z"
    assert item["endsAt"] == "2026-12-02T10:00:00Z"
    assert item["status"] == "CANCELLED"
    assert item["mentorEmail"] is None
    assert "GSI3PK" not in item  # only SCHEDULED sessions are due
    stored = from_item(to_item(item))
    assert session_from_item(stored) == session
    del stored["bufferMinutes"]
    assert session_from_item(stored).buffer_minutes == 0


def test_connections_and_users_read_back_with_the_defaults_of_older_items() -> None:
    conn = Connection(
        "c", "m", "mu", "Maya", "Globex", "EM", "s", "Sam", None, ConnectionStatus.PENDING, "",
        AT, AT,
    )  # fmt: skip
    stored = from_item(to_item(connection_to_item(conn)))
    assert connection_from_item(stored) == conn
    del stored["message"]
    assert connection_from_item(stored).message == ""
    user = User("u", "Ann", "ann@example.com", "UTC", None, AT, AT, email_verified=True)
    stored = from_item(to_item(user_to_item(user)))
    assert user_from_item(stored) == user
    del stored["emailVerified"]
    assert user_from_item(stored).email_verified is False
