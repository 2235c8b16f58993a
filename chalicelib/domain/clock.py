"""Time at the edge: the only place that reads the system clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]

# The dates any request may name. Booking reaches 180 days ahead and nothing
# is older than the service, so this window is generous, and it keeps every
# date arithmetic (a zone's offset, a week after `from`) far from the years 1
# and 9999 where Python's dates overflow.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
CALENDAR = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


def in_calendar(day: date) -> bool:
    """Whether ``day`` (a date, or a datetime's own wall-clock date) lies in the calendar."""
    if isinstance(day, datetime):
        day = day.date()
    return FIRST_DATE <= day <= LAST_DATE


def system_clock() -> datetime:
    """Now, in UTC, to the second (the API's resolution)."""
    return datetime.now(UTC).replace(microsecond=0)


def shifted(clock: Clock, seconds: float) -> Clock:
    """``clock`` moved by ``seconds`` (local time travel; see ``RequestContext.live``)."""
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
