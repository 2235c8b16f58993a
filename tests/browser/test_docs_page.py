"""The API reference page in Chromium: Swagger UI renders every operation from this API alone.

The page is served by ``chalice local`` itself (not the web client), under its
strict Content-Security-Policy; nothing may come from another origin.
"""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, ConsoleMessage, Request, expect

from devstack.stack import LocalStack
from tests.browser.helpers import FRONTEND, VIEWPORT

pytestmark = pytest.mark.xdist_group("browser")

# Playwright's init scripts run outside the page's CSP, so this listener sees every refusal.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def docs_viewer(stack: LocalStack) -> None:
    """Swagger UI copied into chalicelib/ (``make run`` does it; a test run may not have)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to copy Swagger UI: install Node 20.19+", pytrace=False)
    # After `stack`, whose web client build has run `npm ci` when node_modules was missing.
    done = subprocess.run(
        [npm, "run", "build:docs-viewer"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(f"npm run build:docs-viewer failed:\n{done.stdout}{done.stderr}", pytrace=False)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.usefixtures("docs_viewer")
def test_the_api_reference_renders_every_operation_from_this_origin_only(
    browser: Browser, stack: LocalStack
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    requested: list[str] = []
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        requested.append(request.url)

    try:
        page = context.new_page()
        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
        page.goto(f"{stack.api_url}/api/v1/docs")

        book = page.locator('.opblock-summary-path[data-path="/api/v1/sessions/book"]')
        # Swagger UI renders the whole document at once: on a loaded two-core
        # machine (the full suite beside it) that took longer than the default 5 s.
        expect(book).to_be_visible(timeout=30_000)
        expect(page.locator(".opblock-summary-path")).to_have_count(len(_operations(stack)))
        # Interactive, not just rendered: an operation opens to its "Try it out".
        book.click()
        expect(page.get_by_role("button", name="Try it out")).to_be_visible()
        # "Try it out" calls the API where the page came from.
        expect(page.locator(".servers select")).to_contain_text(stack.api_url)
        page.wait_for_load_state("networkidle")

        elsewhere = [u for u in requested if not u.startswith("data:")]
        assert [u for u in elsewhere if _origin(u) != stack.api_url] == []
        assert f"{stack.api_url}/api/v1/openapi.json" in requested
        assert page.evaluate("window.__cspViolations") == []
        assert errors == []
    finally:
        context.close()


def _operations(stack: LocalStack) -> list[tuple[str, str]]:
    document = requests.get(f"{stack.api_url}/api/v1/openapi.json", timeout=30).json()
    return [(method, path) for path, ops in document["paths"].items() for method in ops]
