"""Use cases for availability, booking and reading sessions."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from msgspec import Struct
from msgspec.structs import replace

from chalicelib.config import settings
from chalicelib.domain import availability as slots
from chalicelib.domain import lifecycle, stats
from chalicelib.domain import sessions as rules
from chalicelib.domain.availability import Availability, Interval
from chalicelib.domain.clock import iso_z
from chalicelib.domain.errors import (
    ChangedMeanwhile,
    DuplicateRequest,
    FieldError,
    Forbidden,
    IdempotencyKeyReused,
    NotConnected,
    NotFound,
    Unavailable,
    ValidationFailed,
)
from chalicelib.domain.identity import Identity
from chalicelib.domain.sessions import (
    BookingRequest,
    IdempotentReply,
    Role,
    Session,
    Tab,
)
from chalicelib.domain.zones import zone
from chalicelib.services import Context, jitsi

# 128 random bits, URL-safe: the room name is the only key to a Jitsi room.
ROOM_SECRET_BYTES = 16
_ATTEMPTS = 3


class AvailabilityView(Struct, frozen=True):
    mentor_id: str
    availability: Availability
    slots: list[datetime]
    booked: list[Interval]


class Answer(Struct, frozen=True):
    """How the API answered a keyed booking: kept with the key, given again to a retry."""

    status: int
    body: str


class Keyed(Struct, frozen=True):
    """A booking request made with an ``Idempotency-Key``.

    ``answer`` is the API's answer for the session booked now. It is written in
    the booking's transaction, so of two concurrent requests with the same key,
    the one that does not commit replays the answer of the one that did.
    """

    key: str
    fingerprint: str
    answer: Callable[[Session], Answer]


class Booked(Struct, frozen=True):
    """This request booked ``session``; a keyed request also has the ``answer`` kept for it."""

    session: Session
    answer: Answer | None = None


class Replayed(Struct, frozen=True):
    """A retry of a keyed request: nothing booked, the first request's ``answer`` again."""

    answer: Answer


def set_availability(ctx: Context, caller: Identity, av: Availability) -> str:
    """Replace the caller's availability; returns their mentor id.

    Raises:
        ValidationFailed: overlapping or malformed windows.
        Forbidden: the caller has no mentor profile.
    """
    slots.validate(av)
    user = ctx.store.people.get_user(caller.user_id)
    if user is None or user.mentor_id is None:
        raise Forbidden("Only mentors can set availability; create a mentor profile first.")
    ctx.store.people.save_availability(user.mentor_id, av, iso_z(ctx.clock()))
    return user.mentor_id


def _date_range(
    first: date | None, last: date | None, tz_name: str, now: datetime
) -> tuple[date, date]:
    first = first or now.astimezone(zone(tz_name)).date()
    last = last or first + timedelta(days=6)
    if last < first:
        raise ValidationFailed(
            "'to' is before 'from'.", [FieldError("to", "must not be before 'from'", "query")]
        )
    if (last - first).days + 1 > slots.MAX_RANGE_DAYS:
        raise ValidationFailed(
            f"At most {slots.MAX_RANGE_DAYS} days at a time.",
            [FieldError("to", f"at most {slots.MAX_RANGE_DAYS} days after 'from'", "query")],
        )
    return first, last


def _midnight(day: date, tz_name: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(tz_name)).astimezone(UTC)


def availability_view(
    ctx: Context,
    mentor_id: str,
    first: date | None,
    last: date | None,
    viewer_zone: str | None,
) -> AvailabilityView:
    """Free 30-minute slots and busy intervals of a mentor, for dates in a zone.

    The dates are read in ``viewer_zone`` (default: the mentor's zone). Two
    round trips: the mentor's profile, and the mentor's cells in range.
    """
    mentor = ctx.store.people.get_mentor(mentor_id)
    if mentor is None:
        raise NotFound("No such mentor.")
    av = mentor.availability or Availability(timezone=mentor.timezone, weekly=())
    now = ctx.clock()
    tz_name = viewer_zone or av.timezone
    first, last = _date_range(first, last, tz_name, now)
    start, end = _midnight(first, tz_name), _midnight(last + timedelta(days=1), tz_name)
    reach = timedelta(minutes=slots.SLOT_MINUTES + av.buffer_minutes)
    cells, sessions = ctx.store.sessions.busy(mentor.user_id, start, end + reach)
    return AvailabilityView(
        mentor_id=mentor.id,
        availability=av,
        slots=slots.free_slots(av, start, end, now, cells),
        booked=[s for s in sessions if s.start < end and s.end > start],
    )


