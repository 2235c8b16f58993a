"""Indexed queries: a query reads its partition, never the table, and the GSI
index follows every way an item can change."""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.models.table import Table

from chalicelib.store.schema import table_definition
from devstack.emulator.engine import Engine
from devstack.emulator.tables import IndexedTable

TABLE = "queries"


def s(value: str) -> dict[str, str]:
    return {"S": value}


def item(pk: str, **attributes: str) -> dict[str, Any]:
    return {"PK": s(pk), "SK": s("ITEM"), **{k: s(v) for k, v in attributes.items()}}


def call(engine: Engine, operation: str, body: dict[str, Any]) -> Any:
    status, answer = engine.call(operation, {"TableName": TABLE, **body})
    assert status == 200, answer
    return answer


def made() -> Engine:
    engine = Engine()
    assert engine.call("CreateTable", table_definition(TABLE))[0] == 200
    return engine


def partition(engine: Engine, index: str, attribute: str, value: str) -> list[str]:
    answer = call(
        engine,
        "Query",
        {
            "IndexName": index,
            "KeyConditionExpression": "#p = :v",
            "ExpressionAttributeNames": {"#p": attribute},
            "ExpressionAttributeValues": {":v": s(value)},
        },
    )
    return sorted(i["PK"]["S"] for i in answer["Items"])


def table(engine: Engine) -> IndexedTable:
    found = engine.backend().get_table(TABLE)
    assert isinstance(found, IndexedTable)
    return found


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls of moto's own all_items(): a read of every item in the table."""
    calls: list[int] = []
    original = Table.all_items

    def counted(self: Table) -> Any:
        calls.append(len(self))
        return original(self)

    monkeypatch.setattr(Table, "all_items", counted)
    return calls


def test_queries_read_only_their_partition(full_reads: list[int]) -> None:
    engine = made()
    for n in range(60):
        pk = f"P#{n % 3}"
        call(engine, "PutItem", {"Item": {**item(pk, GSI1PK=f"G#{n % 4}", GSI1SK=str(n)),
                                          "SK": s(f"S#{n:03d}")}})  # fmt: skip
    base = call(
        engine,
        "Query",
        {
            "KeyConditionExpression": "PK = :p AND begins_with(SK, :s)",
            "ExpressionAttributeValues": {":p": s("P#1"), ":s": s("S#0")},
            "ScanIndexForward": False,
            "Limit": 5,
        },
    )
    assert [i["SK"]["S"] for i in base["Items"]] == ["S#058", "S#055", "S#052", "S#049", "S#046"]
    assert base["LastEvaluatedKey"] == {"PK": s("P#1"), "SK": s("S#046")}
    assert partition(engine, "GSI1", "GSI1PK", "G#2") == ["P#0"] * 5 + ["P#1"] * 5 + ["P#2"] * 5
    assert full_reads == []
    call(engine, "Scan", {})  # a scan still reads everything, as it must
    assert full_reads == [60]


