"""The DynamoDB client, item (de)serialization and error translation.

The store package is the only one that imports botocore. It never imports
boto3, whose import alone lengthens every cold start (see
:mod:`chalicelib.store.codec`). Clients are created lazily, once per endpoint
and region, because creating one costs tens of milliseconds and a Lambda
container serves many requests.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from msgspec import Struct

from chalicelib import budget
from chalicelib.config import settings
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.logs import logger
from chalicelib.store import codec

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

Item = dict[str, Any]

_clients: dict[tuple[str | None, str], DynamoDBClient] = {}
_clients_lock = threading.Lock()

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def client() -> DynamoDBClient:
    """The DynamoDB client for the current settings (created on first use)."""
    cfg = settings()
    key = (cfg.dynamodb_endpoint_url, cfg.region)
    with _clients_lock:
        existing = _clients.get(key)
        if existing is None:
            existing = _new_client(cfg.dynamodb_endpoint_url, cfg.region)
            _clients[key] = existing
        return existing


def reset_clients() -> None:
    """Forget cached clients (tests that start a fresh mock call this)."""
    with _clients_lock:
        _clients.clear()


def _new_client(endpoint_url: str | None, region: str) -> DynamoDBClient:
    # A local emulator accepts any credentials, but botocore insists on some.
    fake = "local" if endpoint_url and not os.environ.get("AWS_ACCESS_KEY_ID") else None
    # A session of its own per client, as boto3.session.Session() gave: the
    # global default session would share credentials and config state.
    made = botocore.session.get_session().create_client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=region,
        config=Config(
            # Db.call retries within the request's time budget instead.
            retries={"total_max_attempts": 1},
            # DynamoDB validates every request itself; botocore's own check of
            # parameters the store builds is a third of its client-side cost.
            parameter_validation=False,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            max_pool_connections=50,
        ),
        aws_access_key_id=fake,
        aws_secret_access_key=fake,
    )
    return cast("DynamoDBClient", made)


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Serialize plain values (None dropped) into DynamoDB's typed form."""
    return {k: codec.serialize(_plain_to_dynamo(v)) for k, v in values.items() if v is not None}


def to_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Serialize expression attribute values."""
    return {k: codec.serialize(_plain_to_dynamo(v)) for k, v in values.items()}


def set_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """``UpdateExpression`` arguments that SET each of ``values`` (REMOVE those that are None).

    None is removed rather than stored, as :func:`to_item` drops it too. Every
    name goes through a placeholder, so DynamoDB's several hundred reserved
    words (``name``, ``timezone``, ``status``...) never bite.
    """
    names = {f"#f{n}": key for n, key in enumerate(values)}
    sets = {f"#f{n}": f":f{n}" for n, value in enumerate(values.values()) if value is not None}
    removes = [name for name in names if name not in sets]
    clauses = []
    if sets:
        clauses.append("SET " + ", ".join(f"{name} = {value}" for name, value in sets.items()))
    if removes:
        clauses.append("REMOVE " + ", ".join(removes))
    update: dict[str, Any] = {
        "UpdateExpression": " ".join(clauses),
        "ExpressionAttributeNames": names,
    }
    if sets:
        update["ExpressionAttributeValues"] = to_values(
            {f":f{n}": value for n, value in enumerate(values.values()) if value is not None}
        )
    return update


def merge_expression(update: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """``update`` plus a condition's own names and values."""
    merged = dict(update)
    for key in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        if key in extra:
            merged[key] = {**update.get(key, {}), **extra.pop(key)}
    merged.update(extra)
    return merged


def from_item(item: Mapping[str, Any]) -> Item:
    """Deserialize a DynamoDB item into plain Python values (ints, not Decimals)."""
    return {k: _dynamo_to_plain(codec.deserialize(v)) for k, v in item.items()}


def _plain_to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _plain_to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_to_dynamo(v) for v in value]
    return value


def _dynamo_to_plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _dynamo_to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dynamo_to_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_dynamo_to_plain(v) for v in value)
    return value


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class Reason(NamedTuple):
    """Why DynamoDB refused one action of a cancelled transaction."""

    code: str | None
    # The item as stored, when the action asked for it (ReturnValuesOnConditionCheckFailure).
    item: Item | None


CONDITION_FAILED = "ConditionalCheckFailed"

# Cancellation reasons that say nothing about the data, only about load: the
# transaction is tried again, and persisting ends in a 503, never a conflict.
# Codes inside CancellationReasons differ from the operation's error codes
# (ThrottlingError, ProvisionedThroughputExceeded), so both are listed.
CONTENTION_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", *THROTTLING_CODES}
)


