"""Cursor pagination over one or several sorted queries.

A cursor is opaque to clients: the positions of each query, signed with HMAC
and bound to the listing it came from, so a tampered or foreign cursor is a
400 rather than a surprise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from msgspec import Struct, field

from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.store.dynamo import Db, Item, to_values
from chalicelib.store.schema import index_keys

_DONE = "done"


class Page(Struct, frozen=True):
    items: list[Item]
    next_cursor: str | None


class SortedQuery(Struct, frozen=True):
    """One partition of one index, read in sort-key order.

    ``sk_between`` narrows the sort key to an inclusive range; ``filter`` is a
    FilterExpression over attributes ``#status``/``endsAt`` style names with
    its own names and values. Filtered queries over-read by ``slack`` items so
    that a page stays full when a few items are filtered out.
    """

    index: str | None
    partition: str
    ascending: bool = True
    sk_between: tuple[str, str] | None = None
    sk_prefix: str | None = None
    filter: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    slack: int = 0

    @property
    def pk_attr(self) -> str:
        return index_keys(self.index)[0] if self.index else "PK"

    @property
    def sk_attr(self) -> str:
        return index_keys(self.index)[1] if self.index else "SK"

    def arguments(self, limit: int) -> dict[str, Any]:
        condition = "#pk = :pk"
        names = {"#pk": self.pk_attr, **self.names}
        values: dict[str, Any] = {":pk": self.partition, **self.values}
        if self.sk_between:
            condition += " AND #sk BETWEEN :sk_lo AND :sk_hi"
            names["#sk"] = self.sk_attr
            values.update({":sk_lo": self.sk_between[0], ":sk_hi": self.sk_between[1]})
        elif self.sk_prefix:
            condition += " AND begins_with(#sk, :sk_prefix)"
            names["#sk"] = self.sk_attr
            values[":sk_prefix"] = self.sk_prefix
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_values(values),
            "ScanIndexForward": self.ascending,
            "Limit": limit + self.slack,
        }
        if self.filter:
            kwargs["FilterExpression"] = self.filter
        if self.index:
            kwargs["IndexName"] = self.index
        return kwargs


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is invalid; start again without one.",
        [FieldError("cursor", "not a cursor issued for this listing", "query")],
    )


def encode_cursor(positions: list[Any], scope: str, secret: str) -> str:
    payload = json.dumps({"p": positions, "s": scope}, separators=(",", ":"), sort_keys=True)
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()[:16]
    return f"{body}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def decode_cursor(cursor: str, scope: str, secret: str, count: int) -> list[Any]:
    """The positions inside a cursor, or ValidationFailed if it is not ours."""
    try:
        body, mac_text = cursor.split(".", 1)
        mac = base64.urlsafe_b64decode(mac_text + "=" * (-len(mac_text) % 4))
        expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(mac, expected):
            raise _bad_cursor()
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(data, dict):
        raise _bad_cursor()
    positions = data.get("p")
    if data.get("s") != scope or not isinstance(positions, list) or len(positions) != count:
        raise _bad_cursor()
    return positions


def read_sorted(
    db: Db,
    queries: Sequence[SortedQuery],
    limit: int,
    cursor: str | None,
    scope: str,
    secret: str,
) -> Page:
    """One page of the merge of ``queries`` (all sorted the same way by sort key).

    Each query reads at most ``limit`` items, so a page reads at most
    ``limit * len(queries)`` items whatever the history, in one round trip per
    query that is not exhausted.
    """
    positions: list[Any] = (
        decode_cursor(cursor, scope, secret, len(queries)) if cursor else [None] * len(queries)
    )
    fetched: list[tuple[list[Item], Any]] = []
    for query, position in zip(queries, positions, strict=True):
        if position == _DONE:
            fetched.append(([], _DONE))
            continue
        kwargs = query.arguments(limit)
        if position is not None:
            kwargs["ExclusiveStartKey"] = position
        items, last = db.query(**kwargs)
        fetched.append((items, last if last else _DONE))
    return _merge(queries, fetched, positions, limit, scope, secret)


def _merge(
    queries: Sequence[SortedQuery],
    fetched: list[tuple[list[Item], Any]],
    positions: list[Any],
    limit: int,
    scope: str,
    secret: str,
) -> Page:
    ascending = queries[0].ascending
    tagged = [
        (item[q.sk_attr], n, item)
        for n, (q, (items, _)) in enumerate(zip(queries, fetched, strict=True))
        for item in items
    ]
    tagged.sort(key=lambda t: (t[0], t[1]), reverse=not ascending)
    taken = tagged[:limit]
    new_positions: list[Any] = []
    for n, (query, (items, after)) in enumerate(zip(queries, fetched, strict=True)):
        used = [item for _, m, item in taken if m == n]
        if len(used) == len(items):
            new_positions.append(after)
        else:
            new_positions.append(_key_of(used[-1], query) if used else positions[n])
    more = any(p != _DONE for p in new_positions)
    return Page(
        items=[item for _, _, item in taken],
        next_cursor=encode_cursor(new_positions, scope, secret) if more else None,
    )


def _key_of(item: Item, query: SortedQuery) -> dict[str, Any]:
    names = ["PK", "SK"] + ([query.pk_attr, query.sk_attr] if query.index else [])
    return to_values({name: item[name] for name in dict.fromkeys(names)})
