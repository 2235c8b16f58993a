"""Scheduled maintenance: finalize due sessions, recount mentor statistics.

Each job is a plain function of (store, now, remaining time) that the
scheduled Lambdas, the admin CLI and the tests all call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from chalicelib.domain.clock import Clock, system_clock
from chalicelib.logs import logger

RemainingMillis = Callable[[], int]


def unlimited() -> int:
    """The time budget of a run outside Lambda (the admin CLI): effectively none."""
    return 10**9


def remaining_of(context: Any) -> RemainingMillis:
    """The Lambda context's clock of remaining time (none outside Lambda)."""
    method = getattr(context, "get_remaining_time_in_millis", None)
    return method if callable(method) else unlimited


class RunReport(Struct):
    """What one run did, for the one structured log line an operator reads."""

    job: str
    started: float = field(default_factory=time.monotonic)
    counts: dict[str, int] = field(default_factory=dict)
    stopped_early: bool = False

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def summary(self) -> dict[str, object]:
        return {
            "job": self.job,
            "counts": dict(self.counts),
            "stoppedEarly": self.stopped_early,
            "elapsedMs": int((time.monotonic() - self.started) * 1000),
        }

    def log(self) -> dict[str, object]:
        summary = self.summary()
        logger.info("job run", extra=summary)
        return summary


# The jobs' clock; tests replace it, the admin CLI passes --now instead.
clock: Clock = system_clock


def run_finalize(
    now: datetime | None = None, remaining: RemainingMillis = unlimited
) -> dict[str, object]:
    """One finalize run against the configured table; its summary (also logged)."""
    from chalicelib.jobs.finalize import finalize
    from chalicelib.store import Store

    return finalize(Store.from_settings(), now or clock(), remaining).log()


def run_recalculate(remaining: RemainingMillis = unlimited) -> dict[str, object]:
    """One recount of every mentor's statistics; its summary (also logged)."""
    from chalicelib.jobs.mentor_stats import recalculate
    from chalicelib.store import Store

    return recalculate(Store.from_settings(), remaining).log()