def cancellation_reasons(exc: ClientError) -> list[Reason] | None:
    """The per-action reasons of a cancelled transaction, in action order (None: not one)."""
    if error_code(exc) != "TransactionCanceledException":
        return None
    reasons: list[Reason] = []
    for reason in exc.response.get("CancellationReasons") or []:
        code = reason.get("Code")
        item = reason.get("Item")
        reasons.append(
            Reason(None if code in (None, "None") else str(code), from_item(item) if item else None)
        )
    return reasons


# --- retries within the time budget (chalicelib.budget) -------------------------
#
# Each request may spend REQUEST_BUDGET_SECONDS (8 s unless configured) on
# DynamoDB, retries included. botocore's own retries are off, because they
# know nothing of that budget; Db retries throttling and transport failures
# itself, starting an attempt only when its longest possible duration still
# fits in what is left.

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 3.0
ATTEMPT_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
BACKOFF_BASE_SECONDS = 0.025
BACKOFF_CAP_SECONDS = 1.0
TRANSACT_ATTEMPTS = 4
BUSY = "The database is busy; please retry shortly."
SILENT = "The database did not answer in time; please retry shortly."
SILENT_RETRY_AFTER_SECONDS = 2

# Transport failures: nothing came back. A read timeout or a dropped
# connection leaves the outcome of a write unknown, yet repeating is safe
# here: transactions carry a ClientRequestToken (DynamoDB applies a repeat
# once), and every single-item write in the store tolerates its own repeat
# (its condition either still holds, or its failure is read as "already so").
TRANSPORT_ERRORS = (BotoConnectionError, HTTPClientError)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _backoff(attempt: int) -> float:
    """Full jitter: a random pause up to an exponentially growing cap."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))  # noqa: S311


def _only_contention(exc: ClientError) -> bool:
    codes = [r.code for r in cancellation_reasons(exc) or [] if r.code is not None]
    return bool(codes) and all(c in CONTENTION_REASONS for c in codes)


class Db(Struct, frozen=True):
    """A table and the client that reaches it; every call within the time budget."""

    client: DynamoDBClient
    table: str

    @classmethod
    def from_settings(cls) -> Db:
        return cls(client(), settings().table_name)

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One DynamoDB operation, retried on throttling and transport failures.

        Raises:
            Unavailable: the budget ran out before DynamoDB answered (503).
            ClientError: any other refusal, for the caller to read.
        """
        deadline = budget.deadline()
        if deadline is None:
            deadline = budget.now() + settings().request_budget_seconds
        method = getattr(self.client, operation)
        attempt = 0
        while True:
            try:
                if budget.now() + ATTEMPT_SECONDS > deadline:
                    raise Unavailable(SILENT, SILENT_RETRY_AFTER_SECONDS)
                return cast("dict[str, Any]", method(**kwargs))
            except ClientError as exc:
                if error_code(exc) not in THROTTLING_CODES:
                    raise
                failure: Exception = exc
                detail, retry_after = BUSY, 1
            except TRANSPORT_ERRORS as exc:
                failure, detail, retry_after = exc, SILENT, SILENT_RETRY_AFTER_SECONDS
            pause = _backoff(attempt)
            if budget.now() + pause + ATTEMPT_SECONDS > deadline:
                logger.warning(
                    "dynamodb gave up", extra={"operation": operation, "attempts": attempt + 1}
                )
                raise Unavailable(detail, retry_after) from failure
            _sleep(pause)
            attempt += 1

    def get(self, key: Mapping[str, str]) -> Item | None:
        out = self.call("get_item", TableName=self.table, Key=to_item(key), ConsistentRead=True)
        item = out.get("Item")
        return from_item(item) if item else None

    def batch_get(self, keys: Sequence[Mapping[str, str]]) -> list[Item]:
        """Read up to 100 items in one round trip (plus retries of unprocessed keys)."""
        request: dict[str, Any] = {
            self.table: {"Keys": [to_item(k) for k in keys], "ConsistentRead": True}
        }
        found: list[Item] = []
        for attempt in range(5):
            if attempt:
                _sleep(_backoff(attempt))
            out = self.call("batch_get_item", RequestItems=request)
            found += [from_item(i) for i in out.get("Responses", {}).get(self.table, [])]
            request = dict(out.get("UnprocessedKeys") or {})
            if not request:
                return found
        raise Unavailable(BUSY, 1)

    def transact(self, actions: list[dict[str, Any]]) -> None:
        """Run ``TransactWriteItems``, retrying contention; other failures propagate.

        A transaction cancelled only for contention (``TransactionConflict``:
        another transaction held one of the items) or throttling is retried
        with jittered exponential backoff; if that persists it ends in
        :class:`Unavailable`. Any other cancellation propagates as
        ``ClientError``; :meth:`Plan.commit` reads it.

        Each try has a token of its own, which the transport retries inside
        :meth:`call` repeat: a repeat of a transaction that committed while
        its answer was lost then succeeds without writing again, rather than
        failing its own conditions.
        """
        for attempt in range(TRANSACT_ATTEMPTS):
            try:
                self.call(
                    "transact_write_items",
                    TransactItems=actions,
                    ClientRequestToken=uuid.uuid4().hex,
                )
                return
            except ClientError as exc:
                if not _only_contention(exc):
                    raise
                if attempt == TRANSACT_ATTEMPTS - 1:
                    raise Unavailable(
                        "Too much contention on this time; retry shortly.", 1
                    ) from exc
            _sleep(_backoff(attempt))

    def put(self, item: Mapping[str, Any], **kwargs: Any) -> None:
        self.call("put_item", TableName=self.table, Item=to_item(item), **kwargs)

    def update(self, key: Mapping[str, str], **kwargs: Any) -> dict[str, Any]:
        return self.call("update_item", TableName=self.table, Key=to_item(key), **kwargs)

    def query(self, **kwargs: Any) -> tuple[list[Item], dict[str, Any] | None]:
        out = self.call("query", TableName=self.table, **kwargs)
        return [from_item(i) for i in out.get("Items", [])], out.get("LastEvaluatedKey")


