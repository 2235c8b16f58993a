"""A time someone else booked shows as Booked in the calendar, in the viewer's zone."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import VIEWPORT, Api, iso_z, sign_in, slot_after, unique
from tests.browser.test_booking_flow import show_day

pytestmark = pytest.mark.xdist_group("browser")

VIEWER_ZONE = "Asia/Tokyo"


def test_slot_taken_by_another_student_shows_as_booked(
    browser: Browser, web: str, api: Api
) -> None:
    mentor_token, mentor_id = api.mentor(unique("mentor"), "Tom Silva")
    alice_id = unique("alice")
    alice = api.token(alice_id, "Alice Chen")
    bob = api.token(unique("bob"), "Bob Okafor")
    api.connect(alice, mentor_token, mentor_id)
    api.connect(bob, mentor_token, mentor_id)
    start = slot_after(4)
    api.book(bob, mentor_id, iso_z(start), duration=60)

    context = browser.new_context(viewport=VIEWPORT, timezone_id=VIEWER_ZONE)
    try:
        page = context.new_page()
        sign_in(page, web, alice_id)
        page.goto(f"{web}/sessions/book/{mentor_id}")
        expect(page.get_by_role("heading", name="Book a session with Tom Silva")).to_be_visible()
        page.get_by_role("radio", name="30 min").check()
        show_day(page, start, VIEWER_ZONE)

        booked = page.locator(f'[data-booked-start="{iso_z(start)}"]')
        expect(booked).to_contain_text("Booked")
        local = start.astimezone(ZoneInfo(VIEWER_ZONE))
        end = local + timedelta(minutes=60)
        expect(booked).to_contain_text(f"{local:%H:%M}\N{EN DASH}{end:%H:%M}")
        # Neither half of the taken hour can be picked; the time right after it can.
        expect(page.locator(f'[data-start="{iso_z(start)}"]')).to_have_count(0)
        half = iso_z(start + timedelta(minutes=30))
        expect(page.locator(f'[data-start="{half}"]')).to_have_count(0)
        after = start + timedelta(minutes=60)
        if after.astimezone(local.tzinfo).date() == local.date():
            expect(page.locator(f'[data-start="{iso_z(after)}"]')).to_be_visible()
    finally:
        context.close()
