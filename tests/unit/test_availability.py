"""Availability rules without I/O: windows, DST-correct slots, booking checks, cells."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.availability import (
    BOOKING_HORIZON_DAYS,
    MAX_BUFFER_MINUTES,
    MAX_NOTICE_MINUTES,
    Availability,
    DateOverride,
    Interval,
    Weekday,
    WeeklyWindow,
    Window,
    cells,
    check_bookable,
    format_hhmm,
    free_slots,
    mentor_cells,
    parse_hhmm,
    slot_starts,
    validate,
    windows_on,
)
from chalicelib.domain.errors import FieldError, OutsideAvailability, ValidationFailed

NY = "America/New_York"
LONDON = "Europe/London"
LORD_HOWE = "Australia/Lord_Howe"
KATHMANDU = "Asia/Kathmandu"


def w(start: str, end: str) -> Window:
    return Window(parse_hhmm(start), parse_hhmm(end))


def daily(tz: str, *windows: Window, notice: int = 0, buffer: int = 0) -> Availability:
    """The same windows every day of the week."""
    weekly = tuple(WeeklyWindow(day, window) for day in Weekday for window in windows)
    return Availability(tz, weekly, min_notice_minutes=notice, buffer_minutes=buffer)


def at(tz: str, y: int, mo: int, d: int, h: int, mi: int = 0, fold: int = 0) -> datetime:
    """The UTC instant of a local wall time (fold picks the second of a repeated time)."""
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz), fold=fold).astimezone(UTC)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def walls(slots: Iterable[datetime], tz: str) -> list[str]:
    return [s.astimezone(ZoneInfo(tz)).strftime("%H:%M") for s in slots]


def fields(err: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in err.value.errors]


# --- HH:MM ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("00:00", 0), ("09:30", 570), ("12:05", 725), ("23:59", 1439), ("24:00", 1440)],
)
def test_parse_and_format_hhmm(text: str, minutes: int) -> None:
    assert parse_hhmm(text) == minutes
    assert format_hhmm(minutes) == text


def test_every_minute_of_the_day_round_trips() -> None:
    assert all(parse_hhmm(format_hhmm(m)) == m for m in range(1441))


@pytest.mark.parametrize(
    "text",
    ["24:30", "24:01", "9:30", "25:00", "12:60", "", "09:3", "0930", "09:30 ", " 09:30",
     "09:30\n", "-1:00", "12:00:00", "\uff10\uff19:\uff13\uff10", "ab:cd"],
)  # fmt: skip
def test_parse_hhmm_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(text)


@pytest.mark.parametrize("minutes", [-1, 1441])
def test_format_hhmm_rejects_out_of_range(minutes: int) -> None:
    with pytest.raises(ValueError, match="minutes since midnight"):
        format_hhmm(minutes)


# --- validate ------------------------------------------------------------------------


def weekly(*items: tuple[Weekday, str, str]) -> tuple[WeeklyWindow, ...]:
    return tuple(WeeklyWindow(day, w(start, end)) for day, start, end in items)


def test_validate_accepts_touching_windows_and_a_full_day() -> None:
    av = Availability(
        "Europe/Berlin",
        weekly(
            (Weekday.MON, "09:00", "12:00"),
            (Weekday.MON, "12:00", "15:00"),
            (Weekday.TUE, "00:00", "24:00"),
        ),
        min_notice_minutes=MAX_NOTICE_MINUTES,
        buffer_minutes=MAX_BUFFER_MINUTES,
        date_overrides=(DateOverride(date(2026, 12, 24), ()),),
    )
    validate(av)


def test_validate_accepts_the_same_hours_on_different_days() -> None:
    validate(
        Availability(NY, weekly((Weekday.MON, "09:00", "12:00"), (Weekday.TUE, "09:00", "12:00")))
    )


def test_validate_blames_the_later_of_two_overlapping_windows() -> None:
    av = Availability(
        NY,
        weekly(
            (Weekday.MON, "13:00", "15:00"),
            (Weekday.TUE, "10:00", "11:00"),
            (Weekday.MON, "09:00", "13:30"),
        ),
    )
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert err.value.errors == [FieldError("weekly.0", "overlaps another window on the same day")]


def test_validate_refuses_a_window_inside_another() -> None:
    av = Availability(NY, weekly((Weekday.MON, "08:00", "18:00"), (Weekday.MON, "09:00", "10:00")))
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert fields(err) == ["weekly.1"]


@pytest.mark.parametrize(("start", "end"), [(600, 600), (660, 600), (-30, 60), (1380, 1470)])
def test_validate_refuses_a_malformed_window(start: int, end: int) -> None:
    av = Availability(NY, (WeeklyWindow(Weekday.WED, Window(start, end)),))
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert fields(err) == ["weekly.0"]


def test_validate_refuses_a_duplicate_override_date_and_bad_override_windows() -> None:
    av = Availability(
        NY,
        (),
        date_overrides=(
            DateOverride(date(2026, 12, 24), (w("09:00", "10:00"), w("09:30", "11:00"))),
            DateOverride(date(2026, 12, 24), ()),
            DateOverride(date(2026, 12, 25), (Window(600, 540),)),
        ),
    )
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert fields(err) == [
        "dateOverrides.0.windows.1",
        "dateOverrides.1.date",
        "dateOverrides.2.windows.0",
    ]


@pytest.mark.parametrize("buffer", [10, -15, 255, MAX_BUFFER_MINUTES + 15])
def test_validate_refuses_a_bad_buffer(buffer: int) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate(Availability(NY, (), buffer_minutes=buffer))
    assert fields(err) == ["bufferMinutes"]


@pytest.mark.parametrize("notice", [-1, MAX_NOTICE_MINUTES + 1])
def test_validate_refuses_a_bad_notice(notice: int) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate(Availability(NY, (), min_notice_minutes=notice))
    assert fields(err) == ["minNoticeMinutes"]


def test_validate_caps_the_number_of_windows_and_overrides() -> None:
    too_many = tuple(
        WeeklyWindow(day, Window(m, m + 10)) for day in Weekday for m in range(0, 150, 10)
    )
    overrides = tuple(DateOverride(date(2026, 1, 1) + timedelta(days=n), ()) for n in range(367))
    with pytest.raises(ValidationFailed) as err:
        validate(Availability(NY, too_many, date_overrides=overrides))
    assert fields(err) == ["weekly", "dateOverrides"]


def test_validate_lists_every_problem_at_once() -> None:
    av = Availability(
        "Mars/Olympus_Mons",
        (WeeklyWindow(Weekday.SUN, Window(60, 30)),),
        min_notice_minutes=-5,
        buffer_minutes=7,
        date_overrides=(DateOverride(date(2026, 1, 1), ()), DateOverride(date(2026, 1, 1), ())),
    )
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert fields(err) == [
        "timezone",
        "weekly.0",
        "minNoticeMinutes",
        "bufferMinutes",
        "dateOverrides.1.date",
    ]
    assert all(e.location == "body" for e in err.value.errors)


# --- windows_on ----------------------------------------------------------------------


def test_windows_on_sorts_the_weekday_and_prefers_an_override() -> None:
    av = Availability(
        NY,
        weekly((Weekday.MON, "14:00", "15:00"), (Weekday.MON, "09:00", "10:00")),
        date_overrides=(
            DateOverride(date(2026, 12, 14), (w("18:00", "19:00"), w("07:00", "08:00"))),
            DateOverride(date(2026, 12, 21), ()),
        ),
    )
    assert windows_on(av, date(2026, 12, 7)) == (w("09:00", "10:00"), w("14:00", "15:00"))
    assert windows_on(av, date(2026, 12, 14)) == (w("07:00", "08:00"), w("18:00", "19:00"))
    assert windows_on(av, date(2026, 12, 21)) == ()
    assert windows_on(av, date(2026, 12, 8)) == ()


# --- slot_starts ---------------------------------------------------------------------


def test_plain_day_yields_half_hours_from_the_window_start() -> None:
    slots = slot_starts(daily("UTC", w("09:00", "11:00")), date(2026, 6, 1), date(2026, 6, 1))
    assert slots == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 9, 30),
        utc(2026, 6, 1, 10),
        utc(2026, 6, 1, 10, 30),
    ]


def test_grid_counts_from_local_midnight_not_from_the_window_start() -> None:
    av = daily("Europe/Berlin", w("09:15", "11:00"), w("13:00", "13:20"))
    slots = slot_starts(av, date(2026, 6, 1), date(2026, 6, 1))
    assert walls(slots, "Europe/Berlin") == ["09:30", "10:00", "10:30"]


def test_new_york_spring_forward_skips_the_missing_hour() -> None:
    slots = slot_starts(daily(NY, w("00:00", "04:00")), date(2026, 3, 8), date(2026, 3, 8))
    assert walls(slots, NY) == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"]
    assert slots[3:5] == [utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7)]


def test_new_york_fall_back_yields_both_instants_of_the_repeated_hour() -> None:
    slots = slot_starts(daily(NY, w("00:00", "04:00")), date(2026, 11, 1), date(2026, 11, 1))
    assert len(slots) == len(set(slots)) == 10
    assert walls(slots, NY) == [
        "00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30",
    ]  # fmt: skip
    assert at(NY, 2026, 11, 1, 1, 0, fold=0) == utc(2026, 11, 1, 5)
    assert at(NY, 2026, 11, 1, 1, 0, fold=1) == utc(2026, 11, 1, 6)
    assert {utc(2026, 11, 1, 5), utc(2026, 11, 1, 6)} <= set(slots)


def test_london_transitions_at_one_in_the_morning() -> None:
    av = daily(LONDON, w("00:00", "03:00"))
    spring = slot_starts(av, date(2026, 3, 29), date(2026, 3, 29))
    assert walls(spring, LONDON) == ["00:00", "00:30", "02:00", "02:30"]
    autumn = slot_starts(av, date(2026, 10, 25), date(2026, 10, 25))
    assert len(autumn) == len(set(autumn)) == 8
    assert utc(2026, 10, 25, 0) in autumn  # 01:00 BST
    assert utc(2026, 10, 25, 1) in autumn  # 01:00 GMT


def test_lord_howe_half_hour_gap_drops_only_two_oclock() -> None:
    slots = slot_starts(daily(LORD_HOWE, w("01:00", "04:00")), date(2026, 10, 4), date(2026, 10, 4))
    assert walls(slots, LORD_HOWE) == ["01:00", "01:30", "02:30", "03:00", "03:30"]
    # 01:30 at +10:30 is followed by 02:30 at +11:00, thirty real minutes later.
    assert slots[2] - slots[1] == timedelta(minutes=30)


def test_lord_howe_half_hour_fold_repeats_half_past_one() -> None:
    slots = slot_starts(daily(LORD_HOWE, w("01:00", "03:00")), date(2026, 4, 5), date(2026, 4, 5))
    assert len(slots) == len(set(slots)) == 5
    assert walls(slots, LORD_HOWE) == ["01:00", "01:30", "01:30", "02:00", "02:30"]
    assert utc(2026, 4, 4, 14, 30) in slots  # 01:30 at +11:00
    assert utc(2026, 4, 4, 15) in slots  # 01:30 at +10:30


def test_kathmandu_slots_stay_on_the_local_grid() -> None:
    slots = slot_starts(daily(KATHMANDU, w("09:00", "11:00")), date(2026, 6, 1), date(2026, 6, 1))
    assert slots[0] == utc(2026, 6, 1, 3, 15)
    assert walls(slots, KATHMANDU) == ["09:00", "09:30", "10:00", "10:30"]
    assert {s.minute for s in slots} == {15, 45}


def test_a_window_to_midnight_ends_with_half_past_eleven() -> None:
    av = Availability(LONDON, weekly((Weekday.MON, "22:00", "24:00")))
    slots = slot_starts(av, date(2026, 6, 1), date(2026, 6, 2))
    assert walls(slots, LONDON) == ["22:00", "22:30", "23:00", "23:30"]
    assert all(s.astimezone(ZoneInfo(LONDON)).date() == date(2026, 6, 1) for s in slots)


def test_overrides_replace_the_weekday() -> None:
    av = Availability(
        "UTC",
        weekly((Weekday.MON, "09:00", "10:00"), (Weekday.TUE, "09:00", "10:00")),
        date_overrides=(
            DateOverride(date(2026, 6, 1), (w("15:00", "16:00"),)),
            DateOverride(date(2026, 6, 2), ()),
        ),
    )
    slots = slot_starts(av, date(2026, 6, 1), date(2026, 6, 9))
    assert slots == [
        utc(2026, 6, 1, 15), utc(2026, 6, 1, 15, 30),  # overridden Monday
        utc(2026, 6, 8, 9), utc(2026, 6, 8, 9, 30),  # the next, ordinary Monday
        utc(2026, 6, 9, 9), utc(2026, 6, 9, 9, 30),  # an ordinary Tuesday
    ]  # fmt: skip


def test_slot_starts_is_empty_for_a_reversed_range() -> None:
    assert slot_starts(daily("UTC", w("09:00", "10:00")), date(2026, 6, 2), date(2026, 6, 1)) == []


# --- free_slots ----------------------------------------------------------------------

MONDAY = date(2026, 6, 1)


def monday_range() -> tuple[datetime, datetime]:
    return utc(2026, 6, 1), utc(2026, 6, 2)


def test_free_slots_skips_the_past_and_the_minimum_notice() -> None:
    av = daily("UTC", w("09:00", "12:00"), notice=60)
    now = utc(2026, 6, 1, 9, 20)
    assert free_slots(av, *monday_range(), now, []) == [
        utc(2026, 6, 1, 10, 30), utc(2026, 6, 1, 11), utc(2026, 6, 1, 11, 30),
    ]  # fmt: skip


def test_free_slots_never_offers_now_itself() -> None:
    av = daily("UTC", w("09:00", "10:00"))
    assert free_slots(av, *monday_range(), utc(2026, 6, 1, 9), []) == [utc(2026, 6, 1, 9, 30)]


def test_free_slots_stops_at_the_booking_horizon() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    now = utc(2026, 6, 1, 12, 10)
    horizon = now + timedelta(days=BOOKING_HORIZON_DAYS)
    slots = free_slots(av, horizon - timedelta(hours=2), horizon + timedelta(days=1), now, [])
    assert slots[-1] == horizon.replace(minute=0)
    assert len(slots) == 4


def test_free_slots_is_empty_beyond_the_horizon() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    now = utc(2026, 6, 1)
    start = now + timedelta(days=BOOKING_HORIZON_DAYS + 1)
    assert free_slots(av, start, start + timedelta(days=7), now, []) == []


def test_free_slots_keeps_to_the_range() -> None:
    av = daily("UTC", w("09:00", "12:00"))
    slots = free_slots(av, utc(2026, 6, 1, 10), utc(2026, 6, 1, 11), utc(2026, 5, 1), [])
    assert slots == [utc(2026, 6, 1, 10), utc(2026, 6, 1, 10, 30)]


def test_a_slot_ending_where_busy_time_starts_is_free_without_buffer() -> None:
    av = daily("UTC", w("09:00", "12:00"))
    busy = [Interval(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11))]
    slots = free_slots(av, *monday_range(), utc(2026, 5, 1), busy)
    assert slots == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 9, 30),
        utc(2026, 6, 1, 11),
        utc(2026, 6, 1, 11, 30),
    ]


def test_the_buffer_keeps_a_slot_away_from_busy_time_after_it() -> None:
    av = daily("UTC", w("09:00", "12:00"), buffer=15)
    busy = [Interval(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11))]
    slots = free_slots(av, *monday_range(), utc(2026, 5, 1), busy)
    assert slots == [utc(2026, 6, 1, 9), utc(2026, 6, 1, 11), utc(2026, 6, 1, 11, 30)]


def test_free_slots_handles_overlapping_and_unsorted_busy_time() -> None:
    av = daily("UTC", w("09:00", "13:00"))
    busy = [
        Interval(utc(2026, 6, 1, 12), utc(2026, 6, 1, 12, 10)),
        Interval(utc(2026, 6, 1, 9, 10), utc(2026, 6, 1, 10)),
        Interval(utc(2026, 6, 1, 9, 40), utc(2026, 6, 1, 9, 50)),
        Interval(utc(2026, 6, 1, 10), utc(2026, 6, 1, 10, 5)),
    ]
    slots = free_slots(av, *monday_range(), utc(2026, 5, 1), busy)
    assert slots == [
        utc(2026, 6, 1, 10, 30),
        utc(2026, 6, 1, 11),
        utc(2026, 6, 1, 11, 30),
        utc(2026, 6, 1, 12, 30),
    ]


def test_free_slots_refuses_naive_datetimes() -> None:
    av = daily("UTC", w("09:00", "10:00"))
    with pytest.raises(ValueError, match="aware"):
        free_slots(av, datetime(2026, 6, 1), utc(2026, 6, 2), utc(2026, 5, 1), [])


# --- check_bookable ------------------------------------------------------------------

NOW = utc(2026, 6, 1, 8)


def refusal(av: Availability, start: datetime, duration: int = 30, now: datetime = NOW) -> str:
    """The message of the plain validation failure check_bookable raises."""
    with pytest.raises(ValidationFailed) as err:
        check_bookable(av, start, duration, now)
    assert type(err.value) is ValidationFailed
    assert fields(err) == ["scheduledAt"]
    return err.value.errors[0].message


def test_check_bookable_accepts_a_slot_given_in_any_offset() -> None:
    av = daily(NY, w("09:00", "12:00"))
    check_bookable(av, datetime(2026, 6, 2, 9, 30, tzinfo=ZoneInfo(NY)), 30, NOW)
    check_bookable(av, utc(2026, 6, 2, 13, 30), 90, NOW)


def test_check_bookable_refuses_the_past_and_now() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    assert refusal(av, NOW) == "must be in the future"
    assert refusal(av, NOW - timedelta(minutes=30)) == "must be in the future"


def test_check_bookable_refuses_inside_the_minimum_notice() -> None:
    av = daily("UTC", w("00:00", "24:00"), notice=120)
    assert refusal(av, NOW + timedelta(minutes=90)) == "must be at least 120 minutes from now"
    check_bookable(av, NOW + timedelta(minutes=120), 30, NOW)


def test_check_bookable_refuses_beyond_the_horizon() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    horizon = NOW + timedelta(days=BOOKING_HORIZON_DAYS)
    check_bookable(av, horizon, 30, NOW)
    assert refusal(av, horizon + timedelta(minutes=30)) == "must be at most 180 days ahead"


@pytest.mark.parametrize(
    "start",
    [
        utc(2026, 6, 2, 9, 15),
        utc(2026, 6, 2, 9, 0).replace(second=30),
        utc(2026, 6, 2, 9, 0).replace(microsecond=1),
        utc(2026, 6, 2, 3, 0),  # 08:45 in Kathmandu
    ],
)
def test_check_bookable_refuses_times_off_the_local_grid(start: datetime) -> None:
    zone_name = KATHMANDU if start.hour == 3 else "UTC"
    av = daily(zone_name, w("00:00", "24:00"))
    assert refusal(av, start) == "must be on a 30-minute boundary of the mentor's local time"


def test_check_bookable_checks_the_past_before_the_grid() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    assert refusal(av, NOW - timedelta(minutes=7)) == "must be in the future"


def test_a_session_may_run_across_touching_windows() -> None:
    av = Availability(
        "UTC", weekly((Weekday.TUE, "09:00", "10:00"), (Weekday.TUE, "10:00", "11:00"))
    )
    check_bookable(av, utc(2026, 6, 2, 9, 30), 90, NOW)


def test_a_session_may_run_across_midnight_into_a_window_from_midnight() -> None:
    av = Availability(
        "UTC", weekly((Weekday.TUE, "23:00", "24:00"), (Weekday.WED, "00:00", "01:00"))
    )
    check_bookable(av, utc(2026, 6, 2, 23, 30), 60, NOW)


def test_a_session_may_not_run_across_a_gap_between_windows() -> None:
    av = Availability(
        "UTC", weekly((Weekday.TUE, "09:00", "10:00"), (Weekday.TUE, "10:30", "11:30"))
    )
    with pytest.raises(OutsideAvailability) as err:
        check_bookable(av, utc(2026, 6, 2, 9, 30), 90, NOW)
    assert err.value.code == "OUTSIDE_AVAILABILITY"
    assert [e.field for e in err.value.errors] == ["scheduledAt"]


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        (utc(2026, 6, 2, 8, 30), 30),  # before the window
        (utc(2026, 6, 2, 9, 30), 60),  # runs past its end
        (utc(2026, 6, 3, 9, 0), 30),  # a day without windows
    ],
)
def test_check_bookable_refuses_outside_the_windows(start: datetime, duration: int) -> None:
    av = Availability("UTC", weekly((Weekday.TUE, "09:00", "10:00")))
    with pytest.raises(OutsideAvailability):
        check_bookable(av, start, duration, NOW)


def test_an_override_day_off_refuses_bookings() -> None:
    av = Availability(
        "UTC",
        weekly((Weekday.TUE, "09:00", "10:00")),
        date_overrides=(DateOverride(date(2026, 6, 2), ()),),
    )
    with pytest.raises(OutsideAvailability):
        check_bookable(av, utc(2026, 6, 2, 9), 30, NOW)
    check_bookable(av, utc(2026, 6, 9, 9), 30, NOW)


def test_check_bookable_across_the_fall_back_fold() -> None:
    av = daily(NY, w("00:00", "04:00"))
    now = utc(2026, 10, 1)
    check_bookable(av, at(NY, 2026, 11, 1, 1, 0, fold=0), 90, now)  # 01:00 EDT .. 01:00 EST
    check_bookable(av, at(NY, 2026, 11, 1, 1, 30, fold=1), 90, now)  # both 01:30s are slots


def test_check_bookable_across_the_spring_forward_gap() -> None:
    av = daily(NY, w("00:00", "04:00"))
    now = utc(2026, 3, 1)
    # 01:30 EST plus thirty real minutes is 03:00 EDT, the next slot.
    check_bookable(av, at(NY, 2026, 3, 8, 1, 30), 60, now)
    no_early_hours = daily(NY, w("00:00", "02:00"))
    with pytest.raises(OutsideAvailability):
        check_bookable(no_early_hours, at(NY, 2026, 3, 8, 1, 30), 60, now)


@pytest.mark.parametrize("duration", [0, -30, 45, 1470])
def test_check_bookable_refuses_a_bad_duration(duration: int) -> None:
    av = daily("UTC", w("00:00", "24:00"))
    with pytest.raises(ValidationFailed) as err:
        check_bookable(av, utc(2026, 6, 2, 9), duration, NOW)
    assert fields(err) == ["duration"]


def test_check_bookable_refuses_naive_datetimes() -> None:
    av = daily("UTC", w("00:00", "24:00"))
    with pytest.raises(ValueError, match="aware"):
        check_bookable(av, datetime(2026, 6, 2, 9), 30, NOW)


# --- cells ---------------------------------------------------------------------------


def test_cells_cover_the_interval_from_its_floored_start() -> None:
    assert cells(utc(2026, 6, 1, 9), utc(2026, 6, 1, 9, 30)) == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 9, 15),
    ]
    assert cells(utc(2026, 6, 1, 9, 10), utc(2026, 6, 1, 9, 40)) == [
        utc(2026, 6, 1, 9), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30),
    ]  # fmt: skip
    assert cells(utc(2026, 6, 1, 9), utc(2026, 6, 1, 9)) == []


def test_cells_are_utc_whatever_the_offset() -> None:
    start = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo(KATHMANDU))
    found = cells(start, start + timedelta(minutes=30))
    assert found == [utc(2026, 6, 1, 3, 15), utc(2026, 6, 1, 3, 30)]
    assert all(c.utcoffset() == timedelta(0) for c in found)


def test_mentor_cells_hold_the_session_and_the_buffer_after_it() -> None:
    assert len(mentor_cells(utc(2026, 6, 1, 9), 90, 15)) == 7
    assert len(mentor_cells(utc(2026, 6, 1, 9), 30, 0)) == 2
    assert mentor_cells(utc(2026, 6, 1, 9), 30, 15)[-1] == utc(2026, 6, 1, 9, 30)


def test_two_sessions_exactly_a_buffer_apart_do_not_share_cells() -> None:
    first = set(mentor_cells(utc(2026, 6, 1, 9), 60, 30))
    assert not first & set(mentor_cells(utc(2026, 6, 1, 10, 30), 30, 30))
    assert first & set(mentor_cells(utc(2026, 6, 1, 10, 15), 30, 30))
    assert first & set(mentor_cells(utc(2026, 6, 1, 8, 30), 30, 30))


def test_mentor_cells_count_real_minutes_across_a_clock_change() -> None:
    start = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo(NY))  # 01:30 EDT
    assert mentor_cells(start, 60, 0) == [
        utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 5, 45),
        utc(2026, 11, 1, 6), utc(2026, 11, 1, 6, 15),
    ]  # fmt: skip


# --- properties ----------------------------------------------------------------------

ZONES = ["UTC", NY, LONDON, LORD_HOWE, KATHMANDU, "Pacific/Chatham", "America/St_Johns"]
# Clock changes of those zones in 2026-2027, to aim some draws at.
TRANSITION_DAYS = [
    date(2026, 3, 8), date(2026, 3, 29), date(2026, 4, 5), date(2026, 9, 27), date(2026, 10, 4),
    date(2026, 10, 25), date(2026, 11, 1), date(2027, 3, 14), date(2027, 3, 28), date(2027, 4, 4),
    date(2027, 9, 26), date(2027, 10, 3), date(2027, 10, 31), date(2027, 11, 7),
]  # fmt: skip
EPOCH = utc(2026, 1, 1)


@st.composite
def day_windows(draw: st.DrawFn) -> tuple[Window, ...]:
    """Non-overlapping windows of one day, some touching, edges often off the grid."""
    edge = st.one_of(st.integers(0, 48).map(lambda n: n * 30), st.integers(0, 1440))
    points = sorted(draw(st.lists(edge, max_size=7, unique=True)))
    return tuple(Window(a, b) for a, b in pairwise(points) if draw(st.booleans()))


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    """A `now` in 2026-2027, often in the days before a clock change."""
    if draw(st.booleans()):
        moment = EPOCH + timedelta(seconds=draw(st.integers(0, 2 * 365 * 86400)))
    else:
        day = datetime.combine(draw(st.sampled_from(TRANSITION_DAYS)), time(), UTC)
        moment = day + timedelta(seconds=draw(st.integers(-5 * 86400, 2 * 86400)))
    if draw(st.booleans()):
        moment = moment.replace(minute=moment.minute // 15 * 15, second=0)
    return moment


@st.composite
def availabilities(draw: st.DrawFn, around: date) -> Availability:
    weekly = tuple(WeeklyWindow(day, window) for day in Weekday for window in draw(day_windows()))
    override_days = draw(st.lists(st.integers(-1, 8), max_size=3, unique=True))
    overrides = tuple(
        DateOverride(around + timedelta(days=n), draw(day_windows())) for n in override_days
    )
    av = Availability(
        timezone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        min_notice_minutes=draw(st.one_of(st.just(0), st.integers(0, 3 * 1440))),
        buffer_minutes=draw(st.sampled_from(range(0, MAX_BUFFER_MINUTES + 1, 15))),
        date_overrides=overrides,
    )
    validate(av)
    return av


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Availability, datetime, datetime, list[Interval]]:
    now = draw(moments())
    offset = draw(st.one_of(st.integers(-2 * 1440, 3 * 1440), st.integers(172 * 1440, 176 * 1440)))
    range_start = now + timedelta(minutes=offset)
    av = draw(availabilities(range_start.date()))
    busy = [
        Interval(begin, begin + timedelta(minutes=length))
        for begin, length in draw(
            st.lists(
                st.tuples(
                    st.integers(-600, 7 * 1440).map(lambda m: range_start + timedelta(minutes=m)),
                    st.integers(1, 240),
                ),
                max_size=8,
            )
        )
    ]
    return av, now, range_start, busy


def walk_slots(av: Availability, first: date, last: date) -> list[datetime]:
    """Slots found the other way round: every UTC quarter hour whose wall clock fits a window.

    Every zone drawn has an offset in whole quarter hours, so no local half hour is missed;
    a repeated wall time is reached twice and a skipped one never.
    """
    tz = ZoneInfo(av.timezone)
    found = []
    moment = datetime.combine(first, time(), UTC) - timedelta(days=1)
    stop = datetime.combine(last, time(), UTC) + timedelta(days=2)
    while moment < stop:
        local = moment.astimezone(tz)
        minute = local.hour * 60 + local.minute
        if first <= local.date() <= last and fits(av, local.date(), minute):
            found.append(moment)
        moment += timedelta(minutes=15)
    return found


def fits(av: Availability, local_date: date, minute: int) -> bool:
    """A wall-clock minute on the grid whose half hour lies inside a window of its date."""
    inside = any(x.start <= minute and minute + 30 <= x.end for x in windows_on(av, local_date))
    return minute % 30 == 0 and inside


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(TRANSITION_DAYS), st.integers(-2, 1), st.integers(0, 2), st.data())
def test_slot_starts_match_a_walk_through_utc(
    day: date, before: int, span: int, data: st.DataObject
) -> None:
    av = data.draw(availabilities(day))
    first = day + timedelta(days=before)
    last = first + timedelta(days=span)
    assert slot_starts(av, first, last) == walk_slots(av, first, last)


def assert_is_free(av: Availability, slot: datetime, now: datetime, busy: list[Interval]) -> None:
    local = slot.astimezone(ZoneInfo(av.timezone))
    minute = local.hour * 60 + local.minute
    assert slot.utcoffset() == timedelta(0)
    assert minute % 30 == 0
    assert (local.second, local.microsecond) == (0, 0)
    assert fits(av, local.date(), minute)
    assert slot > now
    assert slot >= now + timedelta(minutes=av.min_notice_minutes)
    assert slot <= now + timedelta(days=BOOKING_HORIZON_DAYS)
    reserved_end = slot + timedelta(minutes=30 + av.buffer_minutes)
    assert not any(b.start < reserved_end and slot < b.end for b in busy)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_free_slots_are_free_and_bookable(
    scenario: tuple[Availability, datetime, datetime, list[Interval]],
) -> None:
    av, now, range_start, busy = scenario
    range_end = range_start + timedelta(days=7)
    slots = free_slots(av, range_start, range_end, now, busy)
    assert slots == sorted(set(slots))
    tz = ZoneInfo(av.timezone)
    every = walk_slots(
        av, range_start.astimezone(tz).date() - timedelta(days=1), range_end.astimezone(tz).date()
    )
    expected = [s for s in every if range_start <= s < range_end and is_free(av, s, now, busy)]
    assert slots == expected
    for slot in slots:
        assert_is_free(av, slot, now, busy)
        check_bookable(av, slot, 30, now)


def is_free(av: Availability, slot: datetime, now: datetime, busy: list[Interval]) -> bool:
    """The definition of a free slot, for a slot already known to be a slot."""
    reserved_end = slot + timedelta(minutes=30 + av.buffer_minutes)
    return (
        now < slot <= now + timedelta(days=BOOKING_HORIZON_DAYS)
        and slot >= now + timedelta(minutes=av.min_notice_minutes)
        and not any(b.start < reserved_end and slot < b.end for b in busy)
    )


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_an_hour_is_bookable_exactly_when_both_halves_are_slots(
    scenario: tuple[Availability, datetime, datetime, list[Interval]],
) -> None:
    av, now, range_start, _ = scenario
    tz = ZoneInfo(av.timezone)
    first = range_start.astimezone(tz).date()
    all_slots = set(walk_slots(av, first, first + timedelta(days=3)))
    for slot in free_slots(av, range_start, range_start + timedelta(days=2), now, []):
        if slot + timedelta(minutes=30) in all_slots:
            check_bookable(av, slot, 60, now)
        else:
            with pytest.raises(OutsideAvailability):
                check_bookable(av, slot, 60, now)


# --- the calendar's edges ----------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
        datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1999, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2101, 1, 1, tzinfo=UTC),
    ],
)
def test_check_bookable_refuses_times_outside_the_calendar(start: datetime) -> None:
    av = daily("UTC", w("00:00", "24:00"))
    assert refusal(av, start) == "must be a time from 2000-01-01 to 2100-12-31"


@pytest.mark.parametrize("day", [date.min, date.max, date(1999, 12, 31), date(2101, 1, 1)])
def test_override_dates_outside_the_calendar_are_refused(day: date) -> None:
    av = Availability("UTC", (), date_overrides=(DateOverride(day, ()),))
    with pytest.raises(ValidationFailed) as err:
        validate(av)
    assert fields(err) == ["dateOverrides.0.date"]