def test_the_gsi_index_follows_put_update_delete_and_batch() -> None:
    engine = made()
    call(engine, "PutItem", {"Item": item("A", GSI1PK="G#1", GSI1SK="1", GSI2PK="H", GSI2SK="1")})
    call(engine, "PutItem", {"Item": item("B", GSI1PK="G#1", GSI1SK="2")})
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == ["A", "B"]
    assert partition(engine, "GSI4", "GSI1PK", "G#1") == []  # sparse: no TABSK yet

    # UpdateItem changes an item in place: its entry must move, not stay behind.
    values = {":g": s("G#2"), ":t": s("A#1")}
    moving = {
        "UpdateExpression": "SET GSI1PK = :g, TABSK = :t",
        "ExpressionAttributeValues": values,
    }
    call(engine, "UpdateItem", {"Key": item("A"), **moving})
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == ["B"]
    assert partition(engine, "GSI1", "GSI1PK", "G#2") == ["A"]
    assert partition(engine, "GSI4", "GSI1PK", "G#2") == ["A"]
    call(engine, "UpdateItem", {"Key": item("A"), "UpdateExpression": "REMOVE GSI1PK, GSI2PK"})
    assert partition(engine, "GSI1", "GSI1PK", "G#2") == []
    assert partition(engine, "GSI2", "GSI2PK", "H") == []

    # An update that creates the item indexes it too.
    values = {":g": s("G#1"), ":s": s("3")}
    creating = {
        "UpdateExpression": "SET GSI1PK = :g, GSI1SK = :s",
        "ExpressionAttributeValues": values,
    }
    call(engine, "UpdateItem", {"Key": item("C"), **creating})
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == ["B", "C"]

    # PutItem replaces the whole item: attributes it no longer has leave the index.
    call(engine, "PutItem", {"Item": item("B")})
    call(engine, "DeleteItem", {"Key": item("C")})
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == []

    requests = [{"PutRequest": {"Item": item(p, GSI3PK="DUE", GSI3SK=p)}} for p in "DEF"]
    requests.append({"DeleteRequest": {"Key": item("A")}})
    assert engine.call("BatchWriteItem", {"RequestItems": {TABLE: requests}})[0] == 200
    assert partition(engine, "GSI3", "GSI3PK", "DUE") == ["D", "E", "F"]
    assert table(engine).indexed_items == 3


def test_a_failed_conditional_update_leaves_the_index_alone() -> None:
    engine = made()
    call(engine, "PutItem", {"Item": item("A", GSI1PK="G#1", GSI1SK="1")})
    status, _ = engine.call("UpdateItem", {
        "TableName": TABLE, "Key": item("A"), "UpdateExpression": "SET GSI1PK = :g",
        "ConditionExpression": "attribute_not_exists(PK)",
        "ExpressionAttributeValues": {":g": s("G#2")},
    })  # fmt: skip
    assert status == 400
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == ["A"]


def test_a_table_made_again_under_the_same_name_starts_with_an_empty_index() -> None:
    engine = made()
    call(engine, "PutItem", {"Item": item("A", GSI1PK="G#1", GSI1SK="1")})
    call(engine, "DeleteTable", {})
    assert engine.call("CreateTable", table_definition(TABLE))[0] == 200
    assert partition(engine, "GSI1", "GSI1PK", "G#1") == []


def test_a_gsi_added_later_is_indexed_over_the_items_already_there() -> None:
    engine = Engine()
    definition = table_definition(TABLE)
    gsis = definition["GlobalSecondaryIndexes"]
    (gsi3,) = [gsi for gsi in gsis if gsi["IndexName"] == "GSI3"]
    definition["GlobalSecondaryIndexes"] = [gsi for gsi in gsis if gsi is not gsi3]
    everything = definition.pop("AttributeDefinitions")
    definition["AttributeDefinitions"] = [
        a for a in everything if a["AttributeName"] not in ("GSI3PK", "GSI3SK")
    ]
    assert engine.call("CreateTable", definition)[0] == 200
    call(engine, "PutItem", {"Item": item("A", GSI3PK="DUE", GSI3SK="1")})
    update = {"GlobalSecondaryIndexUpdates": [{"Create": gsi3}]}
    call(engine, "UpdateTable", {**update, "AttributeDefinitions": everything})
    assert partition(engine, "GSI3", "GSI3PK", "DUE") == ["A"]


def test_lookups_of_missing_keys_leave_nothing_behind() -> None:
    # moto's get_item adds an empty bucket to table.items for each key it
    # does not find; over a long run of conditional writes that adds up.
    engine = made()
    for n in range(100):
        engine.call("GetItem", {"TableName": TABLE, "Key": item(f"MISSING#{n}")})
        engine.call("DeleteItem", {"TableName": TABLE, "Key": item(f"MISSING#{n}")})
        engine.call("PutItem", {"TableName": TABLE, "Item": item(f"NEW#{n}"),
                                "ConditionExpression": "attribute_exists(PK)"})  # fmt: skip
    assert len(table(engine).items) == 0
