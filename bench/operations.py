"""The measured operations: each one request through the app, and its DynamoDB calls alone.

An operation's *direct* form is the list of DynamoDB calls the app made for
it, recorded from one real request (parameters and all) and issued again with
boto3 on the same state. Each operation also declares the calls it needs at
minimum; a recording that makes more (or other) calls is reported, so the
direct form can never hide a superfluous round trip.

Every request leaves the table as it found it: sessions a request creates or
changes are deleted again afterwards (untimed), and the sessions it acts on are
re-created before it (untimed), so each repetition does the same work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.harness import START, App, Call, FakeClock, Recorder, Request, recording
from bench.world import (
    AVAILABILITY,
    IDEMPOTENCY_KEY,
    MENTOR,
    MENTOR_ID,
    MOVED,
    SLOT,
    STUDENT,
    World,
)
from chalicelib.domain import stats
from chalicelib.domain.clock import iso_z

S = "/api/v1/sessions"


def _nothing() -> None:
    return None


@dataclass
class Op:
    """One measured request, what it needs before, and what it leaves behind."""

    name: str
    request: Request
    expect: int
    minimal: tuple[str, ...]
    now: datetime = START
    setup: Callable[[], None] = _nothing
    # Gets the session id the request created or acted on (None for read-only ones).
    cleanup: Callable[[str | None], None] = lambda _: None
    creates: bool = False
    target: str | None = None
    recorded: Recorder | None = field(default=None, repr=False)

    def session_after(self, body: bytes | None, calls: list[Call] | None) -> str | None:
        """The session this request left behind (booking: the new one)."""
        if not self.creates:
            return self.target
        if body is not None:
            return str(json.loads(body)["id"])
        for call in calls or []:
            for action in call.params.get("TransactItems", []):
                item = action.get("Put", {}).get("Item", {})
                if item.get("type", {}).get("S") == "SESSION":
                    return str(item["id"]["S"])
        raise AssertionError("no session in the recorded booking")


def operations(world: World, app: App) -> list[Op]:
    """The ten operations of the issue, in its order."""
    target = world.session("target", SLOT)

    def add_target() -> None:
        world.store.sessions.add(target, stats.change(None, target), None)

    def add_target_unheld() -> None:
        add_target()
        world.reset_last_held()

    def purge_at(*spans: tuple[datetime, int]) -> Callable[[str | None], None]:
        return lambda sid: world.purge(sid or target.id, *spans)

    def book(minutes: int) -> Op:
        body = {
            "mentorId": MENTOR_ID,
            "scheduledAt": iso_z(SLOT),
            "duration": minutes,
            "sessionType": "VIDEO",
            "title": "Career chat",
            "timezone": "America/New_York",
            "agendaNotes": "CV review",
        }
        headers = {"Idempotency-Key": IDEMPOTENCY_KEY}
        return Op(
            f"book_{minutes}",
            app.prepare("POST", f"{S}/book", STUDENT.user_id, body, headers),
            201,
            ("BatchGetItem", "TransactWriteItems"),
            cleanup=purge_at((SLOT, minutes)),
            creates=True,
        )

    def lifecycle(name: str, verb: str, user: str, body: Any, minimal: tuple[str, ...]) -> Op:
        return Op(
            name,
            app.prepare("PUT", f"{S}/{target.id}/{verb}", user, body),
            200,
            minimal,
            setup=add_target,
            cleanup=purge_at((SLOT, 30)),
            target=target.id,
        )

    start = lifecycle("start", "start", STUDENT.user_id, None, ("GetItem", "UpdateItem"))
    start.now = SLOT
    cancel = lifecycle(
        "cancel", "cancel", STUDENT.user_id, {"reason": "Exam moved"},
        ("GetItem", "TransactWriteItems"),
    )  # fmt: skip
    reschedule = lifecycle(
        "reschedule", "reschedule", STUDENT.user_id,
        {"scheduledAt": iso_z(MOVED), "duration": 30}, ("BatchGetItem", "TransactWriteItems"),
    )  # fmt: skip
    reschedule.cleanup = purge_at((SLOT, 30), (MOVED, 30))
    complete = lifecycle(
        "complete", "complete", MENTOR.user_id, {"sessionNotes": "Agreed on three next steps."},
        ("BatchGetItem", "TransactWriteItems"),
    )  # fmt: skip
    complete.now = SLOT + timedelta(minutes=10)
    complete.setup = add_target_unheld
    return [
        book(30),
        book(90),
        Op(
            "availability_week",
            app.prepare("GET", f"{S}/availability/{MENTOR_ID}", None),
            200,
            ("GetItem", "Query"),
        ),
        Op(
            "my_sessions",
            app.prepare("GET", f"{S}/my-sessions?tab=upcoming", STUDENT.user_id),
            200,
            ("Query", "Query"),
        ),
        Op(
            "get_session",
            app.prepare("GET", f"{S}/{world.upcoming[0].id}", STUDENT.user_id),
            200,
            ("GetItem",),
        ),
        start,
        cancel,
        reschedule,
        complete,
        Op(
            "set_availability",
            app.prepare("POST", f"{S}/availability", MENTOR.user_id, AVAILABILITY),
            200,
            ("GetItem", "UpdateItem"),
        ),
    ]


class Failed(AssertionError):
    """A measured request did not answer as it must."""


def send_app(app: App, clock: FakeClock, op: Op) -> tuple[int, bytes]:
    clock.now = op.now
    status, body = app.send(op.request)
    if status != op.expect:
        raise Failed(f"{op.name}: HTTP {status} (expected {op.expect}): {body[:300]!r}")
    return status, body


def record(app: App, clock: FakeClock, op: Op) -> Recorder:
    """One request with every DynamoDB call recorded (parameters, answers, items read)."""
    op.setup()
    with recording() as rec:
        _, body = send_app(app, clock, op)
    op.cleanup(op.session_after(body, None))
    return rec


def transact_items(rec: Recorder) -> int:
    return sum(len(c.params.get("TransactItems", [])) for c in rec.calls)


def extra_calls(op: Op, rec: Recorder) -> list[str]:
    """What the recording did beyond the operation's minimal calls (empty when minimal)."""
    made = rec.operations
    if tuple(made) == op.minimal:
        return []
    return [f"made {made}, needs {list(op.minimal)}"]
