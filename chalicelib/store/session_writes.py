"""The conditional writes of a session's life: the parts of its transaction plans.

Each change is written on the condition that the session is still as it was
read; a refused transaction comes back by tag from ``Plan.commit``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct

from chalicelib.domain.clock import iso_z
from chalicelib.domain.sessions import (
    IDEMPOTENCY_TTL,
    IdempotentReply,
    Session,
    SessionStatus,
    mentor_cells,
    student_cells,
)
from chalicelib.domain.stats import StatsChange
from chalicelib.store import schema
from chalicelib.store.dynamo import Plan, merge_expression, set_fields, to_values
from chalicelib.store.people import STAT_ATTRIBUTES
from chalicelib.store.session_items import session_to_item


def put_idempotency(plan: Plan, session: Session, key: str, first: IdempotentReply) -> None:
    record = {
        **schema.idempotency_key(session.student.id, key),
        "type": "IDEMPOTENCY",
        "fingerprint": first.fingerprint,
        "status": first.status,
        "body": first.body,
        "sessionId": session.id,
        schema.TTL_ATTRIBUTE: int(first.expires_at.timestamp()),
    }
    now = first.expires_at - IDEMPOTENCY_TTL
    plan.put(
        "idempotency",
        record,
        # An expired record may linger until TTL removes it; it no longer counts.
        ConditionExpression="attribute_not_exists(PK) OR #ttl < :now",
        ExpressionAttributeNames={"#ttl": schema.TTL_ATTRIBUTE},
        ExpressionAttributeValues=to_values({":now": int(now.timestamp())}),
    )


def check_accepted(plan: Plan, session: Session) -> None:
    """Require the pair's connection to be ACCEPTED when the transaction commits."""
    plan.check(
        "connection",
        schema.pair_key(session.mentor.id, session.student.id),
        ConditionExpression="#s = :accepted",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues=to_values({":accepted": "ACCEPTED"}),
    )


class SettleOutcome(Struct, frozen=True):
    committed: bool
    changed: set[str]
    stale_mentors: set[str]


def update_counters(plan: Plan, tag: str, change: StatsChange) -> None:
    """Move the mentor's counters by ``change`` (no action when nothing changes).

    ``lastSessionAt`` is written only on the condition that it still holds the
    value the change was decided from (else the caller re-reads).
    """
    clauses: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    adds = []
    for n, (name, amount) in enumerate(change.counts.items()):
        names[f"#s{n}"] = STAT_ATTRIBUTES[name]
        values[f":s{n}"] = amount
        adds.append(f"#s{n} :s{n}")
    if adds:
        clauses.append("ADD " + ", ".join(adds))
    condition = "attribute_exists(PK)"
    if change.last_session_at:
        clauses.append("SET #last = :last")
        names["#last"] = "lastSessionAt"
        values[":last"] = iso_z(change.last_session_at)
        if change.last_seen is None:
            condition += " AND attribute_not_exists(#last)"
        else:
            condition += " AND #last = :seen"
            values[":seen"] = iso_z(change.last_seen)
    if not clauses:
        return
    plan.update(
        tag,
        schema.mentor_key(change.mentor_id),
        UpdateExpression=" ".join(clauses),
        ConditionExpression=condition,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=to_values(values),
    )


def _diff_update(before: Session, after: Session) -> dict[str, Any]:
    """UpdateItem arguments that turn the stored ``before`` into ``after``.

    Derived from the two item forms, so every attribute a change touches,
    index keys included (tab bucket, due index, time order), moves with it.
    """
    old, new = session_to_item(before), session_to_item(after)
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    removed = dict.fromkeys(k for k in old if k not in new)
    return set_fields({**changed, **removed})


def _still_as_read(before: Session, **extra: Any) -> dict[str, Any]:
    """The condition that the session is still SCHEDULED at the time it was read."""
    condition = "#cs = :cs AND #ct = :ct"
    names = {"#cs": "status", "#ct": "scheduledAt"}
    values = {":cs": SessionStatus.SCHEDULED.value, ":ct": iso_z(before.scheduled_at)}
    for n, (attribute, (operator, value)) in enumerate(extra.items()):
        condition += f" AND #c{n} {operator} :c{n}"
        names[f"#c{n}"] = attribute
        values[f":c{n}"] = value
    return {
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": to_values(values),
    }


def session_change(before: Session, after: Session, **extra: Any) -> dict[str, Any]:
    """The conditional update from ``before`` to ``after`` (without table and key)."""
    return merge_expression(_diff_update(before, after), **_still_as_read(before, **extra))


def update_session(plan: Plan, tag: str, before: Session, after: Session, **extra: Any) -> None:
    """The conditional update from ``before`` to ``after`` as one action of ``plan``."""
    plan.update(tag, schema.session_key(before.id), **session_change(before, after, **extra))


def release_cell(plan: Plan, user_id: str, cell: str, before: Session) -> None:
    """Delete a reservation cell, if it still belongs to the session."""
    plan.delete("cells", schema.cell_key(user_id, cell), **owned_by(before))


def cells_of(session: Session) -> dict[tuple[str, str], tuple[datetime, str, str]]:
    """Every reservation cell of a session: (user, cell) -> (cell start, kind, whose)."""
    found: dict[tuple[str, str], tuple[datetime, str, str]] = {}
    for cell in mentor_cells(session):
        kind = "S" if cell < session.ends_at else "B"
        found[(session.mentor.user_id, iso_z(cell))] = (cell, kind, "mentor")
    for cell in student_cells(session):
        found[(session.student.id, iso_z(cell))] = (cell, "S", "student")
    return found


def owned_by(session: Session) -> dict[str, Any]:
    return {
        "ConditionExpression": "sessionId = :sid",
        "ExpressionAttributeValues": to_values({":sid": session.id}),
    }
