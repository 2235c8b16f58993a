"""A mentor's availability: wall-clock windows, the UTC slots they yield, booking checks.

Windows are minutes since local midnight in the mentor's zone, and keep that wall-clock
meaning on the days clocks change: a local time that does not exist (a DST gap) yields no
slot, and a local time that happens twice (a DST fold) yields a slot at both instants.
Everything here is pure: the current time is always a parameter.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from msgspec import Struct

from chalicelib.domain.clock import CALENDAR, in_calendar
from chalicelib.domain.errors import FieldError, OutsideAvailability, ValidationFailed
from chalicelib.domain.zones import is_iana_zone, zone

SLOT_MINUTES = 30
CELL_MINUTES = 15
BOOKING_HORIZON_DAYS = 180
MAX_RANGE_DAYS = 62
MAX_BUFFER_MINUTES = 240
MAX_NOTICE_MINUTES = 60 * 24 * 90

_DAY_MINUTES = 24 * 60
_MAX_WEEKLY_WINDOWS = 100
_MAX_DATE_OVERRIDES = 366
_ONE_DAY = timedelta(days=1)
_SLOT = timedelta(minutes=SLOT_MINUTES)
_CELL = timedelta(minutes=CELL_MINUTES)
_HORIZON = timedelta(days=BOOKING_HORIZON_DAYS)
# [0-9], not \d: \d also matches non-ASCII digits, which int() would happily accept.
_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


class Weekday(StrEnum):
    MON = "MON"
    TUE = "TUE"
    WED = "WED"
    THU = "THU"
    FRI = "FRI"
    SAT = "SAT"
    SUN = "SUN"


# Indexed by date.weekday(): Monday is 0.
_WEEKDAYS = tuple(Weekday)


class Window(Struct, frozen=True):
    """A wall-clock window in the mentor's zone, in minutes since local midnight.

    ``0 <= start < end <= 1440``; ``end == 1440`` is "24:00".
    """

    start: int
    end: int


class WeeklyWindow(Struct, frozen=True):
    """A window that repeats on one day of every week."""

    day: Weekday
    window: Window


class DateOverride(Struct, frozen=True):
    """The windows of one local date, replacing that weekday's; empty means a day off."""

    date: date
    windows: tuple[Window, ...]


class Availability(Struct, frozen=True):
    """When a mentor can be booked, and the rules around it."""

    timezone: str
    weekly: tuple[WeeklyWindow, ...]
    min_notice_minutes: int = 0
    buffer_minutes: int = 0
    date_overrides: tuple[DateOverride, ...] = ()


class Interval(Struct, frozen=True):
    """A half-open span of real time ``[start, end)``, aware, UTC."""

    start: datetime
    end: datetime


# --- wall-clock text -------------------------------------------------------------------


def parse_hhmm(text: str) -> int:
    """Minutes since midnight for ``"HH:MM"`` (two digits each), ``"24:00"`` included.

    Raises:
        ValueError: anything else, e.g. ``"9:30"``, ``"24:30"``, ``"12:60"``, ``""``.
    """
    if text == "24:00":
        return _DAY_MINUTES
    match = _HHMM.fullmatch(text)
    if match is None:
        raise ValueError(f"not a wall-clock time HH:MM between 00:00 and 24:00: {text!r}")
    return int(match[1]) * 60 + int(match[2])


def format_hhmm(minutes: int) -> str:
    """``"HH:MM"`` for minutes since midnight; 1440 is ``"24:00"``.

    Raises:
        ValueError: minutes outside 0..1440.
    """
    if not 0 <= minutes <= _DAY_MINUTES:
        raise ValueError(f"minutes since midnight must be 0..{_DAY_MINUTES}: {minutes}")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- validation ------------------------------------------------------------------------


def validate(av: Availability) -> None:
    """Check availability as a whole, as submitted by the mentor.

    Raises:
        ValidationFailed: listing every problem, with camelCase field paths into the
            request body (``weekly.3``, ``dateOverrides.1.date``,
            ``dateOverrides.0.windows.2``, ``bufferMinutes``, ...).
    """
    errors = [
        *_timezone_errors(av.timezone),
        *_weekly_errors(av.weekly),
        *_policy_errors(av),
        *_override_errors(av.date_overrides),
    ]
    if errors:
        raise ValidationFailed("The availability is not valid.", errors)


def _timezone_errors(name: str) -> list[FieldError]:
    # Normally checked before this point; repeated so that nothing later can fail on it.
    if is_iana_zone(name):
        return []
    return [FieldError("timezone", "not a known IANA time zone")]


