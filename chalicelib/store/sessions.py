"""Sessions, their reservation cells and idempotency records.

Booking is one ``TransactWriteItems``: the session, one cell item per
15-minute UTC cell of the mentor (buffer included) and of the student, each
``attribute_not_exists``, a ``ConditionCheck`` that the connection is still
ACCEPTED, the mentor's ``totalSessions`` counter and, with an
``Idempotency-Key``, the stored first response. Two overlapping sessions of
one person always share a cell, so at most one of them can commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.config import settings
from chalicelib.domain import stats
from chalicelib.domain.availability import CELL_MINUTES, Interval
from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.domain.connections import ConnectionStatus
from chalicelib.domain.errors import (
    ChangedMeanwhile,
    Conflict,
    DuplicateRequest,
    InvalidState,
    NotConnected,
    NotFound,
    SlotUnavailable,
)
from chalicelib.domain.people import Mentor, User
from chalicelib.domain.sessions import (
    IDEMPOTENCY_TTL,
    IdempotentReply,
    MentorSummary,
    Role,
    Session,
    SessionStatus,
    SessionType,
    StudentSummary,
    Tab,
    mentor_cells,
    mentor_id_of,
    student_cells,
)
from chalicelib.store import schema
from chalicelib.store.dynamo import (
    Db,
    Item,
    cancellation_codes,
    error_code,
    from_item,
    merge_expression,
    raise_unavailable_if_throttled,
    set_fields,
    to_item,
    to_values,
)
from chalicelib.store.pages import SortedQuery, read_sorted
from chalicelib.store.people import STAT_ATTRIBUTES, mentor_from_item, user_from_item

# Reservation cells outlive their session by a week, then TTL removes them:
# nobody can book in the past, so an old cell can never matter again.
CELL_RETENTION = timedelta(days=7)
# Sessions last at most 90 minutes and one person's never overlap, so a
# time-ordered range read from "now - 90 minutes" meets at most a few sessions
# that the tab filter then drops.
LONGEST_SESSION = timedelta(minutes=90)
TAB_SLACK = 4

_OPTIONAL_TIMES = (
    "startedAt",
    "mentorJoinedAt",
    "studentJoinedAt",
    "endedAt",
    "cancelledAt",
    "rescheduledFrom",
)


def _iso(moment: datetime | None) -> str | None:
    return iso_z(moment) if moment else None


def _time(value: Any) -> datetime | None:
    return parse_iso_z(value) if value else None


def bucket_of(status: SessionStatus) -> str:
    return schema.CANCELLED_BUCKET if status is SessionStatus.CANCELLED else schema.ACTIVE_BUCKET


def due_keys(s: Session) -> dict[str, str]:
    """The sparse due-index keys: present only while the session is SCHEDULED."""
    if s.status is not SessionStatus.SCHEDULED:
        return {}
    return {"GSI3PK": schema.DUE_PARTITION, "GSI3SK": f"{iso_z(s.due_at)}#{s.id}"}


def session_to_item(s: Session) -> Item:
    start = iso_z(s.scheduled_at)
    return {
        **schema.session_key(s.id),
        "GSI1PK": schema.mentor_sessions(s.mentor.user_id),
        "GSI1SK": f"{start}#{s.id}",
        "GSI2PK": schema.student_sessions(s.student.id),
        "GSI2SK": f"{start}#{s.id}",
        schema.TAB_SK: schema.tab_sort(bucket_of(s.status), start, s.id),
        **due_keys(s),
        "type": "SESSION",
        "id": s.id,
        "mentorId": s.mentor.id,
        "mentorUserId": s.mentor.user_id,
        "mentorName": s.mentor.name,
        "mentorEmail": s.mentor.email,
        "mentorCompany": s.mentor.company,
        "mentorJobTitle": s.mentor.job_title,
        "studentId": s.student.id,
        "studentName": s.student.name,
        "studentEmail": s.student.email,
        "scheduledAt": start,
        "endsAt": iso_z(s.ends_at),
        "duration": s.duration,
        "status": s.status.value,
        "sessionType": s.session_type.value,
        "title": s.title,
        "description": s.description,
        "agendaNotes": s.agenda_notes,
        "timezone": s.timezone,
        "bufferMinutes": s.buffer_minutes,
        "meetingRoom": s.meeting_room,
        "meetingLink": s.meeting_link,
        "sessionNotes": s.session_notes,
        "startedAt": _iso(s.started_at),
        "mentorJoinedAt": _iso(s.mentor_joined_at),
        "studentJoinedAt": _iso(s.student_joined_at),
        "endedAt": _iso(s.ended_at),
        "cancelledAt": _iso(s.cancelled_at),
        "cancelledBy": s.cancelled_by,
        "cancellationReason": s.cancellation_reason,
        "noShowBy": s.no_show_by,
        "rescheduledFrom": _iso(s.rescheduled_from),
        "createdAt": iso_z(s.created_at),
        "updatedAt": iso_z(s.updated_at),
    }


def session_from_item(item: Item) -> Session:
    times = {name: _time(item.get(name)) for name in _OPTIONAL_TIMES}
    return Session(
        id=item["id"],
        mentor=MentorSummary(
            id=item["mentorId"],
            user_id=item["mentorUserId"],
            name=item["mentorName"],
            email=item.get("mentorEmail"),
            company=item["mentorCompany"],
            job_title=item["mentorJobTitle"],
        ),
        student=StudentSummary(
            id=item["studentId"], name=item["studentName"], email=item.get("studentEmail")
        ),
        scheduled_at=parse_iso_z(item["scheduledAt"]),
        duration=item["duration"],
        status=SessionStatus(item["status"]),
        session_type=SessionType(item["sessionType"]),
        title=item["title"],
        description=item.get("description"),
        agenda_notes=item.get("agendaNotes"),
        timezone=item["timezone"],
        buffer_minutes=item.get("bufferMinutes", 0),
        meeting_room=item.get("meetingRoom"),
        meeting_link=item.get("meetingLink"),
        session_notes=item.get("sessionNotes"),
        started_at=times["startedAt"],
        mentor_joined_at=times["mentorJoinedAt"],
        student_joined_at=times["studentJoinedAt"],
        ended_at=times["endedAt"],
        cancelled_at=times["cancelledAt"],
        cancelled_by=item.get("cancelledBy"),
        cancellation_reason=item.get("cancellationReason"),
        no_show_by=item.get("noShowBy"),
        rescheduled_from=times["rescheduledFrom"],
        created_at=parse_iso_z(item["createdAt"]),
        updated_at=parse_iso_z(item["updatedAt"]),
    )


@dataclass(frozen=True)
class BookingInputs:
    """Everything a booking decision needs, read in one round trip."""

    student: User | None
    mentor: Mentor | None
    pair_status: ConnectionStatus | None
    replay: IdempotentReply | None


def _cell_item(user_id: str, cell: datetime, session: Session, kind: str) -> Item:
    return {
        **schema.cell_key(user_id, iso_z(cell)),
        "type": "CELL",
        "kind": kind,
        "sessionId": session.id,
        "start": iso_z(session.scheduled_at),
        "end": iso_z(session.ends_at),
        schema.TTL_ATTRIBUTE: int((session.ends_at + CELL_RETENTION).timestamp()),
    }


def _reply_from_item(item: Item, now: datetime) -> IdempotentReply | None:
    expires = datetime.fromtimestamp(item[schema.TTL_ATTRIBUTE], UTC)
    if expires <= now:
        return None  # TTL deletes lazily; an expired record no longer counts
    return IdempotentReply(item["fingerprint"], item["status"], item["body"], expires)


@dataclass(frozen=True)
class SessionStore:
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
            replay=_reply_from_item(idem, now) if idem else None,
        )

    def get_reply(self, student_id: str, key: str, now: datetime) -> IdempotentReply | None:
        item = self.db.get(schema.idempotency_key(student_id, key))
        return _reply_from_item(item, now) if item else None

    def add(self, session: Session, idempotency: tuple[str, IdempotentReply] | None) -> None:
        """Commit a booking (and, with a key, its first reply) in one transaction.

        Raises:
            SlotUnavailable: a cell of the mentor or of the student is taken.
            NotConnected: the connection stopped being ACCEPTED meanwhile.
            Conflict: the idempotency key was used by a concurrent request
                (re-read the stored reply).
        """
        plan = _Plan(self.db.table)
        if idempotency:
            plan.add("idempotency", _idempotency_put(self.db.table, session, *idempotency))
        plan.put("session", session_to_item(session))
        for cell in mentor_cells(session):
            kind = "S" if cell < session.ends_at else "B"
            plan.put("mentor", _cell_item(session.mentor.user_id, cell, session, kind))
        for cell in student_cells(session):
            plan.put("student", _cell_item(session.student.id, cell, session, "S"))
        plan.add("connection", _accepted_check(self.db.table, session))
        plan.add(
            "counter", _stats_update(self.db.table, session.mentor.id, stats.delta(None, session))
        )
        try:
            self.db.transact(plan.actions)
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            raise _booking_error(plan.failed(exc)) from exc

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

    def record_join(self, before: Session, after: Session, joined_attribute: str) -> Session:
        """Write a participant's first join; a concurrent identical join is not an error."""
        update = _session_change(before, after)
        update["ConditionExpression"] += f" AND attribute_not_exists({joined_attribute})"
        try:
            out = self.db.client.update_item(
                TableName=self.db.table,
                Key=to_item(schema.session_key(before.id)),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **update,
            )
        except ClientError as exc:
            raise_unavailable_if_throttled(exc)
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            current: dict[str, Any] | None = exc.response.get("Item")  # type: ignore[assignment]
            now_item = session_from_item(from_item(current)) if current else None
            if (
                now_item
                and now_item.status is SessionStatus.SCHEDULED
                and (now_item.scheduled_at == before.scheduled_at)
            ):
                return now_item
            raise InvalidState(_CHANGED) from exc
        return session_from_item(from_item(out["Attributes"]))

    def cancel(self, before: Session, after: Session) -> None:
        """Cancel: the session, the release of every cell and the counter, atomically."""
        plan = _Plan(self.db.table)
        plan.add("session", _session_update(self.db.table, before, after))
        for (user, cell), _ in _cells_of(before).items():
            key = to_item(schema.cell_key(user, cell))
            plan.add(
                "cells", {"Delete": {"TableName": self.db.table, "Key": key, **_owned_by(before)}}
            )
        plan.add(
            "counter", _stats_update(self.db.table, before.mentor.id, stats.delta(before, after))
        )
        self._commit(plan)

    def reschedule(self, before: Session, after: Session) -> None:
        """Move the session and its cells in one transaction.

        A cell both times need is updated in place (a transaction may not
        touch one item twice); cells only the old time had are deleted, cells
        only the new time needs are put with ``attribute_not_exists``.
        """
        old, new = _cells_of(before), _cells_of(after)
        plan = _Plan(self.db.table)
        plan.add("session", _session_update(self.db.table, before, after))
        for key in old.keys() - new.keys():
            item_key = to_item(schema.cell_key(*key))
            plan.add(
                "cells",
                {"Delete": {"TableName": self.db.table, "Key": item_key, **_owned_by(before)}},
            )
        for key, (cell, kind, whose) in new.items():
            item = _cell_item(key[0], cell, after, kind)
            if key in old:
                fields = {k: item[k] for k in ("kind", "start", "end", schema.TTL_ATTRIBUTE)}
                update = merge_expression(set_fields(fields), **_owned_by(before))
                plan.add(
                    "cells",
                    {
                        "Update": {
                            "TableName": self.db.table,
                            "Key": to_item(schema.cell_key(*key)),
                            **update,
                        }
                    },
                )
            else:
                plan.put(whose, item)
        plan.add("connection", _accepted_check(self.db.table, after))
        self._commit(plan)

    def settle(
        self,
        before: Session,
        after: Session,
        mentor_last_held: datetime | None,
        **condition: tuple[str, str],
    ) -> None:
        """Move a session out of SCHEDULED (complete, finalize) with its mentor's counters.

        Raises:
            InvalidState: the session changed since it was read.
            ChangedMeanwhile: the mentor's ``lastSessionAt`` changed; re-read and retry.
        """
        plan = _Plan(self.db.table)
        key = to_item(schema.session_key(before.id))
        change = _session_change(before, after, **condition)
        plan.add("session", {"Update": {"TableName": self.db.table, "Key": key, **change}})
        held = stats.contribution(after).last_session_at
        last = LastHeld(held, mentor_last_held) if held else None
        changes = stats.delta(before, after)
        plan.add("mentor-stats", _stats_update(self.db.table, before.mentor.id, changes, last))
        self._commit(plan)

    def settle_many(
        self, changes: list[tuple[Session, Session]], last_held: dict[str, datetime | None]
    ) -> SettleOutcome:
        """Settle several sessions in one transaction, their mentors' counters summed.

        ``last_held`` is each mentor's ``lastSessionAt`` as read. A session that
        changed meanwhile is reported in ``changed`` and nothing of the batch is
        written; a mentor whose ``lastSessionAt`` moved is reported in
        ``stale_mentors``. The caller drops or refreshes those and tries again.
        """
        plan = _Plan(self.db.table)
        totals: dict[str, dict[str, int]] = {}
        latest: dict[str, datetime | None] = {}
        for before, after in changes:
            key = to_item(schema.session_key(before.id))
            change = _session_change(before, after)
            plan.add(
                f"s:{before.id}", {"Update": {"TableName": self.db.table, "Key": key, **change}}
            )
            mentor = before.mentor.id
            for name, amount in stats.delta(before, after).items():
                totals.setdefault(mentor, {}).setdefault(name, 0)
                totals[mentor][name] += amount
            latest[mentor] = stats.later(
                latest.get(mentor), stats.contribution(after).last_session_at
            )
        for mentor, counts in totals.items():
            held = latest.get(mentor)
            last = LastHeld(held, last_held.get(mentor)) if held else None
            plan.add(f"m:{mentor}", _stats_update(self.db.table, mentor, counts, last))
        try:
            self.db.transact(plan.actions)
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            failed = plan.failed(exc)
            return SettleOutcome(
                committed=False,
                changed={role[2:] for role in failed if role.startswith("s:")},
                stale_mentors={role[2:] for role in failed if role.startswith("m:")},
            )
        return SettleOutcome(committed=True, changed=set(), stale_mentors=set())

    def _commit(self, plan: _Plan) -> None:
        try:
            self.db.transact(plan.actions)
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            failed = plan.failed(exc)
            if "session" in failed or "cells" in failed:
                raise InvalidState(_CHANGED) from exc
            if "mentor-stats" in failed:
                raise ChangedMeanwhile("The mentor's statistics moved; re-read.") from exc
            raise _booking_error(failed) from exc

    def due(
        self, now: datetime, limit: int, after: dict[str, Any] | None
    ) -> tuple[list[Session], dict[str, Any] | None]:
        """A page of SCHEDULED sessions due for finalizing at ``now``, oldest first.

        The sparse due index holds only SCHEDULED sessions, so this reads due
        sessions and nothing else, however long the history.
        """
        kwargs: dict[str, Any] = {
            "IndexName": schema.GSI3,
            # Strictly before now: "more than 30 minutes past" the end (SPEC §7).
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
        cells = [_cell_interval(i) for i in items]
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
        page = read_sorted(self.db, queries, limit, cursor, scope, settings().cursor_secret)
        return [session_from_item(i) for i in page.items], page.next_cursor


_CHANGED = "The session changed at the same time; reload it and try again."


class _Plan:
    """A transaction's actions, each tagged with what it protects."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.actions: list[dict[str, Any]] = []
        self.roles: list[str] = []

    def add(self, role: str, action: dict[str, Any] | None) -> None:
        if action is None:
            return
        self.actions.append(action)
        self.roles.append(role)

    def put(self, role: str, item: Item) -> None:
        self.add(
            role,
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        )

    def failed(self, exc: ClientError) -> set[str]:
        """The roles whose conditions failed, from the cancellation reasons."""
        codes = cancellation_codes(exc)
        return {self.roles[n] for n, code in enumerate(codes) if code == "ConditionalCheckFailed"}


def _idempotency_put(
    table: str, session: Session, key: str, first: IdempotentReply
) -> dict[str, Any]:
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
    return {
        "Put": {
            "TableName": table,
            "Item": to_item(record),
            # An expired record may linger until TTL removes it; it no longer counts.
            "ConditionExpression": "attribute_not_exists(PK) OR #ttl < :now",
            "ExpressionAttributeNames": {"#ttl": schema.TTL_ATTRIBUTE},
            "ExpressionAttributeValues": to_values({":now": int(now.timestamp())}),
        }
    }


def _accepted_check(table: str, session: Session) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": to_item(schema.pair_key(session.mentor.id, session.student.id)),
            "ConditionExpression": "#s = :accepted",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": to_values({":accepted": "ACCEPTED"}),
        }
    }


@dataclass(frozen=True)
class SettleOutcome:
    committed: bool
    changed: set[str]
    stale_mentors: set[str]


@dataclass(frozen=True)
class LastHeld:
    """A new candidate for the mentor's ``lastSessionAt`` and the value it was read as."""

    candidate: datetime
    seen: datetime | None


def _stats_update(
    table: str, mentor_id: str, changes: dict[str, int], last: LastHeld | None = None
) -> dict[str, Any] | None:
    """The mentor's counters moved by ``changes`` (None when nothing changes).

    ``lastSessionAt`` is a maximum, which an UpdateExpression cannot compute:
    it is set to the candidate only if the candidate is later than the value
    read, and only if that value is unchanged (else the caller re-reads).
    """
    clauses: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    adds = []
    for n, (name, amount) in enumerate(changes.items()):
        names[f"#s{n}"] = STAT_ATTRIBUTES[name]
        values[f":s{n}"] = amount
        adds.append(f"#s{n} :s{n}")
    if adds:
        clauses.append("ADD " + ", ".join(adds))
    condition = "attribute_exists(PK)"
    if last and (last.seen is None or last.candidate > last.seen):
        clauses.append("SET #last = :last")
        names["#last"] = "lastSessionAt"
        values[":last"] = iso_z(last.candidate)
        if last.seen is None:
            condition += " AND attribute_not_exists(#last)"
        else:
            condition += " AND #last = :seen"
            values[":seen"] = iso_z(last.seen)
    if not clauses:
        return None
    return {
        "Update": {
            "TableName": table,
            "Key": to_item(schema.mentor_key(mentor_id)),
            "UpdateExpression": " ".join(clauses),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_values(values),
        }
    }


def _cell_interval(item: Item) -> Interval:
    start = parse_iso_z(item["SK"])
    return Interval(start, start + timedelta(minutes=CELL_MINUTES))


def _booking_error(failed: set[str]) -> Exception:
    if "idempotency" in failed:
        return DuplicateRequest("A request with this Idempotency-Key was just processed.")
    if "connection" in failed:
        return NotConnected("Your connection with this mentor is no longer accepted.")
    if "counter" in failed:
        return NotFound("No such mentor.")
    if "student" in failed:
        return SlotUnavailable("You already have a session at that time.")
    if "mentor" in failed:
        return SlotUnavailable("The mentor is not available at that time any more.")
    return Conflict("The booking could not be saved; please try again.")


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


def _diff_update(before: Session, after: Session) -> dict[str, Any]:
    """UpdateItem arguments that turn the stored ``before`` into ``after``.

    Derived from the two item forms, so every attribute a change touches,
    index keys included (tab bucket, due index, time order), moves with it.
    """
    old, new = session_to_item(before), session_to_item(after)
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    removed = [k for k in old if k not in new]
    names = {f"#f{n}": key for n, key in enumerate([*changed, *removed])}
    by_name = {key: alias for alias, key in names.items()}
    clauses = []
    if changed:
        clauses.append("SET " + ", ".join(f"{by_name[k]} = :v{n}" for n, k in enumerate(changed)))
    if removed:
        clauses.append("REMOVE " + ", ".join(by_name[k] for k in removed))
    update: dict[str, Any] = {
        "UpdateExpression": " ".join(clauses),
        "ExpressionAttributeNames": names,
    }
    if changed:
        values = {f":v{n}": value for n, value in enumerate(changed.values())}
        update["ExpressionAttributeValues"] = to_values(values)
    return update


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


def _session_change(before: Session, after: Session, **extra: Any) -> dict[str, Any]:
    """The conditional update from ``before`` to ``after`` (without table and key)."""
    return merge_expression(_diff_update(before, after), **_still_as_read(before, **extra))


def _session_update(table: str, before: Session, after: Session) -> dict[str, Any]:
    """The same as one action of a transaction."""
    key = to_item(schema.session_key(before.id))
    return {"Update": {"TableName": table, "Key": key, **_session_change(before, after)}}


def _cells_of(session: Session) -> dict[tuple[str, str], tuple[datetime, str, str]]:
    """Every reservation cell of a session: (user, cell) -> (cell start, kind, whose)."""
    found: dict[tuple[str, str], tuple[datetime, str, str]] = {}
    for cell in mentor_cells(session):
        kind = "S" if cell < session.ends_at else "B"
        found[(session.mentor.user_id, iso_z(cell))] = (cell, kind, "mentor")
    for cell in student_cells(session):
        found[(session.student.id, iso_z(cell))] = (cell, "S", "student")
    return found


def _owned_by(session: Session) -> dict[str, Any]:
    return {
        "ConditionExpression": "sessionId = :sid",
        "ExpressionAttributeValues": to_values({":sid": session.id}),
    }
