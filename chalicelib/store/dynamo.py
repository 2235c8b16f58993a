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
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from msgspec import Struct

from chalicelib.config import settings
from chalicelib.domain.errors import Unavailable
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
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=2,
            read_timeout=5,
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


def cancellation_codes(exc: ClientError) -> list[str | None]:
    """The per-action reasons of a cancelled transaction, in action order."""
    reasons = exc.response.get("CancellationReasons") or []
    codes: list[str | None] = []
    for reason in reasons:
        code = reason.get("Code")
        codes.append(None if code in (None, "None") else str(code))
    return codes


def raise_unavailable_if_throttled(exc: ClientError) -> None:
    """Turn throttling that outlived botocore's retries into a 503-worthy error."""
    if error_code(exc) in THROTTLING_CODES:
        raise Unavailable("The database is busy; please retry shortly.", 1) from exc


TRANSACT_ATTEMPTS = 4
BACKOFF_BASE_SECONDS = 0.025


def _only_contention(exc: ClientError) -> bool:
    if error_code(exc) != "TransactionCanceledException":
        return False
    codes = [c for c in cancellation_codes(exc) if c is not None]
    return bool(codes) and all(c in ("TransactionConflict", *THROTTLING_CODES) for c in codes)


class Db(Struct, frozen=True):
    """A table and the client that reaches it."""

    client: DynamoDBClient
    table: str
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_settings(cls) -> Db:
        return cls(client(), settings().table_name)

    def get(self, key: Mapping[str, str]) -> Item | None:
        try:
            out = self.client.get_item(TableName=self.table, Key=to_item(key), ConsistentRead=True)
        except ClientError as exc:
            raise_unavailable_if_throttled(exc)
            raise
        item = out.get("Item")
        return from_item(item) if item else None

    def batch_get(self, keys: Sequence[Mapping[str, str]]) -> list[Item]:
        """Read up to 100 items in one round trip (plus retries of unprocessed keys)."""
        request: dict[str, Any] = {
            self.table: {"Keys": [to_item(k) for k in keys], "ConsistentRead": True}
        }
        found: list[Item] = []
        for _ in range(5):
            try:
                out = self.client.batch_get_item(RequestItems=request)
            except ClientError as exc:
                raise_unavailable_if_throttled(exc)
                raise
            found += [from_item(i) for i in out.get("Responses", {}).get(self.table, [])]
            request = dict(out.get("UnprocessedKeys") or {})
            if not request:
                return found
        raise Unavailable("The database is busy; please retry shortly.", 1)

    def transact(self, actions: list[dict[str, Any]]) -> None:
        """Run ``TransactWriteItems``, retrying contention; other failures propagate.

        A transaction cancelled only for ``TransactionConflict`` (another
        transaction held one of the items) is retried with jittered
        exponential backoff; if contention persists it ends in
        :class:`Unavailable`. A cancellation with any failed condition
        propagates as ``ClientError`` for the caller to read reason by reason.
        """
        for attempt in range(TRANSACT_ATTEMPTS):
            try:
                self.client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
                return
            except ClientError as exc:
                raise_unavailable_if_throttled(exc)
                if not _only_contention(exc):
                    raise
                if attempt == TRANSACT_ATTEMPTS - 1:
                    raise Unavailable(
                        "Too much contention on this time; retry shortly.", 1
                    ) from exc
            self.sleep(random.uniform(0, BACKOFF_BASE_SECONDS * 2**attempt))  # noqa: S311

    def put(self, item: Mapping[str, Any], **kwargs: Any) -> None:
        try:
            self.client.put_item(TableName=self.table, Item=to_item(item), **kwargs)
        except ClientError as exc:
            raise_unavailable_if_throttled(exc)
            raise

    def update(self, key: Mapping[str, str], **kwargs: Any) -> None:
        try:
            self.client.update_item(TableName=self.table, Key=to_item(key), **kwargs)
        except ClientError as exc:
            raise_unavailable_if_throttled(exc)
            raise

    def query(self, **kwargs: Any) -> tuple[list[Item], dict[str, Any] | None]:
        try:
            out = self.client.query(TableName=self.table, **kwargs)
        except ClientError as exc:
            raise_unavailable_if_throttled(exc)
            raise
        return [from_item(i) for i in out.get("Items", [])], out.get("LastEvaluatedKey")
