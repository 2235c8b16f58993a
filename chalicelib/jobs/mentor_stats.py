"""``recalculate_mentor_stats``: recount every mentor's statistics from their sessions.

The counters are kept exact by every session transaction; this daily recount
corrects drift from anything outside them (a manual fix in the console, a bug
since fixed). It reads each mentor's sessions by query, and writes a recount
only where it differs and only if the counters still hold what it read.
"""

from __future__ import annotations

from chalicelib.domain import stats
from chalicelib.domain.people import Mentor
from chalicelib.jobs import RemainingMillis, RunReport
from chalicelib.store import Store

RESERVE_MILLIS = 2_000


def recalculate(
    store: Store, remaining: RemainingMillis, reserve_ms: int = RESERVE_MILLIS
) -> RunReport:
    report = RunReport("recalculate_mentor_stats")
    for name in ("mentors", "corrected", "changedMeanwhile"):
        report.add(name, 0)
    for page in store.people.directory_pages():
        for mentor in page:
            if remaining() < reserve_ms:
                report.stopped_early = True
                return report
            report.add("mentors")
            report.add(recalculate_one(store, mentor) or "unchanged")
    return report


def recalculate_one(store: Store, mentor: Mentor) -> str | None:
    """Recount one mentor; the name of what happened, or None when it already matched."""
    fresh = stats.recount(store.sessions.of_mentor(mentor.user_id))
    if fresh == mentor.stats:
        return None
    if store.people.correct_stats(mentor.id, fresh, mentor.stats):
        return "corrected"
    return "changedMeanwhile"
