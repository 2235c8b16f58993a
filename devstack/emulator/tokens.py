"""``ClientRequestToken`` on TransactWriteItems, as DynamoDB honours it.

botocore fills the token in by itself and sends the same one again when it
retries a call whose answer it never got. DynamoDB then answers a repeat of a
*successful* call (same token, same parameters, within 10 minutes of it)
with success and writes nothing; the same token with other parameters is an
``IdempotentParameterMismatchException``. A cancelled transaction is not
remembered: its retry runs again. Without this, a transaction that committed
while its client timed out fails its own conditions on the retry, and the
caller sees a conflict that never happened.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

TOKEN_FIELD = "ClientRequestToken"
WINDOW_SECONDS = 600.0
# Entries also leave after WINDOW_SECONDS; this only bounds memory under a
# burst no real client produces (DynamoDB has no such cap, so it errs large).
CAPACITY = 100_000


class TokenReused(Exception):
    """The token was used, within the window, by a request with other parameters."""


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": base64.b64encode(value).decode()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    raise TypeError(f"cannot digest {type(value).__name__}")


def request_digest(params: Mapping[str, Any]) -> str:
    """A canonical hash of a request's parameters, the token left out."""
    rest = {k: v for k, v in params.items() if k != TOKEN_FIELD}
    text = json.dumps(rest, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


class _Entry[T](NamedTuple):
    at: float
    digest: str
    result: T


class TokenLedger[T]:
    """Successful requests by token, for ``window`` seconds of ``clock``.

    ``clock`` must not go backwards (``time.monotonic``): entries are kept in
    the order they were made, so expiry only ever looks at the oldest.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        window: float = WINDOW_SECONDS,
        capacity: int = CAPACITY,
    ) -> None:
        self._clock = clock
        self._window = window
        self._capacity = capacity
        self._entries: OrderedDict[str, _Entry[T]] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._entries)

    def replay(self, token: str, digest: str) -> T | None:
        """The remembered result of ``token``, or None if it must run.

        Raises TokenReused if the token stands for a request with other parameters.
        """
        self._expire()
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry.digest != digest:
            raise TokenReused(token)
        return entry.result

    def remember(self, token: str, digest: str, result: T) -> None:
        self._expire()
        self._entries[token] = _Entry(self._clock(), digest, result)
        self._entries.move_to_end(token)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def _expire(self) -> None:
        cutoff = self._clock() - self._window
        while self._entries:
            token, entry = next(iter(self._entries.items()))
            if entry.at > cutoff:
                return
            del self._entries[token]
