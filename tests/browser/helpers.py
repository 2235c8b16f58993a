"""Helpers of the browser tests: building the client, calling the API, signing in, axe."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, ViewportSize

from devstack.stack import ROOT, LocalStack

FRONTEND = ROOT / "frontend"
DIST_INDEX = FRONTEND / "dist" / "index.html"
AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "docs" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing that would try to reach the network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


def _newest_source_mtime() -> float:
    sources = [FRONTEND / "index.html", FRONTEND / "package-lock.json", FRONTEND / "vite.config.ts"]
    sources += [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in sources if p.exists())


def _run(args: list[str]) -> None:
    # Fixed npm commands, run in the repository's frontend/.
    done = subprocess.run(
        args, cwd=FRONTEND, capture_output=True, text=True, check=False, timeout=600
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        pytest.fail(f"`{' '.join(args)}` failed in frontend/:\n{tail}", pytrace=False)


def build_web_client() -> None:
    """Build frontend/dist when it is missing or older than the sources (needs npm)."""
    if DIST_INDEX.exists() and DIST_INDEX.stat().st_mtime >= _newest_source_mtime():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "frontend/dist is missing or stale and npm is not installed: "
            "run `cd frontend && npm ci && npm run build` (make web) first",
            pytrace=False,
        )
    if not (FRONTEND / "node_modules").exists():
        _run([npm, "ci", "--no-audit", "--no-fund"])
    _run([npm, "run", "build"])


@dataclass
class Api:
    """Direct calls to the API, to set the scene for a browser test."""

    base: str
    stack: LocalStack

    def token(self, user_id: str, name: str) -> str:
        return self.stack.token(user_id, name, f"{user_id}@example.com")

    def call(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = requests.request(method, self.base + path, json=body, headers=headers, timeout=30)
        assert resp.ok, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json()

    def mentor(self, user_id: str, name: str, timezone: str = "UTC") -> tuple[str, str]:
        """A new mentor available all day every day in ``timezone``: (token, mentor id)."""
        token = self.token(user_id, name)
        profile = self.call(
            "PUT",
            "/mentors/me",
            token,
            {
                "company": "Northwind",
                "jobTitle": "Principal Engineer",
                "bio": "Payments and distributed systems; I like reviewing designs.",
                "expertise": ["Distributed systems", "Go"],
                "timezone": timezone,
            },
        )
        days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
        self.call(
            "POST",
            "/sessions/availability",
            token,
            {
                "timezone": timezone,
                "weekly": [{"day": d, "start": "00:00", "end": "24:00"} for d in days],
                "minNoticeMinutes": 0,
                "bufferMinutes": 0,
            },
        )
        return token, str(profile["id"])

    def connect(self, student_token: str, mentor_token: str, mentor_id: str) -> None:
        conn = self.call("POST", "/connections", student_token, {"mentorId": mentor_id})
        self.call("PUT", f"/connections/{conn['id']}/accept", mentor_token)

    def book(self, token: str, mentor_id: str, start: str, duration: int = 60, **extra: Any) -> Any:
        body = {
            "mentorId": mentor_id,
            "scheduledAt": start,
            "duration": duration,
            "sessionType": "VIDEO",
            "title": "Booked by someone else",
            "timezone": "UTC",
            **extra,
        }
        return self.call("POST", "/sessions/book", token, body)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def slot_after(hours: float) -> datetime:
    """The first 30-minute boundary (UTC) at least ``hours`` from now."""
    at = datetime.now(UTC) + timedelta(hours=hours)
    at = at.replace(second=0, microsecond=0)
    extra = (30 - at.minute % 30) % 30
    return at + timedelta(minutes=extra)


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_in(page: Page, web: str, user_id: str, name: str | None = None) -> None:
    """Sign in through the local sign-in page with a typed user id."""
    page.goto(f"{web}/sign-in")
    page.get_by_label("User id").fill(user_id)
    if name:
        page.get_by_label("Name (optional)").fill(name)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/sessions")
    page.get_by_role("heading", name="My Sessions").wait_for()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (axe injected from frontend/node_modules)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `cd frontend && npm ci`", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
    )
    return violations


def serious(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]
