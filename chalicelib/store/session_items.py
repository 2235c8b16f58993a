"""How a session and its reservation cells are stored: item shapes and index keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.availability import CELL_MINUTES, Interval
from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.domain.sessions import (
    IdempotentReply,
    MentorSummary,
    Session,
    SessionStatus,
    SessionType,
    StudentSummary,
)
from chalicelib.store import schema
from chalicelib.store.dynamo import (
    Item,
)

# Reservation cells outlive their session by a week, then TTL removes them:
# nobody can book in the past, so an old cell can never matter again.
CELL_RETENTION = timedelta(days=7)


_OPTIONAL_TIMES = (
    "startedAt",
    "mentorJoinedAt",
    "studentJoinedAt",
    "endedAt",
    "cancelledAt",
    "rescheduledFrom",
)


def _iso(moment: datetime | None) -> str | None:
    return iso_z(moment) if moment else None


def _time(value: Any) -> datetime | None:
    return parse_iso_z(value) if value else None


def bucket_of(status: SessionStatus) -> str:
    return schema.CANCELLED_BUCKET if status is SessionStatus.CANCELLED else schema.ACTIVE_BUCKET


def due_keys(s: Session) -> dict[str, str]:
    """The sparse due-index keys: present only while the session is SCHEDULED."""
    if s.status is not SessionStatus.SCHEDULED:
        return {}
    return {"GSI3PK": schema.DUE_PARTITION, "GSI3SK": f"{iso_z(s.due_at)}#{s.id}"}


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
        "id": s.id,
        "mentorId": s.mentor.id,
        "mentorUserId": s.mentor.user_id,
        "mentorName": s.mentor.name,
        "mentorEmail": s.mentor.email,
        "mentorCompany": s.mentor.company,
        "mentorJobTitle": s.mentor.job_title,
        "studentId": s.student.id,
        "studentName": s.student.name,
        "studentEmail": s.student.email,
        "scheduledAt": start,
        "endsAt": iso_z(s.ends_at),
        "duration": s.duration,
        "status": s.status.value,
        "sessionType": s.session_type.value,
        "title": s.title,
        "description": s.description,
        "agendaNotes": s.agenda_notes,
        "timezone": s.timezone,
        "bufferMinutes": s.buffer_minutes,
        "meetingRoom": s.meeting_room,
        "meetingLink": s.meeting_link,
        "sessionNotes": s.session_notes,
        "startedAt": _iso(s.started_at),
        "mentorJoinedAt": _iso(s.mentor_joined_at),
        "studentJoinedAt": _iso(s.student_joined_at),
        "endedAt": _iso(s.ended_at),
        "cancelledAt": _iso(s.cancelled_at),
        "cancelledBy": s.cancelled_by,
        "cancellationReason": s.cancellation_reason,
        "noShowBy": s.no_show_by,
        "rescheduledFrom": _iso(s.rescheduled_from),
        "createdAt": iso_z(s.created_at),
        "updatedAt": iso_z(s.updated_at),
    }


def session_from_item(item: Item) -> Session:
    times = {name: _time(item.get(name)) for name in _OPTIONAL_TIMES}
    return Session(
        id=item["id"],
        mentor=MentorSummary(
            id=item["mentorId"],
            user_id=item["mentorUserId"],
            name=item["mentorName"],
            email=item.get("mentorEmail"),
            company=item["mentorCompany"],
            job_title=item["mentorJobTitle"],
        ),
        student=StudentSummary(
            id=item["studentId"], name=item["studentName"], email=item.get("studentEmail")
        ),
        scheduled_at=parse_iso_z(item["scheduledAt"]),
        duration=item["duration"],
        status=SessionStatus(item["status"]),
        session_type=SessionType(item["sessionType"]),
        title=item["title"],
        description=item.get("description"),
        agenda_notes=item.get("agendaNotes"),
        timezone=item["timezone"],
        buffer_minutes=item.get("bufferMinutes", 0),
        meeting_room=item.get("meetingRoom"),
        meeting_link=item.get("meetingLink"),
        session_notes=item.get("sessionNotes"),
        started_at=times["startedAt"],
        mentor_joined_at=times["mentorJoinedAt"],
        student_joined_at=times["studentJoinedAt"],
        ended_at=times["endedAt"],
        cancelled_at=times["cancelledAt"],
        cancelled_by=item.get("cancelledBy"),
        cancellation_reason=item.get("cancellationReason"),
        no_show_by=item.get("noShowBy"),
        rescheduled_from=times["rescheduledFrom"],
        created_at=parse_iso_z(item["createdAt"]),
        updated_at=parse_iso_z(item["updatedAt"]),
    )


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
