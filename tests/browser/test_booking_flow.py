"""A new student and a new mentor, from first sign-in to a cancelled session, all in the browser."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import VIEWPORT, iso_z, sign_in, slot_after, unique

pytestmark = pytest.mark.xdist_group("browser")

STUDENT_ZONE = "America/New_York"


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def show_day(page: Page, start: datetime, zone: str) -> None:
    """Move the calendar to the week of ``start`` (in the viewer's ``zone``) and pick its day."""
    local_day = start.astimezone(ZoneInfo(zone)).date()
    today = datetime.now(ZoneInfo(zone)).date()
    for _ in range((monday(local_day) - monday(today)).days // 7):
        page.get_by_role("button", name="Next week").click()
    day = page.locator(f'[data-date="{local_day.isoformat()}"]')
    expect(day).to_be_enabled()
    day.click()
    expect(day).to_have_attribute("aria-pressed", "true")


def become_mentor(page: Page) -> None:
    nav(page, "Become a Mentor").click()
    page.get_by_label("Company").fill("Forge Labs")
    page.get_by_label("Job title").fill("Engineering Manager")
    page.get_by_label("Expertise").fill("Interviews, Leadership")
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_role("button", name="Become a mentor").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(nav(page, "Availability")).to_be_visible()


def set_all_day_availability(page: Page) -> None:
    nav(page, "Availability").click()
    page.get_by_role("button", name="Add window on Monday").click()
    page.get_by_label("Monday window 1 start").fill("00:00")
    page.get_by_label("Monday window 1 end").fill("24:00")
    page.get_by_role("button", name="Copy Monday to every day").click()
    expect(page.get_by_label("Sunday window 1 end")).to_have_value("24:00")
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_label("Minimum notice (minutes)").fill("0")
    page.get_by_label("Buffer after each session").select_option("0")
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Availability saved.")).to_be_visible()


def request_connection(page: Page, mentor_name: str) -> None:
    nav(page, "Find Mentors").click()
    card = page.locator("article.mentor").filter(
        has=page.get_by_role("heading", name=mentor_name, exact=True)
    )
    more = page.get_by_role("button", name="Load more mentors")
    page.locator("article.mentor").first.wait_for()
    for _ in range(20):
        if card.count() or not more.is_visible():
            break
        more.click()
        page.wait_for_load_state("networkidle")
    card.get_by_role("button", name="Request connection").click()
    card.get_by_label(f"Message to {mentor_name} (optional)").fill("Could you help me prepare?")
    card.get_by_role("button", name="Send request").click()
    expect(card.get_by_text(f"Request sent. Waiting for {mentor_name} to accept.")).to_be_visible()
    expect(card.get_by_text("Pending")).to_be_visible()


def test_new_student_books_and_cancels_with_a_new_mentor(browser: Browser, web: str) -> None:
    # Fresh users (the stack is new for each test run, so these names are unique in it).
    mentor_name = "Priya Raman"
    student_name = "Leo Park"
    mentor_ctx = browser.new_context(viewport=VIEWPORT, timezone_id="UTC")
    student_ctx = browser.new_context(viewport=VIEWPORT, timezone_id=STUDENT_ZONE)
    try:
        mentor = mentor_ctx.new_page()
        student = student_ctx.new_page()

        # A new user becomes a mentor.
        sign_in(mentor, web, unique("mentor"), mentor_name)
        become_mentor(mentor)

        # A new student asks to connect.
        sign_in(student, web, unique("student"), student_name)
        request_connection(student, mentor_name)

        # The mentor accepts and opens the whole week, every hour.
        nav(mentor, "My Connections").click()
        mentor.get_by_role("button", name=f"Accept {student_name}").click()
        expect(mentor.get_by_text("Connection accepted.")).to_be_visible()
        set_all_day_availability(mentor)

        # The student books a real free slot from the calendar.
        nav(student, "My Connections").click()
        mentor_card = student.locator("[data-connection-id]").filter(has_text=mentor_name)
        expect(mentor_card.get_by_text("Accepted")).to_be_visible()
        mentor_card.get_by_role("link", name="Book Session").click()
        expect(
            student.get_by_role("heading", name=f"Book a session with {mentor_name}")
        ).to_be_visible()
        start = slot_after(3)
        show_day(student, start, STUDENT_ZONE)
        student.locator(f'[data-start="{iso_z(start)}"]').click()
        student.get_by_label("Title").fill("Mock interview")
        student.get_by_label("Agenda notes").fill("System design round")
        summary = student.get_by_role("complementary")
        expect(summary).to_contain_text(STUDENT_ZONE)
        student.get_by_role("button", name="Book Session").click()

        # It is under Upcoming, in the student's zone.
        student.wait_for_url("**/sessions")
        expect(student.get_by_text("Session booked for")).to_be_visible()
        card = student.locator("article.session").filter(has_text="Mock interview")
        expect(card).to_be_visible()
        expect(card).to_contain_text(f"with {mentor_name}")
        expect(card).to_contain_text("System design round")
        expect(card.locator("[data-status]")).to_have_text("Scheduled")
        local_start = start.astimezone(ZoneInfo(STUDENT_ZONE)).strftime("%H:%M")
        expect(card).to_contain_text(local_start)

        # Cancel it with a reason; it leaves Upcoming and shows under Cancelled.
        card.get_by_role("button", name="Cancel", exact=True).click()
        card.get_by_label("Reason for cancelling").fill("Something came up at work")
        card.get_by_role("button", name="Cancel session").click()
        expect(student.get_by_text('"Mock interview" was cancelled.')).to_be_visible()
        expect(card).to_have_count(0)
        student.get_by_role("tab", name="Cancelled").click()
        cancelled = student.locator("article.session").filter(has_text="Mock interview")
        expect(cancelled).to_be_visible()
        expect(cancelled.locator("[data-status]")).to_have_text("Cancelled")
        expect(cancelled).to_contain_text("Something came up at work")

        # The mentor sees the cancellation too.
        nav(mentor, "My Sessions").click()
        mentor.get_by_role("tab", name="Cancelled").click()
        expect(
            mentor.locator("article.session").filter(has_text=f"with {student_name}")
        ).to_contain_text("Something came up at work")
    finally:
        mentor_ctx.close()
        student_ctx.close()
