"""A mentor takes a day off and shortens another in the browser; students' slots follow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import VIEWPORT, Api, run_axe, serious, sign_in, unique
from tests.browser.test_booking_flow import nav

pytestmark = pytest.mark.xdist_group("browser")


def slots_on(week: dict[str, Any], day: date) -> list[str]:
    return [s["start"] for s in week["slots"] if s["start"].startswith(day.isoformat())]


def test_a_day_off_and_a_short_day_replace_the_weekly_hours(
    browser: Browser, web: str, api: Api
) -> None:
    mentor_id_user = unique("mentor")
    mentor_token, mentor_id = api.mentor(mentor_id_user, "Rosa Park")  # all day, every day, UTC
    today = datetime.now(UTC).date()
    off, short = today + timedelta(days=3), today + timedelta(days=4)

    context = browser.new_context(viewport=VIEWPORT, timezone_id="UTC")
    try:
        page = context.new_page()
        sign_in(page, web, mentor_id_user)
        nav(page, "Availability").click()
        expect(page.get_by_role("heading", name="Date-specific hours")).to_be_visible()

        page.get_by_label("New date").fill(off.isoformat())
        page.get_by_role("button", name="Add a date").click()
        page.get_by_label(f"Unavailable all day on {off.isoformat()}").check()
        expect(page.get_by_text("Nobody can book you on this date.")).to_be_visible()

        page.get_by_label("New date").fill(short.isoformat())
        page.get_by_role("button", name="Add a date").click()
        page.get_by_label(f"Start time for {short.isoformat()}, window 1").fill("10:00")
        page.get_by_label(f"End time for {short.isoformat()}, window 1").fill("11:00")

        # The same date twice is refused before anything is sent.
        page.get_by_label("New date").fill(off.isoformat())
        page.get_by_role("button", name="Add a date").click()
        expect(page.locator("[data-override-id]")).to_have_count(2)

        assert not serious(run_axe(page)), serious(run_axe(page))
        page.get_by_role("button", name="Save availability").click()
        expect(page.get_by_text("Availability saved.")).to_be_visible()
    finally:
        context.close()

    week = api.call(
        "GET",
        f"/sessions/availability/{mentor_id}?from={off.isoformat()}&to={short.isoformat()}",
        mentor_token,
    )
    assert week["dateOverrides"] == [
        {"date": off.isoformat(), "windows": []},
        {"date": short.isoformat(), "windows": [{"start": "10:00", "end": "11:00"}]},
    ]
    assert slots_on(week, off) == []
    day = short.isoformat()
    assert slots_on(week, short) == [f"{day}T10:00:00Z", f"{day}T10:30:00Z"]
