"""Browser tests: the built web client in headless Chromium against the real local stack.

The stack is the one ``make run`` starts (emulator, table, demo data, ``chalice
local`` and the static+proxy web server), on free ports, once per test session.
Chromium comes from the system (Debian's ``chromium`` package), not from
Playwright's own downloads; ``CHROMIUM`` overrides its path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from devstack.stack import LocalStack, free_port
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, Api, build_web_client
from tests.browser.pages import demo_scene


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    build_web_client()
    running = LocalStack(
        api_port=free_port(), db_port=free_port(), web_port=free_port(), quiet=True
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def web(stack: LocalStack) -> str:
    assert stack.web_url is not None
    return stack.web_url


@pytest.fixture(scope="session")
def api(stack: LocalStack) -> Api:
    return Api(stack.api_url + "/api/v1", stack)


@pytest.fixture(scope="session")
def scene(api: Api) -> None:
    """The demo student's sessions that the page tours show (booked once per run)."""
    demo_scene(api)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make chromium` installs it "
            "(or prints the command to run); or set CHROMIUM to its path",
            pytrace=False,
        )
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()
