"""ClientRequestToken on TransactWriteItems, with an injected clock."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store.schema import table_definition
from devstack.emulator.engine import Engine
from devstack.emulator.tokens import TokenLedger, TokenReused, request_digest

TABLE = "tokens"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(clock: Clock) -> Engine:
    made = Engine("fixed", clock=clock)
    assert made.call("CreateTable", table_definition(TABLE))[0] == 200
    return made


def s(value: str) -> dict[str, str]:
    return {"S": value}


KEY = {"PK": s("SESSION#1"), "SK": s("SESSION")}


def book(token: str, note: str = "first") -> dict[str, Any]:
    return {
        "ClientRequestToken": token,
        "TransactItems": [
            {"Put": {"TableName": TABLE, "Item": {**KEY, "note": s(note)},
                     "ConditionExpression": "attribute_not_exists(PK)"}},
        ],
    }  # fmt: skip


def stored(engine: Engine) -> Any:
    return engine.call("GetItem", {"TableName": TABLE, "Key": KEY})[1].get("Item")


def overwrite(engine: Engine, note: str) -> None:
    assert engine.call("PutItem", {"TableName": TABLE, "Item": {**KEY, "note": s(note)}})[0] == 200


def error(answer: tuple[int, Any]) -> str:
    assert answer[0] == 400, answer
    return str(answer[1]["__type"]).rpartition("#")[2]


def test_a_repeat_of_a_committed_call_succeeds_without_writing_again(
    engine: Engine, clock: Clock
) -> None:
    first = engine.call("TransactWriteItems", book("t1"))
    assert first[0] == 200
    # Its condition would now fail, and a second write would be visible.
    overwrite(engine, "changed since")
    clock.now += 599
    assert engine.call("TransactWriteItems", book("t1")) == first
    assert stored(engine)["note"] == s("changed since")


def test_the_same_token_with_other_parameters_is_a_mismatch(engine: Engine) -> None:
    assert engine.call("TransactWriteItems", book("t1"))[0] == 200
    answer = engine.call("TransactWriteItems", book("t1", note="other"))
    assert error(answer) == "IdempotentParameterMismatchException"
    assert stored(engine)["note"] == s("first")
    # Parameters, not their spelling: key order does not matter.
    reordered = book("t1")
    reordered = {"TransactItems": reordered["TransactItems"], "ClientRequestToken": "t1"}
    assert engine.call("TransactWriteItems", reordered)[0] == 200


def test_after_ten_minutes_the_token_is_new_again(engine: Engine, clock: Clock) -> None:
    assert engine.call("TransactWriteItems", book("t1"))[0] == 200
    clock.now += 600
    # It runs again, and its condition now fails.
    assert error(engine.call("TransactWriteItems", book("t1"))) == "TransactionCanceledException"
    assert error(engine.call("TransactWriteItems", book("t1", "x"))) != (
        "IdempotentParameterMismatchException"
    )


def test_a_cancelled_transaction_is_not_remembered(engine: Engine) -> None:
    overwrite(engine, "in the way")
    assert error(engine.call("TransactWriteItems", book("t1"))) == "TransactionCanceledException"
    assert engine.call("DeleteItem", {"TableName": TABLE, "Key": KEY})[0] == 200
    assert engine.call("TransactWriteItems", book("t1"))[0] == 200
    assert stored(engine)["note"] == s("first")


def test_calls_without_a_token_are_never_deduplicated(engine: Engine) -> None:
    body = book("unused")
    del body["ClientRequestToken"]
    assert engine.call("TransactWriteItems", body)[0] == 200
    assert error(engine.call("TransactWriteItems", body)) == "TransactionCanceledException"


def test_plain_moto_ignores_the_token() -> None:
    plain = Engine("plain")
    assert plain.call("CreateTable", table_definition(TABLE))[0] == 200
    assert plain.call("TransactWriteItems", book("t1"))[0] == 200
    assert error(plain.call("TransactWriteItems", book("t1"))) == "TransactionCanceledException"


def test_expired_tokens_are_dropped(clock: Clock) -> None:
    ledger: TokenLedger[str] = TokenLedger(clock)
    for n in range(1000):
        ledger.remember(f"t{n}", "digest", "done")
        clock.now += 0.5  # made over 500 s
    assert len(ledger) == 1000
    clock.now += 350.25  # 600 s after the 500th was made and then some
    assert len(ledger) == 499
    clock.now += 600
    assert len(ledger) == 0
    assert ledger.replay("t999", "digest") is None


def test_the_ledger_is_bounded_even_within_the_window(clock: Clock) -> None:
    ledger: TokenLedger[str] = TokenLedger(clock, capacity=10)
    for n in range(25):
        ledger.remember(f"t{n}", "digest", "done")
    assert len(ledger) == 10
    assert ledger.replay("t24", "digest") == "done"
    assert ledger.replay("t0", "digest") is None
    with pytest.raises(TokenReused):
        ledger.replay("t24", "other")


def test_the_digest_ignores_the_token_and_key_order_but_not_values() -> None:
    one = {"ClientRequestToken": "a", "TransactItems": [{"x": b"\x00"}], "R": "NONE"}
    two = {"R": "NONE", "TransactItems": [{"x": b"\x00"}], "ClientRequestToken": "b"}
    assert request_digest(one) == request_digest(two)
    assert request_digest(one) != request_digest({**one, "R": "TOTAL"})
    assert request_digest(one) != request_digest({**one, "TransactItems": [{"x": b"\x01"}]})
