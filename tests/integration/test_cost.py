"""Items read do not grow with history, and no request path ever scans."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib.domain.sessions import mentor_cells
from chalicelib.store.session_items import cell_item, session_to_item
from tests.integration.conftest import (
    Api,
    Calls,
    FakeClock,
    book,
    connect,
    make_mentor,
    set_availability,
)
from tests.integration.seeding import history_session, write_items

ROOT = Path(__file__).resolve().parents[2]


def _seed_history(mentor_user: str, student: str, now: datetime) -> None:
    items: list[dict[str, Any]] = []
    for n in range(5000):  # other people's sessions, some of them in the coming week
        start = now + timedelta(minutes=30 * (n - 2500))
        s = history_session(n, f"other-m{n % 50}", f"other-s{n % 70}", start)
        items.append(session_to_item(s))
    for n in range(500):  # the caller's own past, as student and as mentor
        start = now - timedelta(days=1, minutes=30 * n)
        s = history_session(n, mentor_user if n % 2 else "other-m", student, start)
        items.append(session_to_item(s))
        items += [cell_item(s.mentor.user_id, c, s, "S") for c in mentor_cells(s)]
    write_items(items)


def _measure(api: Api, calls: Calls, mentor_id: str) -> tuple[int, int]:
    calls.reset()
    api.get(f"/api/v1/sessions/availability/{mentor_id}")
    availability_items = calls.items_read
    calls.reset()
    api.get("/api/v1/sessions/my-sessions?tab=upcoming", user="s-1")
    return availability_items, calls.items_read


def test_items_read_do_not_grow_with_history(api: Api, clock: FakeClock, calls: Calls) -> None:
    mentor_id = make_mentor(api, "m-1")
    set_availability(api, "m-1")
    connect(api, "s-1", "m-1", mentor_id)
    book(api, "s-1", mentor_id, "2026-12-02T09:00:00Z")
    empty = _measure(api, calls, mentor_id)
    _seed_history("m-1", "s-1", clock.now)
    history = _measure(api, calls, mentor_id)
    assert empty[0] > 0
    assert empty[1] > 0
    assert history[0] <= empty[0] + 2
    assert history[1] <= empty[1] + 2
    assert "Scan" not in calls.operations


def test_no_code_path_calls_scan() -> None:
    """Static guard; the integration fixture also refuses Scan at run time."""
    offenders = []
    for path in (ROOT / "chalicelib").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("scan", "Scan"):
                offenders.append(f"{path}:{node.lineno}")
            if isinstance(node, ast.Constant) and node.value == "Scan":
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
