"""Connections and the per-pair lock that keeps at most one live connection."""

from __future__ import annotations

from msgspec import Struct

from chalicelib.config import cursor_secret
from chalicelib.domain.clock import iso_z
from chalicelib.domain.connections import (
    CLOSED_TO_REQUESTS,
    Connection,
    ConnectionStatus,
)
from chalicelib.domain.errors import ConnectionBlocked, ConnectionExists, InvalidState
from chalicelib.store import schema
from chalicelib.store.dynamo import Db, Item, Plan, to_values
from chalicelib.store.pages import SortedQuery, read_sorted
from chalicelib.store.shapes import ItemShape

# Connections stored before messages were optional had none.
CONNECTION = ItemShape(Connection, missing={"message": ""})


def connection_to_item(conn: Connection) -> Item:
    created = iso_z(conn.created_at)
    return {
        **schema.connection_key(conn.id),
        "GSI1PK": schema.mentor_connections(conn.mentor_user_id),
        "GSI1SK": f"{created}#{conn.id}",
        "GSI2PK": schema.student_connections(conn.student_id),
        "GSI2SK": f"{created}#{conn.id}",
        "type": "CONNECTION",
        **CONNECTION.to_item(conn),
    }


def connection_from_item(item: Item) -> Connection:
    return CONNECTION.from_item(item)


class ConnectionStore(Struct, frozen=True):
    db: Db

    def get(self, connection_id: str) -> Connection | None:
        item = self.db.get(schema.connection_key(connection_id))
        return connection_from_item(item) if item else None

    def add(self, conn: Connection) -> None:
        """Store a new PENDING connection.

        The pair item is the lock: it can be taken only while the pair's latest
        connection is neither live (PENDING or ACCEPTED) nor BLOCKED, so two
        racing requests create one, and a block the mentor commits first holds
        against every request after it: the check and the write are one
        transaction.

        Raises:
            ConnectionExists: the pair already has a live connection (or one
                with this id exists).
            ConnectionBlocked: the mentor blocked the student.
        """
        closed = {f":c{n}": s.value for n, s in enumerate(sorted(CLOSED_TO_REQUESTS))}
        plan = Plan(self.db)
        plan.put("connection", connection_to_item(conn))
        pair = {
            **schema.pair_key(conn.mentor_id, conn.student_id),
            "type": "PAIR",
            "connectionId": conn.id,
            "status": conn.status.value,
        }
        plan.put(
            "pair",
            pair,
            ConditionExpression=f"attribute_not_exists(PK) OR NOT (#s IN ({', '.join(closed)}))",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_values(closed),
            # Tells a block from a live connection without another read.
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        refusal = plan.commit()
        if refusal is None:
            return
        if refusal.items.get("pair", {}).get("status") == ConnectionStatus.BLOCKED.value:
            raise ConnectionBlocked()
        raise ConnectionExists()

    def change_status(self, conn: Connection, expected: frozenset[ConnectionStatus]) -> Connection:
        """Move ``conn`` to its new status if it is still in one of ``expected``.

        Raises:
            InvalidState: the connection changed since it was read.
        """
        allowed = {f":e{n}": s.value for n, s in enumerate(sorted(expected))}
        updated = iso_z(conn.updated_at)
        plan = Plan(self.db)
        plan.update(
            "connection",
            schema.connection_key(conn.id),
            UpdateExpression="SET #s = :s, updatedAt = :u",
            ConditionExpression=f"#s IN ({', '.join(allowed)})",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_values(
                {":s": conn.status.value, ":u": updated, **allowed}
            ),
        )
        plan.update(
            "pair",
            schema.pair_key(conn.mentor_id, conn.student_id),
            UpdateExpression="SET #s = :s",
            ConditionExpression="connectionId = :id",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_values({":s": conn.status.value, ":id": conn.id}),
        )
        refusal = plan.commit()
        if refusal is None:
            return conn
        if "connection" in refusal:
            raise InvalidState(InvalidState.CONNECTION_CHANGED)
        raise InvalidState(InvalidState.CONNECTION_SUPERSEDED)

    def list_for(
        self, user_id: str, as_mentor: bool, as_student: bool, limit: int, cursor: str | None
    ) -> tuple[list[Connection], str | None]:
        """The user's connections, newest first, on the sides asked for."""
        queries = []
        if as_mentor:
            queries.append(SortedQuery(schema.GSI1, schema.mentor_connections(user_id), False))
        if as_student:
            queries.append(SortedQuery(schema.GSI2, schema.student_connections(user_id), False))
        scope = f"connections:{user_id}:{int(as_mentor)}{int(as_student)}"
        page = read_sorted(self.db, queries, limit, cursor, scope, cursor_secret())
        return [connection_from_item(i) for i in page.items], page.next_cursor
