"""What may happen to a booked session, and when: join, cancel, reschedule, complete.

Each function decides from the session as read and returns the session as it
should become. The store then writes that change on the condition that the
session is still as read, so racing calls end in one consistent state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec.structs import replace

from chalicelib.domain import availability
from chalicelib.domain.errors import (
    CancellationWindowClosed,
    FieldError,
    Forbidden,
    InvalidState,
    JoinWindowClosed,
    NotFound,
    OutsideAvailability,
)
from chalicelib.domain.people import Mentor
from chalicelib.domain.sessions import Role, Session, SessionStatus

JOIN_EARLY = timedelta(minutes=15)
CANCEL_NOTICE = timedelta(hours=2)


def participant(session: Session | None, user_id: str) -> tuple[Session, Role]:
    """The session and the caller's role in it.

    Raises:
        NotFound: no such session, or the caller is not in it (not disclosed).
    """
    role = session.role_of(user_id) if session else None
    if session is None or role is None:
        raise NotFound("No such session.")
    return session, role


def _scheduled(session: Session, verb: str) -> None:
    if session.status is not SessionStatus.SCHEDULED:
        raise InvalidState(f"A {session.status.value} session cannot be {verb}.")


def join(session: Session, role: Role, now: datetime) -> Session:
    """The session with the caller's join recorded (unchanged if they joined before).

    Raises:
        InvalidState: not SCHEDULED.
        JoinWindowClosed: earlier than 15 minutes before the start, or after the end.
    """
    _scheduled(session, "joined")
    if now < session.scheduled_at - JOIN_EARLY or now >= session.ends_at:
        raise JoinWindowClosed(
            "The call opens 15 minutes before the start and closes at the scheduled end."
        )
    joined = session.mentor_joined_at if role is Role.MENTOR else session.student_joined_at
    if joined is not None:
        return session
    field = "mentor_joined_at" if role is Role.MENTOR else "student_joined_at"
    changes: dict[str, object] = {field: now, "updated_at": now}
    if session.started_at is None:
        changes["started_at"] = now
    return replace(session, **changes)


def confirm_join(read: Session, stored: Session | None) -> Session:
    """The session to answer a join with, given how the conditional write left it.

    The write records a join only while the session is SCHEDULED at the time
    read and that participant has not joined. When it was refused because a
    concurrent request of the same participant recorded the join first, the
    session is still SCHEDULED at that time, and that join stands for this one.

    Raises:
        InvalidState: the session changed (or vanished) meanwhile.
    """
    if (
        stored is None
        or stored.status is not SessionStatus.SCHEDULED
        or stored.scheduled_at != read.scheduled_at
    ):
        raise InvalidState(InvalidState.SESSION_CHANGED)
    return stored


def cancel(session: Session, role: Role, reason: str, now: datetime) -> Session:
    """The session cancelled by the caller.

    Raises:
        InvalidState: not SCHEDULED.
        CancellationWindowClosed: less than 2 hours before the start.
    """
    _scheduled(session, "cancelled")
    if now > session.scheduled_at - CANCEL_NOTICE:
        raise CancellationWindowClosed("Sessions can be cancelled up to 2 hours before the start.")
    return replace(
        session,
        status=SessionStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by=role.value.upper(),
        cancellation_reason=reason,
        updated_at=now,
    )


def reschedule(
    session: Session,
    role: Role,
    mentor: Mentor,
    new_start: datetime,
    new_duration: int | None,
    now: datetime,
) -> Session:
    """The session moved to ``new_start`` under every booking rule.

    Raises:
        InvalidState, CancellationWindowClosed: as for cancel.
        ValidationFailed, OutsideAvailability: the new time breaks a booking rule.
    """
    _scheduled(session, "rescheduled")
    if now > session.scheduled_at - CANCEL_NOTICE:
        raise CancellationWindowClosed(
            "Sessions can be rescheduled up to 2 hours before the start."
        )
    duration = new_duration or session.duration
    if mentor.availability is None:
        raise OutsideAvailability(
            "This mentor has no availability any more.",
            [FieldError("scheduledAt", "the mentor has no availability")],
        )
    availability.check_bookable(mentor.availability, new_start, duration, now)
    return replace(
        session,
        scheduled_at=new_start.astimezone(now.tzinfo),
        duration=duration,
        buffer_minutes=mentor.availability.buffer_minutes,
        rescheduled_from=session.scheduled_at,
        updated_at=now,
    )


def complete(session: Session, role: Role, notes: str | None, now: datetime) -> Session:
    """The session marked COMPLETED by its mentor.

    Raises:
        Forbidden: the caller is the student.
        InvalidState: not SCHEDULED, or before the start.
    """
    if role is not Role.MENTOR:
        raise Forbidden("Only the mentor can mark a session complete.")
    _scheduled(session, "completed")
    if now < session.scheduled_at:
        raise InvalidState("A session cannot be completed before it starts.")
    return replace(
        session,
        status=SessionStatus.COMPLETED,
        ended_at=now,
        session_notes=notes,
        updated_at=now,
    )


def finalize(session: Session, now: datetime) -> Session:
    """A due SCHEDULED session settled: COMPLETED if both joined, else NO_SHOW.

    Raises:
        InvalidState: not SCHEDULED, or not more than 30 minutes past its end.
    """
    _scheduled(session, "finalized")
    if now <= session.due_at:
        raise InvalidState("A session is finalized more than 30 minutes after its end.")
    mentor_came = session.mentor_joined_at is not None
    student_came = session.student_joined_at is not None
    if mentor_came and student_came:
        return replace(
            session, status=SessionStatus.COMPLETED, ended_at=session.ends_at, updated_at=now
        )
    absent = (
        "BOTH" if not (mentor_came or student_came) else "MENTOR" if student_came else "STUDENT"
    )
    return replace(session, status=SessionStatus.NO_SHOW, no_show_by=absent, updated_at=now)
