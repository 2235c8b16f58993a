"""``finalize_sessions``: settle every SCHEDULED session more than 30 minutes past its end.

Reads only due sessions (the sparse due index), a page at a time, and settles
each page in one transaction together with the summed counter changes of
every mentor it touches, so the statistics of those mentors are exact when the
transaction commits. Each write is conditioned on the session being as read:
a mentor completing the same session at the same moment wins cleanly (that
session is dropped from the batch and the rest retried), and a second run
finds nothing to do. It watches the Lambda's remaining time and stops before
it runs out, leaving the rest to the next run.
"""

from __future__ import annotations

import time
from datetime import datetime

from chalicelib.domain import lifecycle, stats
from chalicelib.domain.errors import InvalidState
from chalicelib.domain.sessions import Session, SessionStatus
from chalicelib.jobs import RemainingMillis, RunReport
from chalicelib.store import Store

# DynamoDB allows 100 actions a transaction: at most 50 sessions and their mentors.
BATCH = 50
# Start another page only with at least this much time left, and at least twice
# the slowest page so far, so a run ends cleanly whatever the Lambda's timeout.
RESERVE_MILLIS = 2_000
ATTEMPTS = 4


def finalize(
    store: Store,
    now: datetime,
    remaining: RemainingMillis,
    reserve_ms: int = RESERVE_MILLIS,
    batch: int = BATCH,
) -> RunReport:
    report = RunReport("finalize_sessions")
    for name in ("due", "completed", "noShow", "skipped"):
        report.add(name, 0)
    touched: set[str] = set()
    after = None
    slowest = 0.0
    while True:
        if remaining() < max(reserve_ms, 2 * slowest):
            report.stopped_early = True
            break
        began = time.monotonic()
        page, after = store.sessions.due(now, batch, after)
        report.add("due", len(page))
        settled = _settle_page(store, page, now)
        for session in settled:
            report.add(_outcome(session))
            touched.add(session.mentor.id)
        report.add("skipped", len(page) - len(settled))
        slowest = max(slowest, (time.monotonic() - began) * 1000)
        if not after:
            break
    # The mentors whose counters its transactions moved (nothing is recounted here).
    report.add("mentorsUpdated", len(touched))
    return report


def _outcome(settled: Session) -> str:
    return "completed" if settled.status is SessionStatus.COMPLETED else "noShow"


def _settle_page(store: Store, page: list[Session], now: datetime) -> list[Session]:
    """Settle what can be settled of one page; the settled sessions."""
    changes = []
    for session in page:
        try:
            changes.append((session, lifecycle.finalize(session, now)))
        except InvalidState:
            continue
    # Only a completion can move a mentor's lastSessionAt, the one counter that
    # needs its current value; no-shows are pure increments and read nothing.
    completing = (b.mentor.id for b, a in changes if a.status is SessionStatus.COMPLETED)
    mentors = store.people.mentors(completing)
    last = {m.id: m.stats.last_session_at for m in mentors.values()}
    for _ in range(ATTEMPTS):
        if not changes:
            return []
        outcome = store.sessions.settle_many(changes, stats.changes(changes, last))
        if outcome.committed:
            return [after for _, after in changes]
        changes = [(b, a) for b, a in changes if b.id not in outcome.changed]
        if outcome.stale_mentors:
            fresh = store.people.mentors(outcome.stale_mentors)
            last.update({m.id: m.stats.last_session_at for m in fresh.values()})
    return []
