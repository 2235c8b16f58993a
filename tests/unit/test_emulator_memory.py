"""What the emulator keeps after a request: the items in its tables, nothing more.

moto appends every model instance it makes to a class-level list; in a long
run, the items each query copied for its answer and each transaction copied
for its rollback were all still in memory (11 GB after a long HTTP test).
"""

from __future__ import annotations

import gc
import uuid
from typing import Any

from moto.dynamodb.models.dynamo_type import Item

from chalicelib.store.schema import table_definition
from devstack.emulator.engine import Engine, EngineKind, forget_tracked_instances

TABLE = "memory"


def s(value: str) -> dict[str, str]:
    return {"S": value}


def item(n: int) -> dict[str, Any]:
    return {"PK": s(f"SESSION#{n}"), "SK": s("SESSION"), "GSI1PK": s(f"MSESS#{n % 3}"),
            "GSI1SK": s(f"2025-01-06#{n}"), "notes": s("x" * 100)}  # fmt: skip


def key(n: int) -> dict[str, Any]:
    return {"PK": s(f"SESSION#{n}"), "SK": s("SESSION")}


def workload(engine: Engine, rounds: int) -> None:
    for n in range(rounds):
        engine.call("PutItem", {"TableName": TABLE, "Item": item(n % 40)})
        partition = {":p": s(f"MSESS#{n % 3}")}
        query = {"KeyConditionExpression": "GSI1PK = :p", "ExpressionAttributeValues": partition}
        engine.call("Query", {"TableName": TABLE, "IndexName": "GSI1", **query})
        move = {"UpdateExpression": "SET GSI1PK = :p", "ExpressionAttributeValues": partition}
        engine.call("UpdateItem", {"TableName": TABLE, "Key": key(n % 40), **move})
        count = {"UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "1"}}}
        booking = [
            {"Put": {"TableName": TABLE, "Item": item(1000 + n % 5),
                     "ConditionExpression": "attribute_not_exists(PK)"}},
            {"Update": {"TableName": TABLE, "Key": key(1), **count}},
        ]  # fmt: skip
        token = uuid.uuid4().hex
        engine.call("TransactWriteItems", {"TransactItems": booking, "ClientRequestToken": token})


def live_items() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Item))


def grown(kind: EngineKind) -> tuple[int, int]:
    """(items alive that were not before, items in the table) after the workload."""
    engine = Engine(kind)
    assert engine.call("CreateTable", table_definition(TABLE))[0] == 200
    forget_tracked_instances()  # whatever tests before this one left
    baseline = live_items()
    workload(engine, 200)
    return live_items() - baseline, len(engine.backend().get_table(TABLE))


def test_after_many_requests_the_only_items_alive_are_the_table_s() -> None:
    alive, stored = grown("fixed")
    assert stored == 45
    assert alive == stored
    assert Item.instances_tracked == []  # type: ignore[attr-defined]


def test_plain_moto_keeps_every_item_it_ever_made() -> None:
    # What the fixed engine undoes (and proof that the count above counts).
    alive, stored = grown("plain")
    assert alive > 10 * stored