class Refusal(Struct, frozen=True):
    """Why a transaction was refused: the tags of the actions whose condition failed."""

    tags: frozenset[str]
    # Per tag, the item as stored, for actions that asked for it.
    items: dict[str, Item]

    def __contains__(self, tag: object) -> bool:
        return tag in self.tags


class Plan:
    """A transaction's actions, each tagged with what its condition protects.

    :meth:`commit` runs it and reports a refusal by tag, so each caller maps
    tags to domain errors and nothing else reads cancellation reasons.
    """

    def __init__(self, db: Db) -> None:
        self.db = db
        self.table = db.table
        self.actions: list[dict[str, Any]] = []
        self.tags: list[str] = []

    def add(self, tag: str, action: dict[str, Any] | None) -> None:
        if action is None:
            return
        self.actions.append(action)
        self.tags.append(tag)

    def put(self, tag: str, item: Mapping[str, Any], **condition: Any) -> None:
        """Put ``item``; on the condition that its key is free unless ``condition`` says else."""
        self.add(
            tag,
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(PK)",
                    **condition,
                }
            },
        )

    def update(self, tag: str, key: Mapping[str, str], **expression: Any) -> None:
        """Update the item at ``key`` (``expression``: the update and its condition)."""
        self.add(tag, {"Update": {"TableName": self.table, "Key": to_item(key), **expression}})

    def delete(self, tag: str, key: Mapping[str, str], **condition: Any) -> None:
        self.add(tag, {"Delete": {"TableName": self.table, "Key": to_item(key), **condition}})

    def check(self, tag: str, key: Mapping[str, str], **condition: Any) -> None:
        """Write nothing, on the condition that the item at ``key`` holds ``condition``."""
        self.add(
            tag, {"ConditionCheck": {"TableName": self.table, "Key": to_item(key), **condition}}
        )

    def commit(self) -> Refusal | None:
        """Run the transaction; None when it committed, else the tags whose condition failed.

        Contention and throttling never come back as a refusal: :meth:`Db.transact`
        retries them and then raises :class:`Unavailable` (a 503 with Retry-After).
        A cancellation that no failed condition explains (DynamoDB's
        ``ValidationError`` reason, say) is a :class:`Conflict`: the change was
        not made, and no request may answer 500.
        """
        try:
            self.db.transact(self.actions)
        except ClientError as exc:
            reasons = cancellation_reasons(exc)
            failed = [
                (tag, reason)
                for tag, reason in zip(self.tags, reasons or [], strict=False)
                if reason.code == CONDITION_FAILED
            ]
            if not failed:
                if reasons is None:
                    raise
                logger.error("transaction cancelled without a failed condition: %s", reasons)
                raise Conflict(Conflict.NOT_SAVED) from exc
            items = {tag: reason.item for tag, reason in failed if reason.item is not None}
            return Refusal(frozenset(tag for tag, _ in failed), items)
        return None
