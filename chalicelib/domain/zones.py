"""IANA time-zone names."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_iana_zone(name: str) -> bool:
    """True for a zone name that the bundled tz database knows."""
    return name in _known()


def zone(name: str) -> ZoneInfo:
    """The zone for a name already checked by :func:`is_iana_zone`."""
    return ZoneInfo(name)
