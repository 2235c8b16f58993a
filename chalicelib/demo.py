"""Demo data for ``make run``: a mentor, a student and their accepted connection."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.domain.availability import Availability, Weekday, WeeklyWindow, Window
from chalicelib.domain.connections import ConnectionAction
from chalicelib.domain.errors import ConnectionExists
from chalicelib.domain.identity import Identity
from chalicelib.domain.people import ProfileChange
from chalicelib.services import Context, connections, people, sessions
from chalicelib.store import Store

MENTOR = Identity("demo-mentor", "Maya Mentor", "maya.mentor@example.com", email_verified=True)
STUDENT = Identity("demo-student", "Sam Student", "sam.student@example.com", email_verified=True)
MENTOR_PROFILE_ID = "demo-mentor-profile"
CONNECTION_ID = "demo-connection"

MENTOR_PROFILE = ProfileChange(
    company="CareerForge",
    job_title="Staff Engineer",
    timezone="Europe/Berlin",
    bio="Ten years of backend and platform work; happy to talk careers and system design.",
    expertise=("Python", "System design", "Career growth"),
)

WORKDAY = Window(9 * 60, 17 * 60)
MENTOR_AVAILABILITY = Availability(
    timezone="Europe/Berlin",
    weekly=(
        *(WeeklyWindow(day, WORKDAY) for day in list(Weekday)[:5]),
        WeeklyWindow(Weekday.SAT, Window(10 * 60, 13 * 60)),
    ),
    min_notice_minutes=60,
    buffer_minutes=15,
)


def seed(store: Store | None = None) -> Iterator[str]:
    """Create the demo records (again harmless: what exists is left as it is)."""
    store = store or Store.from_settings()
    ctx = Context(store, ids=lambda: MENTOR_PROFILE_ID)
    mentor = people.upsert_my_mentor_profile(ctx, MENTOR, MENTOR_PROFILE)
    sessions.set_availability(ctx, MENTOR, MENTOR_AVAILABILITY)
    yield (
        f"mentor   {MENTOR.user_id} ({MENTOR.name}), mentorId {mentor.id}, "
        "available Mon-Fri 09:00-17:00 and Sat 10:00-13:00 Europe/Berlin"
    )
    people.ensure_user(ctx, STUDENT)
    yield f"student  {STUDENT.user_id} ({STUDENT.name})"
    ctx = Context(store, ids=lambda: CONNECTION_ID)
    try:
        conn = connections.request(ctx, STUDENT, mentor.id, "Hi Maya, I'd love your advice.")
        connections.act(ctx, MENTOR, conn.id, ConnectionAction.ACCEPT)
        yield f"connection {conn.id}: ACCEPTED"
    except ConnectionExists:
        yield "connection: already there"
