"""Sessions that only fill the table: the history the volume tests and the benchmark seed."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.sessions import (
    MentorSummary,
    Session,
    SessionStatus,
    SessionType,
    StudentSummary,
)


def stand_in_mentor(mentor_id: str, user_id: str) -> MentorSummary:
    """A mentor as a session shows them, for mentors that exist only in the history."""
    return MentorSummary(mentor_id, user_id, "M", None, "Acme", "Eng")


def seeded_session(
    session_id: str,
    mentor: MentorSummary,
    student: str,
    at: datetime,
    status: SessionStatus,
) -> Session:
    """A 30-minute video session at ``at``, as booking would have stored it."""
    return Session(
        id=session_id,
        mentor=mentor,
        student=StudentSummary(student, "S", None),
        scheduled_at=at,
        duration=30,
        status=status,
        session_type=SessionType.VIDEO,
        title="seeded",
        timezone="UTC",
        buffer_minutes=0,
        created_at=at,
        updated_at=at,
    )
