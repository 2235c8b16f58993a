"""axe-core on every page, light and dark: no serious or critical violations; keyboard basics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import run_axe, serious
from tests.browser.pages import PAGES, ColorScheme, visit, visitor

pytestmark = pytest.mark.xdist_group("browser")


def _check(page: Page, where: str, problems: list[str]) -> None:
    problems.extend(f"{where}: {p}" for p in serious(run_axe(page)))


def _interactive_states(page: Page, name: str, problems: list[str]) -> None:
    """States that only appear after an action: open panels, field errors, a picked slot."""
    if name == "my-sessions":
        card = page.locator("article.session").first
        card.get_by_role("button", name="Reschedule").click()
        expect(card.locator('[data-date][aria-pressed="true"]')).to_be_visible()
        _check(page, f"{name} (reschedule open)", problems)
        card.get_by_role("button", name="Cancel", exact=True).click()
        card.get_by_role("button", name="Cancel session").click()
        expect(card.get_by_text("Please say why you are cancelling")).to_be_visible()
        _check(page, f"{name} (cancel with error)", problems)
    if name == "book-session":
        page.get_by_role("button", name="Book Session").click()
        expect(page.get_by_text("Give the session a title.")).to_be_visible()
        slot = page.locator("[data-start]").first
        if slot.count():
            slot.click()
        _check(page, f"{name} (errors, slot picked)", problems)
    if name == "availability":
        page.get_by_role("button", name="Add window on Sunday").click()
        page.get_by_label("Sunday window 1 end").fill("25:00")
        page.get_by_role("button", name="Save availability").click()
        expect(page.get_by_text("Use 24-hour times like")).to_be_visible()
        _check(page, f"{name} (field error)", problems)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_serious_axe_violations_on_any_page(
    browser: Browser, web: str, scene: None, color_scheme: ColorScheme
) -> None:
    problems: list[str] = []
    for user in sorted({p.user or "" for p in PAGES}):
        with visitor(browser, web, user or None, color_scheme) as page:
            for target in (p for p in PAGES if (p.user or "") == user):
                visit(page, web, target)
                _check(page, target.name, problems)
                _interactive_states(page, target.name, problems)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


@pytest.fixture
def signed_out(browser: Browser, web: str) -> Iterator[Page]:
    with visitor(browser, web, None, "light") as page:
        yield page


def test_dark_mode_toggle_is_remembered(signed_out: Page, web: str) -> None:
    page = signed_out
    page.goto(web + "/sign-in")
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Dark mode")).to_have_attribute("aria-pressed", "true")


def test_keyboard_reaches_skip_link_and_signs_in(signed_out: Page, web: str) -> None:
    page = signed_out
    page.goto(web + "/sign-in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("User id").focus()
    page.keyboard.type("keyboard-user")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sessions")
    # The session tabs follow the arrow keys.
    upcoming = page.get_by_role("tab", name="Upcoming")
    upcoming.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Past")).to_be_focused()
    expect(page.get_by_role("tab", name="Past")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("No past sessions yet.")).to_be_visible()
