"""The data every measured request runs against, and the history that must not matter.

One mentor (``m-1``, Europe/Berlin, available 09:00-17:00 every day, one
hour's notice, 15-minute buffer), one student (``s-1``) with an ACCEPTED connection,
and a few upcoming sessions of the pair. Everything is created through the
service's own use cases with fixed ids, so the empty and the history backends
hold the same world and the same requests get the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from msgspec.structs import replace

from bench.harness import DAY, START, ddb, fast_moto_puts
from chalicelib.domain import availability as av_rules
from chalicelib.domain import stats
from chalicelib.domain.clock import iso_z
from chalicelib.domain.connections import ConnectionAction
from chalicelib.domain.identity import Identity
from chalicelib.domain.people import Mentor, ProfileChange
from chalicelib.domain.sessions import (
    MentorSummary,
    Session,
    SessionStatus,
    SessionType,
    StudentSummary,
)
from chalicelib.services import Context, connections, people, sessions
from chalicelib.store import Store, schema
from chalicelib.store.dynamo import to_item
from devstack.history import seeded_session, stand_in_mentor

MENTOR = Identity("m-1", "Maya Mentor", "maya@example.com")
STUDENT = Identity("s-1", "Sam Student", "sam@example.com")
MENTOR_ID = "benchmentor"
CONNECTION_ID = "benchconnection"
BUFFER = 15
IDEMPOTENCY_KEY = "bench-booking"

AVAILABILITY: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "weekly": [
        {"day": day, "start": "09:00", "end": "17:00"}
        for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
    ],
    "minNoticeMinutes": 60,
    "bufferMinutes": BUFFER,
}

# Slots the measured requests use; each request's own session is removed again
# after it, so the table stays the same size however long the benchmark runs.
SLOT = START + 3 * DAY + timedelta(hours=2)  # Friday 10:00 UTC, 11:00 in Berlin
MOVED = SLOT + timedelta(minutes=30)  # a reschedule target sharing one mentor cell
UPCOMING = 5  # the pair's own upcoming sessions (the my-sessions and availability answers)


def _profile(timezone: str = "Europe/Berlin") -> ProfileChange:
    return ProfileChange(company="Acme", job_title="Staff Engineer", timezone=timezone, bio="Hi.")


@dataclass
class World:
    store: Store
    mentor: Mentor
    upcoming: list[Session]

    @classmethod
    def build(cls) -> World:
        from chalicelib.api.resources.availability import AvailabilityIn, availability_from

        store = Store.from_settings()
        ctx = Context(store, clock=lambda: START, ids=lambda: MENTOR_ID)
        people.upsert_my_mentor_profile(ctx, MENTOR, _profile())
        body = AvailabilityIn.model_validate(AVAILABILITY)
        sessions.set_availability(ctx, MENTOR, availability_from(body))
        people.ensure_user(ctx, STUDENT)
        ctx = Context(store, clock=lambda: START, ids=lambda: CONNECTION_ID)
        connections.request(ctx, STUDENT, MENTOR_ID, "Hello")
        connections.act(ctx, MENTOR, CONNECTION_ID, ConnectionAction.ACCEPT)
        mentor = store.people.get_mentor(MENTOR_ID)
        assert mentor is not None
        world = cls(store, mentor, [])
        for n in range(UPCOMING):
            s = world.session(f"up{n}", START + DAY + timedelta(minutes=90 * n))
            store.sessions.add(s, stats.change(None, s), None)
            world.upcoming.append(s)
        return world

    def session(
        self,
        tag: str,
        at: datetime,
        duration: int = 30,
        status: SessionStatus = SessionStatus.SCHEDULED,
    ) -> Session:
        return Session(
            id=f"{MENTOR_ID}_{tag}",
            mentor=MentorSummary(
                MENTOR_ID, MENTOR.user_id, self.mentor.name, MENTOR.email, "Acme", "Staff Engineer"
            ),
            student=StudentSummary(STUDENT.user_id, STUDENT.name or "", STUDENT.email),
            scheduled_at=at,
            duration=duration,
            status=status,
            session_type=SessionType.VIDEO,
            title="Career chat",
            timezone="America/New_York",
            buffer_minutes=BUFFER,
            meeting_room=f"careerforge-{MENTOR_ID}_{tag}-secret",
            meeting_link=f"https://meet.jit.si/careerforge-{MENTOR_ID}_{tag}-secret",
            agenda_notes="CV review",
            created_at=START,
            updated_at=START,
        )

    def purge(self, session_id: str, *spans: tuple[datetime, int]) -> None:
        """Delete a session, its cells at each (start, minutes) and the idempotency record."""
        keys = [schema.session_key(session_id)]
        keys.append(schema.idempotency_key(STUDENT.user_id, IDEMPOTENCY_KEY))
        for start, minutes in spans:
            keys += [
                schema.cell_key(MENTOR.user_id, iso_z(c))
                for c in av_rules.mentor_cells(start, minutes, BUFFER)
            ]
            keys += [
                schema.cell_key(STUDENT.user_id, iso_z(c))
                for c in av_rules.cells(start, start + timedelta(minutes=minutes))
            ]
        delete_keys(keys)

    def reset_last_held(self) -> None:
        """Forget the mentor's ``lastSessionAt`` so every completion takes the same path."""
        self.store.db.update(schema.mentor_key(MENTOR_ID), UpdateExpression="REMOVE lastSessionAt")


