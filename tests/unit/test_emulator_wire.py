"""The emulator's direct JSON answers are byte for byte what moto's serializer writes."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID

from chalicelib.store.schema import table_definition
from devstack.emulator import engine, wire
from devstack.emulator.engine import Engine

TABLE = "wire"


def _item(n: int) -> dict[str, Any]:
    return {
        "PK": {"S": f"P#{n % 3}"},
        "SK": {"S": f"S#{n:03d}"},
        "GSI1PK": {"S": "G"},
        "GSI1SK": {"S": f"{n:03d}"},
        "n": {"N": f"{n}.25"},
        "b": {"B": base64.b64encode(bytes([n, 0, 255])).decode()},
        "bs": {"BS": [base64.b64encode(b"x").decode(), base64.b64encode(b"y").decode()]},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "flag": {"BOOL": n % 2 == 0},
        "none": {"NULL": True},
        "list": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"S": "é ✓"}}}]},
        "map": {"M": {"k": {"S": "v"}, "l": {"L": []}}},
    }


def _requests() -> Iterator[tuple[str, dict[str, Any]]]:
    key = {"PK": {"S": "P#1"}, "SK": {"S": "S#001"}}
    puts = [{"PutRequest": {"Item": _item(n)}} for n in range(9)]
    other = {"PK": {"S": "P#2"}, "SK": {"S": "S#002"}}
    yield "BatchWriteItem", {"RequestItems": {TABLE: puts}}
    yield "PutItem", {"TableName": TABLE, "Item": _item(20), "ReturnValues": "ALL_OLD"}
    yield "PutItem", {"TableName": TABLE, "Item": _item(20), "ReturnValues": "ALL_OLD",
                      "ReturnConsumedCapacity": "TOTAL"}  # fmt: skip
    yield "GetItem", {"TableName": TABLE, "Key": key}
    yield "GetItem", {"TableName": TABLE, "Key": {"PK": {"S": "none"}, "SK": {"S": "none"}}}
    yield "GetItem", {"TableName": TABLE, "Key": key, "ProjectionExpression": "b, #m.k",
                      "ExpressionAttributeNames": {"#m": "map"}}  # fmt: skip
    yield "UpdateItem", {"TableName": TABLE, "Key": key, "UpdateExpression": "SET n = n + :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}},
                         "ReturnValues": "ALL_NEW"}  # fmt: skip
    yield "Query", {"TableName": TABLE, "KeyConditionExpression": "PK = :p",
                    "ExpressionAttributeValues": {":p": {"S": "P#0"}}, "Limit": 2}  # fmt: skip
    yield "Query", {"TableName": TABLE, "IndexName": "GSI1", "Select": "COUNT",
                    "KeyConditionExpression": "GSI1PK = :p",
                    "ExpressionAttributeValues": {":p": {"S": "G"}}}  # fmt: skip
    yield "Query", {"TableName": TABLE, "IndexName": "GSI1", "ScanIndexForward": False,
                    "KeyConditionExpression": "GSI1PK = :p AND GSI1SK > :s",
                    "ExpressionAttributeValues": {":p": {"S": "G"}, ":s": {"S": "0"}}}  # fmt: skip
    yield "BatchGetItem", {"RequestItems": {TABLE: {"Keys": [key, other]}}}
    yield "TransactGetItems", {"TransactItems": [{"Get": {"TableName": TABLE, "Key": key}}]}
    yield "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": TABLE, "Item": _item(30)}},
        {"Update": {"TableName": TABLE, "Key": key, "UpdateExpression": "REMOVE ss"}},
    ]}  # fmt: skip
    yield "DeleteItem", {"TableName": TABLE, "Key": key, "ReturnValues": "ALL_OLD"}


def _run(direct: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, str], bytes]]:
    if not direct:
        monkeypatch.setattr(wire, "body", lambda operation, result: None)
    emulator = Engine("fixed")
    emulator.call("CreateTable", table_definition(TABLE))
    answers = []
    for operation, params in _requests():
        request = engine.wire_request(operation, params, DEFAULT_ACCOUNT_ID, "us-east-1")
        answers.append(emulator.dispatch(request))
    monkeypatch.undo()
    return answers


def test_direct_answers_equal_the_serializers(monkeypatch: pytest.MonkeyPatch) -> None:
    direct = _run(True, monkeypatch)
    serialized = _run(False, monkeypatch)
    for (operation, _), mine, moto in zip(_requests(), direct, serialized, strict=True):
        assert mine[0] == moto[0] == 200, operation
        assert mine[2] == moto[2], operation
        assert mine[1]["Content-Type"] == moto[1]["Content-Type"], operation


def test_only_item_operations_are_written_directly() -> None:
    assert wire.body("DescribeTable", {"Table": {}}) is None
    assert wire.body("GetItem", ValueError("no")) is None
    assert (
        wire.body("GetItem", {"Item": {"a": {"S": "x"}}, "Extra": 1})
        == '{"Item": {"a": {"S": "x"}}}'
    )
