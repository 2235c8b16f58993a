"""Every DynamoDB call finishes within the request's time budget, or becomes a 503.

In-process moto stands in for DynamoDB; transport failures are raised from
botocore's ``before-send`` event, exactly where a real socket would fail, and
a virtual clock moves only when the store sleeps between retries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from moto import mock_aws

from chalicelib import budget
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.store import dynamo
from chalicelib.store.dynamo import Db, client, reset_clients
from chalicelib.store.tables import create_table
from tests.virtual_time import VirtualTime, install

KEY = {"PK": "USER#u1", "SK": "PROFILE"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    return install(monkeypatch)


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch) -> Iterator[Db]:
    monkeypatch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.setenv("TABLE_NAME", "budget-test")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        reset_clients()
        create_table(wait_seconds=5, sleep=lambda _: None)
        yield Db.from_settings()
    reset_clients()


class Failures:
    """Fail the next ``count`` sends of ``operation`` with ``error``; record what was sent."""

    def __init__(self, operation: str, error: Exception, count: int) -> None:
        self.operation, self.error, self.left = operation, error, count
        self.bodies: list[bytes] = []

    def __call__(self, request: Any, **_: Any) -> None:
        if request.headers.get("X-Amz-Target", b"").endswith(self.operation.encode()):
            self.bodies.append(bytes(request.body))
            if self.left:
                self.left -= 1
                raise self.error


def fail(operation: str, error: Exception, count: int = 10**6) -> Failures:
    failures = Failures(operation, error, count)
    client().meta.events.register_first("before-send.dynamodb", failures)
    return failures


REFUSED = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
TIMED_OUT = ReadTimeoutError(endpoint_url="http://127.0.0.1:9")


def throttled(operation: str) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": "ThrottlingException", "Message": "slow"}}
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [REFUSED, TIMED_OUT, throttled("GetItem")])
def test_a_failing_database_is_retried_then_a_503_within_the_budget(
    db: Db, clock: VirtualTime, error: Exception
) -> None:
    failures = fail("GetItem", error)
    with budget.time_budget(8), pytest.raises(Unavailable) as raised:
        db.get(KEY)
    assert len(failures.bodies) > 3
    # The last attempt started only while its longest duration still fit.
    assert clock.seconds + dynamo.ATTEMPT_SECONDS <= 8
    expected = 1 if isinstance(error, ClientError) else dynamo.SILENT_RETRY_AFTER_SECONDS
    assert raised.value.retry_after_seconds == expected


def test_a_spent_budget_makes_no_attempt(db: Db, clock: VirtualTime) -> None:
    failures = fail("GetItem", REFUSED, 0)
    with budget.time_budget(dynamo.ATTEMPT_SECONDS - 0.5), pytest.raises(Unavailable):
        db.get(KEY)
    assert failures.bodies == []


def test_a_failure_that_clears_is_invisible(db: Db, clock: VirtualTime) -> None:
    db.put({**KEY, "type": "USER", "name": "Ann"})
    failures = fail("GetItem", TIMED_OUT, 2)
    with budget.time_budget(8):
        item = db.get(KEY)
    assert item is not None
    assert item["name"] == "Ann"
    assert len(failures.bodies) == 3


def test_other_refusals_are_not_retried(db: Db, clock: VirtualTime) -> None:
    failures = fail(
        "PutItem",
        ClientError({"Error": {"Code": "ValidationException", "Message": "no"}}, "PutItem"),
    )
    with pytest.raises(ClientError):
        db.put({**KEY, "type": "USER"})
    assert len(failures.bodies) == 1
    assert clock.sleeps == []


def _put(pk: str) -> dict[str, Any]:
    item = dynamo.to_item({"PK": pk, "SK": "X", "type": "T"})
    return {"Put": {"TableName": "budget-test", "Item": item,
                    "ConditionExpression": "attribute_not_exists(PK)"}}  # fmt: skip


def test_a_transaction_repeated_after_a_lost_answer_keeps_its_token(
    db: Db, clock: VirtualTime
) -> None:
    failures = fail("TransactWriteItems", TIMED_OUT, 1)
    db.transact([_put("A#1"), _put("A#2")])
    first, second = (json.loads(b) for b in failures.bodies)
    assert first["ClientRequestToken"] == second["ClientRequestToken"]
    assert db.get({"PK": "A#1", "SK": "X"}) is not None


def test_a_transaction_tried_again_after_contention_gets_a_new_token(
    db: Db, clock: VirtualTime
) -> None:
    response: dict[str, Any] = {
        "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
        "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
    }
    conflict = ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]
    failures = fail("TransactWriteItems", conflict, 1)
    db.transact([_put("B#1"), _put("B#2")])
    tokens = {json.loads(b)["ClientRequestToken"] for b in failures.bodies}
    assert len(failures.bodies) == 2
    assert len(tokens) == 2


def cancelled(*codes: str) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
        "CancellationReasons": [{"Code": code} for code in codes],
    }
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_a_transaction_throttled_inside_is_retried_then_a_503_never_a_refusal(
    db: Db, clock: VirtualTime, reason: str
) -> None:
    failures = fail("TransactWriteItems", cancelled("None", reason))
    plan = dynamo.Plan(db)
    plan.put("first", {"PK": "C#1", "SK": "X"})
    plan.put("second", {"PK": "C#2", "SK": "X"})
    with pytest.raises(Unavailable) as raised:
        plan.commit()
    assert len(failures.bodies) == dynamo.TRANSACT_ATTEMPTS
    assert raised.value.retry_after_seconds == 1


def test_a_refused_plan_names_the_tags_whose_condition_failed(db: Db, clock: VirtualTime) -> None:
    db.put({"PK": "D#2", "SK": "X", "type": "T", "status": "HELD"})
    plan = dynamo.Plan(db)
    plan.put("free", {"PK": "D#1", "SK": "X"})
    taken = _put("D#2")
    taken["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    plan.add("taken", taken)
    refusal = plan.commit()
    assert refusal is not None
    assert refusal.tags == {"taken"}
    assert "taken" in refusal
    assert "free" not in refusal
    assert refusal.items["taken"]["status"] == "HELD"
    assert db.get({"PK": "D#1", "SK": "X"}) is None
    plan = dynamo.Plan(db)
    plan.put("new", {"PK": "D#3", "SK": "X"})
    assert plan.commit() is None


def test_a_cancellation_no_condition_explains_is_a_conflict_not_a_refusal(
    db: Db, clock: VirtualTime
) -> None:
    # No tag to map to a business rule, and never a 500: a generic 409, nothing written.
    fail("TransactWriteItems", cancelled("None", "ValidationError"))
    plan = dynamo.Plan(db)
    plan.put("first", {"PK": "E#1", "SK": "X"})
    with pytest.raises(Conflict) as raised:
        plan.commit()
    assert raised.value.code == "CONFLICT"
    assert db.get({"PK": "E#1", "SK": "X"}) is None
