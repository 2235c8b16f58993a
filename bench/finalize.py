"""The finalize job: due sessions settled per second, against the bare conditional writes.

The job's run is recorded once; its *direct* form is the due-index queries
and the conditional-update transactions of that run, issued again with boto3
on the same due sessions. The mentor-profile reads the job makes are left out
of the direct form: a page of no-shows does not need them (see
docs/PERFORMANCE.md), so they count against the job.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bench.harness import START, Call, Recorder, ddb, median_us, ratio, recording, replay, timed
from bench.timing import _pair
from bench.world import make_mentors, write_items
from chalicelib.domain.sessions import (
    MentorSummary,
    SessionStatus,
)
from chalicelib.jobs import unlimited
from chalicelib.jobs.finalize import finalize
from chalicelib.store import Store
from chalicelib.store.session_items import session_to_item
from devstack.history import seeded_session

MENTORS = 20
MINIMAL = ("Query", "TransactWriteItems")


def due_items(store: Store, count: int) -> list[dict[str, Any]]:
    """``count`` SCHEDULED sessions of 20 mentors, all long past their end, nobody joined."""
    mentors = make_mentors(store, MENTORS, "fin")
    first = START - timedelta(days=60)
    items = []
    for n in range(count):
        m = mentors[n % len(mentors)]
        at = first + timedelta(minutes=30 * n)
        mentor = MentorSummary(m.id, m.user_id, m.name, None, m.company, m.job_title)
        s = seeded_session(f"{m.id}_d{n}", mentor, f"fs{n % 97}", at, SessionStatus.SCHEDULED)
        items.append(session_to_item(s))
    return items


def run_once(store: Store, due: int) -> int:
    report = finalize(store, START, unlimited)
    counts = report.counts
    if (counts["due"], counts["noShow"], counts["skipped"]) != (due, due, 0):
        raise AssertionError(f"finalize settled {counts}, expected {due} no-shows")
    return due


def count(items: list[dict[str, Any]]) -> tuple[Recorder, dict[str, int]]:
    """One recorded run over freshly seeded due sessions: its calls and items by kind."""
    store = Store.from_settings()
    write_items(items)
    with recording() as rec:
        run_once(store, len(items))
    by_kind = {"sessions": 0, "mentorProfiles": 0}
    for call in rec.calls:
        answer = call.response or {}
        if call.operation == "Query":
            by_kind["sessions"] += max(len(answer.get("Items", [])), answer.get("ScannedCount", 0))
        if call.operation == "BatchGetItem":
            by_kind["mentorProfiles"] += sum(len(v) for v in answer.get("Responses", {}).values())
    return rec, by_kind


def timing(items: list[dict[str, Any]], recorded: list[Call], rounds: int) -> dict[str, Any]:
    """Interleaved runs of the job and of its bare writes, each over the same re-seeded sessions."""
    store = Store.from_settings()
    client = ddb()
    direct_calls = [c for c in recorded if c.operation in MINIMAL]
    app_ns: list[int] = []
    direct_ns: list[int] = []

    def job() -> int:
        write_items(items)
        ns, _ = timed(lambda: run_once(store, len(items)))
        return ns

    def bare() -> int:
        write_items(items)
        ns, _ = timed(lambda: replay(client, direct_calls))
        return ns

    for i in range(rounds + 1):
        a, d = _pair(i, job, bare)
        if i:  # the first round warms up
            app_ns.append(a)
            direct_ns.append(d)
    app_us, direct_us = median_us(app_ns), median_us(direct_ns)
    return {
        "ratio": ratio(app_us, direct_us),
        "perSecond": round(len(items) / (app_us / 1e6)),
        "directPerSecond": round(len(items) / (direct_us / 1e6)),
        "jobMedianMillis": round(app_us / 1000, 1),
        "directMedianMillis": round(direct_us / 1000, 1),
        "directCalls": sorted({c.operation for c in direct_calls}),
    }
