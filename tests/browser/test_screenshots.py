"""Screenshots of every page, light and dark, into docs/screenshots/ (name-theme.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.helpers import SCREENSHOTS
from tests.browser.pages import PAGES, ColorScheme, visit, visitor

pytestmark = pytest.mark.xdist_group("browser")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_screenshot_every_page(
    browser: Browser, web: str, scene: None, color_scheme: ColorScheme
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for user in sorted({p.user or "" for p in PAGES}):
        with visitor(browser, web, user or None, color_scheme) as page:
            for target in (p for p in PAGES if (p.user or "") == user):
                visit(page, web, target)
                page.mouse.move(0, 0)
                path = SCREENSHOTS / f"{target.name}-{color_scheme}.png"
                page.screenshot(path=str(path), full_page=True, animations="disabled")
                assert path.stat().st_size > 10_000, f"{path.name} looks empty"
