"""Every page of the web client, as a browser test visits it (for axe and screenshots)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import VIEWPORT, Api, sign_in

DEMO_MENTOR = "demo-mentor"
DEMO_STUDENT = "demo-student"
DEMO_MENTOR_PROFILE = "demo-mentor-profile"
NEW_USER = "new-user"
VIEWER_ZONE = "Europe/Berlin"

ColorScheme = Literal["light", "dark"]


def _ready_book(page: Page) -> None:
    expect(page.locator('[data-date][aria-pressed="true"]')).to_be_visible()
    expect(page.get_by_text("Loading times…")).to_have_count(0)


@dataclass(frozen=True)
class PageVisit:
    """A page, who looks at it, and what shows that it has finished loading."""

    name: str
    path: str
    user: str | None
    ready: Callable[[Page], None]


def _shows(selector: str) -> Callable[[Page], None]:
    return lambda page: expect(page.locator(selector).first).to_be_visible()


def _button(name: str) -> Callable[[Page], None]:
    return lambda page: expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()


PAGES: tuple[PageVisit, ...] = (
    PageVisit("sign-in", "/sign-in", None, _shows("text=Demo users")),
    PageVisit(
        "find-mentors",
        "/mentors",
        DEMO_STUDENT,
        _shows(f'[data-mentor-id="{DEMO_MENTOR_PROFILE}"] >> role=link[name="Book Session"]'),
    ),
    PageVisit("my-connections", "/connections", DEMO_STUDENT, _shows("[data-connection-id]")),
    PageVisit("my-connections-mentor", "/connections", DEMO_MENTOR, _shows("[data-connection-id]")),
    PageVisit("book-session", f"/sessions/book/{DEMO_MENTOR_PROFILE}", DEMO_STUDENT, _ready_book),
    PageVisit("my-sessions", "/sessions?tab=upcoming", DEMO_STUDENT, _shows("[data-session-id]")),
    PageVisit("my-sessions-past", "/sessions?tab=past", DEMO_STUDENT, _shows(".empty")),
    PageVisit(
        "my-sessions-cancelled",
        "/sessions?tab=cancelled",
        DEMO_STUDENT,
        _shows("[data-session-id]"),
    ),
    PageVisit("availability", "/availability", DEMO_MENTOR, _button("Save availability")),
    PageVisit("mentor-profile", "/mentor-profile", DEMO_MENTOR, _button("Save profile")),
    PageVisit("become-mentor", "/mentor-profile", NEW_USER, _button("Become a mentor")),
    PageVisit("not-found", "/no-such-page", None, _shows("text=Page not found")),
)


def demo_scene(api: Api) -> None:
    """Give the demo student one upcoming and one cancelled session with the demo mentor."""
    student = api.token(DEMO_STUDENT, "Sam Student")
    today = datetime.now(UTC).date()
    free = api.call(
        "GET",
        f"/sessions/availability/{DEMO_MENTOR_PROFILE}"
        f"?from={today}&to={today + timedelta(days=13)}&timezone=UTC",
    )["slots"]
    starts = [datetime.fromisoformat(s["start"]) for s in free]
    soonest = datetime.now(UTC) + timedelta(hours=3)
    first = next(s for s in starts if s >= soonest)
    second = next(s for s in starts if s >= first + timedelta(hours=3))

    def book(start: datetime, **fields: Any) -> Any:
        return api.book(
            student,
            DEMO_MENTOR_PROFILE,
            start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=30,
            timezone=VIEWER_ZONE,
            **fields,
        )

    book(
        first,
        title="Career plan review",
        description="Where to go after two years as a backend developer.",
        agendaNotes="1. Staff vs. management track\n2. Which skills to build next",
    )
    dropped = book(second, title="System design practice", sessionType="VOICE")
    api.call(
        "PUT", f"/sessions/{dropped['id']}/cancel", student, {"reason": "Exam moved to that day."}
    )


@contextmanager
def visitor(
    browser: Browser, web: str, user: str | None, color_scheme: ColorScheme
) -> Iterator[Page]:
    """A page in a fresh context, signed in as ``user`` (None: signed out)."""
    context = browser.new_context(
        viewport=VIEWPORT,
        timezone_id=VIEWER_ZONE,
        color_scheme=color_scheme,
        locale="en-GB",
    )
    try:
        page = context.new_page()
        if user is not None:
            sign_in(page, web, user, "Nina Newcomer" if user == NEW_USER else None)
        yield page
    finally:
        context.close()


def visit(page: Page, web: str, target: PageVisit) -> None:
    page.goto(web + target.path)
    target.ready(page)
