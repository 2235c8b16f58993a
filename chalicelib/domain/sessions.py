"""Mentoring sessions: booking rules and the session record."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from msgspec import Struct

from chalicelib.domain import availability
from chalicelib.domain.connections import ConnectionStatus
from chalicelib.domain.errors import FieldError, NotConnected, OutsideAvailability, ValidationFailed
from chalicelib.domain.people import Mentor, User

DURATIONS = (30, 60, 90)
IDEMPOTENCY_TTL = timedelta(hours=24)
# Finalizing waits this long after a session's scheduled end: a no-show is
# finalized only once it is more than 30 minutes past.
FINALIZE_GRACE = timedelta(minutes=30)
_ID_SEPARATOR = "_"
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,255}$")


class SessionStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"


class SessionType(StrEnum):
    VIDEO = "VIDEO"
    VOICE = "VOICE"
    IN_PERSON = "IN_PERSON"


class Role(StrEnum):
    MENTOR = "mentor"
    STUDENT = "student"


class Tab(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    CANCELLED = "cancelled"


class MentorSummary(Struct, frozen=True):
    """The mentor as a session shows them (copied in at booking)."""

    id: str
    user_id: str
    name: str
    email: str | None
    company: str
    job_title: str


class StudentSummary(Struct, frozen=True):
    id: str
    name: str
    email: str | None


class BookingRequest(Struct, frozen=True):
    mentor_id: str
    scheduled_at: datetime
    duration: int
    session_type: SessionType
    title: str
    timezone: str
    description: str | None = None
    agenda_notes: str | None = None


class Meeting(Struct, frozen=True):
    room: str
    link: str


class Session(Struct, frozen=True):
    id: str
    mentor: MentorSummary
    student: StudentSummary
    scheduled_at: datetime
    duration: int
    status: SessionStatus
    session_type: SessionType
    title: str
    timezone: str
    buffer_minutes: int
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    agenda_notes: str | None = None
    meeting_room: str | None = None
    meeting_link: str | None = None
    session_notes: str | None = None
    started_at: datetime | None = None
    mentor_joined_at: datetime | None = None
    student_joined_at: datetime | None = None
    ended_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    cancellation_reason: str | None = None
    no_show_by: str | None = None
    rescheduled_from: datetime | None = None

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration)

    @property
    def due_at(self) -> datetime:
        """When the finalize job may settle this session if it is still SCHEDULED."""
        return self.ends_at + FINALIZE_GRACE

    def role_of(self, user_id: str) -> Role | None:
        if user_id == self.mentor.user_id:
            return Role.MENTOR
        if user_id == self.student.id:
            return Role.STUDENT
        return None

    def has_participant(self, user_id: str) -> bool:
        return user_id in (self.mentor.user_id, self.student.id)


def new_session_id(mentor_id: str, unique: str) -> str:
    """A session id that names its mentor.

    Reading a session and its mentor's profile (for a reschedule's
    availability check) then takes one batched round trip instead of two.
    Mentor ids never contain the separator.
    """
    return f"{mentor_id}{_ID_SEPARATOR}{unique[:20]}"


def mentor_id_of(session_id: str) -> str | None:
    """The mentor id inside a session id, or None for an id of another shape."""
    mentor_id, sep, unique = session_id.rpartition(_ID_SEPARATOR)
    return mentor_id if sep and mentor_id and unique else None


def meeting_for(
    session_type: SessionType, session_id: str, secret: str, base_url: str
) -> Meeting | None:
    """The Jitsi room of a call; None for in-person sessions.

    The room name is the only key to a Jitsi room, so ``secret`` must be at
    least 128 random bits, never derived from the id or the time.
    """
    if session_type is SessionType.IN_PERSON:
        return None
    room = f"careerforge-{session_id}-{secret}"
    return Meeting(room=room, link=f"{base_url}/{room}")


def book(
    request: BookingRequest,
    student: User,
    mentor: Mentor,
    pair_status: ConnectionStatus | None,
    now: datetime,
    session_id: str,
    meeting: Meeting | None,
) -> Session:
    """A new SCHEDULED session, if every booking rule allows it.

    Raises:
        NotConnected: no ACCEPTED connection (or booking oneself).
        ValidationFailed: past, inside minimum notice, too far ahead, off the grid.
        OutsideAvailability: not inside the mentor's availability.
    """
    if mentor.user_id == student.id or pair_status is not ConnectionStatus.ACCEPTED:
        raise NotConnected()
    if mentor.availability is None:
        raise OutsideAvailability(
            "This mentor has not published any availability yet.",
            [FieldError("scheduledAt", "the mentor has no availability")],
        )
    availability.check_bookable(mentor.availability, request.scheduled_at, request.duration, now)
    return Session(
        id=session_id,
        mentor=MentorSummary(
            id=mentor.id,
            user_id=mentor.user_id,
            name=mentor.name,
            email=mentor.email,
            company=mentor.company,
            job_title=mentor.job_title,
        ),
        student=StudentSummary(id=student.id, name=student.name, email=student.shared_email),
        scheduled_at=request.scheduled_at.astimezone(now.tzinfo),
        duration=request.duration,
        status=SessionStatus.SCHEDULED,
        session_type=request.session_type,
        title=request.title,
        description=request.description,
        agenda_notes=request.agenda_notes,
        timezone=request.timezone,
        buffer_minutes=mentor.availability.buffer_minutes,
        meeting_room=meeting.room if meeting else None,
        meeting_link=meeting.link if meeting else None,
        created_at=now,
        updated_at=now,
    )


def mentor_cells(session: Session) -> list[datetime]:
    """The mentor's reservation cells: the session and the buffer after it."""
    return availability.mentor_cells(session.scheduled_at, session.duration, session.buffer_minutes)


def student_cells(session: Session) -> list[datetime]:
    return availability.cells(session.scheduled_at, session.ends_at)


def check_idempotency_key(key: str) -> str:
    if not _IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed(
            "The Idempotency-Key header is not valid.",
            [FieldError("Idempotency-Key", "1-255 characters of A-Z a-z 0-9 _ . : -", "header")],
        )
    return key


def fingerprint(payload: dict[str, Any]) -> str:
    """A stable digest of a request body, to tell a retry from a different request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotentReply(Struct, frozen=True):
    """The first response to a request made with an Idempotency-Key."""

    fingerprint: str
    status: int
    body: str
    expires_at: datetime
