"""The single-table key design: the one place that knows how items are keyed.

Access patterns (base table ``PK``/``SK`` and five GSIs, all projecting ALL).
A GSI key reads ``partition / sort``; GSI4 and GSI5 share the partitions of
GSI1 and GSI2 but sort by ``TABSK`` (``A#`` or ``X#`` for cancelled, then
``{at}#{id}``), so each tab of My Sessions is one key range. The pair lock
holds the pair's latest connection id and status (BLOCKED included).

=====================================  =====================================  =====================
access pattern                         key                                    item
=====================================  =====================================  =====================
user by id                             PK=USER#{userId} SK=USER               user record
mentor profile by id                   PK=MENTOR#{id} SK=MENTOR               profile, availability
mentor directory, by name              GSI1 MENTORS / {name}#{id}             mentor profile
connection by id                       PK=CONN#{id} SK=CONN                   connection
a mentor's connections, newest first   GSI1 MCONN#{mentorUserId} / {at}#{id}  connection
a student's connections, newest first  GSI2 SCONN#{userId} / {at}#{id}        connection
the live connection of a pair          PK=PAIR#{mentorId}#{userId} SK=PAIR    pair lock
session by id (id = {mentorId}_{rnd})  PK=SESSION#{id} SK=SESSION             session
a mentor's sessions by time (all)      GSI1 MSESS#{mentorUserId} / {at}#{id}  session
a student's sessions by time (all)     GSI2 SSESS#{userId} / {at}#{id}        session
a mentor's sessions by tab and time    GSI4 MSESS#{mentorUserId} / TABSK      session
a student's sessions by tab and time   GSI5 SSESS#{userId} / TABSK            session
sessions due for finalizing            GSI3 DUE / {dueAt}#{id}                session if SCHEDULED
a user's busy 15-minute UTC cells      PK=CELL#{userId} SK={start}            reservation, per cell
idempotency record of a request        PK=IDEM#{userId}#{key} SK=IDEM         first response
=====================================  =====================================  =====================

Every state change conditions on the base item (GSIs are eventually
consistent and cannot carry conditions). The per-user lists are keyed by user
id on both sides, so a caller's lists need no lookup of their mentor id
first. Sparse indexes: an item appears in a GSI only while it carries that
GSI's key attributes.
"""

from __future__ import annotations

from typing import Any

PK = "PK"
SK = "SK"

GSI1 = "GSI1"
GSI2 = "GSI2"
GSI3 = "GSI3"
GSI4 = "GSI4"
GSI5 = "GSI5"
TAB_SK = "TABSK"
TTL_ATTRIBUTE = "expiresAt"

# (index, partition attribute, sort attribute). GSI4/GSI5 share the partitions
# of GSI1/GSI2 but sort by tab bucket first, so "upcoming", "past" and
# "cancelled" are each one key range while GSI1/GSI2 keep plain time order.
INDEXES: tuple[tuple[str, str, str], ...] = (
    (GSI1, "GSI1PK", "GSI1SK"),
    (GSI2, "GSI2PK", "GSI2SK"),
    (GSI3, "GSI3PK", "GSI3SK"),
    (GSI4, "GSI1PK", TAB_SK),
    (GSI5, "GSI2PK", TAB_SK),
)


def table_definition(table_name: str) -> dict[str, Any]:
    """Return the table's keys and indexes as ``CreateTable`` arguments.

    This is the only definition of the table: ``admin create-table`` passes it
    to DynamoDB and the deployment template is generated from it. Items
    expire through TTL on :data:`TTL_ATTRIBUTE`, which is switched on after
    creation (CreateTable takes no TTL setting).
    """
    attributes = [PK, SK]
    gsis = []
    for index, pk, sk in INDEXES:
        attributes += [a for a in (pk, sk) if a not in attributes]
        gsis.append(
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": pk, "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        )
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": [
            {"AttributeName": PK, "KeyType": "HASH"},
            {"AttributeName": SK, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": gsis,
    }


def user_key(user_id: str) -> dict[str, str]:
    return {PK: f"USER#{user_id}", SK: "USER"}


def mentor_key(mentor_id: str) -> dict[str, str]:
    return {PK: f"MENTOR#{mentor_id}", SK: "MENTOR"}


MENTOR_DIRECTORY = "MENTORS"


def mentor_directory_sort(name: str, mentor_id: str) -> str:
    return f"{name.casefold()}#{mentor_id}"


def connection_key(connection_id: str) -> dict[str, str]:
    return {PK: f"CONN#{connection_id}", SK: "CONN"}


def pair_key(mentor_id: str, student_id: str) -> dict[str, str]:
    return {PK: f"PAIR#{mentor_id}#{student_id}", SK: "PAIR"}


def mentor_connections(mentor_user_id: str) -> str:
    return f"MCONN#{mentor_user_id}"


def student_connections(student_id: str) -> str:
    return f"SCONN#{student_id}"


def index_keys(index: str) -> tuple[str, str]:
    """The partition and sort attributes of ``index``."""
    for name, pk, sk in INDEXES:
        if name == index:
            return pk, sk
    raise KeyError(index)


def session_key(session_id: str) -> dict[str, str]:
    return {PK: f"SESSION#{session_id}", SK: "SESSION"}


def mentor_sessions(mentor_user_id: str) -> str:
    return f"MSESS#{mentor_user_id}"


def student_sessions(student_id: str) -> str:
    return f"SSESS#{student_id}"


DUE_PARTITION = "DUE"
ACTIVE_BUCKET = "A"
CANCELLED_BUCKET = "X"


def tab_sort(bucket: str, scheduled_at: str, session_id: str) -> str:
    return f"{bucket}#{scheduled_at}#{session_id}"


def cell_key(user_id: str, cell_start: str) -> dict[str, str]:
    return {PK: f"CELL#{user_id}", SK: cell_start}


def cell_partition(user_id: str) -> str:
    return f"CELL#{user_id}"


def idempotency_key(user_id: str, key: str) -> dict[str, str]:
    return {PK: f"IDEM#{user_id}#{key}", SK: "IDEM"}
