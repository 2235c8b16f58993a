"""Fault injection and stats on the emulator's WSGI application, in process."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from werkzeug.test import Client

from chalicelib.store.schema import table_definition
from devstack.emulator.app import EmulatorApp
from devstack.emulator.engine import CONTENT_TYPE, TARGET_PREFIX, Engine

TABLE = "faults"
ITEM = {"PK": {"S": "USER#1"}, "SK": {"S": "USER"}}


@pytest.fixture
def app() -> EmulatorApp:
    made = EmulatorApp(Engine())
    assert made.engine.call("CreateTable", table_definition(TABLE))[0] == 200
    return made


def dynamodb(client: Client, operation: str, body: dict[str, Any]) -> tuple[int, Any, Any]:
    reply = client.post(
        "/",
        data=json.dumps(body),
        headers={"X-Amz-Target": TARGET_PREFIX + operation, "Content-Type": CONTENT_TYPE},
    )
    return reply.status_code, reply.headers, json.loads(reply.get_data() or b"null")


def botocore_error_code(status: int, headers: Any, body: Any, operation: str) -> str:
    """The error code botocore's own parser reads from this answer."""
    model = botocore.session.get_session().get_service_model("dynamodb")
    shape = model.operation_model(operation).output_shape
    assert shape is not None
    parsed = create_parser("json").parse(
        {"status_code": status, "headers": dict(headers), "body": json.dumps(body).encode()}, shape
    )
    return str(parsed["Error"]["Code"])


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_a_throttle_answers_every_call_with_dynamodb_s_error_and_changes_nothing(
    app: EmulatorApp, code: str
) -> None:
    client = Client(app)
    reply = client.post("/_emulator/faults", json={"throttle": code})
    assert (reply.status_code, reply.get_json()) == (200, {"throttle": code})

    calls: list[tuple[str, dict[str, Any]]] = [
        ("PutItem", {"TableName": TABLE, "Item": ITEM}),
        ("GetItem", {"TableName": TABLE, "Key": ITEM}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": TABLE, "Item": ITEM}}]}),
    ]
    for operation, body in calls:
        status, headers, answer = dynamodb(client, operation, body)
        assert status == 400
        assert answer["__type"].rpartition("#")[2] == code
        assert answer["message"]
        assert botocore_error_code(status, headers, answer, operation) == code

    assert client.post("/_emulator/faults", json={"throttle": None}).get_json() == {
        "throttle": None
    }
    assert client.get("/_emulator/faults").get_json() == {"throttle": None}
    status, _, answer = dynamodb(client, "GetItem", {"TableName": TABLE, "Key": ITEM})
    assert (status, answer) == (200, {})  # the throttled put never happened


@pytest.mark.parametrize(
    "body", [b"not json", b'{"throttle": "SlowDown"}', b'{"latency": 3}', b"[]"]
)
def test_a_fault_the_emulator_cannot_inject_is_refused(app: EmulatorApp, body: bytes) -> None:
    reply = Client(app).post("/_emulator/faults", data=body)
    assert reply.status_code == 400
    assert app.throttle is None


def test_stats_count_requests_items_and_memory(app: EmulatorApp) -> None:
    client = Client(app)
    for n in range(3):
        item = {"PK": {"S": f"USER#{n}"}, "SK": {"S": "USER"}}
        assert dynamodb(client, "PutItem", {"TableName": TABLE, "Item": item})[0] == 200
    dynamodb(client, "Query", {"TableName": TABLE, "KeyConditionExpression": "PK = :p",
                               "ExpressionAttributeValues": {":p": {"S": "USER#1"}}})  # fmt: skip
    client.post("/_emulator/faults", json={"throttle": "ThrottlingException"})
    dynamodb(client, "GetItem", {"TableName": TABLE, "Key": ITEM})

    stats = client.get("/_emulator/stats").get_json()
    assert stats["engine"] == "fixed"
    assert stats["requests"] == 5
    assert stats["throttled"] == 1
    assert stats["operations"] == {"GetItem": 1, "PutItem": 3, "Query": 1}
    assert stats["tables"] == [
        {"account": "123456789012", "region": "us-east-1", "table": TABLE, "items": 3}
    ]
    assert stats["rssBytes"] > 10_000_000
    assert stats["faults"] == {"throttle": "ThrottlingException"}
    assert stats["snapshots"] == {
        "path": None, "count": 0, "failures": 0, "lastAt": None, "lastSeconds": None,
        "upToDate": False,
    }  # fmt: skip
    # Writes (three puts) move the generation the snapshots follow; reads do not.
    assert app.counters.generation == 3


def test_an_unknown_control_path_is_a_404(app: EmulatorApp) -> None:
    assert Client(app).get("/_emulator/nothing").status_code == 404
    assert Client(app).post("/_emulator/stats").status_code == 404
