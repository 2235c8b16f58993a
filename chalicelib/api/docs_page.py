"""``GET /api/v1/docs``: the interactive API reference (Swagger UI over the OpenAPI document).

Swagger UI is the npm package ``swagger-ui-dist``, pinned in ``frontend/package.json``.
``npm run build:docs-viewer`` (in ``frontend/``) copies its script, stylesheet and
licences into ``docs_assets/`` next to this module: ``chalicelib/`` is the one
directory that both ``chalice local`` and the Lambda zip carry. Nothing loads
from anywhere but this API, so the page works offline and under a strict CSP.

Every URL in the page is relative: behind a deployed stage the page lives at
``/<stage>/api/v1/docs``, and its files and the document resolve next to it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any, NamedTuple

from chalice.app import Response

from chalicelib.api.http import Fails, endpoint
from chalicelib.api.problems import HttpProblem
from chalicelib.domain.errors import NotFound

ASSETS_DIR = Path(__file__).with_name("docs_assets")
INSTALL_COMMAND = "cd frontend && npm ci && npm run build:docs-viewer"
NOT_INSTALLED = Fails(
    503, "DOCS_VIEWER_NOT_INSTALLED", "Swagger UI's files were never copied into this server."
)

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
# The files of swagger-ui-dist that the page needs, with the licences that must
# travel with them; their URLs carry a content hash, so a year's caching is safe.
VENDORED = {
    "swagger-ui-bundle.js": JS,
    "swagger-ui.css": CSS,
    "LICENSE": TEXT,
    "NOTICE": TEXT,
    "swagger-ui-bundle.js.LICENSE.txt": TEXT,
}
INIT_SCRIPT = "docs.js"
LONG_CACHE = "public, max-age=31536000, immutable"
# The page names its files by hash; revalidating it each time picks up a new deployment.
PAGE_CACHE = "no-cache"
# Swagger UI sets styles through the DOM (style properties, not inline markup),
# which style-src does not govern, so 'unsafe-inline' is not needed.
# Its stylesheet's icons are data: URIs.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

# A file of its own, not inline, so that script-src needs no 'unsafe-inline'.
# The document has no servers (it does not know the stage), so "Try it out"
# would call the origin's root; the page knows where it is: two levels below
# the API's root, which is where the document's /api/v1/... paths start.
INIT_JS = """\
"use strict";
(function () {
  var here = window.location.href;
  var root = new URL("../..", here).href.replace(/\\/$/, "");
  var target = document.getElementById("swagger-ui");
  fetch(new URL("openapi.json", here).href, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the OpenAPI document answered " + response.status);
      }
      return response.json();
    })
    .then(function (spec) {
      if (!spec.servers || spec.servers.length === 0) {
        spec.servers = [{ url: root, description: "This API" }];
      }
      window.ui = SwaggerUIBundle({
        spec: spec,
        domNode: target,
        deepLinking: true,
        displayRequestDuration: true,
        validatorUrl: null,
      });
    })
    .catch(function (error) {
      target.textContent = "The API reference could not be loaded: " + error.message;
    });
})();
"""

PAGE_HTML = """\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>CareerForge Sessions API reference</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="docs/swagger-ui.css?v={css}">
  </head>
  <body>
    <main id="swagger-ui">
      <noscript>This page needs JavaScript. The OpenAPI document itself is
      <a href="openapi.json">openapi.json</a>.</noscript>
    </main>
    <script src="docs/swagger-ui-bundle.js?v={bundle}"></script>
    <script src="docs/docs.js?v={init}"></script>
  </body>
</html>
"""


class _File(NamedTuple):
    text: str
    version: str


def _version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def _read(path: Path) -> _File:
    # A failed read raises and is not cached: copying the files in later is
    # enough, without restarting the process.
    text = path.read_text(encoding="utf-8")
    return _File(text, _version(text))


def _vendored(name: str) -> _File:
    """A copied file of swagger-ui-dist.

    Raises:
        HttpProblem: 503 when the files were never copied (the detail names the command).
    """
    try:
        return _read(ASSETS_DIR / name)
    except OSError as exc:
        raise HttpProblem(
            503,
            "DOCS_VIEWER_NOT_INSTALLED",
            f"The API reference viewer is not installed on this server: run `{INSTALL_COMMAND}`.",
        ) from exc


@functools.cache
def _init_script() -> _File:
    return _File(INIT_JS, _version(INIT_JS))


@functools.cache
def _page(css: str, bundle: str) -> str:
    return PAGE_HTML.format(css=css, bundle=bundle, init=_init_script().version)


@endpoint(media_type=HTML, store=False, errors=(NOT_INSTALLED,), tag="Service")
def api_reference(_: Any) -> Response:
    """The interactive API reference: this OpenAPI document, browsable in Swagger UI."""
    css, bundle = _vendored("swagger-ui.css"), _vendored("swagger-ui-bundle.js")
    headers: dict[str, str | list[str]] = {
        "Content-Type": HTML,
        "Cache-Control": PAGE_CACHE,
        "Content-Security-Policy": CSP,
        **COMMON_HEADERS,
    }
    return Response(body=_page(css.version, bundle.version), status_code=200, headers=headers)


@endpoint(media_type=JS, store=False, errors=(NOT_INSTALLED,), tag="Service")
def api_reference_asset(_: Any, asset: str) -> Response:
    """A file of the API reference page: Swagger UI's script, stylesheet, licences, start-up."""
    if asset == INIT_SCRIPT:
        file, media_type = _init_script(), JS
    elif asset in VENDORED:
        file, media_type = _vendored(asset), VENDORED[asset]
    else:
        raise NotFound("No such file of the API reference.")
    headers: dict[str, str | list[str]] = {
        "Content-Type": media_type,
        "Cache-Control": LONG_CACHE,
        **COMMON_HEADERS,
    }
    return Response(body=file.text, status_code=200, headers=headers)
