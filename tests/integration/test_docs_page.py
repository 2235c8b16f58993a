"""GET /api/v1/docs: the API reference page and its files, served under a strict CSP.

Swagger UI's real files come from a build step (``npm run build:docs-viewer``);
these tests serve stand-ins from a temporary directory, so they check the views,
not the copy. tests/browser/test_docs_page.py runs the real viewer.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib.api import docs_page
from tests.integration.conftest import Api

PAGE = "/api/v1/docs"
STAND_INS = {
    "swagger-ui-bundle.js": "window.SwaggerUIBundle = function () {};\n",
    "swagger-ui.css": ".swagger-ui { color: #3b4151; }\n",
    "LICENSE": "Apache License, Version 2.0\n",
    "NOTICE": "swagger-ui\n",
    "swagger-ui-bundle.js.LICENSE.txt": "/*! licences of the bundled code */\n",
}


@pytest.fixture
def assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in STAND_INS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(docs_page, "ASSETS_DIR", tmp_path)
    return tmp_path


class Links(HTMLParser):
    """Every URL the page names, and whatever would need an inline CSP exception."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if tag == "style" or "style" in found or any(k.startswith("on") for k in found):
            self.inline.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("script")


def _links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_the_page_is_html_under_a_strict_csp(api: Api, assets: Path) -> None:
    reply = api.get(PAGE)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["Cache-Control"] == "no-cache"
    directives = reply.headers["Content-Security-Policy"].split("; ")
    policy = dict(d.split(" ", 1) for d in directives)
    assert policy == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    assert _links(reply.body).inline == []


def test_the_page_names_only_relative_urls_that_are_served(api: Api, assets: Path) -> None:
    html = api.get(PAGE).body
    script = api.get(f"{PAGE}/docs.js").body
    for text in (html, script):
        assert "http://" not in text
        assert "https://" not in text
    urls = [u for u in _links(html).urls if not u.startswith("data:")]
    assert {urlsplit(u).path for u in urls} == {
        "docs/swagger-ui.css",
        "docs/swagger-ui-bundle.js",
        "docs/docs.js",
        "openapi.json",
    }
    for url in urls:
        parts = urlsplit(url)
        # Relative to the page, so a deployed stage's prefix is kept.
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert not url.startswith("/"), url
        assert api.get(f"/api/v1/{url}").status == 200, url


def test_a_changed_file_gets_a_new_url(api: Api, assets: Path) -> None:
    before = _links(api.get(PAGE).body).urls
    (assets / "swagger-ui.css").write_text(".swagger-ui { color: black; }\n")
    docs_page._read.cache_clear()  # a deployment starts a new process
    after = _links(api.get(PAGE).body).urls
    assert [u for u in after if "swagger-ui.css" in u] != [u for u in before if ".css" in u]
    assert [u for u in after if ".js" in u] == [u for u in before if ".js" in u]


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("swagger-ui.css", "text/css; charset=utf-8"),
        ("LICENSE", "text/plain; charset=utf-8"),
        ("NOTICE", "text/plain; charset=utf-8"),
        ("swagger-ui-bundle.js.LICENSE.txt", "text/plain; charset=utf-8"),
    ],
)
def test_each_file_is_served_with_its_type(
    api: Api, assets: Path, name: str, media_type: str
) -> None:
    reply = api.get(f"{PAGE}/{name}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == media_type
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert reply.body == STAND_INS[name]


def test_the_init_script_is_ours_and_points_at_the_document(api: Api, assets: Path) -> None:
    reply = api.get(f"{PAGE}/docs.js")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert 'new URL("openapi.json", here)' in reply.body
    assert "validatorUrl: null" in reply.body  # else Swagger UI asks validator.swagger.io


@pytest.mark.parametrize(
    "name", ["index.html", "swagger-ui.js.map", "docs_page.py", "..%2Fdocs_page.py", "NOTICE.tmp"]
)
def test_an_unknown_file_is_a_404_problem(api: Api, assets: Path, name: str) -> None:
    (assets / "index.html").write_text("<p>in the directory, not on the list</p>")
    reply = api.get(f"{PAGE}/{name}")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.code == "NOT_FOUND"


def test_without_the_copied_viewer_the_page_says_what_to_run(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs_page, "ASSETS_DIR", tmp_path / "never-copied")
    for path in (PAGE, f"{PAGE}/swagger-ui-bundle.js", f"{PAGE}/swagger-ui.css"):
        reply = api.get(path)
        assert reply.status == 503, path
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert reply.code == "DOCS_VIEWER_NOT_INSTALLED"
        assert "npm run build:docs-viewer" in reply.body["detail"]
    # Our own script needs no copy.
    assert api.get(f"{PAGE}/docs.js").status == 200


def test_copying_the_viewer_later_needs_no_restart(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs_page, "ASSETS_DIR", tmp_path)
    assert api.get(PAGE).status == 503
    for name, text in STAND_INS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert api.get(PAGE).status == 200
