"""Sessions, their reservation cells and idempotency records.

Booking is one ``TransactWriteItems``: the session, one cell item per
15-minute UTC cell of the mentor (buffer included) and of the student, each
``attribute_not_exists``, a ``ConditionCheck`` that the connection is still
ACCEPTED, the mentor's ``totalSessions`` counter and, with an
``Idempotency-Key``, the stored first response. Two overlapping sessions of
one person always share a cell, so at most one of them can commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from msgspec import Struct

from chalicelib.config import cursor_secret
from chalicelib.domain.availability import CELL_MINUTES, Interval
from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.domain.connections import ConnectionStatus
from chalicelib.domain.errors import (
    ChangedMeanwhile,
    Conflict,
    DomainError,
    DuplicateRequest,
    InvalidState,
    NotConnected,
    NotFound,
    SlotUnavailable,
)
from chalicelib.domain.people import Mentor, User
from chalicelib.domain.sessions import (
    IdempotentReply,
    Role,
    Session,
    SessionStatus,
    Tab,
    mentor_id_of,
)
from chalicelib.domain.stats import StatsChange
from chalicelib.store import schema
from chalicelib.store.dynamo import (
    Db,
    Plan,
    Refusal,
    error_code,
    from_item,
    merge_expression,
    set_fields,
    to_values,
)
from chalicelib.store.pages import SortedQuery, read_sorted
from chalicelib.store.people import mentor_from_item, user_from_item
from chalicelib.store.session_items import (
    cell_interval,
    cell_item,
    joined_attribute,
    reply_from_item,
    session_from_item,
    session_to_item,
)
from chalicelib.store.session_writes import (
    SettleOutcome,
    cells_of,
    check_accepted,
    owned_by,
    put_idempotency,
    release_cell,
    session_change,
    update_counters,
    update_session,
)

# Sessions last at most 90 minutes and one person's never overlap, so a
# time-ordered range read from "now - 90 minutes" meets at most a few sessions
# that the tab filter then drops.
LONGEST_SESSION = timedelta(minutes=90)
TAB_SLACK = 4

# What a refused booking means, by the tag whose condition failed; first match wins.
_BOOKING_REFUSALS: tuple[tuple[str, type[DomainError], str | None], ...] = (
    ("idempotency", DuplicateRequest, None),
    ("connection", NotConnected, NotConnected.NO_LONGER),
    ("counter", NotFound, NotFound.NO_MENTOR),
    ("student", SlotUnavailable, SlotUnavailable.STUDENT_BUSY),
    ("mentor", SlotUnavailable, SlotUnavailable.MENTOR_BUSY),
)


def _booking_refused(refusal: Refusal) -> DomainError:
    """The domain error a refused booking stands for."""
    for tag, error, detail in _BOOKING_REFUSALS:
        if tag in refusal:
            return error(detail)
    return Conflict(Conflict.BOOKING_NOT_SAVED)


def _change_refused(refusal: Refusal) -> DomainError:
    """The domain error a refused change of a booked session stands for."""
    if "session" in refusal or "cells" in refusal:
        return InvalidState(InvalidState.SESSION_CHANGED)
    if "mentor-stats" in refusal:
        return ChangedMeanwhile()
    return _booking_refused(refusal)


class BookingInputs(Struct, frozen=True):
    """Everything a booking decision needs, read in one round trip."""

    student: User | None
    mentor: Mentor | None
    pair_status: ConnectionStatus | None
    replay: IdempotentReply | None


class SessionStore(Struct, frozen=True):
    db: Db

    def booking_inputs(
        self, student_id: str, mentor_id: str, idempotency_key: str | None, now: datetime
    ) -> BookingInputs:
        keys = [schema.user_key(student_id), schema.mentor_key(mentor_id)]
        keys.append(schema.pair_key(mentor_id, student_id))
        if idempotency_key:
            keys.append(schema.idempotency_key(student_id, idempotency_key))
        found = {item["PK"]: item for item in self.db.batch_get(keys)}
        user = found.get(keys[0]["PK"])
        mentor = found.get(keys[1]["PK"])
        pair = found.get(keys[2]["PK"])
        idem = found.get(keys[3]["PK"]) if idempotency_key else None
        return BookingInputs(
            student=user_from_item(user) if user else None,
            mentor=mentor_from_item(mentor) if mentor else None,
            pair_status=ConnectionStatus(pair["status"]) if pair else None,
            replay=reply_from_item(idem, now) if idem else None,
        )

    def get_reply(self, student_id: str, key: str, now: datetime) -> IdempotentReply | None:
        item = self.db.get(schema.idempotency_key(student_id, key))
        return reply_from_item(item, now) if item else None

    def add(
        self,
        session: Session,
        counters: StatsChange,
        idempotency: tuple[str, IdempotentReply] | None,
    ) -> None:
        """Commit a booking, its mentor's ``counters`` (and, with a key, its first reply) at once.

        Raises:
            SlotUnavailable: a cell of the mentor or of the student is taken.
            NotConnected: the connection stopped being ACCEPTED meanwhile.
            DuplicateRequest: the idempotency key was used by a concurrent
                request (re-read the stored reply).
        """
        plan = Plan(self.db)
        if idempotency:
            put_idempotency(plan, session, *idempotency)
        plan.put("session", session_to_item(session))
        for (user, _), (cell, kind, whose) in cells_of(session).items():
            plan.put(whose, cell_item(user, cell, session, kind))
        check_accepted(plan, session)
        update_counters(plan, "counter", counters)
        _commit(plan, _booking_refused)

    def get_with_mentor(self, session_id: str) -> tuple[Session | None, Mentor | None]:
        """A session and its mentor's profile, in one round trip."""
        keys = [schema.session_key(session_id)]
        mentor_id = mentor_id_of(session_id)
        if mentor_id:
            keys.append(schema.mentor_key(mentor_id))
        session: Session | None = None
        mentor: Mentor | None = None
        for item in self.db.batch_get(keys):
            if item["type"] == "SESSION":
                session = session_from_item(item)
            else:
                mentor = mentor_from_item(item)
        if session and mentor and session.mentor.id != mentor.id:
            mentor = None
        return session, mentor

    def record_join(self, before: Session, after: Session, role: Role) -> Session | None:
        """Write a participant's first join; the session as stored afterwards.

        The write holds only while the session is as read and ``role`` has not
        joined yet. Refused, it answers the session as the other write left it
        (None if gone), without another read, for the caller to judge.
        """
        update = session_change(before, after)
        update["ConditionExpression"] += f" AND attribute_not_exists({joined_attribute(role)})"
        try:
            out = self.db.update(
                schema.session_key(before.id),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **update,
            )
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            current: dict[str, Any] | None = exc.response.get("Item")  # type: ignore[assignment]
            return session_from_item(from_item(current)) if current else None
        return session_from_item(from_item(out["Attributes"]))

    def cancel(self, before: Session, after: Session, counters: StatsChange) -> None:
        """Cancel: the session, the release of every cell and the counters, atomically."""
        plan = Plan(self.db)
        update_session(plan, "session", before, after)
        for user, cell in cells_of(before):
            release_cell(plan, user, cell, before)
        update_counters(plan, "counter", counters)
        _commit(plan)

    def reschedule(self, before: Session, after: Session) -> None:
        """Move the session and its cells in one transaction.

        A cell both times need is updated in place (a transaction may not
        touch one item twice); cells only the old time had are deleted, cells
        only the new time needs are put with ``attribute_not_exists``.
        """
        old, new = cells_of(before), cells_of(after)
        plan = Plan(self.db)
        update_session(plan, "session", before, after)
        for user, start in old.keys() - new.keys():
            release_cell(plan, user, start, before)
        for key, (cell, kind, whose) in new.items():
            item = cell_item(key[0], cell, after, kind)
            if key in old:
                fields = {k: item[k] for k in ("kind", "start", "end", schema.TTL_ATTRIBUTE)}
                update = merge_expression(set_fields(fields), **owned_by(before))
                plan.update("cells", schema.cell_key(*key), **update)
            else:
                plan.put(whose, item)
        check_accepted(plan, after)
        _commit(plan)

    def settle(
        self,
        before: Session,
        after: Session,
        counters: StatsChange,
        **condition: tuple[str, str],
    ) -> None:
        """Move a session out of SCHEDULED (complete, finalize) with its mentor's counters.

        Raises:
            InvalidState: the session changed since it was read.
            ChangedMeanwhile: the mentor's ``lastSessionAt`` changed; re-read and retry.
        """
        plan = Plan(self.db)
        update_session(plan, "session", before, after, **condition)
        update_counters(plan, "mentor-stats", counters)
        _commit(plan)

    def settle_many(
        self, changes: list[tuple[Session, Session]], counters: list[StatsChange]
    ) -> SettleOutcome:
        """Settle several sessions in one transaction, with their mentors' summed ``counters``.

        A session that changed meanwhile is reported in ``changed`` and nothing
        of the batch is written; a mentor whose ``lastSessionAt`` moved is
        reported in ``stale_mentors``. The caller drops or refreshes those and
        tries again.
        """
        plan = Plan(self.db)
        for before, after in changes:
            update_session(plan, f"s:{before.id}", before, after)
        for mentor in counters:
            update_counters(plan, f"m:{mentor.mentor_id}", mentor)
        refusal = plan.commit()
        if refusal:
            return SettleOutcome(
                committed=False,
                changed={tag[2:] for tag in refusal.tags if tag.startswith("s:")},
                stale_mentors={tag[2:] for tag in refusal.tags if tag.startswith("m:")},
            )
        return SettleOutcome(committed=True, changed=set(), stale_mentors=set())

    def due(
        self, now: datetime, limit: int, after: dict[str, Any] | None
    ) -> tuple[list[Session], dict[str, Any] | None]:
        """A page of SCHEDULED sessions due for finalizing at ``now``, oldest first.

        The sparse due index holds only SCHEDULED sessions, so this reads due
        sessions and nothing else, however long the history.
        """
        kwargs: dict[str, Any] = {
            "IndexName": schema.GSI3,
            # Strictly before now: "more than 30 minutes past" the end.
            "KeyConditionExpression": "GSI3PK = :due AND GSI3SK < :now",
            "ExpressionAttributeValues": to_values(
                {":due": schema.DUE_PARTITION, ":now": iso_z(now)}
            ),
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        items, last = self.db.query(**kwargs)
        return [session_from_item(i) for i in items], last

    def of_mentor(self, mentor_user_id: str) -> list[Session]:
        """Every session of a mentor, by query on their partition of the time index."""
        kwargs: dict[str, Any] = {
            "IndexName": schema.GSI1,
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": to_values({":pk": schema.mentor_sessions(mentor_user_id)}),
        }
        items, last = self.db.query(**kwargs)
        while last:
            more, last = self.db.query(**kwargs, ExclusiveStartKey=last)
            items += more
        return [session_from_item(i) for i in items]

    def get(self, session_id: str) -> Session | None:
        item = self.db.get(schema.session_key(session_id))
        return session_from_item(item) if item else None

    def busy(
        self, user_id: str, start: datetime, end: datetime
    ) -> tuple[list[Interval], list[Interval]]:
        """The user's taken cells in [start, end), and the sessions they belong to.

        One query over the user's cell partition reading only cells in range
        (more only past DynamoDB's 1 MB page, i.e. weeks of back-to-back sessions).
        """
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": to_values(
                {
                    ":pk": schema.cell_partition(user_id),
                    ":lo": iso_z(start - timedelta(minutes=CELL_MINUTES - 1)),
                    ":hi": iso_z(end),
                }
            ),
        }
        items, last = self.db.query(**kwargs)
        while last:
            more, last = self.db.query(**kwargs, ExclusiveStartKey=last)
            items += more
        cells = [cell_interval(i) for i in items]
        sessions = {
            (i["start"], i["end"]): Interval(parse_iso_z(i["start"]), parse_iso_z(i["end"]))
            for i in items
            if i["kind"] == "S"
        }
        return cells, sorted(sessions.values(), key=lambda iv: iv.start)

    def list_for(
        self,
        user_id: str,
        roles: Iterable[Role],
        tab: Tab | None,
        now: datetime,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Session], str | None]:
        roles = list(roles)
        queries = [_tab_query(user_id, role, tab, now) for role in roles]
        scope = f"sessions:{user_id}:{','.join(r.value for r in roles)}:{tab or 'all'}"
        page = read_sorted(self.db, queries, limit, cursor, scope, cursor_secret())
        return [session_from_item(i) for i in page.items], page.next_cursor


