"""Writing many items straight into the table, for tests about volume."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.sessions import Session, SessionStatus
from chalicelib.store.dynamo import client, to_item
from devstack.history import seeded_session, stand_in_mentor


def history_session(
    n: int,
    mentor_user: str,
    student: str,
    start: datetime,
    status: SessionStatus = SessionStatus.COMPLETED,
    mentor_id: str = "mid",
) -> Session:
    mentor = stand_in_mentor(mentor_id, mentor_user)
    return seeded_session(f"{mentor_id}_h{n}-{student}", mentor, student, start, status)


def write_items(items: list[dict[str, Any]], table: str = "careerforge-test") -> None:
    ddb = client()
    for n in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": to_item(i)}} for i in items[n : n + 25]]
        ddb.batch_write_item(RequestItems={table: batch})  # type: ignore[dict-item]