def _weekly_errors(weekly: Sequence[WeeklyWindow]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(weekly) > _MAX_WEEKLY_WINDOWS:
        errors.append(FieldError("weekly", f"at most {_MAX_WEEKLY_WINDOWS} windows"))
    problems: dict[int, str] = {}
    for day in Weekday:
        same_day = [(i, w.window) for i, w in enumerate(weekly) if w.day == day]
        problems.update(_window_problems(same_day))
    errors.extend(FieldError(f"weekly.{i}", problems[i]) for i in sorted(problems))
    return errors


def _override_errors(overrides: Sequence[DateOverride]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(overrides) > _MAX_DATE_OVERRIDES:
        errors.append(FieldError("dateOverrides", f"at most {_MAX_DATE_OVERRIDES} overrides"))
    seen: set[date] = set()
    for i, override in enumerate(overrides):
        if not in_calendar(override.date):
            errors.append(FieldError(f"dateOverrides.{i}.date", f"must be a date from {CALENDAR}"))
        elif override.date in seen:
            errors.append(FieldError(f"dateOverrides.{i}.date", "another override has this date"))
        seen.add(override.date)
        problems = _window_problems(list(enumerate(override.windows)))
        errors.extend(
            FieldError(f"dateOverrides.{i}.windows.{j}", problems[j]) for j in sorted(problems)
        )
    return errors


def _policy_errors(av: Availability) -> list[FieldError]:
    errors: list[FieldError] = []
    if not 0 <= av.min_notice_minutes <= MAX_NOTICE_MINUTES:
        errors.append(FieldError("minNoticeMinutes", f"must be 0 to {MAX_NOTICE_MINUTES}"))
    buffer = av.buffer_minutes
    if not (0 <= buffer <= MAX_BUFFER_MINUTES and buffer % CELL_MINUTES == 0):
        errors.append(
            FieldError(
                "bufferMinutes",
                f"must be a multiple of {CELL_MINUTES} from 0 to {MAX_BUFFER_MINUTES}",
            )
        )
    return errors


def _window_problems(indexed: Iterable[tuple[int, Window]]) -> dict[int, str]:
    """Problems of the windows of one day, by their index; overlaps blame the later start."""
    problems: dict[int, str] = {}
    well_formed: list[tuple[int, int, int]] = []
    for index, window in indexed:
        if window.start < 0 or window.end > _DAY_MINUTES:
            problems[index] = "must lie between 00:00 and 24:00"
        elif window.start >= window.end:
            problems[index] = "start must be before end"
        else:
            well_formed.append((window.start, window.end, index))
    reach = 0
    for start, end, index in sorted(well_formed):
        if start < reach:
            problems[index] = "overlaps another window on the same day"
        reach = max(reach, end)
    return problems


# --- slots -----------------------------------------------------------------------------


class _Calendar(Struct, frozen=True):
    """The windows of any local date, looked up without rescanning the availability."""

    weekly: dict[Weekday, tuple[Window, ...]]
    overrides: dict[date, tuple[Window, ...]]

    def on(self, local_date: date) -> tuple[Window, ...]:
        found = self.overrides.get(local_date)
        if found is not None:
            return found
        return self.weekly[_WEEKDAYS[local_date.weekday()]]


def _by_start(windows: Iterable[Window]) -> tuple[Window, ...]:
    return tuple(sorted(windows, key=lambda w: (w.start, w.end)))


def _calendar(av: Availability) -> _Calendar:
    weekly = {day: _by_start(w.window for w in av.weekly if w.day == day) for day in Weekday}
    overrides: dict[date, tuple[Window, ...]] = {}
    for override in av.date_overrides:
        overrides.setdefault(override.date, _by_start(override.windows))
    return _Calendar(weekly, overrides)


def windows_on(av: Availability, local_date: date) -> tuple[Window, ...]:
    """The windows of a local date, sorted by start.

    The date's override if it has one (the first, should there be duplicates), else the
    weekly windows of its weekday.
    """
    return _calendar(av).on(local_date)


def slot_starts(av: Availability, first_date: date, last_date: date) -> list[datetime]:
    """Every slot start the windows of local dates ``first_date..last_date`` yield.

    A slot is a wall-clock time ``t`` with ``t % 30 == 0`` (counted from local midnight,
    not from the window's start) and ``start <= t``, ``t + 30 <= end`` for a window of
    its date. A ``t`` in a DST gap yields nothing; a ``t`` in a DST fold yields both of its
    instants. Returns aware UTC datetimes, ascending, without duplicates; empty when
    ``last_date < first_date``.
    """
    tz = zone(av.timezone)
    calendar = _calendar(av)
    found: set[datetime] = set()
    for local_date in _dates(first_date, last_date):
        offset = _steady_offset(local_date, tz)
        for window in calendar.on(local_date):
            for minute in _grid(window):
                wall = datetime.combine(local_date, time(minute // 60, minute % 60))
                if offset is not None:
                    found.add(wall.replace(tzinfo=UTC) - offset)
                else:
                    found.update(_instants(wall, tz))
    return sorted(found)


def _steady_offset(local_date: date, tz: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset all through ``local_date``, or None when it may change that day.

    An availability answer converts hundreds of slots; converting each one both ways
    (four zone lookups) was most of the API's time for that route. Both ends of the day,
    in both folds, agreeing is taken to mean no transition that day: no zone changes its
    offset twice within one day.
    """
    if local_date == date.max:
        return None
    midnight = datetime.combine(local_date, time())
    ends = (midnight, midnight + timedelta(days=1))
    offsets = {end.replace(tzinfo=tz, fold=fold).utcoffset() for end in ends for fold in (0, 1)}
    if len(offsets) != 1:
        return None
    return offsets.pop()


def _dates(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _grid(window: Window) -> range:
    first = -(-window.start // SLOT_MINUTES) * SLOT_MINUTES
    return range(first, window.end - SLOT_MINUTES + 1, SLOT_MINUTES)


def _instants(wall: datetime, tz: ZoneInfo) -> set[datetime]:
    """The UTC instants whose wall clock in ``tz`` reads ``wall`` (naive): zero, one or two."""
    found: set[datetime] = set()
    for fold in (0, 1):
        instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        # In a gap zoneinfo still answers, with an instant whose wall clock reads otherwise;
        # only a round trip back to the same wall time proves the time exists.
        if instant.astimezone(tz).replace(tzinfo=None) == wall:
            found.add(instant)
    return found


# --- free slots and booking ------------------------------------------------------------


class _Busy(Struct, frozen=True):
    """Busy time merged into disjoint intervals, sorted, for logarithmic overlap checks."""

    starts: list[datetime]
    ends: list[datetime]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # Only the last interval starting before `end` can reach past `start`: the merged
        # intervals are disjoint, so their ends ascend with their starts.
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start


def _merge(busy: Iterable[Interval]) -> _Busy:
    spans = sorted((_utc(b.start), _utc(b.end)) for b in busy)
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in spans:
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return _Busy(starts, ends)


def free_slots(
    av: Availability,
    range_start: datetime,
    range_end: datetime,
    now: datetime,
    busy: Sequence[Interval],
) -> list[datetime]:
    """The slot starts in ``[range_start, range_end)`` that can be booked at ``now``.

    A slot is free when it is after ``now`` and the minimum notice, at most
    ``BOOKING_HORIZON_DAYS`` ahead, and ``[slot, slot + 30 min + buffer)`` meets no busy
    interval (half-open: touching is not meeting). Returns aware UTC datetimes, ascending.

    Raises:
        ValueError: a naive datetime among the arguments.
    """
    now = _utc(now)
    horizon = now + _HORIZON
    earliest = max(_utc(range_start), now + timedelta(minutes=av.min_notice_minutes))
    end = _utc(range_end)
    # Clipping to the horizon keeps the work bounded whatever range is asked for.
    if max(earliest, now) > min(end, horizon):
        return []
    tz = zone(av.timezone)
    first = max(earliest, now).astimezone(tz).date() - _ONE_DAY
    last = min(end, horizon).astimezone(tz).date() + _ONE_DAY
    taken = _merge(busy)
    reserved = _SLOT + timedelta(minutes=av.buffer_minutes)
    return [
        slot
        for slot in slot_starts(av, first, last)
        if earliest <= slot < end
        and now < slot <= horizon
        and not taken.overlaps(slot, slot + reserved)
    ]


def check_bookable(av: Availability, start: datetime, duration_minutes: int, now: datetime) -> None:
    """Check that a session of ``duration_minutes`` may start at ``start`` (any offset).

    Every 30-minute part of the session (in real time from ``start``) must be a slot of
    the availability, so a session may run across touching windows but not across a gap.

    Raises:
        ValidationFailed: on ``duration``, unless a positive multiple of 30 minutes of at
            most a day; on ``scheduledAt``, if not in the future, inside the minimum
            notice, more than ``BOOKING_HORIZON_DAYS`` ahead, or not on the 30-minute grid
            of the mentor's wall clock (whole seconds included).
        OutsideAvailability: on ``scheduledAt``, if a part is outside the availability.
        ValueError: ``start`` or ``now`` is naive.
    """
    if not (0 < duration_minutes <= _DAY_MINUTES and duration_minutes % SLOT_MINUTES == 0):
        raise ValidationFailed(
            "The session length is not bookable.",
            [FieldError("duration", "must be a positive multiple of 30 minutes, at most a day")],
        )
    if not in_calendar(start):
        # Checked on the wall-clock date, before any conversion can overflow.
        raise ValidationFailed(
            "The session cannot start then.",
            [FieldError("scheduledAt", f"must be a time from {CALENDAR}")],
        )
    start, now = _utc(start), _utc(now)
    problem = _timing_problem(av, start, now)
    if problem is not None:
        raise ValidationFailed(
            f"The session cannot start then: it {problem}.", [FieldError("scheduledAt", problem)]
        )
    if not _inside_availability(av, start, duration_minutes):
        raise OutsideAvailability(
            "The session is not inside the mentor's availability.",
            [FieldError("scheduledAt", "the whole session must lie inside the availability")],
        )


def _timing_problem(av: Availability, start: datetime, now: datetime) -> str | None:
    if start <= now:
        return "must be in the future"
    if start < now + timedelta(minutes=av.min_notice_minutes):
        return f"must be at least {av.min_notice_minutes} minutes from now"
    if start > now + _HORIZON:
        return f"must be at most {BOOKING_HORIZON_DAYS} days ahead"
    local = start.astimezone(zone(av.timezone))
    if local.minute % SLOT_MINUTES or local.second or local.microsecond:
        return "must be on a 30-minute boundary of the mentor's local time"
    return None


def _inside_availability(av: Availability, start: datetime, duration_minutes: int) -> bool:
    tz = zone(av.timezone)
    parts = [start + _SLOT * k for k in range(duration_minutes // SLOT_MINUTES)]
    # A slot's local date is the date of the window that made it, so these dates suffice.
    slots = set(slot_starts(av, parts[0].astimezone(tz).date(), parts[-1].astimezone(tz).date()))
    return all(part in slots for part in parts)


# --- reservation cells -----------------------------------------------------------------


def cells(start: datetime, end: datetime) -> list[datetime]:
    """The UTC 15-minute cells covering ``[start, end)``: from ``start`` floored, to ``< end``.

    Raises:
        ValueError: a naive ``start`` or ``end``.
    """
    cell = _utc(start)
    cell -= timedelta(
        minutes=cell.minute % CELL_MINUTES, seconds=cell.second, microseconds=cell.microsecond
    )
    stop = _utc(end)
    found: list[datetime] = []
    while cell < stop:
        found.append(cell)
        cell += _CELL
    return found


def mentor_cells(start: datetime, duration_minutes: int, buffer_minutes: int) -> list[datetime]:
    """The cells a mentor's session holds: the session, then its buffer after it.

    Only the buffer after is held, so two of a mentor's sessions end up exactly the buffer
    apart, whichever was booked first.

    Raises:
        ValueError: a naive ``start``.
    """
    # In UTC before adding: adding to a zone-aware time would be wall-clock arithmetic.
    start = _utc(start)
    return cells(start, start + timedelta(minutes=duration_minutes + buffer_minutes))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment!r}")
    return moment.astimezone(UTC)


def _window_document(window: Window) -> dict[str, str]:
    return {"start": format_hhmm(window.start), "end": format_hhmm(window.end)}


def _window_from(raw: Mapping[str, str]) -> Window:
    return Window(parse_hhmm(raw["start"]), parse_hhmm(raw["end"]))


def to_document(av: Availability) -> dict[str, Any]:
    """Availability as the API shows it (and the store keeps it): wall-clock strings."""
    return {
        "timezone": av.timezone,
        "weekly": [{"day": w.day.value, **_window_document(w.window)} for w in av.weekly],
        "minNoticeMinutes": av.min_notice_minutes,
        "bufferMinutes": av.buffer_minutes,
        "dateOverrides": [
            {"date": o.date.isoformat(), "windows": [_window_document(w) for w in o.windows]}
            for o in av.date_overrides
        ],
    }


def from_document(raw: Mapping[str, Any]) -> Availability:
    """The inverse of :func:`to_document` (input already validated)."""
    return Availability(
        timezone=raw["timezone"],
        weekly=tuple(WeeklyWindow(Weekday(w["day"]), _window_from(w)) for w in raw["weekly"]),
        min_notice_minutes=raw.get("minNoticeMinutes", 0),
        buffer_minutes=raw.get("bufferMinutes", 0),
        date_overrides=tuple(
            DateOverride(
                date.fromisoformat(o["date"]), tuple(_window_from(w) for w in o["windows"])
            )
            for o in raw.get("dateOverrides", [])
        ),
    )
