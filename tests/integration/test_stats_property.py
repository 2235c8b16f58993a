"""Property: whatever happens to a mentor's sessions, the stored statistics equal a recount."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chalicelib.domain import stats
from chalicelib.domain.availability import Availability, Weekday, WeeklyWindow, Window
from chalicelib.domain.connections import ConnectionAction
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Identity
from chalicelib.domain.people import ProfileChange
from chalicelib.domain.sessions import BookingRequest, SessionType
from chalicelib.jobs.finalize import finalize
from chalicelib.services import Context, connections, people, sessions
from chalicelib.store import Store
from tests.integration.conftest import FakeClock

ALWAYS = Availability(
    timezone="UTC", weekly=tuple(WeeklyWindow(day, Window(0, 1440)) for day in Weekday)
)
ORIGIN = datetime(2026, 12, 1, tzinfo=UTC)

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("book"),
            st.integers(0, 2),
            st.integers(1, 30),
            st.sampled_from([30, 60, 90]),
        ),
        st.tuples(st.just("cancel"), st.integers(0, 20), st.booleans()),
        st.tuples(st.just("start"), st.integers(0, 20), st.booleans()),
        st.tuples(st.just("complete"), st.integers(0, 20)),
        st.tuples(st.just("advance"), st.integers(10, 400)),
        st.tuples(st.just("finalize")),
    ),
    max_size=14,
)


class World:
    """One mentor, three connected students, and the sessions they book."""

    def __init__(self) -> None:
        self.clock = FakeClock(ORIGIN)
        self.ctx = Context(Store.from_settings(), clock=self.clock)
        tag = uuid.uuid4().hex[:8]
        self.mentor = Identity(f"pm-{tag}", "Mentor", None)
        self.students = [Identity(f"ps-{tag}-{n}", f"S{n}", None) for n in range(3)]
        profile = people.upsert_my_mentor_profile(
            self.ctx, self.mentor, ProfileChange("Acme", "Eng", "UTC")
        )
        self.mentor_id = profile.id
        sessions.set_availability(self.ctx, self.mentor, ALWAYS)
        for student in self.students:
            conn = connections.request(self.ctx, student, self.mentor_id, None)
            connections.act(self.ctx, self.mentor, conn.id, ConnectionAction.ACCEPT)
        self.booked: list[str] = []
        self.done: list[str] = []

    def apply(self, op: tuple[Any, ...]) -> None:
        # A rule may refuse the operation: the state must be consistent all the same.
        with contextlib.suppress(DomainError):
            getattr(self, f"do_{op[0]}")(*op[1:])
            self.done.append(op[0])

    def do_book(self, student: int, slot: int, duration: int) -> None:
        at = self.clock.now.replace(minute=0, second=0) + timedelta(minutes=30 * slot)
        request = BookingRequest(self.mentor_id, at, duration, SessionType.VIDEO, "t", "UTC")
        booked = sessions.book(self.ctx, self.students[student], request, None)
        assert isinstance(booked, sessions.Booked)  # no key, so never a replay
        self.booked.append(booked.session.id)

    def _session(self, n: int) -> str | None:
        return self.booked[n % len(self.booked)] if self.booked else None

    def _student_of(self, session_id: str) -> Identity:
        found = self.ctx.store.sessions.get(session_id)
        assert found is not None
        return next(s for s in self.students if s.user_id == found.student.id)

    def do_cancel(self, n: int, by_mentor: bool) -> None:
        if (sid := self._session(n)) is not None:
            who = self.mentor if by_mentor else self._student_of(sid)
            sessions.cancel(self.ctx, who, sid, "reason")

    def do_start(self, n: int, by_mentor: bool) -> None:
        if (sid := self._session(n)) is not None:
            who = self.mentor if by_mentor else self._student_of(sid)
            sessions.start(self.ctx, who, sid)

    def do_complete(self, n: int) -> None:
        if (sid := self._session(n)) is not None:
            sessions.complete(self.ctx, self.mentor, sid, None)

    def do_advance(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    def do_finalize(self) -> None:
        finalize(self.ctx.store, self.clock.now, lambda: 10**9)

    def check(self) -> None:
        stored = self.ctx.store.people.get_mentor(self.mentor_id)
        assert stored is not None
        recount = stats.recount(self.ctx.store.sessions.of_mentor(self.mentor.user_id))
        assert stored.stats == recount


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_stored_stats_always_equal_a_recount(aws: None, ops: list[tuple[Any, ...]]) -> None:
    world = World()
    world.check()
    for op in ops:
        world.apply(op)
        world.check()
    event(f"operations that went through: {len(world.done)}")
    for kind in set(world.done):
        event(f"did {kind}")
