"""Flat transactions: a rollback restores exactly what was touched, and the cost
does not depend on the table's size (counted, not timed)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from moto.dynamodb.models.table import Table

from chalicelib.store.schema import TTL_ATTRIBUTE, table_definition
from devstack.emulator import compat
from devstack.emulator.backend import EmulatorBackend
from devstack.emulator.engine import Engine, EngineKind

TABLE = "transactions"


def s(value: str) -> dict[str, str]:
    return {"S": value}


def key(pk: str, sk: str = "ITEM") -> dict[str, Any]:
    return {"PK": s(pk), "SK": s(sk)}


def gsi(partition: str, sort: str) -> dict[str, Any]:
    return {"GSI1PK": s(partition), "GSI1SK": s(sort)}


def make(kind: EngineKind = "fixed", filler: int = 0) -> Engine:
    engine = Engine(kind)
    assert engine.call("CreateTable", table_definition(TABLE))[0] == 200
    ttl = {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    engine.call("UpdateTimeToLive", {"TableName": TABLE, "TimeToLiveSpecification": ttl})
    for n in range(0, filler, 25):
        batch = [
            {"PutRequest": {"Item": {**key(f"FILL#{m}"), **gsi("FILL", str(m))}}}
            for m in range(n, min(n + 25, filler))
        ]
        assert engine.call("BatchWriteItem", {"RequestItems": {TABLE: batch}})[0] == 200
    return engine


def put(engine: Engine, item: dict[str, Any]) -> None:
    assert engine.call("PutItem", {"TableName": TABLE, "Item": item})[0] == 200


def everything(engine: Engine) -> Any:
    """All the table shows: a scan of it and of each index."""
    shown = [engine.call("Scan", {"TableName": TABLE})]
    for index in ("GSI1", "GSI2", "GSI3", "GSI4", "GSI5"):
        shown.append(engine.call("Scan", {"TableName": TABLE, "IndexName": index}))
    return shown


def gsi1(engine: Engine, partition: str) -> list[str]:
    status, body = engine.call(
        "Query",
        {
            "TableName": TABLE,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :p",
            "ExpressionAttributeValues": {":p": s(partition)},
        },
    )
    assert status == 200, body
    return [item["PK"]["S"] for item in body["Items"]]


def booking(last_condition: str = "attribute_not_exists(PK)") -> list[dict[str, Any]]:
    """Put a new item, move an existing one to another GSI partition, delete one, check one."""
    return [
        {"Put": {"TableName": TABLE, "Item": {**key("NEW"), **gsi("G#new", "0")},
                 "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Update": {"TableName": TABLE, "Key": key("MOVED"),
                    "UpdateExpression": "SET GSI1PK = :g, n = n + :one REMOVE GSI2PK",
                    "ExpressionAttributeValues": {":g": s("G#new"), ":one": {"N": "1"}}}},
        {"Delete": {"TableName": TABLE, "Key": key("GONE")}},
        {"ConditionCheck": {"TableName": TABLE, "Key": key("CHECKED"),
                            "ConditionExpression": last_condition}},
    ]  # fmt: skip


def seeded(kind: EngineKind = "fixed") -> Engine:
    engine = make(kind, filler=20)
    put(engine, {**key("MOVED"), **gsi("G#old", "1"), "GSI2PK": s("H"), "n": {"N": "1"}})
    put(engine, {**key("GONE"), **gsi("G#old", "2"), "b": {"B": "AAE="}})
    put(engine, {**key("CHECKED"), **gsi("G#old", "3")})
    return engine


def test_a_cancelled_transaction_leaves_the_table_and_its_indexes_as_they_were() -> None:
    engine = seeded()
    before = everything(engine)
    status, body = engine.call("TransactWriteItems", {"TransactItems": booking()})
    assert status == 400
    assert body["__type"].endswith("#TransactionCanceledException")
    assert [r["Code"] for r in body["CancellationReasons"]] == [
        "None", "None", "None", "ConditionalCheckFailed"
    ]  # fmt: skip
    assert everything(engine) == before
    # The index was moved by the update and moved back by the rollback.
    assert sorted(gsi1(engine, "G#old")) == ["CHECKED", "GONE", "MOVED"]
    assert gsi1(engine, "G#new") == []


def test_a_committed_transaction_moves_the_index_entries() -> None:
    engine = seeded()
    booked = booking("attribute_exists(PK)")
    assert engine.call("TransactWriteItems", {"TransactItems": booked})[0] == 200
    assert gsi1(engine, "G#old") == ["CHECKED"]
    assert sorted(gsi1(engine, "G#new")) == ["MOVED", "NEW"]


def test_a_repeated_item_rolls_back_what_ran_before_it_and_answers_as_moto_does() -> None:
    answers = []
    for kind in ("fixed", "plain"):
        engine = seeded(kind)
        before = everything(engine)
        actions = [*booking("attribute_exists(PK)")[:3], booking()[0]]  # NEW twice
        answers.append(engine.call("TransactWriteItems", {"TransactItems": actions}))
        assert everything(engine) == before
    assert answers[0] == answers[1]
    assert answers[0][1]["message"] == (
        "Transaction request cannot include multiple operations on one item"
    )


def test_cancellation_reasons_and_old_items_are_moto_s() -> None:
    actions = booking("attribute_not_exists(PK)")
    for action in actions:
        body = next(iter(action.values()))
        body["ConditionExpression"] = "attribute_not_exists(PK)"
        body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    answers = [
        seeded(kind).call("TransactWriteItems", {"TransactItems": actions})
        for kind in ("fixed", "plain")
    ]
    assert answers[0] == answers[1]
    reasons = answers[0][1]["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None"] + ["ConditionalCheckFailed"] * 3
    assert reasons[2]["Item"]["b"] == {"B": "AAE="}


class DeepCopies:
    """Top-level ``copy.deepcopy`` calls, by the type of what was copied."""

    def __init__(self) -> None:
        self.types: list[type] = []
        self._depth = 0

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def counting(value: Any, memo: Any = None, _nil: Any = None) -> Any:
            if self._depth == 0:
                self.types.append(type(value))
            self._depth += 1
            try:
                return original(value, memo)
            finally:
                self._depth -= 1

        return counting


@pytest.fixture
def deep_copies(monkeypatch: pytest.MonkeyPatch) -> DeepCopies:
    counter = DeepCopies()
    monkeypatch.setattr(copy, "deepcopy", counter.wrap(copy.deepcopy))
    return counter


def cost(kind: EngineKind, filler: int, deep_copies: DeepCopies) -> tuple[int, list[type]]:
    engine = make(kind, filler)
    put(engine, {**key("MOVED"), "GSI1PK": s("G#old"), "GSI2PK": s("H"), "n": {"N": "1"}})
    put(engine, {**key("GONE")})
    backend = engine.backend()
    snapshotted = getattr(backend, "items_snapshotted", 0)
    deep_copies.types.clear()
    for last in ("attribute_not_exists(PK)", "attribute_exists(PK)"):  # cancelled, then not
        put(engine, {**key("CHECKED")})
        engine.call("TransactWriteItems", {"TransactItems": booking(last)})
    return getattr(backend, "items_snapshotted", 0) - snapshotted, list(deep_copies.types)


def test_a_transaction_copies_each_item_it_touches_once_whatever_the_table_size(
    deep_copies: DeepCopies,
) -> None:
    small_snapshots, small_copies = cost("fixed", 5, deep_copies)
    large_snapshots, large_copies = cost("fixed", 2000, deep_copies)
    actions = len(booking())
    assert small_snapshots == large_snapshots == 2 * actions  # two transactions
    assert small_copies == large_copies  # not one copy more for 400 times the items
    assert not any(issubclass(t, Table) for t in large_copies)


def test_plain_moto_copies_the_whole_table_once_per_action(deep_copies: DeepCopies) -> None:
    # What the fixed engine is for (and proof that the counting above counts).
    _, copies = cost("plain", 50, deep_copies)
    assert sum(issubclass(t, Table) for t in copies) == 2 * len(booking())


def test_the_backend_is_the_fixed_one() -> None:
    assert isinstance(make().backend(), EmulatorBackend)
    assert not isinstance(make("plain").backend(), EmulatorBackend)


def test_moto_internals_the_engine_relies_on_have_not_changed() -> None:
    # If this fails after a moto upgrade, read devstack/emulator/compat.py first.
    assert compat.problems() == []