def book(
    ctx: Context, caller: Identity, request: BookingRequest, keyed: Keyed | None
) -> Booked | Replayed:
    """Book a session for the caller (two round trips).

    Raises:
        NotFound, NotConnected, ValidationFailed, OutsideAvailability,
        SlotUnavailable, IdempotencyKeyReused.
    """
    now = ctx.clock()
    inputs = ctx.store.sessions.booking_inputs(
        caller.user_id, request.mentor_id, keyed.key if keyed else None, now
    )
    if keyed is not None and inputs.replay is not None:
        return _replay(inputs.replay, keyed.fingerprint)
    if inputs.mentor is None:
        raise NotFound("No such mentor.")
    if inputs.student is None:
        raise NotConnected("You need an accepted connection with this mentor to book a session.")
    session_id = rules.new_session_id(inputs.mentor.id, ctx.ids())
    meeting = rules.meeting_for(
        request.session_type,
        session_id,
        secrets.token_urlsafe(ROOM_SECRET_BYTES),
        settings().jitsi_base_url,
    )
    session = rules.book(
        request, inputs.student, inputs.mentor, inputs.pair_status, now, session_id, meeting
    )
    if keyed is None:
        ctx.store.sessions.add(session, stats.change(None, session), None)
        return Booked(session)
    answer = keyed.answer(session)
    first = IdempotentReply(
        keyed.fingerprint, answer.status, answer.body, now + rules.IDEMPOTENCY_TTL
    )
    try:
        ctx.store.sessions.add(session, stats.change(None, session), (keyed.key, first))
    except DuplicateRequest:
        # A concurrent request with the same key committed first: answer as it did.
        stored = ctx.store.sessions.get_reply(caller.user_id, keyed.key, now)
        if stored is None:
            raise
        return _replay(stored, keyed.fingerprint)
    return Booked(session, answer)


def _replay(stored: IdempotentReply, fingerprint: str) -> Replayed:
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for a different request.")
    return Replayed(Answer(stored.status, stored.body))


def my_sessions(
    ctx: Context,
    caller: Identity,
    tab: Tab | None,
    role: Role | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Session], str | None]:
    """The caller's sessions (one query per role)."""
    roles = [role] if role else [Role.MENTOR, Role.STUDENT]
    return ctx.store.sessions.list_for(caller.user_id, roles, tab, ctx.clock(), limit, cursor)


def get_session(ctx: Context, caller: Identity, session_id: str) -> Session:
    """One session, for its participants only (404 for anyone else)."""
    session = ctx.store.sessions.get(session_id)
    if session is None or not session.has_participant(caller.user_id):
        raise NotFound("No such session.")
    return session


def start(ctx: Context, caller: Identity, session_id: str) -> Session:
    """Record the caller's join and return the session with their meeting link (2 round trips)."""
    session, role = lifecycle.participant(ctx.store.sessions.get(session_id), caller.user_id)
    now = ctx.clock()
    joined = lifecycle.join(session, role, now)
    if joined is not session:
        stored = ctx.store.sessions.record_join(session, joined, role)
        joined = lifecycle.confirm_join(session, stored)
    link = jitsi.signed_link(joined, role, settings().jitsi, now)
    return replace(joined, meeting_link=link)


def cancel(ctx: Context, caller: Identity, session_id: str, reason: str) -> Session:
    """Cancel and free the time of mentor and student (2 round trips)."""
    session, role = lifecycle.participant(ctx.store.sessions.get(session_id), caller.user_id)
    cancelled = lifecycle.cancel(session, role, reason, ctx.clock())
    ctx.store.sessions.cancel(session, cancelled, stats.change(session, cancelled))
    return cancelled


def reschedule(
    ctx: Context, caller: Identity, session_id: str, new_start: datetime, duration: int | None
) -> Session:
    """Move the session under every booking rule, atomically (2 round trips)."""
    found, mentor = ctx.store.sessions.get_with_mentor(session_id)
    session, role = lifecycle.participant(found, caller.user_id)
    if mentor is None:
        raise NotFound("The mentor of this session no longer exists.")
    moved = lifecycle.reschedule(session, role, mentor, new_start, duration, ctx.clock())
    ctx.store.sessions.reschedule(session, moved)
    return moved


def complete(ctx: Context, caller: Identity, session_id: str, notes: str | None) -> Session:
    """The mentor marks the session done, counting it in their stats (2 round trips)."""
    for _ in range(_ATTEMPTS):
        found, mentor = ctx.store.sessions.get_with_mentor(session_id)
        session, role = lifecycle.participant(found, caller.user_id)
        now = ctx.clock()
        done = lifecycle.complete(session, role, notes, now)
        last = mentor.stats.last_session_at if mentor else None
        counters = stats.change(session, done, last)
        try:
            ctx.store.sessions.settle(session, done, counters, scheduledAt=("<=", iso_z(now)))
        except ChangedMeanwhile:
            continue
        return done
    raise Unavailable("This mentor's sessions are changing fast; retry shortly.")