def _commit(plan: Plan, refused: Callable[[Refusal], DomainError] = _change_refused) -> None:
    refusal = plan.commit()
    if refusal:
        raise refused(refusal)


def _tab_query(user_id: str, role: Role, tab: Tab | None, now: datetime) -> SortedQuery:
    partition = (
        schema.mentor_sessions(user_id) if role is Role.MENTOR else schema.student_sessions(user_id)
    )
    if tab is None:
        index = schema.GSI1 if role is Role.MENTOR else schema.GSI2
        return SortedQuery(index, partition, ascending=True)
    index = schema.GSI4 if role is Role.MENTOR else schema.GSI5
    a = schema.ACTIVE_BUCKET
    names = {"#status": "status"}
    values = {":scheduled": SessionStatus.SCHEDULED.value, ":now": iso_z(now)}
    live = "#status = :scheduled AND endsAt > :now"
    if tab is Tab.UPCOMING:
        low = f"{a}#{iso_z(now - LONGEST_SESSION)}"
        return SortedQuery(
            index, partition, True, (low, f"{a}#~"), None, live, names, values, TAB_SLACK
        )
    if tab is Tab.PAST:
        return SortedQuery(
            index, partition, False, (f"{a}#", f"{a}#{iso_z(now)}#~"), None, f"NOT ({live})",
            names, values, TAB_SLACK,
        )  # fmt: skip
    return SortedQuery(index, partition, False, sk_prefix=f"{schema.CANCELLED_BUCKET}#")
