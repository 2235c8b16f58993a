"""Mentor statistics: what each session contributes, so counts stay exact.

Every transition of a session changes its mentor's counters by
``contribution(after) - contribution(before)`` in the same transaction as the
session itself, so the stored counters always equal a recount. The scheduled
jobs recount from the sessions to correct any drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from msgspec import Struct, field
from msgspec.structs import fields, replace

from chalicelib.domain.people import MentorStats
from chalicelib.domain.sessions import Session, SessionStatus

MENTOR_ABSENT = frozenset({"MENTOR", "BOTH"})
COUNTERS = tuple(f.name for f in fields(MentorStats) if f.name != "last_session_at")


def contribution(session: Session | None) -> MentorStats:
    """What one session adds to its mentor's counters in its current state."""
    if session is None:
        return MentorStats()
    status = session.status
    no_show = status is SessionStatus.NO_SHOW
    return MentorStats(
        total_sessions=int(status is not SessionStatus.CANCELLED),
        completed_sessions=int(status is SessionStatus.COMPLETED),
        cancelled_sessions=int(status is SessionStatus.CANCELLED),
        no_show_sessions=int(no_show),
        mentor_no_shows=int(no_show and session.no_show_by in MENTOR_ABSENT),
        upcoming_sessions=int(status is SessionStatus.SCHEDULED),
        last_session_at=session.scheduled_at if status is SessionStatus.COMPLETED else None,
    )


def delta(before: Session | None, after: Session) -> dict[str, int]:
    """The counter changes of one transition, non-zero ones only."""
    old, new = contribution(before), contribution(after)
    changes = {name: getattr(new, name) - getattr(old, name) for name in COUNTERS}
    return {name: value for name, value in changes.items() if value}


class StatsChange(Struct, frozen=True):
    """What a write does to one mentor's statistics, for the store to apply as given.

    ``counts`` are added to the counters. ``last_session_at`` is set only when
    a completion moves it past ``last_seen`` (the value read), and only if the
    stored value is still ``last_seen``: a maximum that an update cannot compute.
    """

    mentor_id: str
    counts: dict[str, int] = field(default_factory=dict)
    last_session_at: datetime | None = None
    last_seen: datetime | None = None


def change(
    before: Session | None, after: Session, last_seen: datetime | None = None
) -> StatsChange:
    """The change one transition of a session makes to its mentor's statistics."""
    return changes([(before, after)], {after.mentor.id: last_seen})[0]


def changes(
    transitions: Iterable[tuple[Session | None, Session]],
    last_seen: Mapping[str, datetime | None],
) -> list[StatsChange]:
    """The summed changes of several transitions, one per mentor, in order of appearance.

    ``last_seen`` is each mentor's ``lastSessionAt`` as read.
    """
    totals: dict[str, dict[str, int]] = {}
    latest: dict[str, datetime | None] = {}
    for before, after in transitions:
        mentor = after.mentor.id
        counts = totals.setdefault(mentor, {})
        for name, amount in delta(before, after).items():
            counts[name] = counts.get(name, 0) + amount
        latest[mentor] = later(latest.get(mentor), contribution(after).last_session_at)
    result = []
    for mentor, counts in totals.items():
        seen = last_seen.get(mentor)
        candidate = latest[mentor]
        moved = candidate if candidate and (seen is None or candidate > seen) else None
        result.append(StatsChange(mentor, counts, moved, seen if moved else None))
    return result


def later(current: datetime | None, candidate: datetime | None) -> datetime | None:
    """The later of two optional moments."""
    if candidate is None:
        return current
    return candidate if current is None or candidate > current else current


def recount(sessions: Iterable[Session]) -> MentorStats:
    """The statistics from scratch."""
    total = MentorStats()
    for session in sessions:
        part = contribution(session)
        total = replace(
            total,
            **{name: getattr(total, name) + getattr(part, name) for name in COUNTERS},
            last_session_at=later(total.last_session_at, part.last_session_at),
        )
    return total
