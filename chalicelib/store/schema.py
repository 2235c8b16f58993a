"""The single-table key design: the one place that knows how items are keyed.

Access patterns (base table ``PK``/``SK`` and three GSIs, all projecting ALL):

=====================================  ===========================  ==========================
access pattern                         key                          item
=====================================  ===========================  ==========================
user by id                             PK=USER#{userId} SK=USER     user record
mentor profile by id                   PK=MENTOR#{id} SK=MENTOR     mentor profile (+availability)
mentor directory, by name              GSI1 MENTORS / {name}#{id}   mentor profile
connection by id                       PK=CONN#{id} SK=CONN         connection
a mentor's connections, newest first   GSI1 MCONN#{mentorUserId}    connection
a student's connections, newest first  GSI2 SCONN#{userId}          connection
the live connection of a pair          PK=PAIR#{mentorId}#{userId}  pair lock (status, connId)
session by id                          PK=SESSION#{id} SK=SESSION   session
a mentor's sessions by time            GSI1 MSESS#{mentorUserId}    session
a student's sessions by time           GSI2 SSESS#{userId}          session
a user's busy 15-minute UTC cell       PK=CELL#{userId}#{day}       reservation (one per cell)
sessions due for finalizing            GSI3 DUE / {dueAt}#{id}      session while SCHEDULED
idempotency record of a request        PK=IDEM#{userId}#{key}       stored first response
=====================================  ===========================  ==========================

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

_INDEXES: tuple[str, ...] = (GSI1, GSI2, GSI3)


def table_definition(table_name: str) -> dict[str, Any]:
    """Return the table's keys and indexes as ``CreateTable`` arguments.

    This is the only definition of the table: ``admin create-table`` passes it
    to DynamoDB and the deployment template is generated from it.
    """
    attributes = [PK, SK]
    gsis = []
    for index in _INDEXES:
        pk, sk = f"{index}PK", f"{index}SK"
        attributes += [pk, sk]
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
