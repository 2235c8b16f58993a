"""Snapshots: a round trip keeps every item and table definition; an unreadable
file stops the emulator with a message; writes are atomic and paced."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.schema import TTL_ATTRIBUTE, table_definition
from devstack import dynamodb
from devstack.emulator import snapshot
from devstack.emulator.app import Counters, SnapshotStatus
from devstack.emulator.engine import Engine
from devstack.emulator.snapshot import Persister, SnapshotError
from devstack.stack import free_port

MAIN, OTHER = "main", "other"


def s(value: str) -> dict[str, str]:
    return {"S": value}


def ok(engine: Engine, operation: str, body: dict[str, Any], **where: str) -> Any:
    status, answer = engine.call(operation, body, **where)
    assert status == 200, answer
    return answer


MENTOR_KEY = {"PK": s("MENTOR#1"), "SK": s("MENTOR")}
# Every attribute type, nested, with the awkward numbers and binaries.
EVERY_TYPE: dict[str, Any] = {
    "PK": s("MENTOR#1"),
    "SK": s("MENTOR"),
    "GSI1PK": s("MENTORS"),
    "GSI1SK": s("ada#1"),
    "text": s('héllo \u2603 "quoted"\n'),
    "decimal": {"N": "1.50"},
    "negative": {"N": "-0.001"},
    "big": {"N": "12345678901234567890.123456789"},
    "binary": {"B": "AAECA/8="},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "strings": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5", "-3"]},
    "binaries": {"BS": ["AA==", "AQI="]},
    "list": {"L": [s("x"), {"N": "7.0"}, {"B": "/w=="}, {"L": []}, {"M": {}}]},
    "map": {
        "M": {
            "inner": {"M": {"bin": {"B": "AAE="}, "set": {"SS": ["z"]}, "n": {"N": "0.10"}}},
            "when": s("2025-01-06T09:00:00Z"),
        }
    },
    TTL_ATTRIBUTE: {"N": "1900000000"},
}


def populated() -> Engine:
    engine = Engine()
    ok(engine, "CreateTable", table_definition(MAIN))
    ttl = {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    ok(engine, "UpdateTimeToLive", {"TableName": MAIN, "TimeToLiveSpecification": ttl})
    ok(engine, "PutItem", {"TableName": MAIN, "Item": EVERY_TYPE})
    for n in range(60):
        item = {"PK": s(f"SESSION#{n}"), "SK": s("SESSION"), "GSI3PK": s("DUE"),
                "GSI3SK": s(f"2025-01-{n % 28 + 1:02d}#{n}"), "n": {"N": str(n)}}  # fmt: skip
        ok(engine, "PutItem", {"TableName": MAIN, "Item": item})
    # An update after the put: what the snapshot holds is the item as it is now.
    ok(engine, "UpdateItem", {"TableName": MAIN, "Key": {"PK": s("SESSION#0"), "SK": s("SESSION")},
                              "UpdateExpression": "SET price = :p ADD n :one REMOVE GSI3PK",
                              "ExpressionAttributeValues": {":p": {"N": "9.99"},
                                                            ":one": {"N": "1"}}})  # fmt: skip
    # Another shape of table, in another region: hash key only, provisioned, with tags.
    other = {
        "TableName": OTHER,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "B"}],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        "Tags": [{"Key": "team", "Value": "sessions"}],
    }
    ok(engine, "CreateTable", other, region="eu-west-1")
    ok(engine, "PutItem", {"TableName": OTHER, "Item": {"id": {"B": "AQ=="}, "v": s("x")}},
       region="eu-west-1")  # fmt: skip
    return engine


def description(engine: Engine, name: str, **where: str) -> dict[str, Any]:
    table = ok(engine, "DescribeTable", {"TableName": name}, **where)["Table"]
    table.pop("CreationDateTime")
    return dict(table)


def visible(engine: Engine) -> Any:
    """Everything a client can read back."""
    due = {"TableName": MAIN, "IndexName": "GSI3", "KeyConditionExpression": "GSI3PK = :d",
           "ExpressionAttributeValues": {":d": s("DUE")}, "ScanIndexForward": False}  # fmt: skip
    mentors = {"TableName": MAIN, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :m",
               "ExpressionAttributeValues": {":m": s("MENTORS")}}  # fmt: skip
    return {
        "scan": ok(engine, "Scan", {"TableName": MAIN}),
        "due": ok(engine, "Query", due),
        "mentors": ok(engine, "Query", mentors),
        "get": ok(engine, "GetItem", {"TableName": MAIN, "Key": MENTOR_KEY}),
        "main": description(engine, MAIN),
        "ttl": ok(engine, "DescribeTimeToLive", {"TableName": MAIN}),
        "other": description(engine, OTHER, region="eu-west-1"),
        "other-scan": ok(engine, "Scan", {"TableName": OTHER}, region="eu-west-1"),
        "tags": ok(
            engine,
            "ListTagsOfResource",
            {"ResourceArn": description(engine, OTHER, region="eu-west-1")["TableArn"]},
            region="eu-west-1",
        ),
    }


def items_in_memory(engine: Engine) -> dict[str, Any]:
    out = {}
    for account, region, backend in engine.backends():
        for name, table in backend.tables.items():
            out[f"{account}/{region}/{name}"] = sorted(
                snapshot._items(table), key=lambda i: json.dumps(snapshot.wire_item(i))
            )
    return out


def test_a_restored_engine_holds_the_same_tables_and_items(tmp_path: Path) -> None:
    engine = populated()
    path = tmp_path / "db.json"
    assert snapshot.write(engine, path) == 62
    restored = Engine()
    assert snapshot.restore(restored, path) == 62
    assert visible(restored) == visible(engine)
    # Not only what a client sees: the items moto holds compare equal too
    # (bytes stay bytes, numbers keep their exact text).
    assert items_in_memory(restored) == items_in_memory(engine)
    got = ok(restored, "GetItem", {"TableName": MAIN, "Key": MENTOR_KEY})
    assert got["Item"] == EVERY_TYPE
    # And it is a table like any other afterwards: GSIs follow new writes.
    ok(
        restored,
        "DeleteItem",
        {"TableName": MAIN, "Key": {"PK": s("SESSION#5"), "SK": s("SESSION")}},
    )
    due = {"TableName": MAIN, "IndexName": "GSI3", "KeyConditionExpression": "GSI3PK = :d",
           "ExpressionAttributeValues": {":d": s("DUE")}, "Select": "COUNT"}  # fmt: skip
    assert ok(restored, "Query", due)["Count"] == 58


def test_the_file_is_json_in_dynamodb_s_own_terms(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    snapshot.write(populated(), path)
    document = json.loads(path.read_text())
    assert document["format"] == "devstack-dynamodb-snapshot"
    assert document["version"] == 1
    (main, other) = document["backends"]
    assert (main["account"], main["region"]) == ("123456789012", "us-east-1")
    (table,) = main["tables"]
    assert table["definition"]["TableName"] == MAIN
    assert table["timeToLive"] == {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    assert EVERY_TYPE in table["items"]
    assert other["tables"][0]["definition"]["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 3, "WriteCapacityUnits": 4
    }  # fmt: skip


def snapshot_of(items: list[Any]) -> bytes:
    table = {"definition": table_definition(MAIN), "timeToLive": None, "items": items}
    backend = {"account": "1", "region": "us-east-1", "tables": [table]}
    document = {"format": "devstack-dynamodb-snapshot", "version": 1, "backends": [backend]}
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "Expecting property name"),
        (b"", "Expecting value"),
        (b'{"format": "something else"}', "not a snapshot"),
        (b'{"format": "devstack-dynamodb-snapshot", "version": 99}', "version 99 unknown"),
        (
            b'{"format": "devstack-dynamodb-snapshot", "version": 1, "backends": [{"account":'
            b' "1", "region": "us-east-1", "tables": [{"definition": {"TableName": "t"},'
            b' "items": []}]}]}',
            "CreateTable failed",
        ),
        (
            b'{"format": "devstack-dynamodb-snapshot", "version": 1, "backends": [{"account":'
            b' "1", "region": "us-east-1", "tables": [{"definition": {"TableName": "t",'
            b' "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],'
            b' "AttributeDefinitions": [], "BillingMode": "PAY_PER_REQUEST"}, "items": []}]}]}',
            "CreateTable was refused",
        ),
        (
            snapshot_of([{"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"B": "not base64!"}}]),
            "malformed",
        ),
        (snapshot_of([{"PK": {"S": "a"}}]), "key SK is not of type S"),
        (snapshot_of([{"PK": {"N": "1"}, "SK": {"S": "b"}}]), "key PK is not of type S"),
        (snapshot_of([["PK"]]), "not an object"),
        (snapshot_of([{"PK": {"S": "a"}, "SK": {"S": "b"}, "x": "plain"}]), "not an attribute"),
    ],
)
def test_an_unreadable_file_is_an_error_saying_why(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(SnapshotError, match=reason):
        snapshot.restore(Engine(), path)


def test_the_emulator_refuses_to_start_on_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(b"\x00garbage")
    assert dynamodb.main(["--port", str(free_port()), "--data", str(path)]) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert str(path) in message
    assert "delete it" in message
    assert path.read_bytes() == b"\x00garbage"  # left for the developer to look at


def test_a_failed_write_leaves_the_previous_snapshot_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    engine = populated()
    snapshot.write(engine, path)
    before = path.read_bytes()

    def half_then_fail(_engine: Engine, out: Any) -> int:
        out.write('{"format": "devstack-dynamodb-snapshot", "backends": [')
        raise OSError("disk full")

    monkeypatch.setattr(snapshot, "dump", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        snapshot.write(engine, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json"]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_snapshots_are_written_only_when_something_changed_and_at_most_every_interval(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.json"
    engine, counters, status, clock = populated(), Counters(), SnapshotStatus(), Clock()
    persister = Persister(engine, path, counters, status, interval=2.0, clock=clock)
    persister.tick()
    assert not persister.busy  # nothing changed yet
    assert not path.exists()

    counters.generation += 1
    persister.tick()
    assert persister.busy  # a child serializes while the parent goes on
    persister.wait()
    assert (status.count, status.failures) == (1, 0)
    assert snapshot.restore(Engine(), path) == 62

    counters.generation += 1
    clock.now += 1.5
    persister.tick()
    assert not persister.busy  # too soon after the last one
    clock.now += 0.5
    persister.tick()
    assert persister.busy
    persister.wait()
    assert status.count == 2
    assert status.last_at is not None

    # At shutdown the last changes are written synchronously, whatever the pace.
    ok(engine, "DeleteItem", {"TableName": MAIN, "Key": {"PK": s("MENTOR#1"), "SK": s("MENTOR")}})
    counters.generation += 1
    persister.final()
    assert status.count == 3
    assert snapshot.restore(Engine(), path) == 61
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