def delete_keys(keys: Iterable[dict[str, str]]) -> None:
    unique = list({(k["PK"], k["SK"]): k for k in keys}.values())
    client = ddb()
    for n in range(0, len(unique), 25):
        batch = [{"DeleteRequest": {"Key": to_item(k)}} for k in unique[n : n + 25]]
        client.batch_write_item(RequestItems={schema_table(): batch})


def write_items(items: list[dict[str, Any]]) -> None:
    """Seed items (untimed), 25 to a BatchWriteItem."""
    client = ddb()
    with fast_moto_puts():
        for n in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": to_item(i)}} for i in items[n : n + 25]]
            client.batch_write_item(RequestItems={schema_table(): batch})


def schema_table() -> str:
    from chalicelib.config import settings

    return settings().table_name


def make_mentors(store: Store, count: int, prefix: str) -> list[Mentor]:
    """Mentor profiles (with their users) for other people's sessions."""
    made = []
    for n in range(count):
        ctx = Context(store, clock=lambda: START, ids=lambda n=n: f"{prefix}{n}")  # type: ignore[misc]
        who = Identity(f"{prefix}-user-{n}", f"Mentor {prefix}{n}", None)
        made.append(people.upsert_my_mentor_profile(ctx, who, _profile("UTC")))
    return made


def other_session(n: int, at: datetime, status: SessionStatus) -> Session:
    """Session ``n`` of people the measured requests never ask about."""
    m = n % 200
    mentor = stand_in_mentor(f"om{m}", f"om-user-{m}")
    return seeded_session(f"om{m}_h{n}", mentor, f"os{n % 500}", at, status)


def seed_history(world: World, others: int, own: int) -> int:
    """``others`` sessions of other people around now, ``own`` past sessions of the caller.

    Other people's sessions are half past (COMPLETED), half upcoming (SCHEDULED,
    so they sit in the due index too, not yet due). The caller's past sessions
    (student ``s-1``; half of them with mentor ``m-1``) come with their
    reservation cells, in the very partitions the measured requests read.
    Returns the number of items written.
    """
    from chalicelib.store.session_items import cell_item, session_to_item

    items: list[dict[str, Any]] = []
    for n in range(others):
        at = START + timedelta(minutes=30 * (n - others // 2))
        status = SessionStatus.COMPLETED if at < START else SessionStatus.SCHEDULED
        items.append(session_to_item(other_session(n, at, status)))
    for n in range(own):
        at = START - DAY - timedelta(minutes=30 * n)
        s = world.session(f"past{n}", at, status=SessionStatus.COMPLETED)
        if n % 2:
            s = replace(s, id=f"om0_past{n}", mentor=stand_in_mentor("om0", "om-user-0"))
        items.append(session_to_item(s))
        items += [cell_item(s.mentor.user_id, c, s, "S") for c in av_rules.cells(at, s.ends_at)]
        items += [cell_item(s.student.id, c, s, "S") for c in av_rules.cells(at, s.ends_at)]
    write_items(items)
    return len(items)
