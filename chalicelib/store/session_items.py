"""How a session and its reservation cells are stored: item shapes and index keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.availability import CELL_MINUTES, Interval
from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.domain.sessions import IdempotentReply, Role, Session, SessionStatus
from chalicelib.store import schema
from chalicelib.store.dynamo import Item
from chalicelib.store.shapes import ItemShape

# Reservation cells outlive their session by a week, then TTL removes them:
# nobody can book in the past, so an old cell can never matter again.
CELL_RETENTION = timedelta(days=7)


def bucket_of(status: SessionStatus) -> str:
    return schema.CANCELLED_BUCKET if status is SessionStatus.CANCELLED else schema.ACTIVE_BUCKET


def due_keys(s: Session) -> dict[str, str]:
    """The sparse due-index keys: present only while the session is SCHEDULED."""
    if s.status is not SessionStatus.SCHEDULED:
        return {}
    return {"GSI3PK": schema.DUE_PARTITION, "GSI3SK": f"{iso_z(s.due_at)}#{s.id}"}


# Sessions booked before the buffer was copied into them had none.
SESSION = ItemShape(Session, missing={"bufferMinutes": 0})


def session_to_item(s: Session) -> Item:
    start = iso_z(s.scheduled_at)
    return {
        **schema.session_key(s.id),
        "GSI1PK": schema.mentor_sessions(s.mentor.user_id),
        "GSI1SK": f"{start}#{s.id}",
        "GSI2PK": schema.student_sessions(s.student.id),
        "GSI2SK": f"{start}#{s.id}",
        schema.TAB_SK: schema.tab_sort(bucket_of(s.status), start, s.id),
        **due_keys(s),
        "type": "SESSION",
        **SESSION.to_item(s),
        # Stored for the tabs' filter (ends after now), which cannot add a duration.
        "endsAt": iso_z(s.ends_at),
    }


def session_from_item(item: Item) -> Session:
    return SESSION.from_item(item)


def joined_attribute(role: Role) -> str:
    """The attribute that records ``role``'s first join."""
    return SESSION.attributes["mentor_joined_at" if role is Role.MENTOR else "student_joined_at"]


def cell_item(user_id: str, cell: datetime, session: Session, kind: str) -> Item:
    return {
        **schema.cell_key(user_id, iso_z(cell)),
        "type": "CELL",
        "kind": kind,
        "sessionId": session.id,
        "start": iso_z(session.scheduled_at),
        "end": iso_z(session.ends_at),
        schema.TTL_ATTRIBUTE: int((session.ends_at + CELL_RETENTION).timestamp()),
    }


def reply_from_item(item: Item, now: datetime) -> IdempotentReply | None:
    expires = datetime.fromtimestamp(item[schema.TTL_ATTRIBUTE], UTC)
    if expires <= now:
        return None  # TTL deletes lazily; an expired record no longer counts
    return IdempotentReply(item["fingerprint"], item["status"], item["body"], expires)


def cell_interval(item: Item) -> Interval:
    start = parse_iso_z(item["SK"])
    return Interval(start, start + timedelta(minutes=CELL_MINUTES))
