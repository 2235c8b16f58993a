"""Time at the edge: the only place that reads the system clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC, to the second (the API's resolution)."""
    return datetime.now(UTC).replace(microsecond=0)


def shifted(clock: Clock, seconds: float) -> Clock:
    """``clock`` moved by ``seconds`` (local time travel; see ``Views.live``)."""
    return lambda: (clock() + timedelta(seconds=seconds)).replace(microsecond=0)


def iso_z(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with ``Z``."""
    # Formatted by hand: strftime was a tenth of the API's CPU time under load
    # (an availability answer formats every slot).
    u = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def parse_iso_z(text: str) -> datetime:
    """Parse a stored ``...Z`` timestamp back into an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
